"""The filter bar: dates, has email/phone and the provider's status, combined with the search, kept per account."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt

from console.services.customer_filters import CustomerFilters
from console.ui.main_window import MainWindow
from tests.support.qt import until
from tests.ui.conftest import open_demo


def _shown(window: MainWindow) -> list[Any]:
    return [window.model.customer(r) for r in range(window.model.rowCount())]


async def test_ctrl_shift_f_opens_the_filter_bar_and_has_phone_narrows_the_search(qtbot: Any,
                                                                                  window: MainWindow) -> None:
    window.activateWindow()
    window.table.setFocus()
    assert not window.filter_bar.isVisible()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.filter_bar.isVisible()
    assert window.context.settings.window.filter_bar
    qtbot.keyClicks(window.search, "example.com")
    searched = {c.id for c in _shown(window)}
    qtbot.mouseClick(window.filter_bar.has_phone, Qt.MouseButton.LeftButton)
    shown = _shown(window)
    assert shown and all(c.phone for c in shown)
    assert {c.id for c in shown} == {c for c in searched if window.session.service.index.get(c).phone}  # type: ignore[union-attr]
    assert window.filters_action.text().replace("&", "") == "Filters (1)"
    assert window.count_label.text() == f"{len(shown)} of 120 shown"


async def test_a_created_range_keeps_customers_created_on_those_days(qtbot: Any, window: MainWindow) -> None:
    window.filters_action.trigger()
    created = sorted(c.created_at.astimezone().date() for c in window.session.service.index  # type: ignore[union-attr]
                     if c.created_at)
    first, last = created[len(created) // 4], created[len(created) // 2]
    window.filter_bar.created.first.setDate(QDate(first.year, first.month, first.day))
    window.filter_bar.created.last.setDate(QDate(last.year, last.month, last.day))
    shown = _shown(window)
    assert shown
    assert all(first <= c.created_at.astimezone().date() <= last for c in shown)
    expected = sum(1 for d in created if first <= d <= last)
    assert len(shown) == expected


async def test_filters_are_kept_per_account(qtbot: Any, window: MainWindow) -> None:
    window.filters_action.trigger()
    qtbot.mouseClick(window.filter_bar.has_email, Qt.MouseButton.LeftButton)
    square = window.session.account.id  # type: ignore[union-attr]
    assert window.context.settings.filters[square] == CustomerFilters(has_email=True)
    await open_demo(window, "clover")
    assert not window.filter_bar.has_email.isChecked()
    assert window.model.rowCount() == 120
    await open_demo(window, "square")
    assert window.filter_bar.has_email.isChecked()
    assert all(c.email for c in _shown(window))
    assert window.model.rowCount() < 120


async def test_digital_river_filters_on_its_status(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "digital-river")
    window.filters_action.trigger()
    bar = window.filter_bar
    assert bar.status.isVisible()
    labels = [bar.status.itemText(i) for i in range(bar.status.count())]
    assert labels[0] == "Any" and "Active" in labels
    statuses = {c.extra.get("status") for c in window.session.service.index}  # type: ignore[union-attr]
    assert statuses - {None}, "the demo data has customers that are disabled or asked to be forgotten"
    for value in sorted(s for s in statuses if s):
        bar.status.setCurrentIndex(bar.status.findData(value))
        shown = _shown(window)
        assert shown and all(c.extra.get("status") == value for c in shown)
    bar.status.setCurrentIndex(bar.status.findText("Active"))
    assert all(c.extra.get("status") is None for c in _shown(window))


async def test_square_filters_on_its_creation_source(qtbot: Any, window: MainWindow) -> None:
    window.filters_action.trigger()
    bar = window.filter_bar
    assert bar.status_label.text() == "Created through"
    sources = {c.extra.get("creation_source") for c in window.session.service.index}  # type: ignore[union-attr]
    value = sorted(s for s in sources if s)[0]
    bar.status.setCurrentIndex(bar.status.findData(value))
    assert all(c.extra.get("creation_source") == value for c in _shown(window))


async def test_clear_filters_in_the_bar(qtbot: Any, window: MainWindow) -> None:
    window.filters_action.trigger()
    qtbot.mouseClick(window.filter_bar.has_phone, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() < 120
    qtbot.mouseClick(window.filter_bar.clear_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.model.rowCount() == 120, what="every customer again")
    assert window.filter_bar.filters() == CustomerFilters()
    assert window.session.account.id not in window.context.settings.filters  # type: ignore[union-attr]


def test_filters_survive_a_settings_round_trip() -> None:
    filters = CustomerFilters(created_from=date(2024, 1, 1), has_phone=True, status="")
    assert CustomerFilters.model_validate_json(filters.model_dump_json()) == filters
