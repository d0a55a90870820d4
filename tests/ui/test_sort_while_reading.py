"""A click on a column header in the second or so a warm start's documents are still coming: the window
says the sort waits, reads none of them on the Qt thread, and sorts once the loader has handed them over."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from console.domain.capabilities import DEFAULT_COLUMNS
from console.store.documents import encode
from console.ui.customer_table import CUSTOMER_ID_ROLE
from console.ui.main_window import MainWindow
from tests.services.test_kept_columns import keys_first_index
from tests.support.qt import until


async def test_a_sort_by_email_clicked_before_the_documents_came_waits_for_them(qtbot: Any, window: MainWindow) -> None:
    index, source, people = keys_first_index()   # rows searchable from their keys, documents to come
    model, header, status = window.model, window.table.horizontalHeader(), window.statusBar()
    model.set_source(index, DEFAULT_COLUMNS)

    def ids() -> list[str]:
        return [model.data(model.index(r, 0), CUSTOMER_ID_ROLE) for r in range(model.rowCount())]

    before = ids()
    column = [c.key for c in DEFAULT_COLUMNS].index("email")
    click_at = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click_at)
    await until(lambda: "Sorting by Email once the local copy is read" in status.currentMessage(),
                what="the status bar saying the sort waits")
    assert header.sortIndicatorSection() == column and ids() == before and source.asked == []
    index.fill_documents([c.id for c in people], {c.id: encode(c) for c in people})   # as the loader does
    await until(lambda: model.sort_state()[0] == "email", what="the sort by email")
    descending = model.sort_state()[1]
    emails = [c.email for c in sorted(people, key=lambda c: ids().index(c.id)) if c.email]
    assert emails == sorted(emails, reverse=descending) and len(emails) == 3
    assert status.currentMessage() == "" and source.asked == []
