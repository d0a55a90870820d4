"""The preview of an import (issue 19): each row of the file checked with the target provider's own
field rules (the edit dialog's validators), matched against the account's customers by email, phone
or reference id, and planned as a create, an update of the changed values only, unchanged, or
invalid with the reason per cell. Only valid rows become planned writes. No Qt.

An empty cell never clears a value: it means "nothing to say" (a spreadsheet cannot tell the two apart).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from console.domain.capabilities import Capabilities, FieldKind, FieldSpec
from console.domain.changes import same_value
from console.domain.customer import Customer
from console.domain.duplicate_keys import email_key, phone_key, reference_key
from console.domain.jobs import OpKind, PlannedOp
from console.domain.validation import check_values
from console.services.import_mapping import NAME_PARTS, mappable_fields, whole_name_key
from console.services.import_reader import ImportTable


class MatchKey(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    REFERENCE = "reference"
    NONE = "none"        # match nothing: every valid row creates (moving a whole list to a new account)


MATCH_FIELD = {MatchKey.EMAIL: "email", MatchKey.PHONE: "phone", MatchKey.REFERENCE: "reference_id",
               MatchKey.NONE: "email"}   # NONE's key is never made; any field does
_NORMALISE: dict[MatchKey, Callable[[str | None], str | None]] = {
    MatchKey.EMAIL: email_key, MatchKey.PHONE: phone_key, MatchKey.REFERENCE: reference_key,
    MatchKey.NONE: lambda _text: None}


class RowKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    INVALID = "invalid"


_YES = frozenset({"true", "yes", "y", "1", "x"})
_NO = frozenset({"false", "no", "n", "0"})


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One row of the file as it would be sent: its values, and why it cannot be when it cannot."""

    number: int                                   # the row as a spreadsheet numbers it
    kind: RowKind
    label: str                                    # "row 12: Jane Doe"
    values: dict[str, Any] = field(default_factory=dict)      # every mapped, non-empty value
    customer_id: str | None = None                # the matched customer (an update or unchanged)
    changes: dict[str, Any] = field(default_factory=dict)     # an update: the values that differ
    problems: dict[int, str] = field(default_factory=dict)    # column -> why its value is refused
    row_problem: str | None = None                # a reason not tied to one cell
    match: str | None = None                      # the normalised match key

    def op(self) -> PlannedOp | None:
        """The write this row makes (None: unchanged or invalid)."""
        if self.kind is RowKind.CREATE:
            return PlannedOp(OpKind.CREATE, values=dict(self.values), label=self.label)
        if self.kind is RowKind.UPDATE:
            return PlannedOp(OpKind.UPDATE, self.customer_id, values=dict(self.changes), label=self.label)
        return None

    def reasons(self, headers: Sequence[str]) -> list[str]:
        """Why the row is invalid, one line per cell ("Email: ...") and for the row."""
        lines = [f"{headers[column]}: {reason}" for column, reason in sorted(self.problems.items())]
        return lines + ([self.row_problem] if self.row_problem else [])


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Every row's plan; a later row matching a customer an earlier one matched is flagged."""

    headers: tuple[str, ...]
    rows: list[PlannedRow]

    def counts(self, excluded: Iterable[int] = ()) -> dict[RowKind, int]:
        """Rows per kind, leaving out the row indexes in `excluded`."""
        left = set(excluded)
        counts = dict.fromkeys(RowKind, 0)
        for i, row in enumerate(self.rows):
            if i not in left:
                counts[row.kind] += 1
        return counts

    def planned(self, excluded: Iterable[int] = ()) -> list[PlannedOp]:
        """The writes of the valid rows not excluded, in file order."""
        left = set(excluded)
        return [op for i, row in enumerate(self.rows) if i not in left and (op := row.op()) is not None]

    def summary(self, excluded: Iterable[int] = ()) -> str:
        counts = self.counts(excluded)
        return ", ".join(f"{kind.value} {counts[kind]}" for kind in RowKind)


