"""The rows' context menu: copying what a ticket needs, and opening the customer in the provider's dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from console.services.accounts import Account
from console.services.context import AppContext
from console.services.settings import AccountSettings
from console.ui.main_window import MainWindow
from tests.support.qt import signal, until
from tests.ui.menus import MENU_WARNINGS, click, context_menu, entry

pytestmark = MENU_WARNINGS


async def _menu_on(window: MainWindow, *rows: int) -> QMenu:
    window.table.setFocus()
    window.table.selectRow(rows[0])
    for row in rows[1:]:
        window.table.selectionModel().select(window.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                             | QItemSelectionModel.SelectionFlag.Rows)
    rect = window.table.visualRect(window.model.index(rows[0], 0))
    return await context_menu(window.table.viewport(), rect.center(), "rowMenu")


def _clipboard() -> str:
    clipboard = QGuiApplication.clipboard()
    return clipboard.text()


def _row_with(window: MainWindow, *fields: str) -> int:
    return next(r for r in range(window.model.rowCount())
                if all(window.model.customer(r).value(f) for f in fields))


async def test_copy_email_phone_and_id(qtbot: Any, window: MainWindow) -> None:
    row = _row_with(window, "email", "phone")
    customer = window.model.customer(row)
    for name, expected in (("copyEmail", customer.email), ("copyPhone", customer.phone), ("copyId", customer.id)):
        menu = await _menu_on(window, row)
        await click(qtbot, menu, name)
        assert _clipboard() == expected
    assert "Copied" in window.statusBar().currentMessage()


async def test_copy_email_is_off_for_a_customer_without_one(qtbot: Any, window: MainWindow) -> None:
    row = next(r for r in range(window.model.rowCount()) if not window.model.customer(r).email)
    menu = await _menu_on(window, row)
    assert not entry(menu, "copyEmail").isEnabled()
    menu.close()


async def test_copy_as_text_gives_one_tab_separated_line_per_selected_row(qtbot: Any, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    header.setSectionHidden([c.key for c in window.model.columns].index("company"), True)
    menu = await _menu_on(window, 0, 2)
    await click(qtbot, menu, "copyText")
    lines = _clipboard().split("\n")
    assert len(lines) == 2
    shown = [c for c in range(window.model.columnCount()) if not header.isSectionHidden(c)]
    for line, row in zip(lines, (0, 2), strict=True):
        assert line.split("\t") == [window.model.data(window.model.index(row, c)) or "" for c in shown]


async def test_demo_data_has_no_dashboard(qtbot: Any, window: MainWindow) -> None:
    menu = await _menu_on(window, 0)
    action = entry(menu, "openDashboard")
    assert not action.isEnabled()
    assert "not for demo data" in action.text()
    menu.close()


class _Opened:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: QUrl) -> bool:
        self.urls.append(url.toString())
        return True


async def _as_real_account(window: MainWindow, context: AppContext, environment: str,
                           options: dict[str, str] | None = None) -> None:
    """Present the open demo session as a configured account of `environment` (its data stays the emulator's)."""
    assert window.session is not None
    demo = window.session.account
    settings = AccountSettings(provider=demo.info.key, name="Shop", environment=environment,  # type: ignore[arg-type]
                               options=options or {})
    window.session.account = Account(id=settings.id, info=demo.info, name="Shop", environment=settings.environment,
                                     settings=settings)


@pytest.mark.parametrize(("environment", "url"), [
    ("production", "https://app.squareup.com/dashboard/customers/directory/customer/{id}"),
    ("sandbox", "https://app.squareupsandbox.com/dashboard/customers/directory/customer/{id}"),
])
async def test_square_opens_the_customers_own_page(qtbot: Any, window: MainWindow, context: AppContext,
                                                   environment: str, url: str) -> None:
    await _as_real_account(window, context, environment)
    opened = _Opened()
    window.open_url = opened  # type: ignore[assignment]
    customer = window.model.customer(0)
    menu = await _menu_on(window, 0)
    await click(qtbot, menu, "openDashboard")
    assert opened.urls == [url.format(id=customer.id)]
    assert "Opened" in window.statusBar().currentMessage()


async def test_clover_opens_the_regional_dashboard_with_the_id_on_the_clipboard(qtbot: Any, window: MainWindow,
                                                                                 context: AppContext) -> None:
    from tests.ui.conftest import open_demo

    await open_demo(window, "clover")
    await _as_real_account(window, context, "production", {"region": "eu", "merchant_id": "M1"})
    opened = _Opened()
    window.open_url = opened  # type: ignore[assignment]
    customer = window.model.customer(0)
    menu = await _menu_on(window, 0)
    await click(qtbot, menu, "openDashboard")
    assert opened.urls == ["https://www.eu.clover.com/dashboard"]
    assert _clipboard() == customer.id
    message = window.statusBar().currentMessage()
    assert customer.id in message and "clipboard" in message


async def test_a_lookup_says_what_the_table_shows(qtbot: Any, window: MainWindow) -> None:
    """Clover's exact email lookup finds none for a differently-cased email the table shows."""
    from tests.ui.conftest import open_demo

    await open_demo(window, "clover")
    customer = next(c for c in window.session.service.index if c.email)  # type: ignore[union-attr]
    assert customer.email is not None
    found = signal(window.lookup_finished)
    window.search.setText(customer.email.upper())
    window.search.returnPressed.emit()
    await found
    await until(lambda: window.model.rowCount() == 1, what="the one matching row")
    message = window.statusBar().currentMessage()
    assert "found 0" not in message
    assert "1 customer shown" in message
