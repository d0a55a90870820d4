"""What Square's customer API offers (Square-Version 2025-08-20), and how an account reaches it."""

from __future__ import annotations

from console.domain.capabilities import (
    Capabilities,
    CollectionKind,
    CollectionSpec,
    ColumnSpec,
    DashboardLinks,
    FieldKind,
    FieldSpec,
    SearchKey,
    StatusFilterSpec,
)
from console.domain.card_forms import CardFormSpec
from console.providers.registry import CredentialField, OptionField, ProviderInfo, by_environment

KEY = "square"
SQUARE_VERSION = "2025-08-20"
PRODUCTION_URL = "https://connect.squareup.com"
SANDBOX_URL = "https://connect.squareupsandbox.com"
BULK_LIMIT = 100
PAGE_SIZE = 100
NAME = "Square"

_ADDRESS = "Address"
CAPABILITIES = Capabilities(
    provider=KEY,
    display_name=NAME,
    fields=(
        FieldSpec(key="given_name", label="First name", max_length=300),
        FieldSpec(key="family_name", label="Last name", max_length=300),
        FieldSpec(key="company", label="Company", max_length=500),
        FieldSpec(key="nickname", label="Nickname", max_length=100),
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, max_length=254),
        FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, min_digits=9, max_digits=16,
                  placeholder="+1 206-555-0100",
                  help="9 to 16 digits, optionally with a leading + and country code."),
        FieldSpec(key="reference_id", label="Reference ID", max_length=100,
                  help="Your own id for this customer, e.g. from your CRM."),
        FieldSpec(key="birthday", label="Birthday", kind=FieldKind.DATE, allow_no_year=True,
                  placeholder="YYYY-MM-DD or MM-DD"),
        FieldSpec(key="note", label="Note", kind=FieldKind.MULTILINE),
        FieldSpec(key="address.line1", label="Address line 1", section=_ADDRESS),
        FieldSpec(key="address.line2", label="Address line 2", section=_ADDRESS),
        FieldSpec(key="address.line3", label="Address line 3", section=_ADDRESS),
        FieldSpec(key="address.city", label="City", section=_ADDRESS),
        FieldSpec(key="address.state", label="State / region", section=_ADDRESS),
        FieldSpec(key="address.postal_code", label="Postal code", section=_ADDRESS),
        FieldSpec(key="address.country", label="Country", section=_ADDRESS, pattern="[A-Z]{2}",
                  pattern_message="Two capital letters (ISO 3166 code), e.g. US or GB.",
                  placeholder="US"),
        FieldSpec(key="eu_vat", label="EU VAT number", section="Square", max_length=20,
                  pattern="[A-Za-z0-9]+", pattern_message="Letters and digits only.",
                  help="Only used by Square for sellers in the EU or the UK."),
        FieldSpec(key="creation_source", label="Created through", section="Square", editable=False),
        FieldSpec(key="email_unsubscribed", label="Unsubscribed from marketing email",
                  kind=FieldKind.BOOL, section="Square", editable=False),
    ),
    required_one_of=(("given_name", "family_name", "company", "email", "phone"),),
    server_exact=frozenset({SearchKey.EMAIL, SearchKey.PHONE, SearchKey.REFERENCE_ID}),
    server_fuzzy=frozenset({SearchKey.EMAIL, SearchKey.PHONE, SearchKey.REFERENCE_ID}),
    versioned=True,
    bulk_limit=BULK_LIMIT,
    groups=True,
    idempotent_create=True,
    collections=(
        CollectionSpec(kind=CollectionKind.PAYMENT_METHODS, label="Cards",
                       columns=(ColumnSpec(key="masked", label="Card", width=200),
                                ColumnSpec(key="first6", label="First 6", width=80),
                                ColumnSpec(key="expiry", label="Expires", width=80)),
                       can_delete=True,
                       note="Cards on file (Cards API), masked. Removing one disables it at Square."),
    ),
    # The Web Payments SDK card form; Square keeps no default card.
    card_form=CardFormSpec(
        required_options=("application_id", "location_id"), has_default=False,
        note="Square's card form runs on the loopback page only in the sandbox: in production Square needs "
             "an HTTPS page, so staff add cards in Square's dashboard there."),
    custom_fields=True,
    status_filter=StatusFilterSpec(key="creation_source", label="Created through", empty_label="Not given"),
    # Deep links are not documented; seen in third-party code (shared/api/wave2-facts.md §2).
    dashboard=DashboardLinks(customer={
        "production": "https://app.squareup.com/dashboard/customers/directory/customer/{id}",
        "sandbox": "https://app.squareupsandbox.com/dashboard/customers/directory/customer/{id}"}),
)


CREDENTIALS = (CredentialField(key="token", label="Access token",
                               help="A personal access token or OAuth token from the Square "
                                    "Developer Dashboard (sandbox tokens work only on sandbox)."),)
OPTIONS = (
    OptionField(key="application_id", label="Application ID",
                help="For adding cards: the application's ID from the Square Developer Dashboard "
                     "(Credentials; a sandbox one starts with sandbox-sq0idb-)."),
    OptionField(key="location_id", label="Location ID",
                help="For adding cards: the ID of a location of the seller (Developer Dashboard, Locations)."),
)
base_url = by_environment(production=PRODUCTION_URL, sandbox=SANDBOX_URL)


INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client_path=f"{__package__}.client:SquareProvider",
                    credentials=CREDENTIALS, base_url=base_url, options=OPTIONS)
