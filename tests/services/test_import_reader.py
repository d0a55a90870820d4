"""The import reader: encodings, delimiters, quoted newlines, XLSX, and every kind of bad file as one
ImportFileError (never another exception)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.services.import_reader import ImportFileError, ImportTable, read_file, read_stream


def read(data: bytes, **options: object) -> ImportTable:
    return read_stream(io.BytesIO(data), name="people.csv", **options)  # type: ignore[arg-type]


def refused(data: bytes, **options: object) -> str:
    with pytest.raises(ImportFileError) as caught:
        read(data, **options)
    message = caught.value.message
    assert "\n" not in message
    return message


TEXT = "First name,City\nJosé,Zürich\nÉlodie,Paris\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8"),
    (TEXT.encode("utf-16"), "utf-16"),                       # with its byte-order mark
    (TEXT.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
    (TEXT.encode("cp1252"), "windows-1252"),
])
def test_each_encoding_is_detected_and_read(data: bytes, encoding: str) -> None:
    table = read(data)
    assert table.encoding == encoding
    assert table.headers == ("First name", "City")
    assert table.rows == [("José", "Zürich"), ("Élodie", "Paris")]
    assert table.row_numbers == [2, 3]


def test_a_chosen_encoding_is_used_and_a_wrong_one_refused() -> None:
    assert read(TEXT.encode("cp1252"), encoding="windows-1252").rows[0] == ("José", "Zürich")
    assert "not valid UTF-8" in refused(TEXT.encode("cp1252"), encoding="utf-8")
    assert "not valid UTF-16" in refused(TEXT.encode("utf-8"), encoding="utf-16")


def test_utf8_that_breaks_after_the_sample_is_read_as_windows_1252() -> None:
    data = ("a,b\n" + "x,y\n" * 20_000 + "é,z\n").encode("cp1252")   # the é lies past the 64 KB sample
    table = read(data)
    assert table.encoding == "windows-1252" and table.rows[-1] == ("é", "z")
    # With a UTF-8 byte-order mark the file says what it is: a bad byte further on is an error.
    assert "not valid UTF-8 text (byte 0xE9)" in refused(b"\xef\xbb\xbf" + data)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_detected(delimiter: str) -> None:
    data = delimiter.join(["Email", "Phone", "Note"]) + "\n" + delimiter.join(["a@b.co", "1", '"x, y;\tz"']) + "\n"
    table = read(data.encode())
    assert table.delimiter == delimiter and table.rows == [("a@b.co", "1", "x, y;\tz")]


def test_quoted_newlines_and_delimiters_stay_in_their_cell_and_rows_keep_their_numbers() -> None:
    table = read(b'Name;Note\n"Doe; Jane";"line one\nline two"\n\nBob;x\n')
    assert table.rows == [("Doe; Jane", "line one\nline two"), ("Bob", "x")]
    assert table.row_numbers == [2, 4]   # the blank row 3 is skipped, and counted as a spreadsheet does


def test_trailing_empty_cells_are_not_ragged() -> None:
    assert read(b"a,b\n1,2,,\n").rows == [("1", "2")]


@pytest.mark.parametrize(("data", "says"), [
    (b"a,b\n1,2\n3\n", "row 3 (line 3) has 1 cells but the header has 2"),
    (b"a,b\n1,2,3\n", "row 2 (line 2) has 3 cells"),
    (b"a,b\n", "no data rows"),
    (b"a,b\n,\n\n", "no data rows"),
    (b"", "empty"),
    (b"\n\n", "no header"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    (bytes(range(1, 32)) * 20, "not a text file"),
    (b"PK\x03\x04 not really a zip", "not a readable XLSX"),
    (b"a,a\n1,2\n", "same header"),
    (b'a,b\n"1,2\n', "row 2 (line 2) has 1 cells"),   # an unclosed quote takes the rest
])
def test_bad_files_give_one_line(data: bytes, says: str) -> None:
    assert says in refused(data)


def test_a_wrong_encoding_names_the_byte() -> None:
    assert "0x81" in refused(b"a,b\n\x81,2\n", encoding="windows-1252")


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:       # a sparse 1 GB file: nothing like it is written to disk
        out.write(b"a,b\n")
        out.truncate(1024 ** 3)
    with pytest.raises(ImportFileError, match="1024 MB; an import takes at most 100 MB"):
        read_file(path)


def test_too_many_rows_stop_the_reading() -> None:
    assert "more than 3 rows" in refused(b"a\n" + b"x\n" * 10, max_rows=3)
    assert read(b"a\n" + b"x\n" * 3, max_rows=3).rows == [("x",)] * 3


def test_a_cell_too_big_for_csv_is_refused() -> None:
    assert "cannot be read as CSV" in refused(b"a\n" + b'"' + b"x" * 200_000 + b'"\n')


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_is_read_with_numbers_and_dates_as_their_text(tmp_path: Path) -> None:
    import datetime as dt
    path = write_xlsx(tmp_path / "people.xlsx", [["First name", "Phone", "Birthday", "Note"],
                                                 ["Ann", 2065550100, dt.date(1990, 4, 1), None],
                                                 [None, None, None, None],
                                                 ["Bo", "+44 20 7946 0000", None, "hi"]])
    table = read_file(path)
    assert table.format == "xlsx" and table.headers == ("First name", "Phone", "Birthday", "Note")
    assert table.rows == [("Ann", "2065550100", "1990-04-01", ""), ("Bo", "+44 20 7946 0000", "", "hi")]
    assert table.row_numbers == [2, 4]


def test_an_xlsx_with_only_a_header_or_too_many_rows_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no data rows"):
        read_file(write_xlsx(tmp_path / "a.xlsx", [["Email"]]))
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        read_file(write_xlsx(tmp_path / "b.xlsx", [["Email"], ["a"], ["b"], ["c"]]), max_rows=2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400),
                 st.text(alphabet=st.sampled_from('ab,;\t"\n\r é\x00'), max_size=200).map(str.encode),
                 st.binary(max_size=100).map(lambda b: b"PK\x03\x04" + b)))
def test_any_bytes_give_a_table_or_an_import_file_error(data: bytes) -> None:
    try:
        table = read(data)
    except ImportFileError as exc:
        message = exc.message
        table = None
    if table is None:
        assert message and "\n" not in message
        return
    assert table.rows and len(table.rows) == len(table.row_numbers)
    assert all(len(row) == len(table.headers) for row in table.rows)


def test_cells_our_export_made_safe_read_back_as_they_were(tmp_path: Path) -> None:
    from console.services.spreadsheet_cells import safe_cell

    path = tmp_path / "safe.csv"
    path.write_text(f"Phone,Note\n{safe_cell('+1 206 555 0100')},{safe_cell('-minus')}\n'plain,x\n", encoding="utf-8")
    table = read_file(path)
    assert table.rows == [("+1 206 555 0100", "-minus"), ("'plain", "x")]
