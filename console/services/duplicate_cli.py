"""`customer-console find-duplicates FILE.csv [--threshold X]`: duplicates in a CSV, as JSON lines.

The CSV has a header row naming its columns, any of: account, id, given_name, family_name, company,
email, phone, reference_id, postal_code, city, country (others are ignored). Each candidate group is
printed as one JSON object: its rows (numbered as a spreadsheet shows them, the header being row 1),
the accounts and ids of those rows, the score (0..1) and the reasons. P16 in benchmarks/run.py
measures through this same path.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from console.domain.customer import Address, Customer
from console.services.duplicates import DEFAULT_THRESHOLD, FLOOR, find_duplicates

COLUMNS = ("account", "id", "given_name", "family_name", "company", "email", "phone", "reference_id",
           "postal_code", "city", "country")
_FIRST_ROW = 2   # the header is row 1


def customer_of(row: dict[str, str], number: int) -> tuple[str, Customer]:
    """One CSV row as (account, customer); a row without an id is known by its row number."""
    def cell(name: str) -> str | None:
        return (row.get(name) or "").strip() or None

    postal_code, city, country = cell("postal_code"), cell("city"), cell("country")
    address = Address(postal_code=postal_code, city=city, country=country) if postal_code or city or country else None
    customer = Customer(id=cell("id") or f"row-{number}", given_name=cell("given_name"),
                        family_name=cell("family_name"), company=cell("company"), email=cell("email"),
                        phone=cell("phone"), reference_id=cell("reference_id"), address=address)
    return cell("account") or "", customer


def row_of(account: str, customer: Customer) -> dict[str, str]:
    """A customer as a row of the CSV this command reads."""
    address = customer.address or Address()
    values = {"account": account, "id": customer.id, "given_name": customer.given_name,
              "family_name": customer.family_name, "company": customer.company, "email": customer.email,
              "phone": customer.phone, "reference_id": customer.reference_id,
              "postal_code": address.postal_code, "city": address.city, "country": address.country}
    return {name: value or "" for name, value in values.items()}


def write_csv(path: Path, rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def groups_as_json(path: Path, threshold: float, out: TextIO) -> int:
    """Print the candidate groups of the CSV at `path`, one JSON object a line; how many."""
    with path.open(newline="", encoding="utf-8-sig") as source:   # -sig: spreadsheets' byte-order mark
        records = [customer_of(row, number) for number, row in enumerate(csv.DictReader(source), _FIRST_ROW)]
    groups = find_duplicates(records, threshold=threshold)
    for group in groups:
        print(json.dumps({"rows": [i + _FIRST_ROW for i in group.indexes],
                          "accounts": [account for account, _ in group.members],
                          "ids": [customer for _, customer in group.members],
                          "score": round(group.score, 4), "reasons": list(group.reasons)},
                         ensure_ascii=False), file=out)
    return len(groups)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="customer-console find-duplicates",
                                     description="Print the candidate duplicate groups of a CSV of customers "
                                                 "as JSON lines.", epilog=f"Columns: {', '.join(COLUMNS)}.")
    parser.add_argument("file", type=Path, metavar="FILE.csv")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help=f"the lowest score of a pair to connect, {FLOOR}..1 (default {DEFAULT_THRESHOLD})")
    args = parser.parse_args(argv)
    if not FLOOR <= args.threshold <= 1:
        parser.error(f"--threshold must be between {FLOOR} and 1")
    try:
        groups_as_json(args.file, args.threshold, sys.stdout)
    except OSError as exc:
        print(f"customer-console find-duplicates: {exc}", file=sys.stderr)
        return 2
    return 0
