"""What the after-write hook is told about each write: the operation, the customer and what was sent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from console.domain.changes import CustomerChanges
from console.domain.customer import Customer


class WriteOp(StrEnum):
    CREATE = "create"
    CREATE_FROM = "create_from"
    UPDATE = "update"
    ACTION = "action"
    DELETE = "delete"
    ADD_TO_GROUP = "add_to_group"
    REMOVE_FROM_GROUP = "remove_from_group"
    ADD_ITEM = "add_item"
    UPDATE_ITEM = "update_item"
    DELETE_ITEM = "delete_item"
    SET_DEFAULT_ITEM = "set_default_item"
    ATTACH_CARD = "attach_card"
    SET_CUSTOM_FIELD = "set_custom_field"
    DELETE_CUSTOM_FIELD = "delete_custom_field"
    CREATE_CUSTOM_FIELD_DEFINITION = "create_custom_field_definition"
    UPDATE_CUSTOM_FIELD_DEFINITION = "update_custom_field_definition"
    DELETE_CUSTOM_FIELD_DEFINITION = "delete_custom_field_definition"


@dataclass(frozen=True, slots=True)
class WriteRecord:
    """One write that was sent (or attempted), after its outcome is known."""

    operation: WriteOp
    customer_id: str | None                  # None for a create that failed, and for account-wide writes
    changes: Mapping[str, Any] = field(default_factory=dict)   # field (or item field) -> value sent; None clears
    kind: str | None = None                  # the collection, for item writes
    target: str | None = None                # the item id, group id, action key, create_from reference
                                             # or custom field key
    customer: Customer | None = None         # the provider's copy after the write, where it gave one
    error: BaseException | None = None       # None: the write succeeded

    @property
    def succeeded(self) -> bool:
        return self.error is None


AfterWrite = Callable[[WriteRecord], None]


def sent_values(changes: CustomerChanges) -> dict[str, Any]:
    """The changes as one mapping: each touched field's new value, None where it is cleared."""
    return {key: changes.get(key) for key in sorted(changes.touched())}
