"""Merging duplicates within one account (issue 20): the kept record takes the chosen value of each
field, receives what the provider lets move (group memberships, addresses, emails, phones, shipping
addresses), and the others are deleted. Every step goes through the write path, so it is journaled
and revertible like any save; what cannot move (saved cards, payment profiles) is said first, and a
record whose card would be lost is deleted only when the staff accept the loss by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from console.domain import errors as e
from console.domain.capabilities import Capabilities, CollectionKind
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer
from console.services.customer_service import CustomerService

# Collections whose records can be copied to the kept customer with `add_item` (where the provider allows adding).
MOVABLE = (CollectionKind.ADDRESSES, CollectionKind.EMAILS, CollectionKind.PHONES, CollectionKind.SHIPPING_ADDRESSES)


@dataclass(frozen=True)
class ItemMove:
    """One record of another customer to add to the kept one."""

    kind: str
    values: dict[str, Any]
    source: str   # the id of the customer it comes from


@dataclass(frozen=True)
class MergePlan:
    """What a merge will do, for its preview."""

    kept: Customer
    others: tuple[Customer, ...]
    values: dict[str, Any]                 # fields whose chosen value differs from the kept one's
    cleared: frozenset[str]
    groups: tuple[str, ...]                # group ids to add the kept customer to
    moves: tuple[ItemMove, ...]
    cannot: tuple[str, ...]                # what stays behind and is lost with its record
    card_losses: tuple[str, ...]           # the saved cards lost by deleting the others (named)

    def lines(self, name: Callable[[Customer], str]) -> list[str]:
        out = [f"{k}: {_shown(self.kept.value(k))} → {_shown(v)}" for k, v in self.values.items()]
        out += [f"{k}: {_shown(self.kept.value(k))} → —" for k in sorted(self.cleared)]
        out += [f"add to group {g}" for g in self.groups]
        out += [f"move {m.kind.replace('_', ' ')[:-1]}: {', '.join(str(v) for v in m.values.values() if v)}"
                for m in self.moves]
        out += [f"delete {name(c)} ({c.id})" for c in self.others]
        return out


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def plan_merge(capabilities: Capabilities, customers: Sequence[Customer], kept_id: str,
               choices: Mapping[str, str] | None = None) -> MergePlan:
    """Merge `customers` (one account's) into `kept_id`; `choices` names, per field, the customer
    whose value wins (the kept customer's by default)."""
    by_id = {c.id: c for c in customers}
    if kept_id not in by_id or len(by_id) < 2:
        raise e.InvalidInputError("A merge needs the customer to keep and at least one other.")
    kept = by_id[kept_id]
    others = tuple(c for c in customers if c.id != kept_id)
    editable = {f.key for f in capabilities.fields if f.editable and not f.create_only}
    values: dict[str, Any] = {}
    cleared: set[str] = set()
    for key, source in (choices or {}).items():
        if key not in editable or source not in by_id:
            raise e.InvalidInputError(f"{key} cannot be taken from another record here.")
        chosen = by_id[source].value(key)
        if same_value(chosen, kept.value(key)):
            continue
        if chosen in (None, ""):
            cleared.add(key)
        else:
            values[key] = chosen
    groups: tuple[str, ...] = ()
    if capabilities.groups:
        groups = tuple(sorted({g for c in others for g in c.group_ids} - set(kept.group_ids)))
    moves, cannot = _moves(capabilities, kept, others)
    cards = tuple(f"{m.masked()} of {c.id}" for c in others for m in c.payment_methods)
    if cards:
        cannot += tuple(f"saved card {card} cannot move: it is deleted with its customer" for card in cards)
    return MergePlan(kept, others, values, frozenset(cleared), groups, moves, cannot, cards)


def _moves(capabilities: Capabilities, kept: Customer,
           others: Sequence[Customer]) -> tuple[tuple[ItemMove, ...], tuple[str, ...]]:
    moves: list[ItemMove] = []
    cannot: list[str] = []
    for spec in capabilities.collections:
        if spec.kind not in MOVABLE:
            continue
        keys = [f.key for f in spec.fields]
        have = [{k: getattr(i, k, None) for k in keys} for i in getattr(kept, spec.kind.value)]
        for other in others:
            for item in getattr(other, spec.kind.value):
                values = {k: getattr(item, k, None) for k in keys}
                if any(all(same_value(values[k], h[k]) for k in keys) for h in have):
                    continue   # the kept customer has it already
                if not spec.can_add or not keys:
                    cannot.append(f"{spec.noun} of {other.id} cannot be moved at this provider")
                    continue
                have.append(values)
                moves.append(ItemMove(spec.kind.value, {k: v for k, v in values.items() if v is not None}, other.id))
    return tuple(moves), tuple(cannot)


async def apply_merge(service: CustomerService, plan: MergePlan, *, accept_card_loss: bool = False,
                      progress: Callable[[str], None] | None = None) -> Customer:
    """Update the kept customer, move what can move, delete the others; one group in History."""
    if plan.card_losses and not accept_card_loss:
        raise e.InvalidInputError("Deleting the others would lose saved cards: "
                                  + "; ".join(plan.card_losses) + ". Accept the loss to merge.")
    say = progress or (lambda _text: None)
    with service.grouped():
        kept = plan.kept
        if plan.values or plan.cleared:
            say("updating the kept customer")
            kept = await service.update(kept, CustomerChanges(values=plan.values, cleared=plan.cleared))
        for group_id in plan.groups:
            say(f"adding to group {group_id}")
            kept = await service.set_group(kept, group_id, True)
        for move in plan.moves:
            say(f"moving a {move.kind.replace('_', ' ')[:-1]}")
            kept = await service.add_item(kept, move.kind, move.values)
        say(f"deleting {len(plan.others)} duplicate(s)")
        result = await service.delete_many(list(plan.others))
        if result.failed:
            raise next(iter(result.failed.values()))
    return kept
