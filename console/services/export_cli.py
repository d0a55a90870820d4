"""`customer-console export --account NAME [--format csv|xlsx] [--search TEXT] [--config-dir DIR] OUT`:
one account's customers (those the search finds, as the window's search field finds them) to a CSV or
XLSX file with every column, as File → Export… writes it. A wrong account name, bad arguments or an OUT
that cannot be written get one line on stderr and exit 2; a load that fails, one line and exit 1;
nothing is left at OUT then."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from console.domain import errors as e
from console.domain.custom_fields import CustomFieldDefinition
from console.services.customer_export import ExportFormat, export_customers
from console.services.customer_export_columns import ExportSource, plan_columns
from console.services.headless import HeadlessAccounts, HeadlessError, load_customers, one_line

PROG = "customer-console export"
EXIT_FAILED, EXIT_USAGE = 1, 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a mistake reported in one line (the usage stays behind --help)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


def parser() -> argparse.ArgumentParser:
    parse = OneLineParser(prog=PROG, description="Export one account's customers to a CSV (UTF-8 with a BOM) "
                                                 "or XLSX file, with every column.")
    parse.add_argument("out", type=Path, metavar="OUT", help="the file to write (replaced if it exists)")
    parse.add_argument("--account", required=True, metavar="NAME", help="the account's name, as the window lists it")
    parse.add_argument("--format", choices=[f.value for f in ExportFormat], default=None,
                       help="csv or xlsx (default: from OUT's extension, else csv)")
    parse.add_argument("--search", default="", metavar="TEXT",
                       help="only the customers this finds, as the window's search field finds them")
    parse.add_argument("--custom-fields", action="store_true",
                       help="read the custom field values too (one request per customer, where the provider has them)")
    parse.add_argument("--config-dir", type=Path, default=None, help="settings, as for the window")
    return parse


def format_of(out: Path, chosen: str | None) -> ExportFormat:
    if chosen is not None:
        return ExportFormat(chosen)
    return ExportFormat.XLSX if out.suffix.lower() == ".xlsx" else ExportFormat.CSV


async def export_account(accounts: HeadlessAccounts, name: str, out: Path, fmt: ExportFormat, search: str = "",
                         custom_fields: bool = False) -> int:
    """Export the customers of the account named `name` that `search` finds; how many."""
    account = accounts.find(name)
    if not out.parent.is_dir():
        raise HeadlessError(f"cannot write {out}: the folder {out.parent} does not exist")
    async with accounts.opened(account) as session:
        await load_customers(session)
        definitions: tuple[CustomFieldDefinition, ...] = ()
        if custom_fields and session.custom_fields.available:
            definitions = tuple(await session.custom_fields.definitions(refresh=True))
            await session.custom_fields.load_values()
        index = session.service.index
        customers = [index.at(pos) for pos in index.matching(search, index.alive(), ascending=True)]
    source = ExportSource(account.name, account.info.display_name, account.info.capabilities, definitions)
    records = [(source, customer) for customer in customers]
    columns = await asyncio.to_thread(plan_columns, records)
    return await export_customers(records, columns, out, fmt)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    fmt = format_of(args.out, args.format)
    try:
        accounts = HeadlessAccounts.from_config(args.config_dir)
        written = asyncio.run(export_account(accounts, args.account, args.out, fmt, args.search, args.custom_fields))
    except HeadlessError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"{PROG}: cannot write {args.out}: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except e.ConsoleError as exc:
        print(f"{PROG}: {one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Exported {written} customer{'' if written == 1 else 's'} to {args.out}")
    return 0
