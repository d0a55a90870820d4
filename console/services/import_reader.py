"""Reading a spreadsheet to import (issue 19): CSV or XLSX into a header and rows of text, or one
`ImportFileError` saying in a line what is wrong with the file. No Qt.

CSV: UTF-8 (with or without a byte-order mark), UTF-16 (with its mark) or Windows-1252, detected or
chosen; comma, semicolon or tab, detected from the header line; quoted newlines work. The file is
read as a stream: one past `MAX_BYTES` is refused before it is read, and reading stops at
`MAX_ROWS`, so a huge file never sits in memory. XLSX is read with openpyxl in read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from console.services.spreadsheet_cells import unsafe_cell

MAX_BYTES = 100 * 1024 * 1024     # stated in the README's Import section
MAX_ROWS = 200_000
SAMPLE = 64 * 1024                # what encoding and delimiter are detected from
ENCODINGS: dict[str, str] = {     # chosen by name -> Python codec
    "utf-8": "utf-8-sig", "utf-16": "utf-16", "windows-1252": "cp1252"}
DELIMITERS = (",", ";", "\t")
_ZIP_MAGIC = b"PK\x03\x04"
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r", "\f"}




class ImportFileError(Exception):
    """A file that cannot be imported; the message says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ImportTable:
    """A file's header and data rows as text; `row_numbers` are the rows as a spreadsheet numbers them."""

    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    format: str = "csv"
    encoding: str | None = None       # a name of ENCODINGS (CSV only)
    delimiter: str | None = None


def read_file(path: Path, *, encoding: str | None = None, max_bytes: int = MAX_BYTES,
              max_rows: int = MAX_ROWS) -> ImportTable:
    """The table in the CSV or XLSX at `path`; `encoding` (a name of ENCODINGS) or None to detect it."""
    try:
        with path.open("rb") as handle:
            return read_stream(handle, name=path.name, encoding=encoding, max_bytes=max_bytes, max_rows=max_rows)
    except OSError as exc:
        raise ImportFileError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc


