"""What the window's index makes of a customer, kept beside its document in the workspace.

A warm start reads 100,000 customers per account (500,000 in All accounts, P8 and P9 in
benchmarks/run.py); decoding each document into a `Customer` costs most of that. So a save writes,
beside each document, the customer's search keys and filter facts as the index makes them
(`row_keys`), and a warm start builds the index from those and the id alone, keeping the document
text and decoding it only when the customer itself is asked for (`CustomerIndex.at`).

The keys depend on how the index was set up (its search, name and status fields) and on how keys
are made; both are in the `tag` that starts each kept value, and a value whose tag differs (the
provider's fields changed, a newer version makes keys otherwise) is not used: that customer is
decoded and its keys made afresh, as before revision 0009.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import overload

from console.domain.customer import Customer
from console.services.row_format import FIELD, FIELDS

# Bump when the index makes its keys or facts differently: every kept value is then ignored.
KEY_FORMAT = 1
# Between the fields of a kept value. A value holding it (a search key with this character) has
# more fields than it should and is not used.
_FIELD, _FIELDS = FIELD, FIELDS


@dataclass(frozen=True, slots=True)
class StoredRow:
    """A customer as the workspace kept it: its document (decoded on demand) and what the index needs."""

    document: str
    customer_id: str
    text: str
    phone_key: str
    name_leads: bool
    facts: tuple[float, float, bool, bool, str]   # created, updated, has email, has phone, status


def keys_tag(search_fields: tuple[str, ...], name_fields: tuple[str, ...], status_field: str | None) -> str:
    """The tag of the keys an index set up with these fields makes."""
    setup = repr((KEY_FORMAT, search_fields, name_fields, status_field)).encode()
    return f"k{KEY_FORMAT}.{zlib.crc32(setup):08x}"


def encode_row(tag: str, customer_id: str, text: str, phone_key: str, name_leads: bool,
               facts: tuple[float, float, bool, bool, str]) -> str:
    """One customer's kept value."""
    created, updated, email, phone, status = facts
    return _FIELD.join((tag, customer_id, text, phone_key, "1" if name_leads else "", repr(created),
                        repr(updated), "1" if email else "", "1" if phone else "", status))


def stored_row(tag: str, document: str, kept: str | None) -> StoredRow | None:
    """The stored row, or None when `kept` is missing or was made by another setup (see `keys_tag`)."""
    if not kept or not kept.startswith(tag):
        return None
    parts = kept.split(_FIELD)
    if len(parts) != _FIELDS or parts[0] != tag:
        return None
    _, customer_id, text, phone_key, leads, created, updated, email, phone, status = parts
    return StoredRow(document, customer_id, text, phone_key, bool(leads),
                     (float(created), float(updated), bool(email), bool(phone), status))


class KeptCustomers(Sequence[Customer]):
    """An account's customers as read from the workspace: decoded ones, and kept rows decoded when
    looked at. Once the read is over (`compact`) a kept row is held as its document alone, the
    index's own string, so a copy outliving its read costs a pointer a customer."""

    def __init__(self) -> None:
        self._items: list[Customer | StoredRow | str] = []

    def extend(self, items: Iterable[Customer | StoredRow | str]) -> None:
        self._items.extend(items)

    def compact(self) -> None:
        """Hold kept rows as their documents from now on (their keys are the index's business)."""
        self._items = [item.document if isinstance(item, StoredRow) else item for item in self._items]

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Customer: ...
    @overload
    def __getitem__(self, index: slice) -> list[Customer]: ...

    def __getitem__(self, index: int | slice) -> Customer | list[Customer]:
        if isinstance(index, slice):
            return [_customer(item) for item in self._items[index]]
        return _customer(self._items[index])


def _customer(item: Customer | StoredRow | str) -> Customer:
    if isinstance(item, StoredRow | str):
        from console.store.documents import decode  # the store's adapter, built when first needed

        return decode(item if isinstance(item, str) else item.document)
    return item
