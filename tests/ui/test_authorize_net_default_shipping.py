"""Authorize.net's default shipping address is marked in the dialog, and choosing another moves the mark."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from console.ui.main_window import MainWindow
from tests.support.qt import signal, until
from tests.support.window import open_edit_of_row
from tests.ui.conftest import open_demo


async def test_the_default_shipping_address_is_marked_and_can_move(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "authorize-net")
    row = next(r for r in range(window.model.rowCount()) if len(window.model.customer(r).shipping_addresses) > 1)
    dialog = await open_edit_of_row(qtbot, window, row)
    shipping = dialog.collection_tabs["shipping_addresses"]
    dialog.tabs.setCurrentWidget(shipping)
    headers = [shipping.table.horizontalHeaderItem(c).text() for c in range(shipping.table.columnCount())]
    mark_column = headers.index("Default")

    def marks() -> list[str]:
        return [shipping.table.item(r, mark_column).text() for r in range(shipping.table.rowCount())]

    # The listing leaves the mark out (a request a profile saved); the dialog reads it on opening.
    await until(lambda: marks()[:2] == ["✓", ""], what="the default mark")  # the seed's first address
    second = window.model.customer(row).shipping_addresses[1]
    shipping.table.selectRow(1)
    qtbot.mouseClick(shipping.buttons["default"], Qt.MouseButton.LeftButton)
    assert marks()[:2] == ["", "✓"]  # planned: shown at once, sent with the dialog's Save
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (customer,) = await saved
    assert [a.id for a in customer.shipping_addresses if a.is_default] == [second.id]
