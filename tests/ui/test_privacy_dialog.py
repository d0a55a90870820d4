"""Tools → Privacy request…, driven as a person would on the demo accounts: a demo person planted in
Square, Clover and Authorize.net is found by email, ticked from the keyboard, exported, erased
everywhere (the export deleted after), and the PDF receipt names the accounts; searching again finds
nothing, and the window's table no longer shows them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from console.services.privacy_export import MANIFEST, RECORDS, SUMMARY
from console.ui.privacy_dialog import PrivacyDialog
from console.ui.privacy_results import RECORD_ROLE
from tests.support.pdf_text import pdf_text
from tests.support.qt import answer, signal, until, visible
from tests.ui.conftest import journaled_window, make_context

EMAIL = "elodie.chevalier@example.com"   # planted in the Square, Clover and Authorize.net demo data


async def _step(dialog: PrivacyDialog, name: str, do: Any) -> None:
    """Do something and wait until the dialog says the step `name` ended."""
    ended = signal(dialog.finished_step, timeout=30)
    do()
    assert (await ended) == (name,)


async def test_a_whole_privacy_request_from_search_to_pdf_receipt(qtbot: Any, tmp_path: Path) -> None:
    window = await journaled_window(qtbot, make_context(tmp_path / "app", customers=100))
    square_ids = {c.id for c in window.session.service.index if c.email and c.email.lower() == EMAIL}  # type: ignore[union-attr]
    assert square_ids
    window.findChild(QAction, "privacyRequestAction").trigger()
    dialog: PrivacyDialog = await until(lambda: visible(PrivacyDialog, "privacyDialog"), what="the dialog")
    qtbot.keyClicks(dialog.email, EMAIL)
    await _step(dialog, "search", lambda: qtbot.keyClick(dialog.email, Qt.Key.Key_Return))
    records = dialog.results.record_items()
    found = {item.data(0, RECORD_ROLE).account_id.removeprefix("demo:") for item in records}
    assert found == {"square", "clover", "authorize-net"}, dialog.status.text()
    assert all(item.text(1).startswith("email") for item in records)

    # The first record ticked with the keyboard, the rest with Tick all.
    dialog.results.setFocus()
    dialog.results.setCurrentItem(records[0])
    qtbot.keyClick(dialog.results, Qt.Key.Key_Space)
    assert records[0].checkState(0) == Qt.CheckState.Checked
    qtbot.mouseClick(dialog.tick_button, Qt.MouseButton.LeftButton)
    assert len(dialog.results.ticked()) == len(records)

    dialog.folder.setText(str(tmp_path / "out"))
    await _step(dialog, "export", lambda: qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton))
    folder = dialog.export_folder
    assert folder is not None and sorted(p.name for p in folder.iterdir()) == sorted([MANIFEST, RECORDS, SUMMARY])
    assert len(json.loads((folder / RECORDS).read_text())["records"]) == len(records)

    ended = signal(dialog.finished_step, timeout=60)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    preview = await answer(QMessageBox.StandardButton.Yes)
    for name in ("Square (Demo)", "Clover (Demo)", "Authorize.net (Demo)"):
        assert name in preview
    assert "cannot erase" in preview and "payment profiles" in preview
    asked = await answer(QMessageBox.StandardButton.Yes)   # the person has their export: delete it
    assert "export" in asked
    assert (await ended) == ("erase",)
    assert "complete" in dialog.status.text() and not folder.exists()
    for key in ("square", "clover", "authorize-net"):
        emulator = window.context.demo.emulator(key)
        assert not [c for c in emulator._customers.values() if EMAIL in json.dumps(c).lower()], key
    assert not square_ids & {c.id for c in window.session.service.index}  # type: ignore[union-attr]

    await _step(dialog, "receipt", lambda: qtbot.mouseClick(dialog.receipt_button, Qt.MouseButton.LeftButton))
    [pdf] = (tmp_path / "out").glob("privacy-receipt-*.pdf")
    # Compared without spaces: a cell wrapped in the table's column ("Square" / "(Demo)") is drawn as two lines, read
    # back with no space between them, and how a column wraps depends on the times and ids beside it.
    text = "".join(pdf_text(pdf).split())
    for name in ("Square (Demo)", "Clover (Demo)", "Authorize.net (Demo)", "PayArc (Demo)", "Digital River (Demo)"):
        assert "".join(name.split()) in text
    assert "Erasurerequest" in text and "Complete" in text and EMAIL not in text

    await _step(dialog, "search", lambda: qtbot.mouseClick(dialog.find_button, Qt.MouseButton.LeftButton))
    assert dialog.results.record_items() == [] and dialog.status.text().startswith("0 record(s)")
    check = await window.context.journal.verify()
    assert check.intact
    dialog.reject()
    await window.shutdown()


async def test_erasing_at_a_production_account_names_it_and_asks_once(qtbot: Any, tmp_path: Path) -> None:
    from console.domain.changes import CustomerChanges
    from tests.ui.test_bulk_jobs import _live_window, _writes

    window, emulator = await _live_window(qtbot, make_context(tmp_path / "app", customers=8))
    assert window.session is not None and window.session.environment == "production"
    ada = await window.session.provider.create(CustomerChanges(values={"email": "ada.q@example.com"}),
                                               idempotency_key="plant-ada")
    window.findChild(QAction, "privacyRequestAction").trigger()
    dialog: PrivacyDialog = await until(lambda: visible(PrivacyDialog, "privacyDialog"), what="the dialog")
    qtbot.keyClicks(dialog.email, "ada.q@example.com")
    await _step(dialog, "search", lambda: qtbot.keyClick(dialog.email, Qt.Key.Key_Return))
    qtbot.mouseClick(dialog.tick_button, Qt.MouseButton.LeftButton)
    assert [r.customer.id for r in dialog.results.ticked()] == [ada.id]
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    question = await answer(QMessageBox.StandardButton.No)
    assert "Main shop" in question and "PRODUCTION (live data, real customers): Main shop" in question
    await until(lambda: dialog.erase_button.isEnabled(), what="the erase step to end")
    assert "DELETE" not in _writes(emulator) and emulator.customer(ada.id) is not None
    ended = signal(dialog.finished_step, timeout=30)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)   # the only question: the service does not ask again
    assert (await ended) == ("erase",)
    assert emulator.customer(ada.id) is None and "complete" in dialog.status.text()
    dialog.reject()
    await window.shutdown()


async def test_the_window_closing_with_the_dialog_open_closes_the_accounts_it_opened(qtbot: Any,
                                                                                    tmp_path: Path) -> None:
    window = await journaled_window(qtbot, make_context(tmp_path / "app", customers=20))
    window.findChild(QAction, "privacyRequestAction").trigger()
    dialog: PrivacyDialog = await until(lambda: visible(PrivacyDialog, "privacyDialog"), what="the dialog")
    qtbot.keyClicks(dialog.email, EMAIL)
    await _step(dialog, "search", lambda: qtbot.keyClick(dialog.email, Qt.Key.Key_Return))
    opened = dialog.sessions.opened
    assert opened and window.session not in opened   # the other accounts, opened for the search
    await window.shutdown()   # the dialog still open
    assert dialog.sessions.opened == [] and all(s.client.is_closed for s in opened)
    await window.context.workspace.close()
