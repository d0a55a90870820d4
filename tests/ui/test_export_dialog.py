"""File → Export… driven as a person would: Ctrl+E, the shown rows (after a search) or the selection,
the columns ticked with the keyboard, a path typed, Export clicked; the file holds those rows and columns
and the dialog and status bar say where it went. Mistakes are named and write nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt

from console.services.accounts import ALL_ACCOUNTS
from console.ui.all_accounts_loading import AllLoaded
from console.ui.export_dialog import ExportDialog
from console.ui.main_window import MainWindow
from tests.support.qt import signal, until, visible
from tests.ui.conftest import make_context


async def open_dialog(qtbot: Any, window: MainWindow) -> ExportDialog:
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog: ExportDialog = await until(lambda: visible(ExportDialog, "exportDialog"), what="the export dialog")
    await until(dialog.export_button.isEnabled, what="the columns")
    return dialog


def type_path(qtbot: Any, dialog: ExportDialog, path: Path) -> None:
    dialog.path.selectAll()
    qtbot.keyClick(dialog.path, Qt.Key.Key_Delete)
    qtbot.keyClicks(dialog.path, str(path))


def tick(qtbot: Any, dialog: ExportDialog, header: str) -> None:
    [item] = dialog.columns.findItems(header, Qt.MatchFlag.MatchExactly)
    dialog.columns.setCurrentItem(item)
    qtbot.keyClick(dialog.columns, Qt.Key.Key_Space)


async def test_the_shown_rows_are_exported_with_the_columns_ticked(qtbot: Any, window: MainWindow,
                                                                   tmp_path: Path) -> None:
    qtbot.keyClicks(window.search, "a")
    await until(lambda: 0 < window.model.rowCount() < window.model.loaded_count(), what="the search")
    shown = [window.model.customer(row) for row in range(window.model.rowCount())]
    dialog = await open_dialog(qtbot, window)
    assert dialog.shown_choice.isChecked() and not dialog.selection_choice.isEnabled()   # nothing selected
    qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
    tick(qtbot, dialog, "Customer id")
    tick(qtbot, dialog, "Email")
    out = tmp_path / "shown.csv"
    type_path(qtbot, dialog, out)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.status.text().startswith("Exported"), what="the export")
    said = f"Exported {len(shown)} customers to {out}"
    assert dialog.status.text() == said and window.statusBar().currentMessage() == said
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    assert written == [["Customer id", "Email"], *([c.id, c.email or ""] for c in shown)]
    assert dialog.close_button.text() == "Close"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    await until(lambda: not dialog.isVisible(), what="the dialog to close")


async def test_the_selection_is_the_default_and_xlsx_is_written_without_formulas(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    model = window.model
    selection = QItemSelection()
    selection.select(model.index(2, 0), model.index(4, model.columnCount() - 1))
    window.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    chosen = [model.customer(row).id for row in (2, 3, 4)]
    dialog = await open_dialog(qtbot, window)
    assert dialog.selection_choice.isChecked() and dialog.selection_choice.text() == "The 3 customers selected"
    assert [c.id for _, c in dialog.records] == chosen
    qtbot.mouseClick(dialog.shown_choice, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))   # the other way, and back
    await until(lambda: len(dialog.records) == model.rowCount() and dialog.export_button.isEnabled(),
                what="the shown rows")
    qtbot.mouseClick(dialog.selection_choice, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    await until(lambda: len(dialog.records) == 3 and dialog.export_button.isEnabled(), what="the selection")
    type_path(qtbot, dialog, tmp_path / "chosen.csv")
    dialog.format.setFocus()
    qtbot.keyClick(dialog.format, Qt.Key.Key_Down)
    assert dialog.path.text() == str(tmp_path / "chosen.xlsx")
    qtbot.keyClick(dialog.export_button, Qt.Key.Key_Space)
    await until(lambda: dialog.status.text().startswith("Exported 3 customers"), what="the export")
    sheet = load_workbook(tmp_path / "chosen.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Account", "Provider", "Customer id"] and [r[2] for r in rows[1:]] == chosen
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


async def test_a_missing_folder_or_an_existing_file_is_named_and_nothing_is_written(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    dialog = await open_dialog(qtbot, window)
    type_path(qtbot, dialog, folder / "nowhere" / "c.csv")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "does not exist" in dialog.status.text() and dialog.export_button.isEnabled()
    existing = folder / "kept.csv"
    existing.write_text("keep me", encoding="utf-8")
    type_path(qtbot, dialog, existing)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "press Export again to replace it" in dialog.status.text()
    assert existing.read_text(encoding="utf-8") == "keep me"
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.status.text().startswith("Exported"), what="the export")
    assert existing.read_text(encoding="utf-8-sig").startswith("Account,Provider,Customer id")
    assert sorted(p.name for p in folder.iterdir()) == ["kept.csv"]   # and no temporary file beside it


async def test_all_accounts_are_exported_each_row_under_its_own_account(qtbot: Any, tmp_path: Path) -> None:
    context = make_context(tmp_path / "app", customers=15)
    window = MainWindow(context)
    qtbot.addWidget(window)
    first = signal(window.load_finished, timeout=30)
    window.show()
    await first
    loaded = signal(window.load_finished, timeout=60)
    window.account_combo.setCurrentIndex(window.account_combo.findData(ALL_ACCOUNTS))
    (result,) = await loaded
    assert isinstance(result, AllLoaded)
    model, sessions = window.model, window.all_accounts.sessions
    expected = [(sessions[model.account_of(r) or ""].account.name, model.customer(r).id)
                for r in range(model.rowCount())]
    dialog = await open_dialog(qtbot, window)
    out = tmp_path / "everyone.csv"
    type_path(qtbot, dialog, out)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.status.text().startswith("Exported"), what="the export")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["Account"], row["Customer id"]) for row in rows] == expected
    assert {row["Provider"] for row in rows} == {"Square", "Authorize.net", "Clover", "PayArc", "Digital River"}
    await window.shutdown()
