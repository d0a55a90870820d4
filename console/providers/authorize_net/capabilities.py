"""What Authorize.net's Customer Information Manager offers, and how an account reaches it."""

from __future__ import annotations

from console.domain.capabilities import (
    Capabilities,
    Choice,
    CollectionKind,
    CollectionSpec,
    ColumnSpec,
    CreateFromSpec,
    DashboardLinks,
    FieldKind,
    FieldSpec,
    SearchKey,
)
from console.domain.card_forms import CardFormSpec
from console.providers.registry import CredentialField, OptionField, ProviderInfo, by_environment

KEY = "authorize-net"
NAME = "Authorize.net"
PRODUCTION_URL = "https://api.authorize.net/xml/v1/request.api"
SANDBOX_URL = "https://apitest.authorize.net/xml/v1/request.api"
# Profiles fetched at once unless the account says otherwise. A full load costs 1 + profiles/N
# round trips where one at a time costs 1 + profiles, so N caps the speed-up: 8 (the first
# default) could never make the 8x of benchmarks/run.py P3 (7.97x at most for 2,000 profiles).
# Authorize.net publishes no rate limit; its overload answers (E00053, 429) are retried with backoff.
DEFAULT_CONCURRENCY = 10
MAX_PAYMENT_PROFILES = 10
MAX_SHIPPING_ADDRESSES = 100

_SHIPPING_FIELDS = (
    FieldSpec(key="first_name", label="First name", max_length=50),
    FieldSpec(key="last_name", label="Last name", max_length=50),
    FieldSpec(key="company", label="Company", max_length=50),
    FieldSpec(key="line1", label="Address", max_length=60),
    FieldSpec(key="city", label="City", max_length=40),
    FieldSpec(key="state", label="State", max_length=40),
    FieldSpec(key="postal_code", label="Zip", max_length=20),
    FieldSpec(key="country", label="Country", max_length=60),
    FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, max_digits=25),
)

CAPABILITIES = Capabilities(
    provider=KEY,
    display_name=NAME,
    fields=(
        FieldSpec(key="description", label="Description", max_length=255,
                  help="Often the customer's name; the table shows it as the name."),
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, max_length=255),
        FieldSpec(key="reference_id", label="Merchant customer id", max_length=20,
                  help="Your own id for this customer (at most 20 characters)."),
        FieldSpec(key="profile_type", label="Profile type", kind=FieldKind.CHOICE, default="regular",
                  choices=(Choice(value="regular", label="Regular"), Choice(value="guest", label="Guest"))),
        # The default payment profile's bill-to, shown read-only: it is changed where the card is.
        *(FieldSpec(key=key, label=label, kind=kind, editable=False, help="From the default payment profile.")
          for key, label, kind in (("bill_to_name", "Billing name", FieldKind.TEXT),
                                   ("bill_to_address", "Billing address", FieldKind.TEXT),
                                   ("bill_to_phone", "Billing phone", FieldKind.PHONE))),
    ),
    required_one_of=(("description", "email", "reference_id"),),
    columns=(
        ColumnSpec(key="name", label="Name", width=220),
        ColumnSpec(key="email", label="Email", width=230),
        ColumnSpec(key="reference_id", label="Merchant customer id", width=150),
        ColumnSpec(key="card_summary", label="Default card", width=150),
        ColumnSpec(key="id", label="Profile id", width=110),
    ),
    name_fields=("description", "bill_to_name", "email", "reference_id"),
    name_source="From the description, else the default payment profile's bill-to name",
    search_fields=("name", "email", "reference_id", "description", "bill_to_name"),
    server_exact=frozenset({SearchKey.EMAIL, SearchKey.REFERENCE_ID}),
    collections=(
        CollectionSpec(kind=CollectionKind.PAYMENT_METHODS, label="Payment profiles",
                       columns=(ColumnSpec(key="masked", label="Card", width=180),
                                ColumnSpec(key="expiry", label="Expires", width=80),
                                ColumnSpec(key="holder_name", label="Bill to", width=180)),
                       can_delete=True, can_set_default=True, max_items=MAX_PAYMENT_PROFILES,
                       note="Add opens Authorize.net's own card form (Accept Customer) in your browser; "
                            "the card is typed there, and the console never sees its number."),
        CollectionSpec(kind=CollectionKind.SHIPPING_ADDRESSES, label="Shipping addresses",
                       columns=(ColumnSpec(key="one_line", label="Address", width=380),),
                       fields=_SHIPPING_FIELDS, can_add=True, can_edit=True, can_delete=True, can_set_default=True,
                       max_items=MAX_SHIPPING_ADDRESSES, on_create=True, default_from_detail=True),
    ),
    # Accept Customer's hosted form needs only the API credentials, and saves the card itself.
    card_form=CardFormSpec(note="The card is typed into Authorize.net's own form (Accept Customer) and saved "
                                "there; the console then reads the profile again to show it."),
    create_from=CreateFromSpec(label="New from transaction…", prompt="Transaction id", pattern="[0-9]+",
                               pattern_message="A transaction id is digits only."),
    # The classic Merchant Interface's profile page (wave2-facts.md §2; needs a signed-in session).
    dashboard=DashboardLinks(customer={
        "production": "https://account.authorize.net/UI/themes/anet/CustomerProfile/ViewCustomerProfile.aspx"
                      "?ProfileID={id}",
        "sandbox": "https://sandbox.authorize.net/UI/themes/sandbox/CustomerProfile/ViewCustomerProfile.aspx"
                   "?ProfileID={id}"}),
)


CREDENTIALS = (CredentialField(key="login_id", label="API Login ID"),
               CredentialField(key="transaction_key", label="Transaction Key",
                               help="From Account → Settings → API Credentials & Keys in the Merchant Interface."))
OPTIONS = (OptionField(key="concurrency", label="Profiles fetched at once", default=str(DEFAULT_CONCURRENCY),
                       help="How many customer profiles are fetched in parallel while loading (1 to 32)."),)
base_url = by_environment(production=PRODUCTION_URL, sandbox=SANDBOX_URL)


INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client_path=f"{__package__}.client:AuthorizeNetProvider",
                    credentials=CREDENTIALS, base_url=base_url, options=OPTIONS)