class ImportPlanner:
    """Plans rows for one target account: its rules, its customers, the chosen match key."""

    def __init__(self, caps: Capabilities, headers: Sequence[str], mapping: Sequence[str | None],
                 customers: Iterable[Customer], match: MatchKey = MatchKey.EMAIL, region: str = "US") -> None:
        self.caps, self.headers, self.mapping, self.match = caps, tuple(headers), list(mapping), match
        self.specs = {spec.key: spec for spec in mappable_fields(caps)}
        self.whole = whole_name_key(caps)
        self.normalise: Callable[[str | None], str | None] = (
            (lambda text: phone_key(text, region)) if match is MatchKey.PHONE else _NORMALISE[match])
        self.customers: dict[str, Customer] = {}
        self.by_key: dict[str, list[str]] = {}
        for customer in customers:
            self.customers[customer.id] = customer
            key = self.normalise(customer.value(MATCH_FIELD[match]))
            if key is not None:
                self.by_key.setdefault(key, []).append(customer.id)

    def plan(self, table: ImportTable) -> ImportPlan:
        return self.flag_repeats([self.row(n, cells) for n, cells in zip(table.row_numbers, table.rows, strict=True)])

    def flag_repeats(self, rows: list[PlannedRow]) -> ImportPlan:
        """The plan of `rows`, a later row matching a customer an earlier row matched flagged (which of
        the two should win is for staff to say). Rows that create may share a key: the file says so."""
        first: dict[str, int] = {}
        out: list[PlannedRow] = []
        for row in rows:
            customer = row.customer_id
            if customer is not None and row.kind is not RowKind.INVALID:
                if customer in first:
                    row = replace(row, kind=RowKind.INVALID, row_problem=(
                        f"Row {first[customer]} matches the same customer ({customer}); import one of them."))
                else:
                    first[customer] = row.number
            out.append(row)
        return ImportPlan(self.headers, out)

    def row(self, number: int, cells: Sequence[str]) -> PlannedRow:
        """One row checked, matched and planned."""
        values: dict[str, Any] = {}
        problems: dict[int, str] = {}
        for column, key in enumerate(self.mapping):
            text = cells[column].strip() if column < len(cells) else ""
            if key is None or not text:
                continue
            value, problem = _converted(self.specs[key], text)
            if problem:
                problems[column] = problem
            else:
                values[key] = value
        values = self._joined_names(values)
        label = f"row {number}: {self._name(values)}" if self._name(values) else f"row {number}"
        match = self.normalise(values.get(MATCH_FIELD[self.match]))
        found = self.by_key.get(match, []) if match is not None else []
        base = PlannedRow(number, RowKind.INVALID, label, values, problems=problems, match=match)
        if len(found) > 1:
            return replace(base, row_problem=f"Matches {len(found)} customers ({', '.join(found[:3])}"
                                             f"{', …' if len(found) > 3 else ''}); fix them first or exclude the row.")
        if found:
            return self._update(base, self.customers[found[0]])
        return self._create(base)

    def _create(self, row: PlannedRow) -> PlannedRow:
        everything = {key: row.values.get(key, "") for key, spec in self.specs.items()
                      if spec.kind not in (FieldKind.BOOL, FieldKind.CHOICE) or key in row.values}
        problems = self._checked(row, check_values(self.caps, everything, creating=True))
        if problems or row.row_problem:
            return replace(row, problems=problems)
        if not row.values:
            return replace(row, row_problem="Nothing to import in this row.")
        return replace(row, kind=RowKind.CREATE)

    def _update(self, row: PlannedRow, customer: Customer) -> PlannedRow:
        match_field = MATCH_FIELD[self.match]
        changes = {key: value for key, value in row.values.items()
                   if not _same(self.specs[key], value, customer.value(key))
                   and not (key == match_field and row.match == self.normalise(customer.value(key)))}
        problems = self._checked(row, check_values(self.caps, changes, creating=False))
        for key in changes:
            if self.specs[key].create_only:
                problems.setdefault(self.mapping.index(key), (
                    f"{self.caps.display_name} sets this only when a customer is created "
                    f"(now: {customer.value(key) or 'empty'}); empty the cell to leave it."))
        row = replace(row, customer_id=customer.id, changes=changes, problems=problems)
        if problems:
            return row
        return replace(row, kind=RowKind.UPDATE if changes else RowKind.UNCHANGED)

    def _checked(self, row: PlannedRow, found: dict[str, Any]) -> dict[int, str]:
        problems = dict(row.problems)
        for key, problem in found.items():
            if key in self.mapping:
                problems.setdefault(self.mapping.index(key), problem.message)
            else:
                problems.setdefault(-1, problem.message)
        if -1 in problems:   # a rule about a field no column fills (at least one of ...)
            message = problems.pop(-1)
            first = next((i for i, key in enumerate(self.mapping) if key is not None), None)
            if first is not None:
                problems.setdefault(first, message)
        return problems

    def _joined_names(self, values: dict[str, Any]) -> dict[str, Any]:
        """First and last name joined into the whole-name field of a target that keeps only that;
        a whole name given in its own column wins (PayArc's Name is given_name itself)."""
        parts = [key for key in NAME_PARTS if key in values and not self.caps.has_field(key)]
        if self.whole is None or not parts:
            return values
        joined = " ".join(str(values[key]) for key in NAME_PARTS if values.get(key))
        values = {key: value for key, value in values.items() if key not in parts}
        if not values.get(self.whole) or self.whole in NAME_PARTS:   # PayArc's Name is given_name
            values[self.whole] = joined
        return values

    def _name(self, values: dict[str, Any]) -> str:
        name = " ".join(str(values[k]) for k in ("given_name", "family_name") if values.get(k))
        return name or next((str(values[k]) for k in ("description", "company", "email", "phone", "reference_id")
                             if values.get(k)), "")


def _converted(spec: FieldSpec, text: str) -> tuple[Any, str | None]:
    """A cell's text as the field's value (yes/no, a choice's value), or why it cannot be one."""
    if spec.kind is FieldKind.BOOL:
        folded = text.casefold()
        if folded in _YES or folded in _NO:
            return folded in _YES, None
        return None, "Expected yes or no."
    if spec.kind is FieldKind.CHOICE:
        for choice in spec.choices:
            if text.casefold() in (choice.value.casefold(), choice.label.casefold()):
                return choice.value, None
        return None, "Choose one of: " + ", ".join(c.value for c in spec.choices) + "."
    return text, None


def _same(spec: FieldSpec, new: Any, old: Any) -> bool:
    """Whether an imported value says what the customer holds already (a phone in another format too)."""
    if same_value(new, old):
        return True
    if isinstance(new, str) and isinstance(old, str):
        if spec.kind is FieldKind.PHONE:
            return phone_key(new) is not None and phone_key(new) == phone_key(old)
        if spec.kind is FieldKind.EMAIL:
            return new.strip().casefold() == old.strip().casefold()
    return False
