"""The window's second start paints the customers kept in the workspace database before the provider
answers, then the refresh reconciles them in place: the selection and the scroll position stay."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QMessageBox

from console.domain.customer import Customer
from console.services import copy_reader, customer_loading, kept_columns, warm_start
from console.services.context import AppContext, build_context
from console.services.paths import AppPaths
from console.services.settings import SettingsStore
from console.services.workspace import workspace_files
from console.ui.customer_loading import LOCAL_COPY_SHOWN
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until
from tests.ui.conftest import OtherClient, make_context, wrap_demo_transports

CUSTOMERS = 120


class HeldTransport(httpx.AsyncBaseTransport):
    """Holds every request until `release` is set: the provider has not answered yet."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.release = asyncio.Event()
        self.answered = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.release.wait()
        self.answered += 1
        return await self.inner.handle_async_request(request)


def _context(root: Path) -> AppContext:
    context = make_context(root, customers=CUSTOMERS)
    context.workspace.start()
    return context


async def _first_start(qtbot: Any, root: Path) -> list[Customer]:
    """Start on the provider alone; the customers in the order it listed them."""
    context = _context(root)
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    assert window.session is not None
    listed = list(window.session.service.index)
    await window.shutdown()
    await context.workspace.close()   # after the queued pages are saved
    return listed


async def test_the_second_start_paints_from_the_database_and_the_refresh_keeps_the_selection(
        qtbot: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO, logger="console.ui.customer_loading")
    root = tmp_path / "app"
    listed = [c.id for c in await _first_start(qtbot, root)]
    assert sorted(listed) != listed   # the provider's order is not the ids' order, so keeping it means something
    monkeypatch.setattr(copy_reader, "FIRST_BATCH", 50)   # the copy comes in three batches
    monkeypatch.setattr(copy_reader, "BATCH", 50)

    context = _context(root)
    held: dict[str, HeldTransport] = {}
    wrap_demo_transports(context, lambda key, inner: held.setdefault(key, HeldTransport(inner)))
    window = MainWindow(context)
    qtbot.addWidget(window)
    shown = signal(window.first_page_shown, timeout=20)
    window.show()
    await shown

    model, table = window.model, window.table
    assert 0 < model.rowCount() < CUSTOMERS        # painted at the first batch, before the rest are read
    await until(lambda: "data as of" in window.statusBar().currentMessage(), what="the whole local copy shown")
    # The refresh builds the provider's client on a worker thread, maybe only after the copy is shown.
    await until(lambda: "square" in held, what="the refresh's client")
    assert held["square"].answered == 0            # nothing has come from the provider yet…
    assert model.rowCount() == CUSTOMERS           # …and every customer is in the table
    assert window.session is not None
    assert [c.id for c in window.session.service.index] == listed   # in the provider's order
    # Said once, with the count, when the copy is in the table and searchable (P9 waits for it).
    said = [r.args for r in caplog.records if r.msg == LOCAL_COPY_SHOWN]
    assert said == [("demo:square", CUSTOMERS)]

    row = 80
    chosen = model.customer(row).id
    table.selectionModel().select(model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(model.index(row, 0))
    scrolled = table.verticalScrollBar().value()
    assert scrolled > 0
    # Meanwhile at the provider: the chosen customer changed, one after it deleted, one added.
    other = OtherClient(context)
    other.update(chosen, email_address="moved@example.com")
    other.http.delete(f"/v2/customers/{model.customer(CUSTOMERS - 1).id}").raise_for_status()
    added = other.create(given_name="Zed", family_name="Newcomer")["id"]
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))

    loaded = signal(window.load_finished, timeout=20)
    held["square"].release.set()
    await loaded

    assert resets == []                                          # no flicker: rows changed in place
    assert [c.id for c in window.customer_list.selected_customers()] == [chosen]
    assert window.customer_list.selected_customers()[0].email == "moved@example.com"
    assert table.verticalScrollBar().value() == scrolled
    assert model.rowCount() == CUSTOMERS and model.row_of(added) is not None
    await window.shutdown()
    await context.workspace.close()


async def test_keep_a_local_copy_off_asks_then_deletes_the_database_and_on_builds_it_again(
        qtbot: Any, tmp_path: Path) -> None:
    context = _context(tmp_path / "app")
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    database = context.paths.workspace_database
    assert window.keep_local_action.isChecked() and database.exists()

    window.keep_local_action.trigger()   # off, but the user keeps it after all
    await answer(QMessageBox.StandardButton.No)
    await until(window.keep_local_action.isChecked, what="the setting shown on again")
    assert window.keep_local_action.isChecked() and context.settings.keep_local_copy and database.exists()

    window.keep_local_action.trigger()
    text = await answer(QMessageBox.StandardButton.Yes)
    assert "deleted" in text
    await until(lambda: not database.exists(), what="the database to go")
    assert not context.settings.keep_local_copy and not window.keep_local_action.isChecked()
    assert not SettingsStore(context.paths.settings_file).load().settings.keep_local_copy
    assert workspace_files(database) == []

    reloaded = signal(window.load_finished, timeout=20)
    window.keep_local_action.trigger()   # on again: the refresh fills a new copy
    await reloaded
    assert context.settings.keep_local_copy and context.workspace.is_open
    copy = context.workspace.for_account("demo:square", "square")
    assert copy is not None and (kept := await copy.read()) is not None and len(kept.customers) == CUSTOMERS
    await window.shutdown()
    await context.workspace.close()


