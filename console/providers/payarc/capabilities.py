"""What PayArc's customers API offers, and how an account reaches it."""

from __future__ import annotations

from console.domain.capabilities import (
    Capabilities,
    CollectionKind,
    CollectionSpec,
    ColumnSpec,
    DashboardLinks,
    FieldKind,
    FieldSpec,
)
from console.domain.card_forms import CardFormSpec
from console.providers.registry import CredentialField, OptionField, ProviderInfo, by_environment

KEY = "payarc"
NAME = "PayArc"
PRODUCTION_URL = "https://api.payarc.net/v1"
SANDBOX_URL = "https://testapi.payarc.net/v1"
PAGE_SIZE = 100

_LETTERS = "[A-Za-z ]+"
_LETTERS_MESSAGE = ("Letters and spaces only: PayArc refuses apostrophes, hyphens, accents and digits "
                    "(type O'Brien as OBrien).")
_ADDRESS = "Address"
_INVOICES = "Invoices"

CAPABILITIES = Capabilities(
    provider=KEY,
    display_name=NAME,
    fields=(
        # PayArc keeps one name; it lives in given_name so the table's name column reads it.
        FieldSpec(key="given_name", label="Name", min_length=3, max_length=50, pattern=_LETTERS,
                  pattern_message=_LETTERS_MESSAGE, clearable=False),
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, max_length=40, clearable=False),
        FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, min_digits=2, max_digits=11,
                  digits_only=True, clearable=False, placeholder="5417543010",
                  help="2 to 11 digits, nothing else: PayArc refuses spaces, dashes and '+'."),
        FieldSpec(key="description", label="Description", min_length=5, max_length=50, clearable=False),
        FieldSpec(key="send_email_address", label="Send invoices to", kind=FieldKind.EMAIL, section=_INVOICES,
                  min_length=5, max_length=40, clearable=False),
        FieldSpec(key="cc_email_address", label="Copy invoices to", kind=FieldKind.EMAIL, section=_INVOICES,
                  min_length=5, max_length=40, clearable=False),
        FieldSpec(key="address.line1", label="Address line 1", section=_ADDRESS, min_length=5, max_length=50,
                  clearable=False),
        FieldSpec(key="address.line2", label="Address line 2", section=_ADDRESS, min_length=5, max_length=50,
                  clearable=False),
        FieldSpec(key="address.city", label="City", section=_ADDRESS, min_length=2, max_length=50,
                  pattern=_LETTERS, pattern_message="Letters and spaces only.", clearable=False),
        FieldSpec(key="address.state", label="State", section=_ADDRESS, min_length=2, max_length=50,
                  pattern=_LETTERS, pattern_message="Letters and spaces only.", clearable=False),
        FieldSpec(key="address.postal_code", label="Zip", section=_ADDRESS, max_length=10, pattern="[0-9-]+",
                  pattern_message="Digits and hyphens only, e.g. 10469-2345.", clearable=False),
        FieldSpec(key="address.country", label="Country", section=_ADDRESS, min_length=2, max_length=50,
                  pattern="[A-Za-z ]+", pattern_message="Letters and spaces only, e.g. US.", clearable=False),
    ),
    columns=(
        ColumnSpec(key="name", label="Name", width=200),
        ColumnSpec(key="email", label="Email", width=230),
        ColumnSpec(key="phone", label="Phone", width=130),
        ColumnSpec(key="description", label="Description", width=220),
        ColumnSpec(key="address.city", label="City", width=130),
        ColumnSpec(key="created_at", label="Created", width=140),
    ),
    name_fields=("full_name", "email", "phone", "description"),
    search_fields=("name", "email", "phone", "description", "address.city"),
    collections=(
        CollectionSpec(kind=CollectionKind.PAYMENT_METHODS, label="Cards",
                       columns=(ColumnSpec(key="masked", label="Card", width=180),
                                ColumnSpec(key="expiry", label="Expires", width=80),
                                ColumnSpec(key="holder_name", label="Card holder", width=180)),
                       note="Cards are added in PayArc's dashboard (PayArc has no card form the console "
                            "could open); here they are shown masked."),
    ),
    # No documented page per customer (wave2-facts.md §2).
    dashboard=DashboardLinks(home={"production": "https://dashboard.payarc.net",
                                   "sandbox": "https://testdashboard.payarc.net"}),
    # PayArc documents a card on file only as POST /v1/tokens with the card's number, from the
    # merchant's server, then token_id on the customer; its hosted checkout (orders' payment_form_url)
    # takes a one-time payment and saves nothing; no browser tokenizer is published (docs.payarc.net,
    # "Assigning Payment Methods", "Pay By Card", "Create an Order"; the official SDKs).
    card_form=CardFormSpec(hosted=False, note=(
        "PayArc offers no secure card form of its own for saving a card: its API would need the card number "
        "typed into this console, which it never accepts. Add the card in PayArc's dashboard instead; it "
        "then shows here, masked.")),
)


CREDENTIALS = (CredentialField(key="token", label="API access token",
                               help="The Secret Key under API in the PayArc dashboard; test and "
                                    "production tokens are different."),)
OPTIONS = (OptionField(key="body_encoding", label="Request bodies",
                       choices=(("form", "Form-encoded (as PayArc documents)"), ("json", "JSON (as the SDKs send)")),
                       default="form"),)
base_url = by_environment(production=PRODUCTION_URL, sandbox=SANDBOX_URL)


INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client_path=f"{__package__}.client:PayArcProvider",
                    credentials=CREDENTIALS, base_url=base_url, options=OPTIONS)
