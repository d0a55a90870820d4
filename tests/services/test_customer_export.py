"""Customer export: CSV with a BOM that reads back, XLSX without a formula cell, the chosen columns and
no others, the lists a customer has as numbered columns, cards masked, and no file left by a failure."""

from __future__ import annotations

import asyncio
import csv
import gc
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from console.domain.customer import Address, ContactPoint, Customer, PaymentMethod
from console.domain.customer_columns import CORE_COLUMNS, header_for
from console.providers.registry import provider
from console.services import customer_export
from console.services.customer_export import ExportCancelled, ExportFormat, export_customers, write_export
from console.services.customer_export_columns import ExportColumn, ExportSource, Record, plan_columns

DANGEROUS = ("=1+2", "+1", "-x", "@y", "\tz")


def source(key: str, account: str = "Demo") -> ExportSource:
    info = provider(key)
    return ExportSource(account, info.display_name, info.capabilities)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


SQUARE = source("square", "Square (Demo)")
ADA = Customer(id="C1", given_name="Ada", family_name="Lovelace", email="ada@example.com", phone="+1 415 555 0100",
               address=Address(line1="1 Main St", city="Springfield", postal_code="12345", country="US"),
               created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC), group_ids=("G1", "G2"),
               extra={"email_unsubscribed": True, "eu_vat": "DE123"})


def test_the_csv_has_a_byte_order_mark_and_reads_back_under_the_shared_headers(tmp_path: Path) -> None:
    records: list[Record] = [(SQUARE, ADA)]
    columns = plan_columns(records)
    out = tmp_path / "customers.csv"
    assert write_export(records, columns, out, ExportFormat.CSV) == 1
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    [row] = read_csv(out)
    assert row["Account"] == "Square (Demo)" and row["Provider"] == "Square" and row["Customer id"] == "C1"
    assert row[header_for("given_name")] == "Ada" and row[header_for("address.city")] == "Springfield"
    assert row["Created"] == "2025-01-02T03:04:05+00:00" and row["Updated"] == ""
    assert row["Phone"] == "'+1 415 555 0100"   # as stored, behind the apostrophe a leading '+' needs
    assert row["Unsubscribed from marketing email"] == "yes" and row["EU VAT number"] == "DE123"
    assert row["Groups"] == "G1; G2"
    # Every core field Square has is there under its shared header.
    assert {header for key, header in CORE_COLUMNS if SQUARE.capabilities.has_field(key)} <= set(row)


def test_the_xlsx_holds_no_formula_and_each_dangerous_start_is_neutralised(tmp_path: Path) -> None:
    records: list[Record] = [(SQUARE, Customer(id=f"C{n}", given_name=name, note=name, company="Plain"))
                             for n, name in enumerate(DANGEROUS)]
    out = tmp_path / "customers.xlsx"
    assert write_export(records, plan_columns(records), out, ExportFormat.XLSX) == len(DANGEROUS)
    sheet = load_workbook(out).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and not [cell.coordinate for cell in cells if cell.data_type == "f"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    first_names = [row[header.index("First name")].value for row in sheet.iter_rows(min_row=2)]
    assert first_names == ["'" + name for name in DANGEROUS]


def test_the_csv_neutralises_the_same_starts(tmp_path: Path) -> None:
    records: list[Record] = [(SQUARE, Customer(id="C1", given_name=name)) for name in DANGEROUS]
    out = tmp_path / "c.csv"
    write_export(records, plan_columns(records), out, ExportFormat.CSV)
    assert [row["First name"] for row in read_csv(out)] == ["'" + name for name in DANGEROUS]


def test_the_columns_chosen_are_the_columns_written_in_their_order(tmp_path: Path) -> None:
    records: list[Record] = [(SQUARE, ADA)]
    by_header = {column.header: column for column in plan_columns(records)}
    chosen = [by_header[h] for h in ("Email", "Customer id", "City")]
    out = tmp_path / "some.csv"
    write_export(records, chosen, out, ExportFormat.CSV)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["Email", "Customer id", "City"], ["ada@example.com", "C1", "Springfield"]]


