"""The "Card expires" column in the table model on its own: text, colour and tooltip the delegate
paints, Qt's model checks, and sorting by date with customers without a dated card last."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelRoleData, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from console.domain.capabilities import DEFAULT_COLUMNS
from console.domain.customer import Customer, PaymentMethod
from console.services.customer_index import CustomerIndex
from console.services.table_columns import CARD_EXPIRES_COLUMN
from console.ui import expiry_marks
from console.ui.customer_table import CustomerTableModel
from console.ui.theme import error_colour, warning_colour

pytestmark = pytest.mark.usefixtures("qapp")   # the model's search runs on a Qt timer
TODAY = date(2026, 12, 15)
COLUMNS = (*DEFAULT_COLUMNS[:1], CARD_EXPIRES_COLUMN)


@pytest.fixture(autouse=True)
def pinned_today() -> Iterator[None]:
    expiry_marks.pin_today(TODAY)
    yield
    expiry_marks.pin_today(None)


def _customer(cid: str, *expiries: tuple[int, int] | None) -> Customer:
    cards = tuple(PaymentMethod(id=f"{cid}-{n}", brand="Visa", last4="1111",
                                exp_month=e[0] if e else None, exp_year=e[1] if e else None)
                  for n, e in enumerate(expiries))
    return Customer(id=cid, given_name=cid, payment_methods=cards)


def _model() -> tuple[CustomerTableModel, CustomerIndex]:
    index = CustomerIndex(search_fields=("name",), name_fields=("full_name",))
    index.upsert([
        _customer("valid", (3, 2031)),
        _customer("none"),
        _customer("expiring", (1, 2027), (5, 2030)),   # the soonest card counts: 31 Jan 2027, in 47 days
        _customer("masked", None),
        _customer("expired", (9, 2030), (11, 2026)),   # expired at the end of November
        _customer("later-this-year", (12, 2026)),      # December: valid through the 31st
        _customer("next-january", (1, 2028)),          # after December 2027, though "01/28" < "12/27" as text
        _customer("last-december", (12, 2027)),
    ])
    model = CustomerTableModel()
    model.set_source(index, COLUMNS)
    return model, index


def _painted(model: CustomerTableModel, row: int) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    QStyledItemDelegate().initStyleOption(option, model.index(row, 1))
    return option


def _row(model: CustomerTableModel, cid: str) -> int:
    row = model.row_of(cid)
    assert row is not None
    return row


def test_cells_show_the_soonest_expiry_marked_in_the_themes_colours() -> None:
    model, _ = _model()
    texts = {model.customer(r).id: _painted(model, r).text for r in range(model.rowCount())}
    assert texts == {"valid": "03/31", "none": "", "expiring": "01/27 · Expires in 47 days", "masked": "",
                     "expired": "11/26 · Expired", "later-this-year": "12/26 · Expires in 16 days",
                     "next-january": "01/28", "last-december": "12/27"}
    expired, expiring, valid = (_row(model, c) for c in ("expired", "expiring", "valid"))
    assert _painted(model, expired).palette.text().color().name() == error_colour()
    assert _painted(model, expiring).palette.text().color().name() == warning_colour()
    assert model.data(model.index(valid, 1), Qt.ItemDataRole.ForegroundRole) is None
    tip = model.data(model.index(expired, 1), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Expired: valid through") and "30" in tip and "2026" in tip
    assert model.data(model.index(_row(model, "none"), 1), Qt.ItemDataRole.ToolTipRole) is None
    # The other columns are not coloured.
    assert model.data(model.index(expired, 0), Qt.ItemDataRole.ForegroundRole) is None


def test_the_painters_leave_exactly_the_coloured_cells_to_qt() -> None:
    # painted_row's `marked` (from the text alone) must name the cells data() gives a colour.
    model, _ = _model()
    for row in range(model.rowCount()):
        painted = model.painted_row(row)
        assert painted is not None
        coloured = model.data(model.index(row, 1), Qt.ItemDataRole.ForegroundRole) is not None
        assert (1 in painted.marked) == coloured and 0 not in painted.marked
    assert sum(1 in p.marked for p in map(model.painted_row, range(model.rowCount())) if p) == 3
    assert model.painted_row(model.rowCount()) is None


def test_multi_data_answers_the_roles_data_answers(qtmodeltester: Any) -> None:
    model, index = _model()
    qtmodeltester.check(model)
    for row in range(model.rowCount()):
        for column in (0, 1):
            cell = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                         Qt.ItemDataRole.BackgroundRole):
                request = QModelRoleData(int(role))
                model.multiData(cell, request)
                assert request.data() == model.data(cell, int(role))
    model.sort(1, Qt.SortOrder.DescendingOrder)
    index.upsert([_customer("new", (2, 2027))])
    qtmodeltester.check(model)


@pytest.mark.parametrize("descending", [False, True])
def test_sorting_is_by_date_with_undated_customers_last(descending: bool) -> None:
    model, _ = _model()
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    model.sort(1, order)
    ids = [model.customer(r).id for r in range(model.rowCount())]
    dated = ["expired", "later-this-year", "expiring", "last-december", "next-january", "valid"]
    assert ids[:6] == (dated[::-1] if descending else dated)
    assert set(ids[6:]) == {"none", "masked"}


def test_a_change_of_cards_moves_the_customer_and_its_mark() -> None:
    model, index = _model()
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert _row(model, "valid") == 5
    index.upsert([_customer("valid", (3, 2031), (12, 2026))])   # a card that runs out this month is added
    assert _row(model, "valid") in (1, 2)   # beside the other December card, after the expired one
    assert _painted(model, _row(model, "valid")).text == "12/26 · Expires in 16 days"
