"""Writing customers to a spreadsheet: CSV (UTF-8 with a byte-order mark, so Excel reads it right) or
XLSX (openpyxl's write-only mode). The rows are written on a worker thread (customers are frozen, so
reading them there is safe), a chunk at a time, with progress back on the event loop; a failed or
cancelled export leaves no file behind, nor half of one."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from console.domain.customer import Customer
from console.services.atomic_file import replacing
from console.services.customer_export_columns import ExportColumn, ExportSource, Getter, Record
from console.services.spreadsheet_cells import FORMULA_STARTS, cell_text, safe_cell

CHUNK = 1000   # rows between progress reports (and checks for a cancel)


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ExportCancelled(Exception):
    """The export was stopped before it finished; nothing was written."""


def rows(records: Sequence[Record], columns: Sequence[ExportColumn]) -> Iterator[list[str]]:
    """Each record's cells in `columns`' order, as text a person reads, none a formula."""
    makers: dict[int, Callable[[Customer], list[str]]] = {}
    for source, customer in records:
        make = makers.get(id(source))
        if make is None:
            make = makers[id(source)] = _row_maker(source, columns)
        yield make(customer)


def _row_maker(source: ExportSource, columns: Sequence[ExportColumn]) -> Callable[[Customer], list[str]]:
    """One source's rows, read in bulk: 100,000 rows of 40 columns are 4 million cells, and reading
    each through its own getter took most of P15's time."""
    groups: dict[str, list[str]] = {"attr": [], "address": [], "extra": []}
    calls: list[Getter] = []
    constants: list[Any] = []
    where: list[tuple[str, int]] = []
    for column in columns:
        kind, name = column.plain or ("call", "")
        if kind in groups:
            where.append((kind, len(groups[kind])))
            groups[kind].append(name)
        elif kind == "source":
            where.append(("constant", len(constants)))
            constants.append(getattr(source, name))
        else:
            where.append(("call", len(calls)))
            calls.append(column.value)
    # The values come as one tuple (attributes, address parts, extras, calls, constants), then in column order.
    start = {"attr": 0}
    start["address"] = start["attr"] + len(groups["attr"])
    start["extra"] = start["address"] + len(groups["address"])
    start["call"] = start["extra"] + len(groups["extra"])
    start["constant"] = start["call"] + len(calls)
    order = [start[kind] + n for kind, n in where]
    attrs, parts, extras, fixed = _tuple_getter(groups["attr"]), _tuple_getter(groups["address"]), \
        tuple(groups["extra"]), tuple(constants)
    no_address = (None,) * len(groups["address"])
    arrange = itemgetter(*order) if len(order) > 1 else (lambda values: (values[order[0]],))

    def make(customer: Customer) -> list[str]:
        address = customer.address
        extra = customer.extra
        values = (attrs(customer) + (parts(address) if address is not None else no_address)
                  + tuple([extra.get(key) for key in extras]) + tuple([get(source, customer) for get in calls])
                  + fixed)
        # `safe_cell` inlined for the strings, which nearly every cell is.
        return ["" if v is None else ("'" + v if v[:1] in FORMULA_STARTS else v) if type(v) is str
                else safe_cell(cell_text(v)) for v in arrange(values)]

    return make


def _tuple_getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """Named attributes as one tuple (attrgetter gives a bare value for one name, and fails on none)."""
    if not names:
        return lambda _obj: ()
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return attrgetter(*names)


def write_export(records: Sequence[Record], columns: Sequence[ExportColumn], path: Path, fmt: ExportFormat, *,
                 on_progress: Callable[[int], None] | None = None, cancelled: threading.Event | None = None) -> int:
    """Write the header and one row per record to `path`; how many rows. Blocking: run it on a worker thread.

    Raises OSError when `path` cannot be written, ExportCancelled once `cancelled` is set."""
    header = [safe_cell(column.header) for column in columns]
    written = 0

    def chunks() -> Iterator[list[list[str]]]:
        nonlocal written
        chunk: list[list[str]] = []
        for row in rows(records, columns):
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield chunk
                written += len(chunk)
                chunk = []
                if cancelled is not None and cancelled.is_set():
                    raise ExportCancelled
                if on_progress is not None:
                    on_progress(written)
        if chunk:
            yield chunk
            written += len(chunk)

    with replacing(path) as tmp:
        (_write_csv if fmt is ExportFormat.CSV else _write_xlsx)(tmp, header, chunks())
        if cancelled is not None and cancelled.is_set():   # cancelled during the last chunk: no file either
            raise ExportCancelled
    if on_progress is not None:
        on_progress(written)
    return written


def _write_csv(path: Path, header: list[str], chunks: Iterator[list[list[str]]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for chunk in chunks:
            writer.writerows(chunk)


def _write_xlsx(path: Path, header: list[str], chunks: Iterator[list[list[str]]]) -> None:
    from openpyxl import Workbook  # imported when asked for: about 0.1 s
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(row: list[str]) -> list[str]:
        # A control character (other than tab and newlines) cannot be stored in an XLSX cell at all.
        return [ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row]

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Customers")
    sheet.append(clean(header))
    for chunk in chunks:
        for row in chunk:
            sheet.append(clean(row))
    book.save(str(path))


async def export_customers(records: Sequence[Record], columns: Sequence[ExportColumn], path: Path,
                           fmt: ExportFormat, on_progress: Callable[[int], None] | None = None) -> int:
    """`write_export` on a worker thread, its progress reported on this loop; how many rows.

    Cancelling the awaiting task stops the worker at its next chunk and waits until its file is gone."""
    loop = asyncio.get_running_loop()
    cancelled = threading.Event()
    report: Callable[[int], None] | None = None
    if on_progress is not None:
        progress = on_progress

        def report(done: int) -> None:
            loop.call_soon_threadsafe(progress, done)
    work = loop.run_in_executor(None, functools.partial(write_export, records, columns, path, fmt,
                                                        on_progress=report, cancelled=cancelled))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        cancelled.set()
        with contextlib.suppress(ExportCancelled):
            await work
        raise


def default_name(fmt: ExportFormat, stem: str = "customers") -> str:
    return f"{stem}.{fmt.value}"


def describe(error: Any) -> str:
    """An OSError as a person reads it: what went wrong, without the errno."""
    return getattr(error, "strerror", None) or str(error)
