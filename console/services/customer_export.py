"""Writing customers to a spreadsheet: CSV (UTF-8 with a byte-order mark, so Excel reads it right) or
XLSX (openpyxl's write-only mode). The rows are written on a worker thread (customers are frozen, so
reading them there is safe), a chunk at a time, with progress back on the event loop; a failed or
cancelled export leaves no file behind, nor half of one."""

from __future__ import annotations

import asyncio
import csv
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter, itemgetter, methodcaller
from pathlib import Path
from typing import Any

from console.domain.customer import Address
from console.services.atomic_file import replacing
from console.services.busy_worker import busy_worker
from console.services.customer_export_columns import ExportColumn, Record
from console.services.spreadsheet_cells import FORMULA_STARTS, cell_text, safe_cell

CHUNK = 500   # rows between progress reports and checks for a cancel; the csv module writes them in one C call


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ExportCancelled(Exception):
    """The export was stopped before it finished; nothing was written."""


Row = tuple[str | None, ...]   # None: an empty cell (the csv module and openpyxl both write it so)
_TEXT = frozenset({str, type(None)})
_FIRST = itemgetter(slice(0, 1))
_NO_ADDRESS = Address()


def rows(records: Sequence[Record], columns: Sequence[ExportColumn]) -> Iterator[Row]:
    """Each record's cells in `columns`' order, as text a person reads, none a formula."""
    for chunk in row_chunks(records, columns):
        yield from chunk


def row_chunks(records: Sequence[Record], columns: Sequence[ExportColumn],
               size: int | None = None) -> Iterator[list[Row]]:
    """The rows, `size` (CHUNK) at a time, read a column at a time: 100,000 rows of 25 columns are 2.5
    million cells, and a getter and a check per cell took most of P15's time. A column is read with
    `map` over the chunk, and its cells are looked at one by one only when one of them needs it."""
    size = size or CHUNK
    for start in range(0, len(records), size):
        chunk = _Chunk(records[start:start + size])
        yield list(zip(*(_safe(chunk.read(column)) for column in columns), strict=True))


class _Chunk:
    """Some records, whose columns are read with `map` (attribute getters run in C)."""

    def __init__(self, records: Sequence[Record]) -> None:
        self.sources = [source for source, _ in records]
        self.customers = [customer for _, customer in records]
        self._addresses: list[Address] | None = None
        self._extras: list[dict[str, Any]] | None = None

    def addresses(self) -> list[Address]:
        if self._addresses is None:
            self._addresses = [a if a is not None else _NO_ADDRESS for a in map(_ADDRESS, self.customers)]
        return self._addresses

    def extras(self) -> list[dict[str, Any]]:
        if self._extras is None:
            self._extras = list(map(_EXTRA, self.customers))
        return self._extras

    def read(self, column: ExportColumn) -> list[Any]:
        kind, name = column.plain or ("call", "")
        if kind == "attr":
            return list(map(attrgetter(name), self.customers))
        if kind == "address":
            return list(map(attrgetter(name), self.addresses()))
        if kind == "extra":
            return list(map(methodcaller("get", name), self.extras()))
        if kind == "source":
            return list(map(attrgetter(name), self.sources))
        return list(map(column.value, self.sources, self.customers))


_ADDRESS = attrgetter("address")
_EXTRA = attrgetter("extra")


def _safe(values: list[Any]) -> list[Any]:
    """A column's cells as text, none a formula (`safe_cell`), decided once per column where its values
    are of one kind: text without a risky cell is kept as it is, times and yes/no are written in bulk."""
    kinds = set(map(type, values))
    if kinds <= _TEXT:
        if FORMULA_STARTS.isdisjoint("".join(map(_FIRST, filter(None, values)))):
            return values
        return [v if v is None or v[:1] not in FORMULA_STARTS else "'" + v for v in values]
    if kinds <= _TIMES:   # ISO dates start with a digit
        return [None if v is None else v.isoformat() for v in values]
    if kinds <= _BOOLS:
        return list(map(_YES_NO.get, values))
    return [None if v is None else safe_cell(cell_text(v)) for v in values]


_TIMES = frozenset({datetime, date, type(None)})
_BOOLS = frozenset({bool, type(None)})
_YES_NO = {True: cell_text(True), False: cell_text(False)}


def write_export(records: Sequence[Record], columns: Sequence[ExportColumn], path: Path, fmt: ExportFormat, *,
                 on_progress: Callable[[int], None] | None = None, cancelled: threading.Event | None = None) -> int:
    """Write the header and one row per record to `path`; how many rows. Blocking: run it on a worker thread.

    Raises OSError when `path` cannot be written, ExportCancelled once `cancelled` is set."""
    header = [safe_cell(column.header) for column in columns]
    written = 0

    def chunks() -> Iterator[list[Row]]:
        nonlocal written
        for chunk in row_chunks(records, columns):
            yield chunk
            written += len(chunk)
            if cancelled is not None and cancelled.is_set():
                raise ExportCancelled
            if on_progress is not None:
                on_progress(written)

    with busy_worker(), replacing(path) as tmp:
        (_write_csv if fmt is ExportFormat.CSV else _write_xlsx)(tmp, header, chunks())
        if cancelled is not None and cancelled.is_set():   # cancelled during the last chunk: no file either
            raise ExportCancelled
    return written


def _write_csv(path: Path, header: list[str], chunks: Iterator[list[Row]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for chunk in chunks:
            writer.writerows(chunk)


def _write_xlsx(path: Path, header: list[str], chunks: Iterator[list[Row]]) -> None:
    from openpyxl import Workbook  # imported when asked for: about 0.1 s
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(row: Sequence[str | None]) -> list[str | None]:
        # A control character (other than tab and newlines) cannot be stored in an XLSX cell at all.
        return [ILLEGAL_CHARACTERS_RE.sub("", cell) if cell else cell for cell in row]

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

    Cancelling the awaiting task stops the worker at its next chunk and waits until its file is gone; a
    worker that had already finished the file by then is not undone, and its count is returned."""
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
    except asyncio.CancelledError as cancel:
        cancelled.set()
        try:
            written = await work
        except Exception:
            raise cancel from None   # stopped in time (ExportCancelled) or failed: nothing was written
        # The worker had renamed the whole file into place before the cancel reached it: say so.
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        return written
