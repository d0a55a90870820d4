"""Team mode in the window (issue 22): another console's save shows in this window's table, and an open
edit dialog of that customer says who changed it, with the stale-edit choice, before its user saves.

Console B is the real window; console A is a second set of services (its own folder, keychain and staff
name) on the same PostgreSQL database of the suite's server, saving to the same demo Square emulator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt

from console.domain.changes import CustomerChanges
from console.services.accounts import demo_accounts, open_session
from console.services.journal import Author, Journal
from console.services.secrets import MemorySecrets
from console.services.team_server import TEAM_PASSWORD, TeamServer
from console.ui.main_window import MainWindow
from tests.support.qt import until
from tests.support.service_context import service_context
from tests.support.window import line_editor, open_edit_of_row, type_value
from tests.ui.conftest import journaled_window, make_context


@pytest.fixture
def team(pg_database: Callable[..., sa.URL]) -> TeamServer:
    url = pg_database()
    return TeamServer(host=url.host or "", port=url.port or 5432, database=url.database or "",
                      user=url.username or "", tls="disable")


async def test_a_save_in_another_console_updates_the_row_and_warns_the_open_dialog(
        qtbot: Any, tmp_path: Path, team: TeamServer) -> None:
    context = make_context(tmp_path / "b", customers=15)
    context.secrets.set(TEAM_PASSWORD, "")
    context.settings.team = context.workspace.team = team
    window: MainWindow = await journaled_window(qtbot, context)
    assert window.context.workspace.is_open and window.context.workspace.team == team

    # Console A: Jane, on the same team database and the same Square account.
    other = service_context(tmp_path / "a")
    other.secrets.set(TEAM_PASSWORD, "")
    other.workspace.team = team
    other.journal = Journal(other.workspace, Author.here("Jane"))
    other.workspace.start()
    assert await other.workspace.ready()
    account = next(a for a in demo_accounts(context.demo) if a.info.key == "square")
    jane = await open_session(account, secrets=MemorySecrets(), demo=context.demo, workspace=other.workspace)
    jane.service.journal = other.journal.for_account(account.id, account.name, account.info.key)
    await jane.service.load_local()

    feed = window.context.workspace._feed
    await until(lambda: feed is not None and feed.listening.is_set(), what="the window listening")
    dialog = await open_edit_of_row(qtbot, window, 0)
    customer = dialog.original
    assert customer is not None
    type_value(qtbot, dialog.editors["email"], "typed.here@example.com")   # B's edit, not saved yet

    await jane.service.update(customer, CustomerChanges(values={"family_name": "Janeson"}))

    row = window.model.row_of(customer.id)
    await until(lambda: window.model.customer(window.model.row_of(customer.id) or 0).family_name == "Janeson",
                what="the row to show Jane's change")
    assert row is not None
    await until(lambda: "Jane changed this customer" in dialog.banner_text.text(), what="the dialog's notice")
    qtbot.mouseClick(dialog.banner_action, Qt.MouseButton.LeftButton)
    assert line_editor(dialog, "family_name").text() == "Janeson"          # their change taken in...
    assert line_editor(dialog, "email").text() == "typed.here@example.com"  # ...what B typed kept

    await jane.aclose()
    await other.workspace.close()
    dialog.reject()
    await window.shutdown()