async def test_forget_local_data_deletes_the_database_too(qtbot: Any, tmp_path: Path) -> None:
    context = _context(tmp_path / "app")
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    old_key = context.workspace.key

    window.forget_data_action.trigger()
    reloaded = signal(window.load_finished, timeout=20)
    text = await answer(QMessageBox.StandardButton.Yes)
    assert "local copy of your customers" in text
    await reloaded   # the demo account opens again, into a new local copy under a new key
    assert context.workspace.is_open and context.workspace.key is not None and old_key is not None
    assert context.workspace.key.key != old_key.key
    await window.shutdown()
    await context.workspace.close()


async def test_a_search_typed_while_the_copy_is_read_covers_what_is_loaded_and_follows_the_rest(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "app"
    listed = await _first_start(qtbot, root)
    monkeypatch.setattr(copy_reader, "FIRST_BATCH", 40)   # a first screenful, then the rest in two batches
    monkeypatch.setattr(copy_reader, "BATCH", 40)
    rest = threading.Event()   # the reading thread waits for it before the second batch
    split = kept_columns.read_batch
    batches = [0]

    def held_after_first(*args: Any) -> Any:
        batches[0] += 1
        if batches[0] == 2:
            rest.wait(20)
        return split(*args)

    monkeypatch.setattr(kept_columns, "read_batch", held_after_first)
    context = _context(root)
    wrap_demo_transports(context, lambda _key, inner: HeldTransport(inner))   # the provider does not answer
    window = MainWindow(context)
    qtbot.addWidget(window)
    shown = signal(window.first_page_shown, timeout=20)
    window.show()
    await shown
    model = window.model
    assert window.session is not None
    index = window.session.service.index
    assert model.rowCount() == len(index) == 40   # the first screenful is painted before the rest is read

    # A name some of the first rows hold and more of the rest do.
    first, later = listed[:40], listed[40:]
    query = max(sorted({c.family_name for c in first if c.family_name}),
                key=lambda name: sum(c.family_name == name for c in later))
    assert any(c.family_name == query for c in later)
    window.search.setText(query)
    await until(lambda: model.rowCount() == len(index.matching(query)), what="the search over the loaded rows")
    shown_now = {model.customer(r).id for r in range(model.rowCount())}
    assert shown_now == {c.id for c in first if query.casefold() in _text(c)}   # each of them, and no other

    rest.set()
    await until(lambda: "data as of" in window.statusBar().currentMessage(), what="the whole local copy shown")
    assert len(index) == CUSTOMERS and [c.id for c in index] == [c.id for c in listed]
    everywhere = {c.id for c in listed if query.casefold() in _text(c)}
    assert len(everywhere) > len(shown_now)
    await until(lambda: {model.customer(r).id for r in range(model.rowCount())} == everywhere,
                what="the search to take in the rows read later")
    await window.shutdown()
    await context.workspace.close()


def _text(customer: Customer) -> str:
    """What a search for a family name looks at, near enough (the name, company and email, folded)."""
    return " ".join(filter(None, (customer.given_name, customer.family_name, customer.company,
                                  customer.email))).casefold()


async def test_the_window_shows_the_copy_read_while_the_app_was_starting(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="console.services.copy_reader")
    root = tmp_path / "app"
    listed = [c.id for c in await _first_start(qtbot, root)]
    context = _context(root)
    warm_start.begin(context.paths)   # as console/app.py does once the preview is painted

    def read_again(*_: Any) -> None:
        raise AssertionError("the copy was read a second time")

    monkeypatch.setattr(customer_loading, "CopyReader", read_again)
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await until(lambda: "data as of" in window.statusBar().currentMessage(), what="the whole local copy shown")
    assert window.session is not None and [c.id for c in window.session.service.index] == listed
    await loaded
    assert warm_start._prefetched is None
    # Read by the reader begun at start (not the workspace's own read, had that reader not served).
    assert [r.args[:2] for r in caplog.records if r.msg == copy_reader.LOCAL_COPY_READ] == [("demo:square", CUSTOMERS)]
    await window.shutdown()
    await context.workspace.close()


async def test_a_warm_start_shows_the_copy_before_the_database_opens_then_keeps_the_refresh(
        qtbot: Any, tmp_path: Path) -> None:
    root = tmp_path / "app"
    listed = [c.id for c in await _first_start(qtbot, root)]
    paths = AppPaths.resolve(root)
    warm_start.begin(paths)   # as console/app.py does, then build_context
    context = build_context(paths)
    workspace = context.workspace
    assert workspace.deferred and workspace.state == "off"   # importing SQLAlchemy waits for the rows
    window = MainWindow(context)
    qtbot.addWidget(window)
    at_first_rows: list[str] = []
    window.first_page_shown.connect(lambda: at_first_rows.append(workspace.state))
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    assert at_first_rows == ["off"]
    assert window.session is not None and [c.id for c in window.session.service.index] == listed
    # Opened once the copy was shown: the refresh was kept, and the journal is there for the first save.
    assert workspace.is_open and not workspace.deferred and window.session.service.local is not None
    assert context.journal.available
    await window.shutdown()
    await workspace.close()
