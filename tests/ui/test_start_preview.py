"""Start-up from the last session's snapshot (its start view in the workspace database): the preview
shows what the window showed, gives way to the real window at its first page, and nothing typed into
it meanwhile is lost."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from console.domain.gc_pause import Pause
from console.services.paths import AppPaths
from console.services.start_snapshot import SnapshotRead, StartSnapshot, read_kept_snapshot
from console.ui import startup
from console.ui.main_window import MainWindow
from console.ui.start_preview import StartPreview, show_preview
from console.ui.startup import run_window
from tests.support.qt import signal, until, visible
from tests.ui.conftest import journaled_window, make_context, open_demo


@pytest.fixture(autouse=True)
def app_keeps_running() -> Iterator[None]:
    """As in the app (console/app.py): closing the last window ends run_window, not the loop."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    yield
    app.setQuitOnLastWindowClosed(True)


async def _session_with_a_snapshot(qtbot: Any, root: Path) -> list[list[str]]:
    """Run the window on the Square demo sorted by email, close it; returns the rows it showed."""
    context = make_context(root, latency_ms=0)
    context.workspace.start()   # the snapshot is kept in it
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    email = [c.key for c in window.model.columns].index("email")
    window.table.sortByColumn(email, Qt.SortOrder.DescendingOrder)
    shown = [[window.model.data(window.model.index(r, c)) or "" for c in range(window.model.columnCount())]
             for r in range(20)]
    window.close()
    await window.shutdown()
    await context.workspace.close()   # after the snapshot's write, queued before
    return shown


def _preview(root: Path) -> StartPreview | None:
    return show_preview(SnapshotRead(AppPaths.resolve(root)))


async def test_the_preview_shows_the_last_sessions_first_rows(qtbot: Any, tmp_path: Path) -> None:
    shown = await _session_with_a_snapshot(qtbot, tmp_path / "app")
    preview = _preview(tmp_path / "app")
    assert preview is not None
    qtbot.addWidget(preview)
    model = preview.table.model()
    assert [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(20)] == shown
    header = preview.table.horizontalHeader()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert model.headerData(header.sortIndicatorSection(), Qt.Orientation.Horizontal) == "Email"
    assert preview.account_combo.currentText().startswith("Square (Demo)")
    assert preview.badge.text() == "DEMO"
    assert preview.count_label.text() == "List from your last session"
    # Nothing in it can change data while the app is still loading.
    assert not any(a.isEnabled() for a in (preview.new_action, preview.edit_action, preview.delete_action,
                                           preview.refresh_action))
    # A click on a header sorts nothing (the preview's rows are our order; Qt's rules differ).
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(0) + 5, header.height() // 2))
    assert model.data(model.index(0, 0)) == shown[0][0]


async def test_no_snapshot_on_a_first_start(tmp_path: Path) -> None:
    assert _preview(tmp_path / "never-started") is None


async def test_the_real_window_takes_over_at_its_first_page_with_what_was_typed(qtbot: Any, tmp_path: Path) -> None:
    await _session_with_a_snapshot(qtbot, tmp_path / "app")
    context = make_context(tmp_path / "app", latency_ms=200)  # the first page takes a while
    preview = _preview(tmp_path / "app")
    assert preview is not None   # not given to qtbot: the hand-over deletes it
    where = preview.geometry()
    preview.search.setFocus()
    qtbot.keyClicks(preview.search, "gmail")   # typed while the app was still starting
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    task = asyncio.get_running_loop().create_task(run_window(app, context, None, preview))
    window: MainWindow = await until(lambda: visible(MainWindow), what="the real window")
    assert visible(StartPreview) is None
    assert window.model.loaded_count() > 0          # shown with its first page, not empty
    assert window.search.text() == "gmail"
    assert window.model.filter_text == "gmail"
    # The field has the focus once the window is active, which the platform makes it a turn or two later.
    await until(window.search.hasFocus, timeout=5, what="the search field's focus")
    assert window.geometry() == where
    window.close()
    assert await task == 0


async def test_the_collector_is_paused_from_the_start_until_the_first_rows(qtbot: Any, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    await _session_with_a_snapshot(qtbot, tmp_path / "app")
    monkeypatch.setattr(startup, "START_PAUSE_MAX_MS", 600_000)   # only the first rows can end it here
    context = make_context(tmp_path / "app", latency_ms=200)
    pause = Pause(keep=True)   # as console/launch.py begins it, before Qt is imported
    assert not gc.isenabled()
    preview = _preview(tmp_path / "app")
    assert preview is not None
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    task = asyncio.get_running_loop().create_task(run_window(app, context, None, preview, pause))
    window: MainWindow = await until(lambda: visible(MainWindow), what="the real window with its first rows")
    assert window.model.loaded_count() > 0
    assert pause.ended and gc.isenabled()
    window.close()
    assert await task == 0


async def test_a_window_closed_before_its_first_rows_ends_the_pause(qtbot: Any, tmp_path: Path) -> None:
    await _session_with_a_snapshot(qtbot, tmp_path / "app")
    context = make_context(tmp_path / "app", latency_ms=2000)
    pause = Pause(keep=True)
    preview = _preview(tmp_path / "app")
    assert isinstance(preview, StartPreview)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = set(QApplication.topLevelWidgets())
    task = asyncio.get_running_loop().create_task(run_window(app, context, None, preview, pause))
    await until(lambda: any(isinstance(w, MainWindow) for w in set(QApplication.topLevelWidgets()) - before),
                what="the real window to be built")
    preview.close()   # quits, as closing the window does
    assert await asyncio.wait_for(task, 10) == 0
    assert pause.ended
    # Back on once the window's workers end their own pauses too (they are counted with this one): never,
    # were the start's still on.
    await until(gc.isenabled, what="the collector back on")


async def test_closing_the_preview_ends_the_start(qtbot: Any, tmp_path: Path) -> None:
    await _session_with_a_snapshot(qtbot, tmp_path / "app")
    context = make_context(tmp_path / "app", latency_ms=2000)
    preview = _preview(tmp_path / "app")
    assert isinstance(preview, StartPreview)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = set(QApplication.topLevelWidgets())
    task = asyncio.get_running_loop().create_task(run_window(app, context, None, preview))
    await until(lambda: any(isinstance(w, MainWindow) for w in set(QApplication.topLevelWidgets()) - before),
                what="the real window to be built")
    preview.close()
    assert await asyncio.wait_for(task, 10) == 0
    assert visible(MainWindow) is None


async def test_another_account_is_never_previewed_as_this_one(qtbot: Any, tmp_path: Path) -> None:
    await _session_with_a_snapshot(qtbot, tmp_path / "app")
    context = make_context(tmp_path / "app")
    assert read_kept_snapshot(context.paths) is not None   # Square's
    context.settings.last_account_id = "demo:clover"
    context.store.save(context.settings)
    assert read_kept_snapshot(context.paths) is None   # Clover has no view yet: never Square's list as Clover's
    window = await journaled_window(qtbot, context)
    await open_demo(window, "clover")
    await window.shutdown()
    await context.workspace.start_views()   # after the shut-down's write
    snapshot = read_kept_snapshot(context.paths)
    assert isinstance(snapshot, StartSnapshot) and snapshot.account_id == "demo:clover"
    assert snapshot.rows[0][0] == window.model.data(window.model.index(0, 0))
    await context.workspace.close()
