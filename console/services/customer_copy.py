"""Copying customers to another account: the plan (what each create carries, what stays behind) and one copy.

`plan_copy` maps each source customer onto the target provider's fields (its capabilities: keys,
lengths, required fields, the validators of console/domain/validation.py) and says, per value, why
anything cannot go. console/services/copy_job.py makes the items a job at the target.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from console.domain.capabilities import Capabilities, CollectionKind, CollectionSpec
from console.domain.changes import CustomerChanges
from console.domain.custom_field_rules import is_blank
from console.domain.custom_fields import CustomFieldDefinition
from console.domain.customer import ADDRESS_PREFIX, Customer, display_name
from console.domain.validation import check_value
from console.services.custom_field_copy import custom_fields_to_metadata
from console.services.custom_field_service import CustomFieldService

# Fields with the same meaning under the same key at every provider that has them.
COMMON_KEYS = ("company", "email", "phone", "reference_id", "birthday",
               *(ADDRESS_PREFIX + part for part in ("line1", "line2", "line3", "city", "state", "postal_code",
                                                    "country")))
NAME_KEYS = ("given_name", "family_name")
FREE_TEXT_KEYS = ("note", "description")
# Never carried: the provider's own id for the customer, and values the provider computes.
_NEVER = frozenset({"id"})


@dataclass(frozen=True, slots=True)
class Carried:
    """A target field the create sets, for the preview."""

    key: str
    label: str
    value: Any


@dataclass(frozen=True, slots=True)
class StaysBehind:
    """Something of the source customer the copy cannot carry, and why."""

    what: str
    reason: str


@dataclass(frozen=True, slots=True)
class CopyItem:
    """One customer's planned create at the target; `problem` says why it cannot be made at all."""

    source: Customer
    source_name: str
    changes: CustomerChanges
    carried: tuple[Carried, ...] = ()
    left_behind: tuple[StaysBehind, ...] = ()
    problem: str | None = None

    @property
    def can_copy(self) -> bool:
        return self.problem is None


