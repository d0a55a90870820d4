"""A job's failures CSV: the planned values under the export's own headers (which an import maps back),
the customer id, and an Error column; no cell a spreadsheet would run."""

from __future__ import annotations

import csv
from pathlib import Path

from console.domain.customer_columns import CUSTOMER_ID, ERROR, key_for_header
from console.domain.jobs import JobOp, OpKind, OpState, PlannedOp
from console.services.failures_csv import write_failures


def failed(seq: int, planned: PlannedOp, error: str) -> JobOp:
    return JobOp(job_id="J1", seq=seq, planned=planned, idempotency_key=f"k{seq}", state=OpState.FAILED, error=error)


def test_the_failed_rows_are_written_under_the_shared_headers_with_their_errors(tmp_path: Path) -> None:
    ops = [failed(1, PlannedOp(OpKind.UPDATE, "C1", values={"eu_vat": "DE1", "email": "bad@", "given_name": "Ada"},
                               cleared=("phone",)), "Email: not a valid email address"),
           failed(2, PlannedOp(OpKind.CREATE, None, values={"given_name": "=HYPERLINK(1)"}), "-1 is not allowed")]
    out = tmp_path / "failures.csv"
    assert write_failures(ops, out, "square") == 2
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [CUSTOMER_ID, "First name", "Email", "Phone", "EU VAT number", ERROR]
    assert [key_for_header(h) for h in rows[0][1:4]] == ["given_name", "email", "phone"]
    assert rows[1] == ["C1", "Ada", "bad@", "", "DE1", "Email: not a valid email address"]
    assert rows[2] == ["", "'=HYPERLINK(1)", "", "", "", "'-1 is not allowed"]


def test_without_a_known_provider_its_fields_are_headed_by_their_keys(tmp_path: Path) -> None:
    ops = [failed(1, PlannedOp(OpKind.UPDATE, "C1", values={"eu_vat": "DE1"}), "refused")]
    out = tmp_path / "f.csv"
    write_failures(ops, out, "gone-provider")
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == "Customer id,eu_vat,Error"
