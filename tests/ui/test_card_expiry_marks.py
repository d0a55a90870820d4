"""Card expiry in the window: the Cards tab marks expired and expiring cards, and the table offers a
"Card expires" column (hidden at first) that sorts by date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt

from console.domain.card_expiry import CardExpiry
from console.domain.customer import Customer
from console.services.context import AppContext
from console.ui import expiry_marks
from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from console.ui.theme import error_colour, warning_colour
from tests.support.qt import until, visible
from tests.ui.conftest import make_context, open_demo, wrap_demo_transports
from tests.ui.menus import MENU_WARNINGS, click, context_menu

pytestmark = MENU_WARNINGS

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def pinned_today() -> Iterator[date]:
    expiry_marks.pin_today(TODAY)
    yield TODAY
    expiry_marks.pin_today(None)


class MaskedExpiry(httpx.AsyncBaseTransport):
    """Authorize.net's answers with every card's expiry masked, as it gives them unless asked to unmask."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = await self.inner.handle_async_request(request)
        body = re.sub(rb'"expirationDate":\s*"[0-9]{4}-[0-9]{2}"', b'"expirationDate":"XXXX"', await answer.aread())
        headers = [(k, v) for k, v in answer.headers.multi_items() if k.lower() != "content-length"]
        return httpx.Response(answer.status_code, headers=headers, content=body)


@pytest.fixture
def context(tmp_path: Path) -> AppContext:
    return wrap_demo_transports(make_context(tmp_path / "app"),
                                lambda key, plain: MaskedExpiry(plain) if key == "authorize-net" else plain)


def _payarc_card(card_id: str, customer_id: str, month: str, year: str, last4: str) -> dict[str, Any]:
    return {"object": "Card", "id": card_id, "customer_id": customer_id, "brand": "V", "first6digit": 411111,
            "last4digit": last4, "exp_month": month, "exp_year": year, "card_holder_name": "Test Holder",
            "is_default": 0, "is_verified": 1, "card_source": "INTERNET"}


async def _open_by_id(window: MainWindow, customer_id: str) -> CustomerDialog:
    window.editing.open_by_id(customer_id)
    dialog: CustomerDialog = await until(lambda: visible(CustomerDialog), what="the edit dialog")
    return dialog


async def test_the_cards_tab_marks_expired_and_expiring_cards(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "payarc")
    customer_id = window.model.customer(0).id
    record = window.context.demo.emulator("payarc").customer(customer_id)
    assert record is not None
    # Cards put straight into the emulator's store: expired last month, expiring next month, far off,
    # and one whose expiry the provider left out.
    record["card"]["data"] = [
        _payarc_card("cardexpired00001", customer_id, "2", "2027", "1111"),
        _payarc_card("cardexpiring0001", customer_id, "4", "2027", "2222"),
        _payarc_card("cardvalid0000001", customer_id, "12", "2030", "3333"),
        _payarc_card("cardnodate000001", customer_id, "", "", "4444"),
    ]
    dialog = await _open_by_id(window, customer_id)
    tab = dialog.collection_tabs["payment_methods"]
    dialog.tabs.setCurrentWidget(tab)
    column = [c.key for c in tab.spec.columns].index("expiry")
    cells = {tab.table.item(r, 0).text()[-4:]: tab.table.item(r, column) for r in range(tab.table.rowCount())}

    assert cells["1111"].text() == "02/27 · Expired"
    assert cells["1111"].foreground().color().name() == error_colour()
    assert "28" in cells["1111"].toolTip() and "2027" in cells["1111"].toolTip()   # the last valid day in full
    assert cells["1111"].toolTip().startswith("Expired")

    assert cells["2222"].text() == "04/27 · Expires in 51 days"
    assert cells["2222"].foreground().color().name() == warning_colour()
    assert "30" in cells["2222"].toolTip() and cells["2222"].toolTip().startswith("Valid through")

    assert cells["3333"].text() == "12/30"
    assert cells["3333"].foreground().style() == Qt.BrushStyle.NoBrush   # the usual colour

    assert cells["4444"].text() == "" and cells["4444"].toolTip() == ""

    # The table row of that customer says the soonest of them.
    expires = [c.key for c in window.model.columns].index("card_expires")
    row = window.model.row_of(customer_id)
    assert row is not None
    assert window.model.data(window.model.index(row, expires)) == "02/27 · Expired"
    dialog.reject()


