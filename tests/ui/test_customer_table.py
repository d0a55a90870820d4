"""The table model on its own: Qt's model checks, filtering, sorting, selection kept across changes."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelRoleData, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTableView

from console.domain.capabilities import DEFAULT_COLUMNS
from console.domain.customer import Customer
from console.services.combined_index import CombinedIndex
from console.services.customer_index import CustomerIndex
from console.services.table_columns import all_accounts_columns
from console.store.documents import encode
from console.ui.customer_table import CUSTOMER_ID_ROLE, CustomerTableModel
from console.ui.persistent_rows import HINTED_SIGNAL
from tests.services.test_kept_columns import keys_first_index

pytestmark = pytest.mark.usefixtures("qapp")   # the model's search runs on a Qt timer

def _model(count: int = 50) -> tuple[CustomerTableModel, CustomerIndex]:
    index = CustomerIndex(search_fields=("name", "company", "email", "phone", "reference_id"),
                          name_fields=("full_name", "company", "email"))
    index.upsert(Customer(id=f"c{i}", given_name=f"Person{i:03d}", company="Acme" if i % 3 == 0 else None,
                          email=f"p{i}@example.com") for i in range(count))
    model = CustomerTableModel()
    model.set_source(index, DEFAULT_COLUMNS)
    return model, index


def test_passes_qt_model_checks(qtmodeltester: Any) -> None:
    model, index = _model()
    qtmodeltester.check(model)
    model.set_filter("acme")
    model.sort(0, Qt.SortOrder.DescendingOrder)
    index.upsert([Customer(id="new", given_name="Zed", company="Acme")])
    index.remove(["c3"])
    qtmodeltester.check(model)


def test_filter_sort_and_counts() -> None:
    model, _ = _model()
    counts: list[tuple[int, int]] = []
    model.counts_changed.connect(lambda shown, loaded: counts.append((shown, loaded)))
    model.set_filter("acme")
    assert model.rowCount() == 17
    model.set_filter("acme person01")
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == [
        "Person012", "Person015", "Person018"]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 0)) == "Person018"
    assert model.data(model.index(0, 0), CUSTOMER_ID_ROLE) == "c18"
    assert counts[-1] == (3, 50)
    model.set_filter("")
    assert model.rowCount() == 50
    assert model.data(model.index(0, 0)) == "Person049"


def test_new_customers_land_in_sorted_position_and_respect_the_filter() -> None:
    model, index = _model(10)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.set_filter("person")
    index.upsert([Customer(id="n1", given_name="Person0055"), Customer(id="n2", company="Other")])
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert names == sorted(names)
    assert "Person0055" in names and "Other" not in names


def test_selection_follows_its_customer_through_sorting_and_filtering() -> None:
    model, _ = _model(20)
    selection = QItemSelectionModel(model)
    selection.select(model.index(5, 0), QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_filter("person00")
    (selected,) = {i.row() for i in selection.selectedRows()}
    assert model.customer(selected).id == "c5"


def _painted_text(model: CustomerTableModel, row: int, column: int) -> str:
    """The text the table's delegate paints in a cell (it asks the model through multiData)."""
    option = QStyleOptionViewItem()
    QStyledItemDelegate().initStyleOption(option, model.index(row, column))
    return option.text


def test_painted_cells_follow_changes_to_their_customers() -> None:
    model, index = _model(5)
    columns = range(model.columnCount())
    assert [_painted_text(model, 1, c) for c in columns] == [model.data(model.index(1, c)) for c in columns]
    assert _painted_text(model, 1, 0) == "Person001"
    index.upsert([Customer(id="c1", given_name="Renamed", email="r@example.com")])
    assert _painted_text(model, 1, 0) == "Renamed"
    assert model.data(model.index(1, 2)) == "r@example.com"
    index.remove(["c1"])
    assert _painted_text(model, 1, 0) == "Person002"
    index.clear()  # positions start again from 0, for other customers
    index.upsert([Customer(id="z", given_name="Zoe")])
    assert _painted_text(model, 0, 0) == "Zoe"


def test_multi_data_answers_the_roles_data_answers() -> None:
    model, _ = _model(3)
    cell = model.index(2, 2)
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, CUSTOMER_ID_ROLE,
                 Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole):
        request = QModelRoleData(int(role))
        request.setData("stale")  # whatever a request held before, it holds the answer after
        model.multiData(cell, request)
        assert request.data() == model.data(cell, int(role))
    option = QStyleOptionViewItem()
    QStyledItemDelegate().initStyleOption(option, cell)
    assert option.text == "p2@example.com"
    assert not option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration
    assert not option.features & QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator


def test_a_filter_that_keeps_the_same_rows_does_not_relayout_the_view() -> None:
    model, _ = _model()
    model.set_filter("person04")
    layouts: list[int] = []
    counts: list[tuple[int, int]] = []
    model.layoutChanged.connect(lambda *_: layouts.append(model.rowCount()))
    model.counts_changed.connect(lambda shown, loaded: counts.append((shown, loaded)))
    model.set_filter("person04 p4")  # every p4x@example.com is a Person04x
    assert layouts == [] and counts == [(10, 50)]
    model.set_filter("person04 p41")
    assert layouts == [1] and model.data(model.index(0, 0)) == "Person041"


def test_typing_on_over_most_rows_finds_what_a_fresh_search_finds() -> None:
    # "p" shows every row, so the next key reads all keys again instead of picking the shown
    # rows; removed customers (holes) must stay out and the load order must hold.
    model, index = _model()
    index.remove(["c7", "c12"])
    model.set_filter("p")
    assert model.rowCount() == 48
    model.set_filter("p1")
    typed = [model.data(model.index(r, 0), CUSTOMER_ID_ROLE) for r in range(model.rowCount())]
    fresh, _ = _model()
    fresh.set_filter("p1")
    expected = [fresh.data(fresh.index(r, 0), CUSTOMER_ID_ROLE) for r in range(fresh.rowCount())]
    assert typed == [i for i in expected if i != "c12"] and "c7" not in typed and typed


