"""Copy to another account as a job, driven as a person would: from the PayArc demo into the Square
demo (select rows, Customer → Copy to another account…, choose the target, preview, dry run, confirm),
the job in the Jobs panel, then the report of what arrived and the journal's source → target links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from console.domain.journal import JournalQuery
from console.services.accounts import DEMO_PREFIX
from console.services.copy_job import CopyReport, Outcome
from console.ui.copy_dialog import CopyDialog
from console.ui.copy_report import CopyReportDialog
from console.ui.history_detail import HistoryDetail
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.ui.conftest import open_demo, window_with_journal
from tests.ui.test_copy_dialog import select

SQUARE = DEMO_PREFIX + "square"


async def _preview_into_square(qtbot: Any, window: MainWindow, rows: list[int]) -> CopyDialog:
    """Select `rows`, Customer → Copy to another account…, choose the Square demo, Preview."""
    select(window, rows)
    window.customer_menu.aboutToShow.emit()
    action = window.customer_menu.findChild(QAction, "copyToAccountAction")
    assert action is not None and action.isEnabled()
    action.trigger()
    dialog: CopyDialog = await until(lambda: visible(CopyDialog, "copyDialog"), what="the copy dialog")
    dialog.target_list.setCurrentRow(next(i for i, a in enumerate(dialog.accounts) if a.id == SQUARE))
    previewed = signal(dialog.previewed, timeout=20)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    await previewed
    return dialog


async def _payarc_window(qtbot: Any, tmp_path: Path) -> MainWindow:
    window = await window_with_journal(qtbot, tmp_path / "app", customers=12)
    await open_demo(window, "payarc")
    return window


async def test_copy_from_payarc_to_square_runs_as_a_job_and_reports_what_arrived(qtbot: Any, tmp_path: Path) -> None:
    window = await _payarc_window(qtbot, tmp_path)
    chosen = [window.model.customer(r) for r in (0, 1, 2)]
    dialog = await _preview_into_square(qtbot, window, [0, 1, 2])
    square = window.context.demo.emulator("square")
    before = set(square._customers)

    # The dry run checks every customer against Square's rules and sends nothing.
    square.clear_log()
    dry = signal(dialog.reported)
    qtbot.mouseClick(dialog.dry_button, Qt.MouseButton.LeftButton)
    (report,) = await dry
    assert isinstance(report, CopyReport) and report.dry_run
    assert report.count(Outcome.WOULD_CREATE) == 3 and report.count(Outcome.REFUSED) == 0
    assert square.requests == [] and "nothing sent" in dialog.copy_status.text()
    assert dialog.results.topLevelItemCount() == 3 and dialog.copy_button.isVisible()

    # Copy: the confirmation names the target account, then the job runs at Square.
    reported = signal(dialog.reported, timeout=30)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    question = await answer(QMessageBox.StandardButton.Yes)
    assert "Square (Demo) [DEMO]: 3 customers" in question and "PRODUCTION" not in question
    (report,) = await reported
    assert not report.dry_run
    assert (report.count(Outcome.CREATED), report.intact, report.count(Outcome.FAILED),
            report.count(Outcome.NOT_SENT)) == (3, 3, 0, 0)
    assert dialog.copy_status.text().startswith("Of 3 customers: 3 created (3 arrived as sent, 0 with differences")
    panel = window.jobs
    job = panel.current()
    assert job is not None and job.account_id == SQUARE and job.counts == {"done": 3}

    # The customers are at Square with the carried values; the journal links each to its source.
    created = {k: c for k, c in square._customers.items() if k not in before}
    assert len(created) == 3
    by_source = {row.source: row.target_id for row in report.rows}
    entries = await window.context.journal.entries(JournalQuery(account_id=SQUARE, operation="create"))
    links = {x.intent.copied_from: x.customer_id for x in entries}
    for customer in chosen:
        source = f"{DEMO_PREFIX}payarc/{customer.id}"
        target_id = by_source[source]
        assert links[source] == target_id
        entry = next(x for x in entries if x.intent.copied_from == source)
        assert f"Copied from:{source}" in HistoryDetail(entry).describe(entry)   # History shows the link
        stored = created[target_id]
        assert stored.get("email_address") == customer.email
        assert (stored.get("given_name"), stored.get("family_name")) == (customer.given_name, customer.family_name)

    # The same report from the Jobs panel, read back again.
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    await until(lambda: visible(CopyDialog, "copyDialog") is None, what="the dialog to close")
    assert panel.buttons["report"].isEnabled()
    qtbot.mouseClick(panel.buttons["report"], Qt.MouseButton.LeftButton)
    shown: CopyReportDialog = await until(lambda: visible(CopyReportDialog, "copyReportDialog"), what="the report")
    await until(lambda: shown.summary.text().startswith("Of 3 customers"), what="the report to be read")
    assert shown.tree.topLevelItemCount() == 3
    assert {shown.tree.topLevelItem(i).text(1) for i in range(3)} == {f"Created as {i}" for i in created}
    shown.close()
    await window.shutdown()
    await window.context.workspace.close()