class _Mapper:
    """Builds one customer's create for the target, collecting what stays behind."""

    def __init__(self, customer: Customer, source: Capabilities, target: Capabilities) -> None:
        self.customer, self.source, self.target = customer, source, target
        self.values: dict[str, Any] = {}
        self.carried: list[Carried] = []
        self.left: list[StaysBehind] = []
        self.used: set[str] = set()   # source keys dealt with (carried or reported)

    def label(self, key: str) -> str:
        for caps in (self.source, self.target):
            if caps.has_field(key):
                return caps.field(key).label
        return key.replace(ADDRESS_PREFIX, "address ").replace("_", " ").capitalize()

    def writable(self, key: str) -> bool:
        return self.target.has_field(key) and self.target.field(key).editable

    def put(self, target_key: str, value: Any, *, source_key: str, what: str | None = None) -> None:
        """Set `target_key` to `value` if the target's rules allow it, else report why not."""
        self.used.add(source_key)
        what = what or self.label(source_key)
        spec = self.target.field(target_key)
        if isinstance(value, str):
            value = value.strip()
        problem = check_value(spec, value)
        if problem is not None and problem.suggestion is not None and check_value(spec, problem.suggestion) is None:
            value, problem = problem.suggestion, None   # e.g. a phone number as the digits PayArc takes
        if problem is not None:
            self.left.append(StaysBehind(what, f"{self.target.display_name} {spec.label}: {problem.message}"))
            return
        self.values[target_key] = value
        self.carried.append(Carried(target_key, spec.label, value))

    def absent(self, key: str) -> None:
        self.used.add(key)
        self.left.append(StaysBehind(self.label(key), f"{self.target.display_name} has no such field."))

    # -- the parts of a customer ------------------------------------------------------------------
    def names(self) -> None:
        c = self.customer
        whole = c.full_name
        source_key = "full_name"
        if not whole and self.source.name_fields[:1] == ("description",):
            # Authorize.net keeps the name in the description (its table shows it as the name).
            whole, source_key = str(c.value("description") or ""), "description"
        if not whole:
            return
        if self.writable("given_name") and self.writable("family_name") and source_key == "full_name":
            for key in NAME_KEYS:
                if value := c.value(key):
                    self.put(key, value, source_key=key)
        elif self.writable("given_name"):
            self.put("given_name", whole, source_key=source_key, what="Name")
        elif self.target.name_fields[:1] == ("description",) and self.writable("description"):
            self.put("description", whole, source_key=source_key, what="Name")
        else:
            self.used.add(source_key)
            self.left.append(StaysBehind("Name", f"{self.target.display_name} keeps no name."))
        self.used.update(NAME_KEYS)

    def common(self) -> None:
        no_address: list[str] = []   # address parts the target lacks: reported as one entry
        for key in COMMON_KEYS:
            value = self.customer.value(key)
            if is_blank(value):
                continue
            if self.writable(key):
                self.put(key, value, source_key=key)
            elif key.startswith(ADDRESS_PREFIX):
                self.used.add(key)
                no_address.append(self.label(key))
            else:
                self.absent(key)
        if no_address:
            self.left.append(StaysBehind(f"Address ({', '.join(no_address)})",
                                         f"{self.target.display_name} keeps no such address parts on the profile."))

    def free_text(self) -> None:
        """A note or description, into the target's note, else its description (when that is no name)."""
        into = [k for k in FREE_TEXT_KEYS if self.writable(k) and not self.names_in(k)]
        for key in FREE_TEXT_KEYS:
            value = self.customer.value(key)
            if key in self.used or is_blank(value):
                continue
            if key in into:
                self.put(key, value, source_key=key)
                into.remove(key)
            elif into:
                self.put(into.pop(0), value, source_key=key)
            else:
                self.absent(key)

    def names_in(self, key: str) -> bool:
        return key == "description" and self.target.name_fields[:1] == ("description",)

    def provider_fields(self) -> None:
        """The source provider's own fields: carried where the target has the same field, else reported."""
        for spec in self.source.fields:
            key = spec.key
            if key in self.used or key in _NEVER or not spec.editable or key in NAME_KEYS:
                continue
            value = self.customer.value(key)
            if is_blank(value) or value == spec.default:   # the default: what any new customer gets
                continue
            if self.writable(key) and self.target.field(key).kind is spec.kind:
                self.put(key, value, source_key=key)
            else:
                self.absent(key)

    def records(self) -> None:
        """Cards and the lists of records beside the profile; only a first email, phone and address go."""
        c, target = self.customer, self.target.display_name
        if c.payment_methods:
            self.left.append(StaysBehind(
                count_noun(len(c.payment_methods), "card"),
                f"Cards are never copied: they stay at {self.source.display_name}. Add them at {target} "
                "through its own card form."))
        extra: dict[CollectionKind, list[Any]] = {CollectionKind.SHIPPING_ADDRESSES: list(c.shipping_addresses),
                 CollectionKind.ADDRESSES: [a for a in c.addresses if a != c.address],
                 CollectionKind.EMAILS: [p for p in c.emails if p.value != c.email],
                 CollectionKind.PHONES: [p for p in c.phones if p.value != c.phone],
                 CollectionKind.TAX_IDS: list(c.tax_ids)}
        for kind, items in extra.items():
            if not items:
                continue
            spec = self._collection(kind)
            has = any(spec.kind == kind for spec in self.target.collections)
            reason = (f"Only the profile is copied; add these at {target} afterwards." if has
                      else f"{target} keeps no {spec.label.lower()}.")
            self.left.append(StaysBehind(count_noun(len(items), spec.noun), reason))
        if c.group_ids:
            self.left.append(StaysBehind(count_noun(len(c.group_ids), "group membership"),
                                         "Groups belong to the account they were made in."))

    def _collection(self, kind: CollectionKind) -> CollectionSpec:
        for caps in (self.source, self.target):
            for spec in caps.collections:
                if spec.kind == kind:
                    return spec
        return CollectionSpec(kind=kind, label=kind.value.replace("_", " ").capitalize(), columns=())

    def custom_fields(self, definitions: Sequence[CustomFieldDefinition]) -> None:
        values = [v for v in self.customer.custom_fields if not is_blank(v.value)]
        if not values:
            return
        existing = self.values.get("metadata") if isinstance(self.values.get("metadata"), dict) else None
        plan = custom_fields_to_metadata(definitions, values, self.target, existing)
        if plan.field_key is not None and plan.carried:
            self.values[plan.field_key] = plan.metadata
            self.carried = [c for c in self.carried if c.key != plan.field_key]
            self.carried.append(Carried(plan.field_key, self.target.field(plan.field_key).label, plan.metadata))
        self.left += [StaysBehind(f"Custom field {b.name}", b.reason) for b in plan.left_behind]

    def problem(self) -> str | None:
        """Why the target would refuse this create whatever is sent (a required field has nothing)."""
        target = self.target
        for spec in target.fields:
            if spec.required and spec.editable and is_blank(self.values.get(spec.key)):
                return f"{target.display_name} needs {spec.label}, and there is nothing to put there."
        for group in target.required_one_of:
            keys = [k for k in group if target.has_field(k)]
            if keys and all(is_blank(self.values.get(k)) for k in keys):
                labels = ", ".join(target.field(k).label for k in keys)
                return f"{target.display_name} needs at least one of: {labels}; none of them could be carried."
        if not self.values:
            return "Nothing of this customer fits the target's fields."
        return None


def count_noun(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def plan_item(customer: Customer, source: Capabilities, target: Capabilities,
              definitions: Sequence[CustomFieldDefinition] = ()) -> CopyItem:
    """One customer's create at the target (`customer` carrying its custom field values, if any)."""
    mapper = _Mapper(customer, source, target)
    mapper.names()
    mapper.common()
    mapper.free_text()
    mapper.provider_fields()
    mapper.custom_fields(definitions)
    mapper.records()
    changes = CustomerChanges(values=mapper.values)
    return CopyItem(source=customer, source_name=display_name(customer, source.name_fields), changes=changes,
                    carried=tuple(mapper.carried),
                    left_behind=tuple(mapper.left), problem=mapper.problem())


def plan_copy(customers: Iterable[Customer], source: Capabilities, target: Capabilities,
              definitions: Sequence[CustomFieldDefinition] = ()) -> list[CopyItem]:
    """The copy of `customers` from an account at `source` into one at `target`, one item per customer."""
    return [plan_item(c, source, target, definitions) for c in customers]


async def with_custom_fields(service: CustomFieldService,
                             customers: Sequence[Customer]) -> tuple[list[Customer], list[CustomFieldDefinition]]:
    """The customers carrying their custom field values (read now where not read yet), and the definitions."""
    if not service.available:
        return list(customers), []
    definitions = await service.definitions()
    carrying = [service.with_values(c) if service.values_of(c.id) is not None else await service.read_values(c)
                for c in customers]
    return carrying, definitions


def describe(value: Any) -> str:
    """A carried value as the preview shows it (metadata as key: value pairs)."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
