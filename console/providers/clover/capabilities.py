"""What Clover's Platform REST API v3 offers for customers, and how an account reaches it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.domain.capabilities import (
    Capabilities,
    CollectionKind,
    CollectionSpec,
    ColumnSpec,
    DashboardLinks,
    FieldKind,
    FieldSpec,
    SearchKey,
)
from console.domain.card_forms import CardFormSpec
from console.domain.customer import ADDRESS_PREFIX
from console.providers.registry import CredentialField, OptionField, ProviderInfo

KEY = "clover"
NAME = "Clover"
SANDBOX_URL = "https://apisandbox.dev.clover.com"
PRODUCTION_URLS = {"na": "https://api.clover.com", "eu": "https://api.eu.clover.com", "la": "https://api.la.clover.com"}
PAGE_SIZE = 100
# A server search (exact email, phone or name, or a date range) stops after this many full pages:
# no lookup should match 10,000 customers, and a server that pages forever must not hang the app.
MAX_SEARCH_PAGES = 100
MAX_IN_FLIGHT = 5
MAX_PER_SECOND = 16
# Counted over a little more than a second: requests reach Clover after varying delays. 30 ms of
# margin: a job spacing its requests evenly keeps 97% of the rate (benchmarks P14 asks for 95%).
RATE_WINDOW_S = 1.03
EXPAND = "addresses,emailAddresses,phoneNumbers,cards,metadata"

_NEW = "First contact details"
_ADDRESS_FIELDS = (
    FieldSpec(key="line1", label="Address line 1", required=True, max_length=127),
    FieldSpec(key="line2", label="Address line 2", max_length=127),
    FieldSpec(key="line3", label="Address line 3", max_length=127),
    FieldSpec(key="city", label="City", required=True, max_length=127),
    FieldSpec(key="state", label="State", required=True, max_length=127),
    FieldSpec(key="postal_code", label="Zip", required=True, max_length=10),
    FieldSpec(key="country", label="Country", required=True, pattern="[A-Z]{2}",
              pattern_message="Two capital letters (ISO 3166 code), e.g. US.", placeholder="US"),
)

CAPABILITIES = Capabilities(
    provider=KEY,
    display_name=NAME,
    fields=(
        FieldSpec(key="given_name", label="First name", max_length=64),
        FieldSpec(key="family_name", label="Last name", max_length=64),
        FieldSpec(key="company", label="Business name", max_length=127),
        FieldSpec(key="birthday", label="Date of birth", kind=FieldKind.DATE, allow_no_year=True,
                  placeholder="YYYY-MM-DD or MM-DD"),
        FieldSpec(key="note", label="Note", kind=FieldKind.MULTILINE, max_length=2000),
        FieldSpec(key="marketing_allowed", label="Marketing allowed", kind=FieldKind.BOOL,
                  help="Clover honours this only for its own apps; others' changes may be ignored."),
        # On a new customer the first email, phone and address go in with the create; after that
        # they are edited on their own tabs (Clover's sub-resources).
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, section=_NEW, create_only=True),
        FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, section=_NEW, create_only=True),
        *(spec.model_copy(update={"key": ADDRESS_PREFIX + spec.key, "section": _NEW, "required": False,
                                  "create_only": True}) for spec in _ADDRESS_FIELDS),
    ),
    required_one_of=(("given_name", "family_name", "company", "email", "phone"),),
    # Clover takes an address only whole: address1, city, state, zip and country (clover.md, Address).
    required_together=((tuple(ADDRESS_PREFIX + spec.key for spec in _ADDRESS_FIELDS),
                        tuple(ADDRESS_PREFIX + spec.key for spec in _ADDRESS_FIELDS if spec.required)),),
    columns=(
        ColumnSpec(key="name", label="Name", width=200),
        ColumnSpec(key="company", label="Business", width=170),
        ColumnSpec(key="email", label="Email", width=230, tooltip="The primary email address"),
        ColumnSpec(key="phone", label="Phone", width=140, tooltip="The first phone number"),
        ColumnSpec(key="address.city", label="City", width=130),
        ColumnSpec(key="created_at", label="Customer since", width=140),
    ),
    search_fields=("name", "company", "email", "phone", "address.city"),
    server_exact=frozenset({SearchKey.EMAIL, SearchKey.PHONE, SearchKey.NAME}),
    collections=(
        CollectionSpec(kind=CollectionKind.ADDRESSES, label="Addresses",
                       columns=(ColumnSpec(key="one_line", label="Address", width=360),),
                       fields=_ADDRESS_FIELDS, can_add=True, can_edit=True, can_delete=True, max_items=100),
        CollectionSpec(kind=CollectionKind.EMAILS, label="Email addresses",
                       columns=(ColumnSpec(key="value", label="Email", width=300),),
                       fields=(FieldSpec(key="value", label="Email", kind=FieldKind.EMAIL, required=True),),
                       can_add=True, can_edit=True, can_delete=True, can_set_default=True,
                       default_label="Primary", max_items=100),
        CollectionSpec(kind=CollectionKind.PHONES, label="Phone numbers",
                       columns=(ColumnSpec(key="value", label="Phone", width=200),),
                       fields=(FieldSpec(key="value", label="Phone", kind=FieldKind.PHONE, required=True),),
                       can_add=True, can_edit=True, can_delete=True, max_items=100),
        CollectionSpec(kind=CollectionKind.PAYMENT_METHODS, label="Cards",
                       columns=(ColumnSpec(key="masked", label="Card", width=200),
                                ColumnSpec(key="first6", label="First 6", width=80),
                                ColumnSpec(key="expiry", label="Expires", width=80)),
                       note="Saved cards are shown masked; new ones are added through Clover's card form."),
    ),
    # The hosted iframe tokenizer (public key) and the Ecommerce API (private key); Clover keeps no default card.
    card_form=CardFormSpec(required_options=("ecommerce_public_key",),
                           required_credentials=("ecommerce_private_key",), has_default=False,
                           note="Cards are added through Clover's Ecommerce API, which serves merchants in the "
                                "US and Canada."),
    # No documented page per customer: the regional Merchant Dashboard (wave2-facts.md §2).
    dashboard=DashboardLinks(home={
        "production": "https://www.clover.com/dashboard",
        "production/eu": "https://www.eu.clover.com/dashboard",
        "production/la": "https://www.la.clover.com/dashboard",
        "sandbox": "https://sandbox.dev.clover.com/dashboard"}),
)


CREDENTIALS = (CredentialField(key="token", label="API token",
                               help="An OAuth access token of an app the merchant installed, or in the "
                                    "sandbox a merchant test API token (needs Customers read and write)."),
               CredentialField(key="ecommerce_private_key", label="Ecommerce private key", required=False,
                               help="Only for adding cards: the merchant's Ecommerce API private key (Dashboard, "
                                    "Account & Setup, Ecommerce API Tokens)."))
OPTIONS = (
    OptionField(key="merchant_id", label="Merchant id", required=True,
                help="The 13-character merchant id (in the Clover dashboard's address)."),
    OptionField(key="region", label="Region",
                choices=(("na", "North America"), ("eu", "Europe"), ("la", "Latin America")), default="na",
                help="Production only: the sandbox is one host for every region."),
    OptionField(key="ecommerce_public_key", label="Ecommerce public key",
                help="Only for adding cards: the merchant's Ecommerce API public key, which the card form "
                     "uses (Dashboard, Account & Setup, Ecommerce API Tokens)."),
)


def base_url(environment: str, options: Mapping[str, Any]) -> str:
    """The sandbox host, or the production host of the account's region."""
    if environment != "production":
        return SANDBOX_URL
    return PRODUCTION_URLS.get(str(options.get("region") or "na"), PRODUCTION_URLS["na"])


INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client_path=f"{__package__}.client:CloverProvider",
                    credentials=CREDENTIALS, base_url=base_url, options=OPTIONS)
