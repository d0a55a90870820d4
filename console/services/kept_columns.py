"""A batch of kept rows as columns: what the index needs from each, split in one go per batch.

`stored_row` splits one customer's kept value into a `StoredRow` (about 4 us each: 0.4 s of a
warm start's 100,000). A batch whose values are all well formed and share one tag is split here
instead, every value joined and split once and each field taken as a slice (C-level work), and
the index takes the columns as they are (`CustomerIndex.add_kept`).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.services.row_format import FIELD, FIELDS

if TYPE_CHECKING:   # imported when needed: a warm start splits batches while the app imports (copy_reader.py)
    from console.domain.customer import Customer
    from console.services.stored_rows import StoredRow


@dataclass(slots=True)
class KeptColumns:
    """Kept rows of one tag, field by field, in load order (see `stored_rows.encode_row`); the text keys
    are side by side in memory, as `CustomerIndex` packs its own."""

    tag: str
    documents: list[str] | None   # None: read after the keys, handed over as `Documents` (copy_reader.py)
    ids: list[str]
    texts: list[str]
    phone_keys: list[str]
    name_leads: bytes
    # Seconds; or their texts joined with FIELD, where a keys-first read leaves them to the index to parse
    # once every row is searchable (CustomerIndex.parse_times): parsing was half the reader's work a row.
    # Joined, not a string each: those would outlive the batch's other parts, scattered among the index's.
    created: array[float] | str
    updated: array[float] | str
    has_email: list[bool]
    has_phone: list[bool]
    statuses: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self) -> list[StoredRow]:
        """The same rows one by one (for `CustomerIndex.add_local`)."""
        from console.services.stored_rows import StoredRow

        if self.documents is None:
            raise ValueError("the documents of these rows have not been read")
        return [StoredRow(document, customer_id, text, phone, bool(lead), facts) for
                document, customer_id, text, phone, lead, facts in zip(
                    self.documents, self.ids, self.texts, self.phone_keys, self.name_leads,
                    zip(times(self.created), times(self.updated), self.has_email, self.has_phone,
                        self.statuses, strict=True),
                    strict=True)]


def kept_columns(tag: str | None, documents: list[str] | None,
                 kept: list[str] | list[str | None]) -> KeptColumns | None:
    """The rows (each document and the value kept beside it; documents None: the keys alone) as columns,
    or None unless every value is well formed and carries `tag`."""
    if not kept or not tag or None in kept or "" in kept:
        return None
    return _columns(tag, documents, FIELD.join(kept).split(FIELD), len(kept))   # type: ignore[arg-type]


def joined_columns(tag: str, joined: str, count: int, between: str) -> KeptColumns | None:
    """`count` kept values joined with `between` (as raw_read.py reads them) as columns without their
    documents, or None unless every value is well formed and carries `tag`: one split, not two."""
    return _columns(tag, None, joined.replace(between, FIELD).split(FIELD), count, parse=False) if joined else None


def _columns(tag: str, documents: list[str] | None, parts: list[str], count: int, *,
             parse: bool = True) -> KeptColumns | None:
    # A value with a separator inside has more fields than it should, an empty one fewer: the count,
    # or a tag out of place further on, shows it.
    if len(parts) != FIELDS * count or parts[0::FIELDS].count(tag) != count:
        return None
    # The text keys copied side by side, as the index packs those it makes (a search reads them all).
    texts = FIELD.join(parts[2::FIELDS]).split(FIELD)
    created, updated = parts[5::FIELDS], parts[6::FIELDS]
    return KeptColumns(tag, documents, parts[1::FIELDS], texts, parts[3::FIELDS], bytes(map(bool, parts[4::FIELDS])),
                       array("d", map(float, created)) if parse else FIELD.join(created),
                       array("d", map(float, updated)) if parse else FIELD.join(updated),
                       list(map(bool, parts[7::FIELDS])), list(map(bool, parts[8::FIELDS])), parts[9::FIELDS])


def times(values: array[float] | str) -> array[float]:
    """Created or updated times as seconds, parsed if they are still texts (see `KeptColumns.created`)."""
    return array("d", map(float, values.split(FIELD))) if isinstance(values, str) else values


def read_batch(tag: str | None, documents: list[str],
               kept: list[str | None]) -> KeptColumns | list[Customer | StoredRow]:
    """A batch as read from the workspace: columns where it can be, else each row as a `StoredRow`
    where its value serves an index of `tag`, decoded where not (as a warm start before row keys)."""
    if (columns := kept_columns(tag, documents, kept)) is not None:
        return columns
    from console.services.stored_rows import stored_row
    from console.store.documents import decode

    return [(tag and stored_row(tag, document, value)) or decode(document)
            for document, value in zip(documents, kept, strict=True)]
