"""Authorize.net's customer profile JSON as read (lenient: unknown fields are ignored)."""

from __future__ import annotations

from pydantic import Field

from console.providers.wire_model import WireModel


class WireAddress(WireModel):
    customerAddressId: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    company: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    phoneNumber: str | None = None
    faxNumber: str | None = None
    email: str | None = None


class WireCard(WireModel):
    cardNumber: str
    expirationDate: str | None = None
    cardType: str | None = None
    issuerNumber: str | None = None


class WireBank(WireModel):
    accountNumber: str
    nameOnAccount: str | None = None
    bankName: str | None = None


class WirePayment(WireModel):
    creditCard: WireCard | None = None
    bankAccount: WireBank | None = None


class WirePaymentProfile(WireModel):
    customerPaymentProfileId: str
    customerType: str | None = None
    billTo: WireAddress | None = None
    payment: WirePayment | None = None
    defaultPaymentProfile: bool | None = None


class WireProfile(WireModel):
    customerProfileId: str
    merchantCustomerId: str | None = None
    description: str | None = None
    email: str | None = None
    paymentProfiles: list[WirePaymentProfile] = Field(default_factory=list)
    shipToList: list[WireAddress] = Field(default_factory=list)
    profileType: str | None = None


class WireListedPaymentProfile(WirePaymentProfile):
    """An item of getCustomerPaymentProfileListResponse (its ids are xs:int, read as digit strings)."""

    customerProfileId: str
