"""Columns: the provider id column, the header's column chooser, fitting a column, room for Email."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from console.ui.main_window import MainWindow
from console.ui.window_layout import DEFAULT_SIZE
from tests.support.qt import signal, until
from tests.ui.menus import MENU_WARNINGS, click, context_menu, entry

pytestmark = MENU_WARNINGS


def _column(window: MainWindow, key: str) -> int:
    return [c.key for c in window.model.columns].index(key)


async def test_the_id_column_is_hidden_at_first_and_can_be_shown_from_the_header(qtbot: Any,
                                                                                   window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    id_column = _column(window, "id")
    assert header.isSectionHidden(id_column)
    menu = await context_menu(header.viewport(), QPoint(20, 5), "columnChooser")
    labels = [a.text() for a in menu.actions()]
    assert labels == [window.model.columns[header.logicalIndex(v)].label for v in range(header.count())]
    assert not entry(menu, "column_id").isChecked()
    await click(qtbot, menu, "column_id")
    assert not header.isSectionHidden(id_column)
    assert window.model.data(window.model.index(0, id_column)) == window.model.customer(0).id
    assert "id" not in window.context.settings.columns["square"].hidden   # remembered for Square at once


async def test_hidden_columns_are_remembered_per_provider(qtbot: Any, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    menu = await context_menu(header.viewport(), QPoint(20, 5), "columnChooser")
    await click(qtbot, menu, "column_phone")
    assert header.isSectionHidden(_column(window, "phone"))
    window.close()
    again = MainWindow(window.context)
    qtbot.addWidget(again)
    opened = signal(again.account_opened)
    again.show()
    await opened
    again_header = again.table.horizontalHeader()
    assert again_header.isSectionHidden(_column(again, "phone"))
    assert again_header.isSectionHidden(_column(again, "id"))
    await again.shutdown()


async def test_the_last_shown_column_cannot_be_hidden(qtbot: Any, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    for column in window.model.columns[1:]:
        header.setSectionHidden(_column(window, column.key), True)
    menu = await context_menu(header.viewport(), QPoint(20, 5), "columnChooser")
    assert not entry(menu, f"column_{window.model.columns[0].key}").isEnabled()
    menu.close()


async def test_double_clicking_a_column_edge_fits_it_to_its_content(qtbot: Any, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    email = _column(window, "email")
    header.resizeSection(email, 40)
    await until(lambda: header.sectionSize(email) == 40, what="the narrow column")
    edge = header.sectionViewportPosition(email) + header.sectionSize(email) - 1
    qtbot.mouseDClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, header.height() // 2))
    await until(lambda: header.sectionSize(email) > 40, what="the column to be fitted")
    assert header.sectionSize(email) >= window.table.sizeHintForColumn(email)


async def test_email_is_not_cut_off_at_the_default_size_while_created_has_room(qtbot: Any,
                                                                               window: MainWindow) -> None:
    assert (window.width(), window.height()) == DEFAULT_SIZE
    header = window.table.horizontalHeader()
    email, created = _column(window, "email"), _column(window, "created_at")
    grid = 1 if window.table.showGrid() else 0   # the cell is a pixel narrower than its section
    for row in range(window.model.rowCount()):
        needed = window.table.sizeHintForIndex(window.model.index(row, email)).width() + grid
        assert header.sectionSize(email) >= needed, window.model.customer(row).email
    assert header.sectionSize(created) >= window.table.sizeHintForColumn(created)
