"""The parts of AnetApiSchema.xsd the CIM emulator serves: element order, lengths and patterns.

Requests are checked the way Authorize.net's validator does after turning JSON into XML: children
must come in the sequence's order, unknown or misplaced elements are refused, and text is checked
against its length and pattern. Failures become E00003 with a validator-style message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NS = "AnetApi/xml/v1/schema/AnetApiSchema.xsd"
NUMERIC = r"[0-9]+"


@dataclass(frozen=True, slots=True)
class El:
    """One child element: its type (a complex type's name, or a simple rule) and occurrence."""

    name: str
    type: str = "string"
    required: bool = False
    repeated: bool = False
    max_length: int | None = None
    min_length: int | None = None
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None  # for "int" elements (xs:int with minInclusive/maxInclusive)
    maximum: int | None = None


def _s(name: str, max_length: int | None = None, *, required: bool = False, min_length: int | None = None) -> El:
    return El(name, "string", required=required, max_length=max_length, min_length=min_length)


def _id(name: str, *, required: bool = False) -> El:
    return El(name, "numericString", required=required, pattern=NUMERIC)


def _bool(name: str) -> El:
    return El(name, "boolean")


_PREFIX = (El("merchantAuthentication", "merchantAuthenticationType", required=True), _s("clientId", 30),
           _s("refId", 20))
_ADDRESS = (_s("firstName", 50), _s("lastName", 50), _s("company", 50), _s("address", 60), _s("city", 40),
            _s("state", 40), _s("zip", 20), _s("country", 60), _s("phoneNumber", 25), _s("faxNumber", 25),
            _s("email"))
_PROFILE_BASE = (_s("merchantCustomerId", 20), _s("description", 255), _s("email", 255))
_PROFILE_TYPE = El("profileType", "string", choices=("regular", "guest"))
_PAYMENT_BASE = (El("customerType", "string", choices=("individual", "business")),
                 El("billTo", "customerAddressType"))
_PAYMENT_PROFILE = (*_PAYMENT_BASE, El("payment", "paymentType"), El("driversLicense", "driversLicenseType"),
                    _s("taxId", 9, min_length=8), _bool("defaultPaymentProfile"),
                    El("subsequentAuthInformation", "any"), _bool("excludeFromAccountUpdater"))
def _int(name: str, minimum: int, maximum: int) -> El:
    return El(name, "int", required=True, minimum=minimum, maximum=maximum)


_VALIDATION = El("validationMode", "string", choices=("none", "testMode", "liveMode", "oldLiveMode"))

TYPES: dict[str, tuple[El, ...]] = {
    "merchantAuthenticationType": (_s("name", 25), _s("transactionKey", 16), _s("sessionToken"),
                                   _s("password", 40), El("impersonationAuthentication", "any"),
                                   El("fingerPrint", "any"), _s("clientKey"), _s("accessToken"),
                                   _s("mobileDeviceId", 60)),
    "customerAddressType": _ADDRESS,
    "customerAddressExType": (*_ADDRESS, _id("customerAddressId")),
    "customerProfileType": (*_PROFILE_BASE, El("paymentProfiles", "customerPaymentProfileType", repeated=True),
                            El("shipToList", "customerAddressType", repeated=True), _PROFILE_TYPE),
    "customerProfileBaseType": _PROFILE_BASE,
    "customerProfileInfoExType": (*_PROFILE_BASE, _id("customerProfileId"), _PROFILE_TYPE),
    "customerPaymentProfileType": _PAYMENT_PROFILE,
    "customerPaymentProfileExType": (*_PAYMENT_PROFILE, _id("customerPaymentProfileId")),
    "paymentType": (El("creditCard", "creditCardType"), El("bankAccount", "bankAccountType"),
                    El("opaqueData", "opaqueDataType"), _s("dataSource")),
    "creditCardType": (_s("cardNumber", 16, required=True, min_length=4),
                       _s("expirationDate", 7, required=True, min_length=4), _s("cardCode", 4, min_length=3),
                       _bool("isPaymentToken"), _s("cryptogram")),
    "bankAccountType": (El("accountType", "string", choices=("checking", "savings", "businessChecking")),
                        _s("routingNumber", 9, required=True), _s("accountNumber", 17, required=True),
                        _s("nameOnAccount", 22, required=True), _s("echeckType"), _s("bankName", 50),
                        _s("checkNumber", 15)),
    "opaqueDataType": (_s("dataDescriptor", required=True), _s("dataValue", required=True), _s("dataKey"),
                       _s("expirationTimeStamp")),
    "driversLicenseType": (_s("number", 20, required=True, min_length=5), _s("state", 2, required=True, min_length=2),
                           _s("dateOfBirth", 10, required=True, min_length=8)),
    "ArrayOfSetting": (El("setting", "settingType", repeated=True),),
    "settingType": (_s("settingName"), _s("settingValue")),
    "CustomerPaymentProfileSorting": (El("orderBy", "string", required=True, choices=("id",)),
                                      El("orderDescending", "boolean", required=True)),
    "Paging": (_int("limit", 1, 1000), _int("offset", 1, 100000)),
    # requests
    "authenticateTestRequest": _PREFIX,
    "getCustomerProfileIdsRequest": _PREFIX,
    "createCustomerProfileRequest": (*_PREFIX, El("profile", "customerProfileType", required=True), _VALIDATION),
    "getCustomerProfileRequest": (*_PREFIX, _id("customerProfileId"), _s("merchantCustomerId", 20), _s("email"),
                                  _bool("unmaskExpirationDate"), _bool("includeIssuerInfo")),
    "updateCustomerProfileRequest": (*_PREFIX, El("profile", "customerProfileInfoExType", required=True)),
    "deleteCustomerProfileRequest": (*_PREFIX, _id("customerProfileId", required=True)),
    "createCustomerProfileFromTransactionRequest": (*_PREFIX, _id("transId", required=True),
                                                    El("customer", "customerProfileBaseType"), _id("customerProfileId"),
                                                    _bool("defaultPaymentProfile"), _bool("defaultShippingAddress"),
                                                    _PROFILE_TYPE),
    "createCustomerPaymentProfileRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                            El("paymentProfile", "customerPaymentProfileType", required=True),
                                            _VALIDATION),
    "getCustomerPaymentProfileRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                         _id("customerPaymentProfileId"), _bool("unmaskExpirationDate"),
                                         _bool("includeIssuerInfo")),
    "updateCustomerPaymentProfileRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                            El("paymentProfile", "customerPaymentProfileExType", required=True),
                                            _VALIDATION),
    "deleteCustomerPaymentProfileRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                            _id("customerPaymentProfileId", required=True)),
    "createCustomerShippingAddressRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                             El("address", "customerAddressType", required=True),
                                             _bool("defaultShippingAddress")),
    "getCustomerShippingAddressRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                          _id("customerAddressId")),
    "updateCustomerShippingAddressRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                             El("address", "customerAddressExType", required=True),
                                             _bool("defaultShippingAddress")),
    "deleteCustomerShippingAddressRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                             _id("customerAddressId", required=True)),
    "getHostedProfilePageRequest": (*_PREFIX, _id("customerProfileId", required=True),
                                    El("hostedProfileSettings", "ArrayOfSetting")),
    "getCustomerPaymentProfileListRequest": (*_PREFIX,
                                             El("searchType", "string", required=True,
                                                choices=("cardsExpiringInMonth",)),
                                             _s("month", 7, required=True, min_length=4),
                                             El("sorting", "CustomerPaymentProfileSorting"),
                                             El("paging", "Paging")),
}
REQUESTS = frozenset(name for name in TYPES if name.endswith("Request"))


