"""Which field each column of an imported file fills (issue 19): guessed from the headers, remembered
per header set, or read from a mapping file. Targets are the target account's field keys. No Qt.

A mapping file (`customer-console import --mapping MAP.json`) is JSON:

    {"columns": {"E-mail": "email", "Mobile": "phone", "Internal code": null}}

Each key is a column header of the file (case, accents and spaces do not matter); each value a field
key of the target account (`given_name`, `email`, `address.postal_code`, ...) or null to ignore that
column. Columns the file has but the mapping does not name are guessed as usual.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from console.domain.capabilities import Capabilities, FieldKind, FieldSpec
from console.domain.customer import ADDRESS_PREFIX
from console.domain.customer_columns import ORIGIN_HEADERS, key_for_header
from console.domain.text_folding import fold
from console.services.atomic_file import write_atomic
from console.services.import_reader import ImportFileError

Mapping = list[str | None]    # per column: the target field key, or None to ignore it
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_A = ADDRESS_PREFIX
# Real-world spellings, normalised as `normalise_header` leaves them.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "given_name": ("first name", "firstname", "first", "given name", "givenname", "forename", "fname",
                   "christian name", "prenom", "vorname", "nombre", "name first"),
    "family_name": ("last name", "lastname", "last", "surname", "family name", "familyname", "lname",
                    "nachname", "nom", "apellido", "apellidos", "name last"),
    "company": ("company", "company name", "companyname", "organisation", "organization", "organisation name",
                "organization name", "org", "business", "business name", "employer", "firm", "account name"),
    "email": ("email", "e mail", "email address", "e mail address", "emailaddress", "mail", "email 1",
              "primary email", "email id", "work email", "personal email"),
    "phone": ("phone", "phone number", "phonenumber", "telephone", "telephone number", "tel", "tel no",
              "mobile", "mobile phone", "mobile number", "cell", "cell phone", "cellphone", "phone 1",
              "primary phone", "contact number", "phone no", "home phone", "work phone"),
    "reference_id": ("reference", "reference id", "reference number", "ref", "ref id", "customer number",
                     "customer no", "customer ref", "customer reference", "account number", "external id",
                     "merchant customer id", "client id", "client number", "member id"),
    "birthday": ("birthday", "birth date", "birthdate", "date of birth", "dob"),
    "note": ("note", "notes", "comment", "comments", "remarks", "memo"),
    _A + "line1": ("street", "street address", "address", "address 1", "address line 1", "addr1", "address1",
                   "street 1", "line 1", "billing address", "mailing address", "street line 1"),
    _A + "line2": ("address 2", "address line 2", "address2", "addr2", "street 2", "apt", "suite",
                   "apartment", "line 2", "street line 2"),
    _A + "line3": ("address 3", "address line 3", "address3", "line 3"),
    _A + "city": ("city", "town", "locality", "city town", "town city", "suburb"),
    _A + "state": ("state", "province", "region", "county", "state province", "state region",
                   "state province region", "state code"),
    _A + "postal_code": ("zip", "zip code", "zipcode", "postcode", "post code", "postal code", "postalcode",
                         "zip postal code", "postal zip code", "plz"),
    _A + "country": ("country", "country code", "nation", "country region"),
}
_SPELLED = {spelling: key for key, spellings in _SPELLINGS.items() for spelling in spellings}
_WHOLE_NAME = frozenset({"name", "full name", "fullname", "customer name", "contact name", "contact"})
_ORIGIN = frozenset(fold(h) for h in ORIGIN_HEADERS)
_NOT_MAPPABLE = frozenset({FieldKind.KEY_VALUE})


class MappingError(ImportFileError):
    """A mapping file that cannot be used; the message says why in one line."""


def normalise_header(header: str) -> str:
    """The header without case, accents or punctuation: "E-Mail Address:" -> "e mail address"."""
    return _NOT_WORD.sub(" ", fold(header)).strip()


NAME_PARTS = ("given_name", "family_name")


def whole_name_key(caps: Capabilities) -> str | None:
    """The one field where a target without first and last names keeps a person's whole name
    (Authorize.net's description, PayArc's and Digital River's Name), or None."""
    editable = {spec.key for spec in caps.fields if spec.editable}
    if caps.name_fields[:1] == ("description",) and "description" in editable:
        return "description"
    if "given_name" in editable and "family_name" not in editable:
        return "given_name"
    return None


def mappable_fields(caps: Capabilities) -> list[FieldSpec]:
    """The target's fields an import can fill: editable plain values. Where the target keeps a whole
    name only, first and last name columns may still be mapped: the plan joins them into it."""
    specs = [spec for spec in caps.fields if spec.editable and spec.kind not in _NOT_MAPPABLE]
    whole = whole_name_key(caps)
    if whole is not None:
        label = caps.field(whole).label
        have = {spec.key for spec in specs}
        specs += [FieldSpec(key=key, label=f"{part} (joined into {label})")
                  for key, part in zip(NAME_PARTS, ("First name", "Last name"), strict=True) if key not in have]
    return specs


def guess_field(header: str, caps: Capabilities) -> str | None:
    """The target field `header` most likely holds, or None (a column to ignore, or no idea)."""
    keys = {spec.key for spec in mappable_fields(caps)}
    folded = fold(header.strip())
    if not folded or folded in _ORIGIN:
        return None   # where a row came from (an export's Customer id, a failures CSV's Error)
    plain = normalise_header(header)
    candidates = [key_for_header(header), header.strip()]
    candidates += [spec.key for spec in mappable_fields(caps) if fold(spec.label) == folded]
    candidates.append(_SPELLED.get(plain))
    if plain in _WHOLE_NAME:
        # One name column: where the target keeps a whole name (Authorize.net's description, PayArc's Name).
        candidates.append(whole_name_key(caps))
    return next((key for key in candidates if key in keys), None)


def guess_mapping(headers: Sequence[str], caps: Capabilities) -> Mapping:
    """A guess per column; a field two columns would fill goes to the first of them."""
    mapping: Mapping = []
    for header in headers:
        key = guess_field(header, caps)
        mapping.append(None if key in mapping else key)
    return mapping


def checked(mapping: Sequence[str | None], headers: Sequence[str], caps: Capabilities) -> Mapping:
    """`mapping` as it may be used: one entry per column, known target fields, each field once."""
    keys = {spec.key for spec in mappable_fields(caps)}
    if len(mapping) != len(headers):
        raise MappingError(f"The mapping has {len(mapping)} columns; the file has {len(headers)}.")
    seen: dict[str, str] = {}
    for header, key in zip(headers, mapping, strict=True):
        if key is None:
            continue
        if key not in keys:
            raise MappingError(f"Column “{header}”: {caps.display_name} has no field {key!r} an import can fill "
                               f"(fields: {', '.join(sorted(keys))}).")
        if key in seen:
            raise MappingError(f"Columns “{seen[key]}” and “{header}” both fill {key!r}; map one of them.")
        seen[key] = header
    return list(mapping)


def read_mapping_file(path: Path, headers: Sequence[str], caps: Capabilities) -> Mapping:
    """The mapping a MAP.json file (format in the module docstring) gives the file's columns."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingError(f"The mapping file {path.name} cannot be read: {exc.strerror or exc}.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise MappingError(f"The mapping file {path.name} is not JSON: {exc}.") from exc
    columns = raw.get("columns") if isinstance(raw, dict) else None
    if not isinstance(columns, dict) or not all(isinstance(v, str | None) for v in columns.values()):
        raise MappingError(f'The mapping file {path.name} needs {{"columns": {{"Header": "field key" or null}}}}.')
    named = {normalise_header(h): v for h, v in columns.items()}
    by_column = {normalise_header(h): i for i, h in enumerate(headers)}
    if missing := [h for h in columns if normalise_header(h) not in by_column]:
        raise MappingError(f"The mapping file names a column the file does not have: “{missing[0]}”.")
    guessed = guess_mapping(headers, caps)
    mapping: Mapping = [named.get(normalise_header(h)) for h in headers]
    for i, key in enumerate(guessed):   # guesses only where the file says nothing and the field is free
        if normalise_header(headers[i]) not in named and key not in mapping:
            mapping[i] = key
    return checked(mapping, headers, caps)


class MappingMemory:
    """The mapping staff chose for a set of headers, offered again for a file with the same headers."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @staticmethod
    def _key(headers: Sequence[str]) -> str:
        text = "\x1f".join(normalise_header(h) for h in headers)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def _load(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return raw if isinstance(raw, dict) else {}

    def recall(self, headers: Sequence[str], caps: Capabilities) -> Mapping | None:
        """The remembered mapping for these headers, if any and still valid for `caps`."""
        entry = self._load().get(self._key(headers))
        if not isinstance(entry, dict) or not isinstance(entry.get("columns"), list):
            return None
        try:
            return checked(entry["columns"], headers, caps)
        except (MappingError, TypeError):
            return None

    def remember(self, headers: Sequence[str], mapping: Sequence[str | None]) -> None:
        """Keep `mapping` for these headers (the file is private to the user, written atomically)."""
        saved = self._load()
        saved[self._key(headers)] = {"headers": list(headers), "columns": list(mapping)}
        write_atomic(self.path, json.dumps(saved, ensure_ascii=False, indent=1))


def mapping_memory(config_dir: Path) -> MappingMemory:
    """The remembered mappings in the config directory."""
    return MappingMemory(config_dir / "import-mappings.json")


def best_mapping(headers: Sequence[str], caps: Capabilities, memory: MappingMemory | None) -> Mapping:
    """The remembered mapping for these headers, else the guesses."""
    remembered = memory.recall(headers, caps) if memory is not None else None
    return remembered if remembered is not None else guess_mapping(headers, caps)