async def test_a_card_whose_expiry_is_masked_shows_none(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "authorize-net")
    row = next(r for r in range(window.model.rowCount())
               if any(p.kind == "card" for p in window.model.customer(r).payment_methods))
    customer = window.model.customer(row)
    expires = [c.key for c in window.model.columns].index("card_expires")
    assert all(p.exp_month is None for p in customer.payment_methods)   # the answers were masked
    assert customer.card_expires is None
    assert window.model.data(window.model.index(row, expires)) == ""
    assert window.model.data(window.model.index(row, expires), Qt.ItemDataRole.ForegroundRole) is None
    dialog = await _open_by_id(window, customer.id)
    tab = dialog.collection_tabs["payment_methods"]
    column = [c.key for c in tab.spec.columns].index("expiry")
    assert tab.table.rowCount() == len(customer.payment_methods)
    assert all(tab.table.item(r, column).text() == "" and tab.table.item(r, column).toolTip() == ""
               for r in range(tab.table.rowCount()))
    dialog.reject()


def _expiries(window: MainWindow) -> list[CardExpiry | None]:
    return [window.model.customer(r).card_expires for r in range(window.model.rowCount())]


async def test_the_card_expires_column_is_chosen_from_the_header_and_sorts_by_date(qtbot: Any,
                                                                                   window: MainWindow) -> None:
    await open_demo(window, "payarc")
    header = window.table.horizontalHeader()
    column = [c.key for c in window.model.columns].index("card_expires")
    assert header.isSectionHidden(column)
    menu = await context_menu(header.viewport(), QPoint(20, 5), "columnChooser")
    await click(qtbot, menu, "column_card_expires")
    assert not header.isSectionHidden(column)
    assert "card_expires" not in window.context.settings.columns["payarc"].hidden

    click_at = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click_at)
    await until(lambda: window.model.sort_state()[0] == "card_expires", what="the sort by card expiry")
    descending = window.model.sort_state()[1]
    expiries = _expiries(window)
    dated = [e for e in expiries if e is not None]
    assert len(dated) > 10 and None in expiries
    assert expiries[:len(dated)] == dated   # customers without a dated card come last
    assert dated == sorted(dated, reverse=descending)
    assert dated[0] != dated[-1]   # by date (year, then month), not by the "MM/YY" text
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click_at)
    await until(lambda: window.model.sort_state() == ("card_expires", not descending), what="the other direction")
    dated = [e for e in _expiries(window) if e is not None]
    assert dated == sorted(dated, reverse=not descending)

    # Seeded cards expire from 2027 on: with today pinned in March 2027 the first ones are marked.
    window.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    first = window.model.index(0, column)
    soonest = window.model.customer(0).card_expires
    assert soonest is not None and soonest.last_day < TODAY
    assert window.model.data(first).endswith("· Expired")
    assert window.model.data(first, Qt.ItemDataRole.ForegroundRole).name() == error_colour()
    assert window.model.data(first, Qt.ItemDataRole.ToolTipRole).startswith("Expired: valid through")


def test_only_providers_with_cards_offer_the_column() -> None:
    from console.providers.registry import provider
    from console.services.table_columns import table_columns

    def offered(capabilities: Any) -> bool:
        return "card_expires" in [c.key for c in table_columns(capabilities)]

    for key in ("authorize-net", "clover", "payarc", "digital-river"):
        capabilities = provider(key).capabilities
        assert offered(capabilities), key
        assert not offered(capabilities.model_copy(update={"collections": ()})), key
    assert Customer(id="x").card_expires is None