class SchemaViolation(Exception):
    """What the validator says; becomes E00003's text."""


def _q(name: str) -> str:
    return f"'{name}' in namespace '{NS}'"


def check(type_name: str, element: str, value: Any) -> None:
    """Raise SchemaViolation unless `value` (parsed JSON or XML) fits `type_name`."""
    sequence = TYPES[type_name]
    if not isinstance(value, Mapping):
        expected = ", ".join(el.name for el in sequence[:6])
        raise SchemaViolation(f"The element {_q(element)} cannot contain text. List of possible elements "
                              f"expected: '{expected}' in namespace '{NS}'.")
    position = 0
    seen: set[str] = set()
    for key, child in value.items():
        index = next((i for i in range(position, len(sequence)) if sequence[i].name == key), None)
        if index is None:
            expected = ", ".join(el.name for el in _expected(sequence, position))
            raise SchemaViolation(f"The element {_q(element)} has invalid child element {_q(key)}. "
                                  f"List of possible elements expected: '{expected}' in namespace '{NS}'.")
        for skipped in sequence[position:index]:
            if skipped.required and skipped.name not in seen:
                raise SchemaViolation(f"The element {_q(element)} has invalid child element {_q(key)}. "
                                      f"List of possible elements expected: '{skipped.name}' in namespace '{NS}'.")
        el = sequence[index]
        seen.add(key)
        position = index if el.repeated else index + 1
        for item in (child if el.repeated and isinstance(child, list) else [child]):
            _check_value(el, item)
    missing = [el.name for el in sequence[position:] if el.required and el.name not in seen]
    if missing:
        raise SchemaViolation(f"The element {_q(element)} has incomplete content. List of possible elements "
                              f"expected: '{missing[0]}' in namespace '{NS}'.")