def test_a_search_tells_the_view_only_rows_change() -> None:
    # Without the hint, the header holds a persistent index per sized or hidden column across
    # every search's layout change (and each one is moved through the shown rows).
    model, _ = _model()
    hints: list[QAbstractItemModel.LayoutChangeHint] = []
    model.layoutAboutToBeChanged[HINTED_SIGNAL].connect(lambda _parents, hint: hints.append(hint))
    model.set_filter("acme")
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert hints == [QAbstractItemModel.LayoutChangeHint.VerticalSortHint] * 2


def test_many_selected_rows_follow_their_customers() -> None:
    model, _ = _model(40)
    selection = QItemSelectionModel(model)
    for row in range(0, 40, 3):   # 14 rows: more than are looked up one by one
        selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_filter("acme")   # every third customer: exactly the selected ones
    selected = sorted(model.customer(i.row()).id for i in selection.selectedRows())
    assert selected == sorted(f"c{i}" for i in range(0, 40, 3))
    model.set_filter("acme person01")
    assert sorted(model.customer(i.row()).id for i in selection.selectedRows()) == ["c12", "c15", "c18"]


def test_sort_by_column_sorts_once(qtbot: Any) -> None:
    # QTableView.sortByColumn asks the model to sort twice (once through the header's indicator).
    model, _ = _model()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)   # load order, as the window
    view.setSortingEnabled(True)
    counts: list[tuple[int, int]] = []
    model.counts_changed.connect(lambda shown, loaded: counts.append((shown, loaded)))
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert counts == [(50, 50)] and model.data(model.index(0, 0)) == "Person049"
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert len(counts) == 2 and model.data(model.index(0, 0)) == "Person000"


def test_a_deleted_table_stops_listening_to_an_account_that_goes_on() -> None:
    """A window closed while its account lives on (a job's session): the account's changes reach no deleted model."""
    import shiboken6

    model, index = _model(3)
    listening = len(index._listeners)
    shiboken6.delete(model)
    index.upsert([Customer(id="c1", given_name="Changed"), Customer(id="new", given_name="New")])   # no error
    assert len(index._listeners) == listening - 1


def test_accounts_loading_side_by_side_insert_their_rows_in_place_as_blocks(qtmodeltester: Any) -> None:
    # All accounts: each account's batches come as its reader reads them, not one account after another.
    members = [CustomerIndex(search_fields=("name", "email"), name_fields=("full_name", "email")) for _ in range(3)]
    combined = CombinedIndex([(f"acct{n}", f"Account {n}", index) for n, index in enumerate(members)])
    model = CustomerTableModel()
    model.set_source(combined, all_accounts_columns())
    model.set_filter("lee")
    qtmodeltester.check(model)
    events: list[str] = []
    model.layoutChanged.connect(lambda *_: events.append("layout"))
    model.modelReset.connect(lambda: events.append("reset"))
    model.rowsInserted.connect(lambda _p, first, last: events.append(f"insert {first}-{last}"))
    made = [0]

    def batch(member: int, size: int) -> None:
        members[member].upsert(Customer(id=f"{member}-{made[0] + i}", given_name=f"P{made[0] + i}",
                                        family_name="Lee" if i % 2 else "Kim") for i in range(size))
        made[0] += size

    for member, size in ((1, 4), (0, 2), (2, 6), (1, 2), (0, 4)):
        batch(member, size)
    # Lees only, each account's after the one before it, in the order they came.
    assert [model.customer(r).id for r in range(model.rowCount())] == [
        "0-5", "0-15", "0-17", "1-1", "1-3", "1-13", "2-7", "2-9", "2-11"]
    assert events == ["insert 0-1", "insert 0-0", "insert 3-5", "insert 3-3", "insert 1-2"]
    qtmodeltester.check(model)
    model.set_filter("")
    assert model.rowCount() == 18 and model.order == sorted(model.order)
    combined.close()


def test_a_sort_by_a_field_still_being_read_waits_for_the_documents_instead_of_reading_them(qtbot: Any) -> None:
    # A warm start's rows are searchable before their documents are in: a click on Email meanwhile
    # must not read them all on the Qt thread; the rows are sorted once the loader has handed them over.
    index, source, people = keys_first_index()   # rows searchable from their keys, documents to come
    model = CustomerTableModel()
    model.set_source(index, DEFAULT_COLUMNS)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.show()
    header = view.horizontalHeader()
    email = next(n for n, c in enumerate(DEFAULT_COLUMNS) if c.key == "email")

    def ids() -> list[str]:   # read without the documents (as the table's painted rows are)
        return [model.data(model.index(r, 0), CUSTOMER_ID_ROLE) for r in range(model.rowCount())]

    before = ids()   # sorted by name (the header's indicator when sorting was enabled)
    waiting: list[str] = []
    model.sort_waiting.connect(waiting.append)
    view.sortByColumn(email, Qt.SortOrder.AscendingOrder)   # as a click on the header sorts
    assert waiting == ["Email"] and source.asked == [] and index.unread == 5
    assert header.sortIndicatorSection() == email and ids() == before
    index.fill_documents([c.id for c in people], {c.id: encode(c) for c in people})
    qtbot.waitUntil(lambda: waiting[-1] == "")
    by_email = [c.id for c in sorted(people, key=lambda c: c.email or "~")]   # empty emails last
    assert ids()[:3] == by_email[:3] and set(ids()) == set(before)
    assert source.asked == [] and model.sort_state() == ("email", False)
