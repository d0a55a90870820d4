"""Digital River: an existing customer's id is shown (read-only), a new one's can be typed."""

from __future__ import annotations

from typing import Any

from console.ui.main_window import MainWindow
from tests.support.window import line_editor, open_edit_of_row, open_new
from tests.ui.conftest import open_demo


async def test_the_customer_id_of_an_existing_customer_is_shown_read_only(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "digital-river")
    customer = window.model.customer(0)
    dialog = await open_edit_of_row(qtbot, window, 0)
    field = line_editor(dialog, "id")
    assert field.text() == customer.id
    assert field.isReadOnly() or not field.isEnabled()
    dialog.reject()


async def test_a_new_customer_can_be_given_its_own_id(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "digital-river")
    dialog = await open_new(qtbot, window)
    field = line_editor(dialog, "id")
    assert field.text() == "" and not field.isReadOnly() and field.isEnabled()
    dialog.reject()
