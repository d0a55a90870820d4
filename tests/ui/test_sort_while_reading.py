"""A click on a column header in the second or so a warm start's documents are still coming: the window
says the sort waits, reads only the rows it paints (by id), and sorts once the loader has handed the
documents over."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from console.domain.capabilities import DEFAULT_COLUMNS
from console.domain.customer import Customer
from console.store.documents import encode
from console.ui.customer_table import CUSTOMER_ID_ROLE
from console.ui.main_window import MainWindow
from tests.services.test_kept_columns import _keys_only, _Source
from tests.services.test_stored_rows import _index
from tests.support.qt import until


async def test_a_sort_by_email_clicked_before_the_documents_came_waits_for_them(qtbot: Any, window: MainWindow) -> None:
    # More customers than the window shows: painting reads its rows' documents by id, never all of them.
    people = [Customer(id=f"p{n:03d}", given_name=f"Person {n:03d}", email=f"{(n * 37) % 200:03d}@example.com")
              for n in range(200)]
    index, source = _index(), _Source(people)
    index.document_source = source
    assert index.add_kept(_keys_only(index, people))   # rows searchable from their keys, documents to come
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
    window.table.viewport().repaint()
    assert header.sortIndicatorSection() == column and ids() == before
    assert index.unread > 100 and all(len(asked) < 100 for asked in source.asked)   # no read of them all
    index.fill_documents([c.id for c in people], {c.id: encode(c) for c in people})   # as the loader does
    await until(lambda: model.sort_state()[0] == "email", what="the sort by email")
    emails = [model.customer(r).email for r in range(model.rowCount())]
    assert emails == sorted(emails, reverse=model.sort_state()[1])
    assert status.currentMessage() == "" and all(len(asked) < 100 for asked in source.asked)
