"""Workspace database figures: saving 100,000 customers to an encrypted file and reading them back.

    uv run python benchmarks/workspace_store.py [--customers N] [--page 100]

Customers are the demo data's people as full domain objects (address, card on file, extras), saved
page by page as a refresh saves them (one write transaction per page), then read back: every
column the table and search need, and every whole customer. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.domain.customer import Address, Customer, PaymentMethod
from console.sandbox.demo_data import generate_people
from console.store import accounts, customers, tables
from console.store.engine import open_workspace
from console.store.keys import new_key


def _customers(count: int) -> list[Customer]:
    made = []
    for n, p in enumerate(generate_people(random.Random(17), count)):
        a = p.address
        made.append(Customer(
            id=f"CUST{n:08d}", given_name=p.given_name, family_name=p.family_name, company=p.company,
            email=p.email, phone=p.phone, note=p.note, reference_id=p.reference_id, birthday=p.birthday,
            address=Address(line1=a.line1, line2=a.line2, city=a.city, state=a.state, postal_code=a.postal_code,
                            country=a.country),
            created_at=p.created_at, updated_at=p.updated_at, version=str(n % 7),
            payment_methods=(PaymentMethod(id=f"card{n}", brand="VISA", last4=f"{n % 10000:04d}", exp_month=1 + n % 12,
                                           exp_year=2028),) if n % 3 == 0 else (),
            extra={"creation_source": "THIRD_PARTY", "segment_ids": ("gv2:A", "gv2:B")} if n % 2 else {}))
    return made


def _timed(label: str, seconds: float, count: int) -> None:
    print(f"{label}: {seconds:.2f} s ({count / seconds:,.0f} customers/s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=100, help="customers per page (one transaction each)")
    args = parser.parse_args(argv)
    people = _customers(args.customers)
    # As the window does with loaded customers: out of the collector's sight, so its collections
    # do not walk them during the figures.
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as folder:
        path, key = Path(folder) / "workspace.db", new_key()
        started = time.perf_counter()
        workspace = open_workspace(path, key)
        print(f"# {args.customers:,} customers, pages of {args.page}, encrypted (SQLCipher), "
              f"SQLAlchemy {sa.__version__}")
        print(f"create and migrate: {(time.perf_counter() - started) * 1000:.0f} ms")

        started = time.perf_counter()
        with workspace.write() as connection:
            refresh = accounts.begin_refresh(connection, "bench", "square", datetime.now(UTC))
        for start in range(0, len(people), args.page):
            with workspace.write() as connection:
                customers.save_page(connection, "bench", people[start:start + args.page], datetime.now(UTC))
        with workspace.write() as connection:
            accounts.complete_refresh(connection, refresh, datetime.now(UTC), full=True)
        _timed("save (first refresh)", time.perf_counter() - started, len(people))

        started = time.perf_counter()
        for start in range(0, len(people), args.page):
            with workspace.write() as connection:
                customers.save_page(connection, "bench", people[start:start + args.page], datetime.now(UTC))
        _timed("save again (every row updated)", time.perf_counter() - started, len(people))
        workspace.close()
        size = path.stat().st_size
        print(f"file size: {size / 1e6:.1f} MB ({size / len(people):.0f} bytes a customer)")

        started = time.perf_counter()
        workspace = open_workspace(path, key)
        print(f"open existing: {(time.perf_counter() - started) * 1000:.0f} ms")
        c = tables.customers.c
        started = time.perf_counter()
        with workspace.read() as connection:
            rows = connection.execute(sa.select(c.customer_id, c.given_name, c.family_name, c.company, c.email,
                                                c.phone, c.reference_id, c.created_at, c.updated_at)
                                      .where(c.account_id == "bench")).all()
        _timed("read table and search columns", time.perf_counter() - started, len(rows))
        started = time.perf_counter()
        with workspace.read() as connection:
            back = customers.customers_of(connection, "bench")
        _timed("read whole customers", time.perf_counter() - started, len(back))
        started = time.perf_counter()
        with workspace.read() as connection:
            documents = connection.execute(sa.select(tables.customer_documents.c.document)
                                           .where(tables.customer_documents.c.account_id == "bench")
                                           .order_by(tables.customer_documents.c.load_order)).scalars().all()
        _timed("  of which reading the documents", time.perf_counter() - started, len(documents))
        workspace.close()
        assert back == people   # in the order they were saved, as a load from the provider lists them
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
