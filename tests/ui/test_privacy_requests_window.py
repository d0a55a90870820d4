"""Tools → Privacy requests: an erasure left incomplete by a provider that was down is listed as such, and
Resume erasure finishes it once the provider answers again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from console.services.privacy_accounts import RequestSessions
from console.services.privacy_erasure import erase
from console.services.privacy_requests import ERASURE, PrivacyRequest, PrivacyRequests
from console.services.privacy_search import Person, find_person
from console.ui.privacy_requests_window import PrivacyRequestsWindow
from tests.services.privacy_people import ADA, Outage, plant
from tests.support.qt import until, visible
from tests.ui.conftest import journaled_window, make_context, wrap_demo_transports


async def test_an_incomplete_erasure_is_listed_and_resumed(qtbot: Any, tmp_path: Path) -> None:
    down: set[str] = set()
    context = wrap_demo_transports(make_context(tmp_path / "app", customers=12),
                                   lambda key, transport: Outage(key, transport, down))
    window = await journaled_window(qtbot, context)
    sessions = RequestSessions(context)
    try:
        ada = await plant(sessions, ADA)
        result = await find_person(Person(email=ADA["email"]), sessions.accounts, sessions, context.workspace)
        down.add("payarc")
        request = await erase(context, PrivacyRequest.start(ERASURE, result, result.records, "Ada L."),
                              sessions.accounts, sessions, PrivacyRequests(context.workspace))
    finally:
        await sessions.aclose()
    assert request.state == "incomplete"
    down.clear()
    window.findChild(QAction, "privacyRequestsAction").trigger()
    listing: PrivacyRequestsWindow = await until(lambda: visible(PrivacyRequestsWindow, "privacyRequests"))
    await until(lambda: listing.table.rowCount() == 1, what="the request listed")
    assert listing.table.item(0, 2).text() == "incomplete" and listing.resume_button.isEnabled()
    qtbot.mouseClick(listing.resume_button, Qt.MouseButton.LeftButton)
    await until(lambda: listing.table.item(0, 2).text() == "complete", timeout=30, what="the erasure resumed")
    assert context.demo.emulator("payarc").customer(ada["payarc"].id) is None
    assert not listing.resume_button.isEnabled()
    listing.reject()
    await window.shutdown()