def read_stream(handle: IO[bytes], *, name: str = "The file", encoding: str | None = None,
                max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> ImportTable:
    """The table in a seekable binary stream (see `read_file`)."""
    size = handle.seek(0, os.SEEK_END)
    handle.seek(0)
    if size > max_bytes:
        raise ImportFileError(f"{name} is {_size(size)}; an import takes at most {_size(max_bytes)}. "
                              "Split it into smaller files.")
    if size == 0:
        raise ImportFileError(f"{name} is empty.")
    head = handle.read(SAMPLE)
    handle.seek(0)
    if head.startswith(_ZIP_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(handle, name, max_rows)
    if encoding is not None and encoding not in ENCODINGS:
        raise ImportFileError(f"Unknown encoding {encoding!r}: choose one of {', '.join(ENCODINGS)}.")
    chosen = encoding or _detect_encoding(head, name)
    try:
        return _read_csv(handle, name, chosen, max_rows)
    except UnicodeError as exc:
        if encoding is None and chosen == "utf-8" and not head.startswith(codecs.BOM_UTF8):
            handle.seek(0)   # valid UTF-8 at first, not further on: then it is Windows-1252
            return _read_csv_or_refuse(handle, name, "windows-1252", max_rows)
        raise _not_encoded(name, chosen, exc) from exc


def _read_csv_or_refuse(handle: IO[bytes], name: str, encoding: str, max_rows: int) -> ImportTable:
    try:
        return _read_csv(handle, name, encoding, max_rows)
    except UnicodeError as exc:
        raise _not_encoded(name, encoding, exc) from exc


def _not_encoded(name: str, encoding: str, exc: UnicodeError) -> ImportFileError:
    where = ""
    if isinstance(exc, UnicodeDecodeError) and exc.object[exc.start:exc.start + 1]:
        where = f" (byte 0x{exc.object[exc.start:exc.start + 1].hex().upper()})"
    return ImportFileError(f"{name} is not valid {_label(encoding)} text{where}: choose its encoding, "
                           "or save it as UTF-8.")


def _label(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-16": "UTF-16", "windows-1252": "Windows-1252"}[encoding]


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count} bytes"


def _detect_encoding(head: bytes, name: str) -> str:
    """UTF-16 by its mark, UTF-8 when the sample decodes as it (a mark or not), else Windows-1252."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise ImportFileError(f"{name} is not a text file (it holds NUL bytes): import a CSV or XLSX file.")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SAMPLE)
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def _read_csv(handle: IO[bytes], name: str, encoding: str, max_rows: int) -> ImportTable:
    text = io.TextIOWrapper(handle, encoding=ENCODINGS[encoding], errors="strict", newline="")
    try:
        sample = text.read(SAMPLE)
        _refuse_binary(sample, name)
        delimiter = detect_delimiter(sample)
        text.seek(0)
        records = _records(csv.reader(text, delimiter=delimiter), name)
        return _table(records, name, max_rows, format="csv", encoding=encoding, delimiter=delimiter)
    finally:
        text.detach()   # the caller owns `handle`


def _refuse_binary(sample: str, name: str) -> None:
    controls = sum(1 for ch in sample if ch in _CONTROL)
    if "\x00" in sample or controls > max(2, len(sample) // 100):
        raise ImportFileError(f"{name} is not a text file (it holds control characters): import a CSV or XLSX file.")


def detect_delimiter(sample: str) -> str:
    """Comma, semicolon or tab: the one the header line (outside quotes) has most of; comma on a tie."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in sample:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    return max(DELIMITERS, key=lambda d: counts[d])   # max keeps the first of equals: the comma


def _records(reader: Iterator[list[str]], name: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record ends on, cells) for each record; csv's errors as ImportFileError."""
    try:
        for cells in reader:
            yield reader.line_num, cells   # type: ignore[attr-defined]
    except csv.Error as exc:
        line = reader.line_num   # type: ignore[attr-defined]
        raise ImportFileError(f"{name} cannot be read as CSV at line {line}: {exc}.") from exc


def _table(records: Iterator[tuple[int, list[str]]], name: str, max_rows: int, *, pad: bool = False,
           **kinds: Any) -> ImportTable:
    """Header and rows from the records; blank rows skipped, ragged rows and no rows refused (`pad`:
    short rows filled with empty cells, as a worksheet's rows end at their last value)."""
    headers: tuple[str, ...] | None = None
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    for number, (line, cells) in enumerate(records, 1):
        if not any(c.strip() for c in cells):
            continue
        if headers is None:
            headers = tuple(_trim(cells))
            if len(set(h.strip().casefold() for h in headers if h.strip())) < len([h for h in headers if h.strip()]):
                raise ImportFileError(f"{name}: two columns have the same header; give each column its own.")
            continue
        cells = _trim(cells, len(headers))
        if pad and len(cells) < len(headers):
            cells = cells + [""] * (len(headers) - len(cells))
        if len(cells) != len(headers):
            raise ImportFileError(f"{name}: row {number} (line {line}) has {len(cells)} cells but the header has "
                                  f"{len(headers)}; fix that row (a missing or extra delimiter or quote).")
        if len(rows) >= max_rows:
            raise ImportFileError(f"{name} has more than {max_rows:,} rows; an import takes at most {max_rows:,}. "
                                  "Split it into smaller files.")
        # A cell our export made safe (`'+1 206…`) reads back as it was.
        rows.append(tuple(unsafe_cell(c.strip()) for c in cells))
        numbers.append(number)
    if headers is None:
        raise ImportFileError(f"{name} has no header row and no data.")
    if not rows:
        raise ImportFileError(f"{name} has a header but no data rows.")
    return ImportTable(headers=tuple(h.strip() for h in headers), rows=rows, row_numbers=numbers, **kinds)


def _trim(cells: list[str], width: int = 0) -> list[str]:
    """Empty cells past `width` dropped (spreadsheets often write trailing delimiters)."""
    end = len(cells)
    while end > width and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


# -- XLSX -------------------------------------------------------------------------------------------
def _read_xlsx(handle: IO[bytes], name: str, max_rows: int) -> ImportTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:   # openpyxl raises many kinds (zip, XML, key errors) for a broken file
        raise ImportFileError(f"{name} is not a readable XLSX workbook ({type(exc).__name__}).") from exc
    try:
        sheet = book.active
        if sheet is None:
            raise ImportFileError(f"{name} has no worksheet.")
        records = ((number, [_cell_text(v) for v in values])
                   for number, values in enumerate(sheet.iter_rows(values_only=True), 1))
        return _table(records, name, max_rows, pad=True, format="xlsx")
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(f"{name} is not a readable XLSX workbook ({type(exc).__name__}).") from exc
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    """A cell as the text it shows: whole numbers without '.0' (phone numbers), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