def _expected(sequence: tuple[El, ...], position: int) -> list[El]:
    out = []
    for el in sequence[position:]:
        out.append(el)
        if el.required:
            break
    return out


def _check_value(el: El, value: Any) -> None:
    if el.type in TYPES:
        check(el.type, el.name, value)
        return
    if el.type == "any":
        return
    if el.type == "boolean":
        if isinstance(value, bool) or (isinstance(value, str) and value in ("true", "false", "1", "0")):
            return
        raise SchemaViolation(f"The {_q(el.name)} element is invalid - The value '{value}' is invalid according to "
                              f"its datatype 'http://www.w3.org/2001/XMLSchema:boolean' - The string '{value}' is "
                              "not a valid Boolean value.")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SchemaViolation(f"The element {_q(el.name)} cannot contain child elements.")
    if el.type == "int":
        _check_int(el, value)
        return
    text = str(value)
    datatype = f"{NS}:{el.type}" if el.type == "numericString" else "http://www.w3.org/2001/XMLSchema:string"
    if el.pattern and not re.fullmatch(el.pattern, text):
        raise SchemaViolation(f"The '{NS}:{el.name}' element is invalid - The value '{text}' is invalid according "
                              f"to its datatype '{datatype}' - The Pattern constraint failed.")
    if el.max_length is not None and len(text) > el.max_length:
        raise SchemaViolation(f"The '{NS}:{el.name}' element is invalid - The value '{text}' is invalid according "
                              f"to its datatype '{datatype}' - The actual length is greater than the MaxLength "
                              "value.")
    if el.min_length is not None and len(text) < el.min_length:
        raise SchemaViolation(f"The '{NS}:{el.name}' element is invalid - The value '{text}' is invalid according "
                              f"to its datatype '{datatype}' - The actual length is less than the MinLength value.")
    if el.choices and text not in el.choices:
        raise SchemaViolation(f"The '{NS}:{el.name}' element is invalid - The value '{text}' is invalid according "
                              f"to its datatype - The Enumeration constraint failed.")


def _check_int(el: El, value: str | int) -> None:
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise SchemaViolation(f"The '{NS}:{el.name}' element is invalid - The value '{text}' is invalid according "
                              f"to its datatype 'http://www.w3.org/2001/XMLSchema:int' - The string '{text}' is not a "
                              "valid Int32 value.")
    number = int(text)
    if el.minimum is not None and number < el.minimum:
        raise SchemaViolation(f"The '{NS}:{el.name}' element is invalid - The value '{text}' is invalid according "
                              f"to its datatype - The MinInclusive constraint failed.")
    if el.maximum is not None and number > el.maximum:
        raise SchemaViolation(f"The '{NS}:{el.name}' element is invalid - The value '{text}' is invalid according "
                              f"to its datatype - The MaxInclusive constraint failed.")
