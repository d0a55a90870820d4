"""`customer-console import FILE --account NAME [--match email|phone|reference|none] [--mapping MAP.json]
[--encoding E] [--dry-run] [--yes] [--config-dir DIR]`: a CSV or XLSX imported into one account as a job.

A production account is changed only after "yes" is typed at the terminal, or with --yes; without a
terminal and without --yes nothing is sent (exit 2).

Exit status: 0 when every row was imported (or, with --dry-run, once the preview is printed); 1 when
any row was not (invalid, or refused by the provider); 2 when nothing was sent: a wrong account name,
a bad file or a bad mapping, said in one line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx

from console.domain import errors as e
from console.domain.jobs import Job, OpState
from console.services.headless import HeadlessError, one_line
from console.services.headless_accounts import OpenedAccount, writable_account
from console.services.import_mapping import Mapping, best_mapping, mapping_memory, read_mapping_file
from console.services.import_plan import ImportPlan, ImportPlanner, MatchKey, RowKind
from console.services.import_reader import ENCODINGS, ImportFileError, ImportTable, read_file
from console.services.jobs import JobRunner, JobStore
from console.services.secrets import SecretStore

PROG = "customer-console import"
EXIT_NOT_ALL = 1
EXIT_NOTHING_SENT = 2
_BAR = 30


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=PROG, description="Import customers from a CSV or XLSX file into one "
                                     "account, as a job (journaled, resumable from the window's Jobs panel).")
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--account", required=True, metavar="NAME", help="the target account, as the window names it")
    parser.add_argument("--match", choices=[m.value for m in MatchKey], default=MatchKey.EMAIL.value,
                        help="update the customer with the same email, phone or reference id instead of creating "
                             "one (default: email)")
    parser.add_argument("--mapping", type=Path, metavar="MAP.json",
                        help='which field each column fills: {"columns": {"Header": "field_key" or null}}')
    parser.add_argument("--encoding", choices=["auto", *ENCODINGS], default="auto",
                        help="the CSV file's encoding (default: detected)")
    parser.add_argument("--dry-run", action="store_true", help="print the preview and send nothing")
    parser.add_argument("--yes", action="store_true",
                        help="change a production account without asking (scripts); otherwise asked at the terminal")
    parser.add_argument("--config-dir", type=Path, default=None, help="the settings, accounts and workspace to use")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None,
         stdin: TextIO | None = None, secrets: SecretStore | None = None,
         transport: httpx.AsyncBaseTransport | None = None) -> int:
    """Run the command; `stdin` answers the production question, `secrets` and `transport` are for tests."""
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    out, err, stdin = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    try:
        table = read_file(args.file, encoding=None if args.encoding == "auto" else args.encoding)
        return asyncio.run(_import(args, table, _Terminal(out, err, stdin), secrets, transport))
    except (ImportFileError, HeadlessError, e.ConsoleError) as exc:
        print(f"{PROG}: {one_line(exc)}", file=err)
        return EXIT_NOTHING_SENT


@dataclass(frozen=True)
class _Terminal:
    out: TextIO
    err: TextIO
    stdin: TextIO


def agrees_to_production_import(account: str, rows: int, *, yes: bool, terminal: TextIO, err: TextIO) -> bool:
    """Whether to send `rows` rows to the production account `account`: --yes, or "yes" typed at a terminal.

    Without a terminal (a script) and without --yes the answer is no, said on `err`.
    """
    if yes:
        return True
    if not terminal.isatty():
        print(f"{PROG}: {account} is a PRODUCTION account (real customers); nothing was sent. "
              "Add --yes to change it from a script.", file=err)
        return False
    print(f"{account} is a PRODUCTION account: {rows} row(s) will change real customers. "
          "Type yes to go ahead: ", end="", file=err, flush=True)
    if terminal.readline().strip().lower() == "yes":
        return True
    print("Nothing was sent.", file=err)
    return False


async def _import(args: argparse.Namespace, table: ImportTable, terminal: _Terminal,
                  secrets: SecretStore | None, transport: httpx.AsyncBaseTransport | None) -> int:
    out, err = terminal.out, terminal.err
    async with writable_account(args.config_dir, args.account, secrets=secrets, transport=transport) as opened:
        caps = opened.session.service.capabilities
        if args.mapping is not None:
            mapping = read_mapping_file(args.mapping, table.headers, caps)
        else:
            mapping = best_mapping(table.headers, caps, mapping_memory(opened.context.paths.config_dir))
        customers = await opened.customers()
        plan = ImportPlanner(caps, table.headers, mapping, customers, MatchKey(args.match)).plan(table)
        print_preview(plan, mapping, opened.session.account.name, args.file.name, out)
        if args.dry_run:
            return 0
        sending = len(plan.planned())
        if (opened.session.environment == "production" and sending
                and not agrees_to_production_import(opened.session.account.name, sending,
                                                    yes=args.yes, terminal=terminal.stdin, err=err)):
            return EXIT_NOTHING_SENT
        failed = await _run(opened, plan, args.file.name, err)
        not_imported = failed + plan.counts()[RowKind.INVALID]
        print(f"Imported: {plan.counts()[RowKind.CREATE] + plan.counts()[RowKind.UPDATE] - failed} row(s); "
              f"not imported: {not_imported}.", file=out)
        return EXIT_NOT_ALL if not_imported else 0


def print_preview(plan: ImportPlan, mapping: Mapping, account: str, name: str, out: TextIO) -> None:
    """The mapping, the counts, and each invalid row's reasons, one line each."""
    columns = ", ".join(f"{header} → {key or '(ignored)'}" for header, key in zip(plan.headers, mapping, strict=True))
    print(f"Columns: {columns}", file=out)
    print(f"{name} into {account}: {plan.summary()}", file=out)
    for row in plan.rows:
        if row.kind is RowKind.INVALID:
            for reason in row.reasons(plan.headers):
                print(f"  row {row.number}: {reason}", file=out)


async def _run(opened: OpenedAccount, plan: ImportPlan, name: str, err: TextIO) -> int:
    """Send the valid rows as a job with a progress bar on `err`; how many failed."""
    planned = plan.planned()
    if not planned:
        return 0
    account = opened.session.account
    store = JobStore(opened.context.workspace, opened.context.journal.author.who)
    job_id = await store.create(f"Import {name} into {account.name}", account.id, account.info.key, planned)
    total, shown = len(planned), [""]

    def progress(job: Job) -> None:
        done = sum(job.counts.get(state.value, 0) for state in (OpState.DONE, OpState.FAILED, OpState.SKIPPED))
        filled = _BAR * done // total
        line = f"[{'#' * filled}{'.' * (_BAR - filled)}] {done}/{total}, failed {job.counts.get('failed', 0)}"
        if line != shown[0]:   # the runner reports the finished job once more
            shown[0] = line
            print("\r" + line, end="", file=err, flush=True)

    job = await JobRunner(store, opened.session.service, on_progress=progress).run(job_id)
    print(file=err)
    failures = await store.operations(job.id, [OpState.FAILED])
    for op in failures:
        print(f"  {op.planned.label}: {op.error}", file=err)
    return len(failures)
