"""The customer table's columns: the provider's own, plus those every table offers (hidden at first),
plus the account's custom fields (hidden until chosen)."""

from __future__ import annotations

from collections.abc import Sequence

from console.domain.capabilities import Capabilities, CollectionKind, ColumnSpec
from console.domain.custom_fields import CustomFieldDefinition, column_key
from console.services.combined_index import ACCOUNT_COLUMN
from console.services.settings import ColumnLayout

ID_COLUMN = ColumnSpec(key="id", label="ID", width=240, hidden_by_default=True,
                       tooltip="The provider's id for this customer")
# `Customer.card_expires`: the soonest of the customer's cards, because any card that lapses may be one
# a subscription bills, and not every provider says which card is the default.
CARD_EXPIRES_COLUMN = ColumnSpec(key="card_expires", label="Card expires", width=210, hidden_by_default=True,
                                 tooltip="The soonest expiry among the customer's cards")


def has_cards(capabilities: Capabilities) -> bool:
    return any(c.kind is CollectionKind.PAYMENT_METHODS for c in capabilities.collections)


def custom_columns(definitions: Sequence[CustomFieldDefinition]) -> tuple[ColumnSpec, ...]:
    """A column per custom field ('custom.<key>'), showing its value as text; hidden until chosen."""
    return tuple(ColumnSpec(key=column_key(d.key), label=d.name, width=160, hidden_by_default=True,
                            tooltip=d.description or None) for d in definitions)


def table_columns(capabilities: Capabilities,
                  definitions: Sequence[CustomFieldDefinition] = ()) -> tuple[ColumnSpec, ...]:
    """The provider's columns, then those it does not declare itself, hidden until chosen: the soonest
    card expiry (where the provider keeps cards), the provider id and the custom fields."""
    columns = capabilities.columns
    keys = {c.key for c in columns}
    offered = (CARD_EXPIRES_COLUMN,) if has_cards(capabilities) else ()
    return (*columns, *(c for c in (*offered, ID_COLUMN) if c.key not in keys), *custom_columns(definitions))


def keep_unknown(saved: ColumnLayout, current: ColumnLayout) -> ColumnLayout:
    """`current` with what `saved` says of columns the table does not have now (custom fields not
    read yet), so saving the layout before they arrive does not forget that they were shown."""
    known = set(current.order)
    return current.model_copy(update={
        "order": [*current.order, *(k for k in saved.order if k not in known)],
        "widths": {**{k: w for k, w in saved.widths.items() if k not in known}, **current.widths},
        "hidden": [*current.hidden, *(k for k in saved.hidden if k not in known)]})


ACCOUNT_COLUMN_SPEC = ColumnSpec(key=ACCOUNT_COLUMN, label="Account", width=190,
                                 tooltip="The account the customer belongs to, with its provider's icon")


def all_accounts_columns() -> tuple[ColumnSpec, ...]:
    """The All accounts table's columns: the account, then the fields every provider has or most do."""
    return (ACCOUNT_COLUMN_SPEC,
            ColumnSpec(key="name", label="Name", width=200), ColumnSpec(key="email", label="Email", width=230),
            ColumnSpec(key="phone", label="Phone", width=150), ColumnSpec(key="company", label="Company"),
            ColumnSpec(key="created_at", label="Created", width=140),
            ColumnSpec(key="reference_id", label="Reference ID", hidden_by_default=True),
            ColumnSpec(key="address.city", label="City", hidden_by_default=True),
            CARD_EXPIRES_COLUMN, ID_COLUMN)
