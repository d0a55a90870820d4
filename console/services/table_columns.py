"""The customer table's columns: the provider's own, plus those every table offers (hidden at first)."""

from __future__ import annotations

from console.domain.capabilities import Capabilities, CollectionKind, ColumnSpec

ID_COLUMN = ColumnSpec(key="id", label="ID", width=240, hidden_by_default=True,
                       tooltip="The provider's id for this customer")
# `Customer.card_expires`: the soonest of the customer's cards, because any card that lapses may be one
# a subscription bills, and not every provider says which card is the default.
CARD_EXPIRES_COLUMN = ColumnSpec(key="card_expires", label="Card expires", width=210, hidden_by_default=True,
                                 tooltip="The soonest expiry among the customer's cards")


def has_cards(capabilities: Capabilities) -> bool:
    return any(c.kind is CollectionKind.PAYMENT_METHODS for c in capabilities.collections)


def table_columns(capabilities: Capabilities) -> tuple[ColumnSpec, ...]:
    """The provider's columns, then those it does not declare itself, hidden until chosen: the soonest
    card expiry (where the provider keeps cards) and the provider id."""
    columns = capabilities.columns
    keys = {c.key for c in columns}
    offered = (CARD_EXPIRES_COLUMN,) if has_cards(capabilities) else ()
    return (*columns, *(c for c in (*offered, ID_COLUMN) if c.key not in keys))
