"""The table model on its own: Qt's model checks, filtering, sorting, selection kept across changes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt

from console.domain.capabilities import DEFAULT_COLUMNS
from console.domain.customer import Customer
from console.services.customer_index import CustomerIndex
from console.ui.customer_table import CUSTOMER_ID_ROLE, CustomerTableModel


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

