"""What Digital River's customers API offers, and how an account reaches it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.domain.capabilities import (
    ActionSpec,
    Capabilities,
    Choice,
    CollectionKind,
    CollectionSpec,
    ColumnSpec,
    Confirm,
    DashboardLinks,
    FieldKind,
    FieldSpec,
    SearchKey,
    StatusFilterSpec,
    StatusNote,
)
from console.domain.card_forms import CardFormSpec
from console.providers.base import Environment
from console.providers.registry import CredentialField, OptionField, ProviderInfo

KEY = "digital-river"
NAME = "Digital River"
BASE_URL = "https://api.digitalriver.com"
API_VERSION = "2021-12-13"   # pinned: tax identifiers and request shapes depend on the account's version
PAGE_SIZE = 100
ID_MAX = 40

_SHIPPING = "Shipping"
_SETTINGS = "Settings"
STATUS_ERASURE = "Erasure requested"
STATUS_DISABLED = "Disabled"
PUBLIC_KEY = "public_key"   # the account option DigitalRiver.js's card form needs

CAPABILITIES = Capabilities(
    provider=KEY,
    display_name=NAME,
    fields=(
        # The customer's own id (Customer.id), so an existing customer shows it, read-only.
        FieldSpec(key="id", label="Customer id", create_only=True, max_length=ID_MAX,
                  pattern=r"[A-Za-z0-9._:-]+", pattern_message="Letters, digits and . _ : - only.",
                  help="Optional: your own id for this customer (at most 40 characters). Left empty, "
                       "the console makes one."),
        # Top-level email and locale are non-nullable strings in UpdateCustomerRequest: once set, Digital
        # River offers no way to clear them (the shipping fields are nullable and can be cleared).
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, clearable=False,
                  help="Digital River allows several customers with the same email."),
        FieldSpec(key="type", label="Type", kind=FieldKind.CHOICE, default="individual",
                  choices=(Choice(value="individual", label="Individual"), Choice(value="business", label="Business"))),
        FieldSpec(key="locale", label="Locale", pattern="[a-z]{2}_[A-Z]{2}", clearable=False,
                  pattern_message="Language and country, e.g. en_US or de_DE.", placeholder="en_US"),
        FieldSpec(key="enabled", label="Enabled (may place orders)", kind=FieldKind.BOOL, default=True,
                  confirm=Confirm(value=False, message="Disabling this customer blocks new orders for them "
                                                       "until they are enabled again. Disable them?")),
        FieldSpec(key="given_name", label="Name", section=_SHIPPING),
        FieldSpec(key="company", label="Organization", section=_SHIPPING),
        FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, section=_SHIPPING),
        FieldSpec(key="shipping_email", label="Email for shipping", kind=FieldKind.EMAIL, section=_SHIPPING),
        FieldSpec(key="address.line1", label="Address line 1", section=_SHIPPING),
        FieldSpec(key="address.line2", label="Address line 2", section=_SHIPPING),
        FieldSpec(key="address.city", label="City", section=_SHIPPING),
        FieldSpec(key="address.state", label="State / region", section=_SHIPPING),
        FieldSpec(key="address.postal_code", label="Postal code", section=_SHIPPING),
        FieldSpec(key="address.country", label="Country", section=_SHIPPING, pattern="[A-Z]{2}",
                  pattern_message="Two capital letters (ISO 3166 code), e.g. US; needed with any address.",
                  placeholder="US"),
        FieldSpec(key="metadata", label="Metadata", kind=FieldKind.KEY_VALUE, section=_SETTINGS,
                  max_entries=20, max_key_length=40, max_value_length=500,
                  help="At most 20 pairs; keys up to 40 and values up to 500 characters. No personal data."),
    ),
    columns=(
        ColumnSpec(key="name", label="Name", width=200, tooltip="The shipping name (or organization)"),
        ColumnSpec(key="email", label="Email", width=230),
        ColumnSpec(key="phone", label="Phone", width=140),
        ColumnSpec(key="type", label="Type", width=90),
        ColumnSpec(key="status", label="Status", width=140),
        ColumnSpec(key="created_at", label="Created", width=140),
    ),
    name_fields=("full_name", "company", "email", "phone"),
    name_source="From the shipping name, else the organization",
    search_fields=("name", "company", "email", "phone", "status"),
    server_exact=frozenset({SearchKey.EMAIL}),
    idempotent_create=True,   # through the id the client sends with every create
    collections=(
        CollectionSpec(kind=CollectionKind.TAX_IDS, label="Tax identifiers",
                       columns=(ColumnSpec(key="type", label="Type", width=100),
                                ColumnSpec(key="value", label="Value", width=200),
                                ColumnSpec(key="state", label="State", width=100)),
                       fields=(FieldSpec(key="type", label="Type", required=True, placeholder="de",
                                         help="Digital River's type code, e.g. de, gb, eu_vat."),
                               FieldSpec(key="value", label="Value", required=True, placeholder="DE123456789")),
                       can_add=True, can_delete=True),
        CollectionSpec(kind=CollectionKind.PAYMENT_METHODS, label="Payment sources",
                       columns=(ColumnSpec(key="masked", label="Source", width=200),
                                ColumnSpec(key="expiry", label="Expires", width=80),
                                ColumnSpec(key="holder_name", label="Owner", width=180)),
                       can_set_default=True, can_delete=True, default_label="Default",
                       note="Cards are added through Digital River's own card form (DigitalRiver.js) and "
                            "shown masked; one can be made the default. Removing one cancels it at Digital "
                            "River, so it cannot be added back."),
    ),
    actions=(
        ActionSpec(key="forget", label="Record request to be forgotten…",
                   values={"request_to_be_forgotten": True},
                   confirm="Record that {name} asked to be forgotten? Digital River erases their personal "
                           "data after its retention period. This cannot be undone.",
                   hidden_when={"request_to_be_forgotten": True}),
    ),
    status_notes=(
        StatusNote(key="request_to_be_forgotten", value=True,
                   message="Asked to be forgotten: their personal data is erased after the provider's retention "
                           "period."),
        StatusNote(key="enabled", value=False,
                   message="Disabled: this customer cannot place orders until enabled again."),
    ),
    status_filter=StatusFilterSpec(key="status", label="Status", empty_label="Active"),
    # One dashboard for test and live (a toggle in it); no page per customer (wave2-facts.md §2).
    dashboard=DashboardLinks(home={"production": "https://dashboard.digitalriver.com/",
                                   "sandbox": "https://dashboard.digitalriver.com/"}),
    # DigitalRiver.js makes a source with the public key; the first one saved becomes the default.
    card_form=CardFormSpec(required_options=(PUBLIC_KEY,), has_default=True),
)


def environment_of_key(credentials: Mapping[str, str]) -> Environment | None:
    """A `sk_test_` key is test (sandbox); any other `sk_` key is live."""
    key = credentials.get("secret_key", "")
    if not key:
        return None
    return "sandbox" if key.startswith("sk_test_") else "production"


CREDENTIALS = (CredentialField(key="secret_key", label="Secret key",
                               help="A confidential key from the Digital River Dashboard: sk_test_... for test "
                                    "data, sk_... for live. The key decides the environment."),)
OPTIONS = (OptionField(key=PUBLIC_KEY, label="Public key",
                       help="For adding cards: the public key of the same mode as the secret key (pk_test_... "
                            "for test data), from the Digital River Dashboard. DigitalRiver.js uses it in "
                            "the browser; it is not secret."),)


def base_url(environment: Environment, options: Mapping[str, Any]) -> str:
    """One host for test and live: the key decides."""
    return BASE_URL


INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client_path=f"{__package__}.client:DigitalRiverProvider",
                    credentials=CREDENTIALS, base_url=base_url, options=OPTIONS,
                    environment_from_credentials=environment_of_key)
