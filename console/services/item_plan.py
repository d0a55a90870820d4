"""Sub-record changes (addresses, phones, emails, cards...) planned in a dialog and sent on its Save.

Nothing here talks to a provider by itself: `apply` sends the planned changes in order through
CustomerService's item methods, so every write still passes the service's one write path. What
succeeded leaves the plan; what failed stays, so the next Save sends only that.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from console.domain import errors as e
from console.domain.customer import Customer

NEW_PREFIX = "new:"


class Op(StrEnum):
    ADD = "add"
    EDIT = "edit"
    DELETE = "delete"
    DEFAULT = "default"


class ItemState(StrEnum):
    """How a listed item differs from the provider's copy until Save."""

    NEW = "new"
    EDITED = "edited"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """One write to make on Save; `item_id` is the provider's id or a placeholder for an item added here."""

    kind: str
    op: Op
    item_id: str
    values: dict[str, Any] = field(default_factory=dict)
    label: str = ""          # what the person sees in the progress list, e.g. "Add address: 1 Main St"

    @property
    def on_new_item(self) -> bool:
        return self.item_id.startswith(NEW_PREFIX)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "op": self.op.value, "item_id": self.item_id, "values": dict(self.values),
                "label": self.label}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlannedChange:
        return cls(kind=str(data["kind"]), op=Op(data["op"]), item_id=str(data["item_id"]),
                   values=dict(data.get("values") or {}), label=str(data.get("label") or ""))


@dataclass(frozen=True, slots=True)
class StepReport:
    """The outcome of one planned change while a plan is applied (`error` None: it was saved).

    `index` is the change's place in the plan when `apply` began.
    """

    index: int
    change: PlannedChange
    error: e.ConsoleError | None = None


class ItemWriter(Protocol):
    """The part of CustomerService a plan writes through."""

    async def add_item(self, customer: Customer, kind: str, values: Mapping[str, Any]) -> Customer: ...
    async def update_item(self, customer: Customer, kind: str, item_id: str,
                          values: Mapping[str, Any]) -> Customer: ...
    async def delete_item(self, customer: Customer, kind: str, item_id: str) -> Customer: ...
    async def set_default_item(self, customer: Customer, kind: str, item_id: str) -> Customer: ...


def _item_ids(customer: Customer, kind: str) -> set[str]:
    return {i.id for i in getattr(customer, kind) if getattr(i, "id", None)}


def item_type(kind: str) -> type:
    """The domain class of the items in `Customer.<kind>` (Address, ContactPoint, ...)."""
    hint = typing.get_type_hints(Customer)[kind]
    return typing.cast(type, typing.get_args(hint)[0])


def _default_flag(item: Any) -> str:
    return "is_primary" if hasattr(item, "is_primary") else "is_default"


def _with_values(item: Any, values: Mapping[str, Any]) -> Any:
    names = {f.name for f in dataclasses.fields(item)}
    return dataclasses.replace(item, **{k: (v if v != "" else None) for k, v in values.items()
                                        if k in names and k != "id"})


def _new_item(kind: str, item_id: str, values: Mapping[str, Any]) -> Any:
    cls = item_type(kind)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(id=item_id, **{k: (v if v != "" else None) for k, v in values.items() if k in names and k != "id"})


