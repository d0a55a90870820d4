"""Team mode in the window (issue 22): another console's save shows in this window's table, and an open
edit dialog of that customer says who changed it, with the stale-edit choice, before its user saves.

Console B is the real window; console A is a second set of services (its own folder, keychain and staff
name) on the same PostgreSQL database of the suite's server; both work on one Square account (an emulator),
each with its own copy of the credentials.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from psycopg import sql
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.domain.changes import CustomerChanges
from console.domain.journal import JournalQuery
from console.sandbox.square import SquareEmulator
from console.services.accounts import open_session
from console.services.journal import Author, Journal
from console.services.secrets import MemorySecrets, set_secret
from console.services.settings import AccountSettings
from console.services.team_accounts import sync_team_accounts
from console.services.team_server import TEAM_PASSWORD, TeamServer
from console.ui.history_window import show_history
from console.ui.main_window import MainWindow
from console.ui.team_workspace_dialog import TeamWorkspaceDialog
from tests.postgres import PgServer, team_settings
from tests.support.qt import answer, until, visible
from tests.support.service_context import service_context
from tests.support.window import line_editor, open_edit_of_row, type_value
from tests.ui.conftest import journaled_window, make_context

TOKEN = "team-test-token"


@pytest.fixture
def team(pg_database: Callable[..., sa.URL]) -> TeamServer:
    return team_settings(pg_database())


async def shop_window(qtbot: Any, root: Path, team: TeamServer, emulator: SquareEmulator,
                      shop: AccountSettings, retry_s: float | None = None) -> MainWindow:
    """The window of a console at `root` on the team workspace, with the Shop account (the emulator) open."""
    context = make_context(root, customers=15)
    context.transport = emulator.transport()
    context.settings.accounts = [shop]
    await set_secret(context.secrets, shop.id, "square", "token", TOKEN)
    context.secrets.set(TEAM_PASSWORD, "")
    context.settings.team = context.workspace.team = team
    if retry_s is not None:
        context.workspace.retry_delays = (retry_s, retry_s * 4)
    return await journaled_window(qtbot, context)


async def test_a_save_in_another_console_updates_the_row_and_warns_the_open_dialog(
        qtbot: Any, tmp_path: Path, team: TeamServer) -> None:
    emulator = SquareEmulator(seed=4, customers=15, credentials={"token": TOKEN})
    shop = AccountSettings(provider="square", name="Shop", base_url=emulator.base_url)
    window = await shop_window(qtbot, tmp_path / "b", team, emulator, shop)
    context = window.context
    assert window.context.workspace.is_open and window.context.workspace.team == team
    assert window.session is not None and window.session.account.id == shop.id

    # Console A: Jane, on the same team database and the same Square account.
    other = service_context(tmp_path / "a")
    other.secrets.set(TEAM_PASSWORD, "")
    other.workspace.team = team
    other.journal = Journal(other.workspace, Author.here("Jane"))
    other.workspace.start()
    assert await other.workspace.ready()
    account = window.session.account
    jane = await open_session(account, secrets=MemorySecrets(), demo=other.demo, transport=emulator.transport(),
                              credentials={"token": TOKEN}, workspace=other.workspace)
    jane.service.journal = other.journal.for_account(account.id, account.name, account.info.key)
    await jane.service.load_local()

    feed = window.context.workspace._feed
    await until(lambda: feed is not None and feed.listening.is_set(), what="the window listening")
    history = show_history(window)   # open before Jane saves: it lists her save as it arrives
    await until(lambda: not window.tasks.running("history"), what="History's first read")
    listed = history.model.rowCount()
    window.activateWindow()
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
    await until(lambda: history.model.rowCount() == listed + 1, what="History to list Jane's save")
    newest = history.model.entry(0)
    assert newest is not None and newest.intent.who == "Jane" and newest.customer_id == customer.id

    await jane.aclose()
    await other.workspace.close()
    dialog.reject()
    await window.shutdown()
    await context.workspace.close()


async def test_the_team_workspace_dialog_tests_the_connection_then_switches_the_window(
        qtbot: Any, tmp_path: Path, team: TeamServer) -> None:
    context = make_context(tmp_path / "app", customers=10)
    window: MainWindow = await journaled_window(qtbot, context)
    assert context.workspace.team is None
    await until(lambda: QApplication.activeWindow() is window, what="the window to be active")
    window.team_action.trigger()   # File → Team workspace…
    dialog = await until(lambda: visible(TeamWorkspaceDialog), what="the dialog")

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)   # nothing filled in yet
    await until(lambda: "Check the form" in dialog.outcome.text(), what="the form's problems")
    assert "Host" in dialog.outcome.text() and "Database" in dialog.outcome.text()

    for field, text in ((dialog.host, team.host), (dialog.database, team.database), (dialog.user, team.user)):
        field.setFocus()
        qtbot.keyClicks(field, text)
    dialog.port.setValue(team.port)
    dialog.tls.setCurrentIndex(dialog.tls.findData("disable"))   # the suite's server has no TLS
    qtbot.keyClicks(dialog.password, "kept-in-the-keychain")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.outcome.text().startswith("Connected to PostgreSQL"), what="the check's answer")
    assert "is empty" in dialog.outcome.text()

    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    await until(lambda: visible(TeamWorkspaceDialog) is None, timeout=30, what="the dialog to close once switched")
    workspace = context.workspace
    assert workspace.is_open and workspace.team == team.model_copy(update={"tls": "disable"})
    assert context.secrets.get(TEAM_PASSWORD) == "kept-in-the-keychain"
    saved = context.store.path.read_text()
    assert team.database in saved and "kept-in-the-keychain" not in saved   # the password is not in settings
    assert "Team workspace" in "\n".join(workspace.describe())
    where = window.team_updates.where
    assert where.isVisible() and where.text() == f"Team: {team.database} on {team.host}"
    await until(lambda: not window.tasks.running("load"), timeout=30, what="the refresh into the team copy")

    window.team_action.trigger()
    again = await until(lambda: visible(TeamWorkspaceDialog), what="the dialog again")
    assert again.host.text() == team.host and again.local_button.isVisible()
    await until(lambda: again.password.text() == "kept-in-the-keychain", what="the password from the keychain")
    qtbot.mouseClick(again.local_button, Qt.MouseButton.LeftButton)
    await until(lambda: visible(TeamWorkspaceDialog) is None, timeout=30, what="back on the local workspace")
    assert workspace.team is None and workspace.is_open and context.settings.team is None
    assert context.secrets.get(TEAM_PASSWORD) is None
    assert not window.team_updates.where.isVisible()
    await window.shutdown()
    await workspace.close()


async def test_move_my_workspace_there_brings_this_computers_history_into_the_team(
        qtbot: Any, tmp_path: Path, team: TeamServer) -> None:
    context = make_context(tmp_path / "app", customers=10)
    window: MainWindow = await journaled_window(qtbot, context)
    assert window.session is not None
    customer = window.model.customer(0)
    await window.session.service.update(customer, CustomerChanges(values={"company": "Before the move"}))
    await until(lambda: not window.tasks.running("load"), what="the window to be quiet")
    local = await context.journal.count(JournalQuery())
    assert local >= 1

    await until(lambda: QApplication.activeWindow() is window, what="the window to be active")
    window.team_action.trigger()
    dialog = await until(lambda: visible(TeamWorkspaceDialog), what="the dialog")
    for field, text in ((dialog.host, team.host), (dialog.database, team.database), (dialog.user, team.user)):
        field.setFocus()
        qtbot.keyClicks(field, text)
    dialog.port.setValue(team.port)
    dialog.tls.setCurrentIndex(dialog.tls.findData("disable"))
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    await until(lambda: visible(TeamWorkspaceDialog) is None, timeout=30, what="the move to finish")

    assert context.workspace.team is not None and context.workspace.is_open
    moved = await context.journal.entries(JournalQuery(customer=(window.session.account.id, customer.id)))
    assert [entry.intent.operation for entry in moved] == ["update"]
    assert await context.journal.count(JournalQuery()) == local
    assert (await context.journal.verify()).first_bad is None
    assert any("were new to the team" in text for text in said)
    await window.shutdown()
    await context.workspace.close()


async def test_a_console_joining_the_team_is_offered_the_teams_accounts(
        qtbot: Any, tmp_path: Path, team: TeamServer) -> None:
    # Jane's console listed its Shop account for the team (no credentials go with it).
    shop = AccountSettings(provider="square", name="Shop", base_url="http://127.0.0.1:9/")
    jane = service_context(tmp_path / "jane")
    jane.secrets.set(TEAM_PASSWORD, "")
    jane.workspace.team = team
    jane.workspace.start()
    assert await jane.workspace.ready()
    assert await sync_team_accounts(jane.workspace, [shop], "Jane") == []
    await jane.workspace.close()

    context = make_context(tmp_path / "tom", customers=10)
    context.secrets.set(TEAM_PASSWORD, "")
    context.settings.team = context.workspace.team = team
    context.workspace.start()
    window = MainWindow(context)
    qtbot.addWidget(window)
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    window.show()
    offer = await answer(QMessageBox.StandardButton.Yes)
    assert "1 accounts this computer does not have" in offer and "Shop" in offer and "shared by Jane" in offer

    await until(lambda: [a.id for a in context.settings.accounts] == [shop.id], what="the account added")
    added = context.settings.accounts[0]
    assert (added.name, added.base_url) == ("Shop", shop.base_url)
    assert shop.id in [window.account_combo.itemData(i) for i in range(window.account_combo.count())]
    assert context.secrets.get(f"{shop.id}/square/token") is None   # Tom enters his own
    assert any("enter your credentials" in text for text in said)
    await window.shutdown()
    await context.workspace.close()


async def test_the_window_says_while_the_team_server_is_away(
        qtbot: Any, tmp_path: Path, team: TeamServer, pg_server: PgServer) -> None:
    context = make_context(tmp_path / "app", customers=10)
    context.secrets.set(TEAM_PASSWORD, "")
    context.settings.team = context.workspace.team = team
    window: MainWindow = await journaled_window(qtbot, context)
    feed = context.workspace._feed
    await until(lambda: feed is not None and feed.listening.is_set(), what="the window listening")
    away = window.team_updates.away
    assert not away.isVisible()

    database = sql.Identifier(team.database)
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database))
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (team.database,))
    await until(lambda: away.isVisible(), timeout=30, what="the bar saying the team server is away")
    assert "Team workspace unreachable" in away.text()
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database))
    await until(lambda: not away.isVisible(), timeout=30, what="the bar to go once it is back")
    assert any("team workspace is back" in text for text in said)
    await window.shutdown()
    await context.workspace.close()


async def test_a_window_started_while_the_team_server_is_away_shows_this_computers_last_copy(
        qtbot: Any, tmp_path: Path, team: TeamServer, pg_server: PgServer) -> None:
    emulator = SquareEmulator(seed=4, customers=15, credentials={"token": TOKEN})
    shop = AccountSettings(provider="square", name="Shop", base_url=emulator.base_url)

    first = await shop_window(qtbot, tmp_path / "app", team, emulator, shop, retry_s=0.05)
    await until(lambda: not first.tasks.running("load"), timeout=30, what="the refresh into the team copy")
    cache = first.context.workspace.cache
    assert cache is not None
    await asyncio.wrap_future(cache.follow(shop.id))   # copied to this computer
    await first.shutdown()
    await first.context.workspace.close()

    database = sql.Identifier(team.database)
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database))
    try:
        window = await shop_window(qtbot, tmp_path / "app", team, emulator, shop, retry_s=0.05)
        workspace = window.context.workspace
        assert workspace.cached and window.model.rowCount() == 15
        away = window.team_updates.away
        await until(lambda: away.isVisible(), what="the bar saying the team server is away")
        assert "last copy of the team's accounts" in away.text() and "read-only" in away.text()
        assert not window.new_action.isEnabled() and "cannot be reached" in window.new_action.toolTip()
        said: list[str] = []
        window.statusBar().messageChanged.connect(said.append)
    finally:
        with pg_server.admin() as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database))
    await until(lambda: not away.isVisible(), timeout=30, what="the bar to go once the server answers")
    assert not workspace.cached and workspace.team_connected
    assert window.new_action.isEnabled()
    assert any("team workspace is back" in text for text in said)
    await until(lambda: not window.tasks.running("team-change"), timeout=30, what="the accounts read again")
    assert window.model.rowCount() == 15
    await window.shutdown()
    await workspace.close()