def test_lists_are_flattened_into_numbered_columns_as_many_as_the_customers_need(tmp_path: Path) -> None:
    anet = source("authorize-net")
    shipping = (Address(first_name="Ada", line1="1 Dock Rd", city="Leeds"), Address(line1="2 Pier St", city="Hull"))
    clover = source("clover")
    home = Address(line1="1 Home Rd", city="Reno")
    records: list[Record] = [
        (anet, Customer(id="A1", email="a@example.com", shipping_addresses=shipping)),
        (anet, Customer(id="A2", email="b@example.com")),
        (clover, Customer(id="K1", email="k@example.com", phone="111", address=home,
                          addresses=(home, Address(line1="9 Work Ave", city="Reno")),
                          emails=(ContactPoint(None, "k@example.com", True), ContactPoint(None, "k2@example.com")),
                          phones=(ContactPoint(None, "111"), ContactPoint(None, "222"), ContactPoint(None, "333"))))]
    columns = plan_columns(records)
    headers = [column.header for column in columns]
    assert [h for h in headers if h.startswith("Shipping address")] == [
        "Shipping address 1 first name", "Shipping address 1 line 1", "Shipping address 1 city",
        "Shipping address 2 first name", "Shipping address 2 line 1", "Shipping address 2 city"]
    assert "Address 2 line 1" in headers and "Address 3 line 1" not in headers
    assert [h for h in headers if h.startswith(("Email ", "Phone "))] == ["Email 2", "Phone 2", "Phone 3"]
    out = tmp_path / "lists.csv"
    write_export(records, columns, out, ExportFormat.CSV)
    first, second, third = read_csv(out)
    assert (first["Shipping address 2 line 1"], first["Shipping address 2 city"]) == ("2 Pier St", "Hull")
    assert second["Shipping address 1 line 1"] == ""
    assert third["Address line 1"] == "1 Home Rd" and third["Address 2 line 1"] == "9 Work Ave"
    assert (third["Email"], third["Email 2"]) == ("k@example.com", "k2@example.com")
    assert (third["Phone 2"], third["Phone 3"]) == ("222", "333")
    assert len(set(headers)) == len(headers)


def test_cards_are_written_masked_and_nothing_more(tmp_path: Path) -> None:
    card = PaymentMethod(id="pm1", brand="VISA", last4="1111", first6="411111", exp_month=12, exp_year=2027)
    records: list[Record] = [(SQUARE, Customer(id="C1", payment_methods=(card,)))]
    out = tmp_path / "cards.csv"
    write_export(records, plan_columns(records), out, ExportFormat.CSV)
    [row] = read_csv(out)
    assert row["Card 1"] == "Visa •••• 1111 exp 12/27"
    assert "411111" not in out.read_text(encoding="utf-8-sig")


def test_an_unwritable_path_raises_and_leaves_nothing(tmp_path: Path) -> None:
    records: list[Record] = [(SQUARE, ADA)]
    with pytest.raises(FileNotFoundError):
        write_export(records, plan_columns(records), tmp_path / "missing" / "c.csv", ExportFormat.CSV)
    taken = tmp_path / "taken.csv"   # a folder where the file should go: refused at the last step
    (taken / "inside").mkdir(parents=True)
    with pytest.raises(OSError):
        write_export(records, plan_columns(records), taken, ExportFormat.CSV)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.csv"] and taken.is_dir()


def test_a_failure_midway_leaves_neither_a_partial_file_nor_its_temporary(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(customer_export, "CHUNK", 2)
    records: list[Record] = [(SQUARE, Customer(id=f"C{n}")) for n in range(10)]
    out = tmp_path / "c.csv"
    out.write_text("the old file", encoding="utf-8")
    cancelled = threading.Event()

    def progress(done: int) -> None:
        if done >= 4:
            cancelled.set()
    with pytest.raises(ExportCancelled):
        write_export(records, plan_columns(records), out, ExportFormat.CSV, on_progress=progress, cancelled=cancelled)
    assert [p.name for p in tmp_path.iterdir()] == ["c.csv"] and out.read_text(encoding="utf-8") == "the old file"


async def test_the_export_runs_on_a_worker_reporting_progress_and_a_cancel_removes_its_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(customer_export, "CHUNK", 5)
    records: list[Record] = [(SQUARE, Customer(id=f"C{n}", given_name=f"P{n}")) for n in range(50)]
    columns = plan_columns(records)
    seen: list[int] = []
    loop_thread = threading.get_ident()
    threads: set[int] = set()

    def progress(done: int) -> None:
        seen.append(done)
        threads.add(threading.get_ident())
    assert await export_customers(records, columns, tmp_path / "all.csv", ExportFormat.CSV, progress) == 50
    await asyncio.sleep(0)   # the last report, queued from the worker
    assert seen[-1] == 50 and seen == sorted(seen) and threads == {loop_thread}
    assert len(read_csv(tmp_path / "all.csv")) == 50

    # A column whose first read holds the worker until the test has cancelled the export.
    started, release = threading.Event(), threading.Event()

    def held(_source: ExportSource, customer: Customer) -> str:
        started.set()
        release.wait(10)
        return customer.id
    task = asyncio.ensure_future(export_customers(records, [*columns, ExportColumn("held", "Held", held)],
                                                  tmp_path / "cut.csv", ExportFormat.CSV))
    assert await asyncio.to_thread(started.wait, 10)
    task.cancel()
    await asyncio.sleep(0)   # the task takes the cancel (and tells the worker) before the worker goes on
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert os.listdir(tmp_path) == ["all.csv"]   # neither cut.csv nor its temporary file


def test_the_worker_leaves_the_collector_and_the_switch_interval_as_it_found_them(tmp_path: Path) -> None:
    before = sys.getswitchinterval()
    records: list[Record] = [(SQUARE, ADA)]
    write_export(records, plan_columns(records), tmp_path / "c.csv", ExportFormat.CSV)
    assert sys.getswitchinterval() == before and gc.isenabled()
