"""Add card and Replace card from the Cards tab in demo mode, with the browser played by the test."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMessageBox

from console.domain.capabilities import CollectionKind
from console.providers.registry import providers
from console.sandbox.square import SquareEmulator
from console.services.context import AppContext
from console.services.secrets import set_secret
from console.services.settings import AccountSettings
from console.ui.card_adding import CardFormWait
from console.ui.main_window import MainWindow
from tests.support import card_browser
from tests.support.qt import answer, signal, until, visible
from tests.support.window import open_edit_of_row
from tests.ui.conftest import open_demo

CARDS = CollectionKind.PAYMENT_METHODS
TOKEN = "EAAAl-production-token-for-tests"
HOSTED = [i.key for i in providers() if i.capabilities.card_form is not None and i.capabilities.card_form.hosted]


class Browser:
    """Stands in for the system browser: opens each URL the window hands over, in a thread."""

    def __init__(self, window: MainWindow) -> None:
        self.urls: list[str] = []
        window.open_url = self.open  # type: ignore[assignment]

    def open(self, url: QUrl) -> bool:
        self.urls.append(url.toString())
        return True

    async def fill_in(self, card: dict[str, str] | None = None) -> card_browser.BrowserVisit:
        """Do in the browser what a person does: the last page opened, through the provider's form."""
        def visit() -> card_browser.BrowserVisit:
            with httpx.Client(timeout=10) as client:
                return card_browser.play(client, self.urls[-1], card)
        return await asyncio.to_thread(visit)


def _rows(tab: Any) -> list[str]:
    table = tab.table
    return [" ".join(table.item(r, c).text() for c in range(table.columnCount()) if table.item(r, c))
            for r in range(table.rowCount())]


@pytest.mark.parametrize("provider", HOSTED)
async def test_add_card_from_the_cards_tab_shows_the_new_card_masked(qtbot: Any, window: MainWindow,
                                                                     provider: str) -> None:
    await open_demo(window, provider)
    browser = Browser(window)
    dialog = await open_edit_of_row(qtbot, window, 0)
    tab = dialog.collection_tabs[CARDS]
    dialog.tabs.setCurrentWidget(tab)
    before = len(tab.items())
    qtbot.mouseClick(tab.buttons["addCard"], Qt.MouseButton.LeftButton)
    wait = await until(lambda: visible(CardFormWait, "cardFormWait"), what="the waiting dialog")
    assert "Waiting for the card form in your browser" in wait.title.text()
    assert browser.urls and browser.urls[0].startswith("http://127.0.0.1:")
    visit = await browser.fill_in()
    assert "finished" in visit.final.text
    # Where the new card is not already the default (a customer's first card often is), it is offered.
    await until(lambda: visible(QMessageBox, "confirmBox") or len(tab.items()) == before + 1,
                what="the default offer or the new card")
    if visible(QMessageBox, "confirmBox"):
        assert "default card" in await answer(QMessageBox.StandardButton.No)
    await until(lambda: len(tab.items()) == before + 1, what="the new card on the Cards tab")
    assert any("1111" in row for row in _rows(tab))
    assert "Card added" in window.statusBar().currentMessage()
    assert not visible(CardFormWait, "cardFormWait")
    assert not dialog.has_unsaved_changes()


async def test_cancel_closes_the_wait_and_attaches_nothing(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, HOSTED[0])
    browser = Browser(window)
    dialog = await open_edit_of_row(qtbot, window, 0)
    tab = dialog.collection_tabs[CARDS]
    before = len(tab.items())
    tab.buttons["addCard"].click()
    wait = await until(lambda: visible(CardFormWait, "cardFormWait"), what="the waiting dialog")
    wait.cancel.click()
    await until(lambda: "cancelled" in window.statusBar().currentMessage(), what="the cancel to be reported")
    assert not visible(CardFormWait, "cardFormWait")
    assert len(tab.items()) == before
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(browser.urls[0])


async def test_replace_card_makes_the_new_card_the_default_and_deletes_the_old_one_when_asked(
        qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "digital-river")
    browser = Browser(window)
    row = next(r for r in range(window.model.rowCount()) if window.model.customer(r).payment_methods)
    dialog = await open_edit_of_row(qtbot, window, row)
    tab = dialog.collection_tabs[CARDS]
    dialog.tabs.setCurrentWidget(tab)
    await until(lambda: tab.items(), what="the customer's cards")
    old = tab.items()[0]
    tab.table.selectRow(0)
    assert tab.buttons["replaceCard"].isEnabled()
    tab.buttons["replaceCard"].click()
    await until(lambda: visible(CardFormWait, "cardFormWait"), what="the waiting dialog")
    await browser.fill_in()
    assert old.masked() in await answer(QMessageBox.StandardButton.Yes)   # "Delete the old card …?"
    await until(lambda: all(i.id != old.id for i in tab.items()), what="the old card to go")
    new = next(i for i in tab.items() if i.last4 == "1111")
    assert new.is_default
    assert "Replaced" in window.statusBar().currentMessage()


async def test_add_card_for_a_provider_without_a_hosted_form_explains_and_points_to_the_dashboard(
        qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "payarc")
    browser = Browser(window)
    window.table.selectRow(0)
    window.update_actions()
    menu = window.customer_menu
    menu.aboutToShow.emit()
    action = next(a for a in menu.actions() if a.objectName() == "addCardAction")
    assert action.isEnabled()
    action.trigger()
    text = await answer(QMessageBox.StandardButton.Close)
    assert "PayArc's dashboard" in text and "card number" in text
    assert browser.urls == []


async def test_where_the_providers_form_cannot_run_add_card_points_to_the_dashboard(
        qtbot: Any, context: AppContext) -> None:
    # A production Square account (its traffic answered by an emulator): Square's card form needs an
    # HTTPS page there, so Add card offers Square's dashboard instead.
    emulator = SquareEmulator(seed=3, customers=5, credentials={"token": TOKEN})
    context.transport = emulator.transport()
    account = AccountSettings(provider="square", name="Main shop", environment="production",
                              options={"application_id": "sq0idp-test", "location_id": "LTEST"})
    context.settings.accounts = [account]
    context.settings.last_account_id = account.id
    await set_secret(context.secrets, account.id, "square", "token", TOKEN)
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    browser = Browser(window)
    try:
        dialog = await open_edit_of_row(qtbot, window, 0)
        customer = dialog.original
        assert customer is not None
        dialog.collection_tabs[CARDS].buttons["addCard"].click()
        assert "PRODUCTION" in await answer(QMessageBox.StandardButton.Yes)   # the first write's confirmation
        text = await answer(QMessageBox.StandardButton.Yes)
        assert "Square's dashboard" in text and "HTTPS" in text
        await until(lambda: browser.urls, what="the dashboard to open")
        assert browser.urls == [f"https://app.squareup.com/dashboard/customers/directory/customer/{customer.id}"]
        assert not visible(CardFormWait, "cardFormWait")
    finally:
        await window.shutdown()
