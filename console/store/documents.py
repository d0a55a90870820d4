"""A customer's stored JSON document: pydantic's own encoding of the domain `Customer`, compact.

Fields that hold their default are left out, so a typical Square customer takes about 500
characters instead of 800: the warm start reads 100,000 of them (P9 in benchmarks/run.py), and
both SQLCipher's decryption and pydantic's parsing cost by the character. Reading back validates
with pydantic-core, which builds these objects faster than any Python-level construction measured
(a field-by-field builder from `json.loads` took a third longer than validating).
"""

from __future__ import annotations

import array
import dataclasses
import functools
import sys
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from console.domain.customer import Customer

if TYPE_CHECKING:
    from console.domain.scan_customer import ScanCustomer

_CUSTOMER = TypeAdapter(Customer)


def encode(customer: Customer) -> str:
    """The customer as the JSON text a row's `document` holds (defaults left out)."""
    return _CUSTOMER.dump_json(customer, exclude_defaults=True).decode()


def decode(document: str) -> Customer:
    """A customer back from its `document`, validated."""
    return restore_tuples(_CUSTOMER.validate_json(document))


def document_crc(document: str) -> str:
    """The document's checksum as kept with what was made of it (8 hex digits): that stands for this
    document only while the two agree."""
    return _HEX(zlib.crc32(document.encode()))


def checksums(documents: Iterable[str]) -> Iterator[int]:
    """The checksum `document_crc` writes in hex, of each of `documents`, as a number (made in C's loops: a
    duplicate scan checks 500,000)."""
    return map(zlib.crc32, map(str.encode, documents))


def crc_texts(values: Iterable[int], after: str = "") -> Iterator[str]:
    """Each checksum of `checksums` as `document_crc` writes it, followed by `after` (made in C's loops)."""
    return map((_HEX_DIGITS + after.replace("{", "{{").replace("}", "}}")).format, values)


def crc_texts_joined(values: Sequence[int], after: str, separator: str) -> str | None:
    """`separator.join(crc_texts(values, after))`, made in C's loops (a scan compares 500,000 at once); None
    where a value is not a checksum (`separator`: one character, neither a hex digit nor in `after`)."""
    if not values:
        return ""
    if min(values) < 0 or max(values) > 0xFFFFFFFF:
        return None
    packed = array.array("I", values)
    if packed.itemsize != 4:   # an unsigned int of another size: no platform the app ships on
        return None
    if sys.byteorder == "little":
        packed.byteswap()   # the hex digits most significant first, as "{:08x}" writes them
    return packed.tobytes().hex(separator, 4).replace(separator, after + separator) + after


_HEX_DIGITS = "{:08x}"
_HEX = _HEX_DIGITS.format


@functools.cache
def _scan_view() -> TypeAdapter[ScanCustomer]:
    # Built when first asked for, not at import: a warm start imports this module on its reader's
    # thread while the app's thread imports pydantic's internals, and this adapter imports more of them.
    # Its model too: a start decodes documents for its first rows before any scan (P1b).
    from console.domain.scan_customer import ScanCustomer

    return TypeAdapter(ScanCustomer)   # the other fields are skipped as the JSON is read


def scan_view(document: str) -> ScanCustomer:
    """The fields a duplicate scan reads, from a `document` without building the customer (about a
    third of `decode`'s time and memory)."""
    return _scan_view().validate_json(document)


# Fields whose JSON comes back as the domain wants it: not the provider extras and custom fields,
# whose sequences `restore_tuples` turns back into tuples.
_PLAIN = frozenset(f.name for f in dataclasses.fields(Customer)) - {"extra", "custom_fields"}


@functools.cache
def field_reader(name: str) -> Callable[[str], Any] | None:
    """A function giving one field of a customer from its `document` without building the rest
    (about a sixth of `decode`'s cost), or None for a field it cannot read alone."""
    if name not in _PLAIN:
        return None
    field = next(f for f in dataclasses.fields(Customer) if f.name == name)
    # A field at its default is left out of the document (see `encode`); a required one never is.
    missing = None if field.default is dataclasses.MISSING else field.default
    make_missing = field.default_factory if field.default_factory is not dataclasses.MISSING else None
    one = TypeAdapter(TypedDict("_One", {name: typing.get_type_hints(Customer)[name]}, total=False))  # type: ignore[operator]

    def read(document: str) -> Any:
        found = one.validate_json(document)
        if name in found:
            return found[name]
        return make_missing() if make_missing is not None else missing
    return read


def restore_tuples(customer: Customer) -> Customer:
    """JSON has no tuples: sequences in provider extras and custom field values come back as they went in."""
    # The customer was just decoded and nothing else holds it, so its fields are set in place:
    # `dataclasses.replace` would validate the whole customer again, doubling the cost of a read.
    # Exact type checks rather than isinstance: JSON gives plain lists and dicts, and this runs for
    # every customer of a warm start (it took 40% as long as decoding itself with isinstance).
    extra = customer.extra
    if extra:
        for value in extra.values():
            if type(value) in _CONTAINERS:
                object.__setattr__(customer, "extra", _tupled(extra))
                break
    if customer.custom_fields and any(type(entry.value) is list for entry in customer.custom_fields):
        object.__setattr__(customer, "custom_fields", tuple(
            entry.model_copy(update={"value": _tupled(entry.value)}) for entry in customer.custom_fields))
    return customer


_CONTAINERS = (list, dict)


def _tupled(value: Any) -> Any:
    """Lists as tuples, at any depth (dicts stay dicts)."""
    if type(value) is list:
        return tuple([_tupled(item) if type(item) in _CONTAINERS else item for item in value])
    if type(value) is dict:
        return {key: _tupled(item) if type(item) in _CONTAINERS else item for key, item in value.items()}
    return value