class ItemPlan:
    """The ordered list of sub-record writes a dialog will make on Save."""

    def __init__(self, changes: list[PlannedChange] | None = None) -> None:
        self._changes: list[PlannedChange] = []
        self._counter = 0
        self._set(changes or [])

    def _set(self, changes: list[PlannedChange]) -> None:
        self._changes = list(changes)
        self._counter = max((int(c.item_id[len(NEW_PREFIX):]) for c in self._changes
                             if c.on_new_item and c.item_id[len(NEW_PREFIX):].isdigit()), default=0)

    # -- planning -----------------------------------------------------------------------------
    @property
    def changes(self) -> tuple[PlannedChange, ...]:
        return tuple(self._changes)

    def is_empty(self) -> bool:
        return not self._changes

    def count(self, kind: str | None = None) -> int:
        return sum(1 for c in self._changes if kind is None or c.kind == kind)

    def add(self, kind: str, values: Mapping[str, Any], label: str = "") -> str:
        """Plan a new item; returns the placeholder id it is known by until Save."""
        self._counter += 1
        item_id = f"{NEW_PREFIX}{self._counter}"
        self._changes.append(PlannedChange(kind, Op.ADD, item_id, dict(values), label))
        return item_id

    def edit(self, kind: str, item_id: str, values: Mapping[str, Any], label: str = "") -> None:
        """Plan new values for an item; a later edit of the same item replaces the earlier one."""
        for i, change in enumerate(self._changes):
            if change.kind == kind and change.item_id == item_id and change.op in (Op.ADD, Op.EDIT):
                self._changes[i] = dataclasses.replace(change, values=dict(values), label=label or change.label)
                return
        self._changes.append(PlannedChange(kind, Op.EDIT, item_id, dict(values), label))

    def delete(self, kind: str, item_id: str, label: str = "") -> None:
        """Plan a delete; an item added in this plan is simply no longer added."""
        self._changes = [c for c in self._changes if not (c.kind == kind and c.item_id == item_id)]
        if not item_id.startswith(NEW_PREFIX):
            self._changes.append(PlannedChange(kind, Op.DELETE, item_id, label=label))

    def undo_delete(self, kind: str, item_id: str) -> None:
        self._changes = [c for c in self._changes
                         if not (c.kind == kind and c.item_id == item_id and c.op is Op.DELETE)]

    def set_default(self, kind: str, item_id: str, label: str = "") -> None:
        """Plan making an item the default (or primary); only the last choice per kind is sent."""
        self._changes = [c for c in self._changes if not (c.kind == kind and c.op is Op.DEFAULT)]
        self._changes.append(PlannedChange(kind, Op.DEFAULT, item_id, label=label))

    def clear(self) -> None:
        self._changes.clear()

    # -- what the dialog lists ----------------------------------------------------------------
    def state(self, kind: str, item_id: str) -> ItemState | None:
        ops = {c.op for c in self._changes if c.kind == kind and c.item_id == item_id}
        if Op.DELETE in ops:
            return ItemState.DELETED
        if Op.ADD in ops:
            return ItemState.NEW
        if Op.EDIT in ops or Op.DEFAULT in ops:
            return ItemState.EDITED
        return None

    def items(self, customer: Customer | None, kind: str) -> list[Any]:
        """The items of `kind` as they will be after Save (deleted ones still listed, see `state`)."""
        items = list(getattr(customer, kind)) if customer is not None else []
        for change in self._changes:
            if change.kind != kind:
                continue
            if change.op is Op.ADD:
                items.append(_new_item(kind, change.item_id, change.values))
            elif change.op is Op.EDIT:
                items = [_with_values(i, change.values) if i.id == change.item_id else i for i in items]
            elif change.op is Op.DEFAULT:
                items = [dataclasses.replace(i, **{_default_flag(i): i.id == change.item_id}) for i in items]
        return items

    # -- sending ------------------------------------------------------------------------------
    async def apply(self, service: ItemWriter, customer: Customer,
                    on_step: Callable[[StepReport], None] | None = None) -> Customer:
        """Send every planned change in order; returns the customer as the provider has it after them.

        A change that fails stays planned (with a placeholder replaced by the id its add got);
        the others are sent regardless, except those about an item whose add failed.
        """
        placed: dict[str, str] = {}       # placeholder -> the id the provider gave the new item
        unplaced: set[str] = set()        # placeholders whose add failed
        kept: list[PlannedChange] = []
        for index, planned in enumerate(self._changes):
            change = dataclasses.replace(planned, item_id=placed.get(planned.item_id, planned.item_id))
            if change.item_id in unplaced:
                kept.append(change)
                continue
            try:
                customer = await self._send(service, customer, change, placed)
            except e.ConsoleError as exc:
                kept.append(change)
                if change.op is Op.ADD:
                    unplaced.add(change.item_id)
                if on_step is not None:
                    on_step(StepReport(index, change, exc))
            else:
                if on_step is not None:
                    on_step(StepReport(index, change))
        self._changes = kept
        return customer

    @staticmethod
    async def _send(service: ItemWriter, customer: Customer, change: PlannedChange,
                    placed: dict[str, str]) -> Customer:
        if change.op is Op.ADD:
            before = _item_ids(customer, change.kind)
            updated = await service.add_item(customer, change.kind, change.values)
            new_ids = _item_ids(updated, change.kind) - before
            if len(new_ids) == 1:
                placed[change.item_id] = new_ids.pop()
            return updated
        if change.on_new_item:
            raise e.ConsoleError("The item this change is about could not be found after it was added; "
                                 "reopen the customer and try again.")
        if change.op is Op.EDIT:
            return await service.update_item(customer, change.kind, change.item_id, change.values)
        if change.op is Op.DELETE:
            return await service.delete_item(customer, change.kind, change.item_id)
        return await service.set_default_item(customer, change.kind, change.item_id)

    # -- drafts -------------------------------------------------------------------------------
    def to_json(self) -> list[dict[str, Any]]:
        return [c.to_json() for c in self._changes]

    @classmethod
    def from_json(cls, data: Sequence[Mapping[str, Any]]) -> ItemPlan:
        return cls([PlannedChange.from_json(d) for d in data])

    def restore(self, data: Sequence[Mapping[str, Any]]) -> None:
        """Put back the changes of a draft (`to_json`), replacing what is planned."""
        self._set([PlannedChange.from_json(d) for d in data])
