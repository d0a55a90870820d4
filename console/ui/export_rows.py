"""The customers File → Export… writes: the table's selected or shown rows, each with the account it
belongs to (All accounts shows several), read from the model a slice at a time so the window keeps
painting while 100,000 rows are gathered."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from console.services.accounts import AccountSession
from console.services.customer_export_columns import ExportSource, Record

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

SLICE = 5_000          # rows read between two turns of the event loop (a few ms)
ATTEMPTS = 3           # the table changed meanwhile (a search, a page loaded): read again, at last in one go


def export_source(session: AccountSession) -> ExportSource:
    account = session.account
    definitions = tuple(session.custom_fields.known_definitions or ())
    return ExportSource(account.name, account.info.display_name, session.service.capabilities, definitions)


def sources(window: MainWindow) -> dict[str | None, ExportSource]:
    """The source of each account the table shows, by account id (None: the one account open)."""
    if window.all_accounts.active:
        return {account_id: export_source(s) for account_id, s in window.all_accounts.sessions.items()}
    return {None: export_source(window.session)} if window.session is not None else {}


def chosen_rows(window: MainWindow, selection: bool) -> list[int]:
    window.model.finish_search()   # every row the search shows, not only those found so far
    return window.customer_list.selected_rows() if selection else list(range(window.model.rowCount()))


async def gather(window: MainWindow, selection: bool) -> list[Record]:
    """The selected (or every shown) row's customer with its source, in the table's order."""
    model = window.model
    changed = False

    def change(*_args: object) -> None:
        nonlocal changed
        changed = True
    signals = (model.modelReset, model.layoutChanged, model.rowsRemoved, model.rowsInserted)
    for signal in signals:
        signal.connect(change)
    try:
        for attempt in range(ATTEMPTS):
            changed = False
            by_account = sources(window)
            rows = chosen_rows(window, selection)
            step = len(rows) if attempt == ATTEMPTS - 1 else SLICE
            records: list[Record] = []
            for start in range(0, len(rows), max(step, 1)):
                part = rows[start:start + step]
                records += zip(map(by_account.__getitem__, map(model.account_of, part)), model.customers(part),
                               strict=True)
                if start + step < len(rows):
                    await asyncio.sleep(0)
                    if changed:
                        break
            if not changed:
                return records
        return records
    finally:
        for signal in signals:
            signal.disconnect(change)
