"""The customer table's columns: the provider's own, plus those every table offers (hidden at first)."""

from __future__ import annotations

from console.domain.capabilities import Capabilities, ColumnSpec

ID_COLUMN = ColumnSpec(key="id", label="ID", width=240, hidden_by_default=True,
                       tooltip="The provider's id for this customer")


def table_columns(capabilities: Capabilities) -> tuple[ColumnSpec, ...]:
    """The provider's columns, and the provider id as a column hidden until chosen (unless it has one)."""
    columns = capabilities.columns
    if any(c.key == ID_COLUMN.key for c in columns):
        return columns
    return (*columns, ID_COLUMN)
