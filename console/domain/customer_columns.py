"""The spreadsheet columns customers are exported under and imported from (issue 19): one header per
domain field key, so an export imports back without a mapping, and a job's failures CSV too."""

from __future__ import annotations

from console.domain.customer import ADDRESS_PREFIX
from console.domain.text_folding import fold

# Columns that say where a row came from; an import reads none of them as a value to send.
ACCOUNT = "Account"
PROVIDER = "Provider"
CUSTOMER_ID = "Customer id"
CREATED = "Created"
UPDATED = "Updated"
ERROR = "Error"          # a failures CSV: why the row was refused
ORIGIN_HEADERS: tuple[str, ...] = (ACCOUNT, PROVIDER, CUSTOMER_ID, CREATED, UPDATED, ERROR)

# The domain's own fields, in the order a person reads them; every provider's plain fields are among
# these or are a provider field whose header is its label (see `header_for`).
CORE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("company", "Company"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("reference_id", "Reference ID"),
    ("birthday", "Birthday"),
    ("note", "Note"),
    (ADDRESS_PREFIX + "line1", "Address line 1"),
    (ADDRESS_PREFIX + "line2", "Address line 2"),
    (ADDRESS_PREFIX + "line3", "Address line 3"),
    (ADDRESS_PREFIX + "city", "City"),
    (ADDRESS_PREFIX + "state", "State"),
    (ADDRESS_PREFIX + "postal_code", "Postal code"),
    (ADDRESS_PREFIX + "country", "Country"),
)
_HEADER_OF = dict(CORE_COLUMNS)
_KEY_OF = {fold(header): key for key, header in CORE_COLUMNS}


def header_for(key: str, label: str | None = None) -> str:
    """The column header of a field key: the core header, else the provider's label, else the key."""
    return _HEADER_OF.get(key) or label or key


def key_for_header(header: str) -> str | None:
    """The core field key a header written by `header_for` names (case and accents folded), or None."""
    return _KEY_OF.get(fold(header.strip()))
