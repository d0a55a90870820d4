"""A plain-text report for support: versions, paths, accounts and the log tail, redacted."""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version

from console import __version__
from console.services.context import AppContext
from console.services.redaction import REDACTOR
from console.services.secrets import system_keyring

PACKAGES = ("PySide6-Essentials", "qasync", "httpx", "pydantic", "keyring", "platformdirs",
            "email-validator", "phonenumbers")
LOG_LINES = 200


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _log_tail(context: AppContext, lines: int) -> list[str]:
    path = context.paths.log_file
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()[-lines:]
    except OSError as exc:
        return [f"(no log: {exc.strerror or exc})"]


def build_report(context: AppContext, *, extra: Mapping[str, str] | None = None,
                 current_account: str | None = None, log_lines: int = LOG_LINES) -> str:
    """The report text; everything in it has been through the redactor."""
    out = [f"Customer Console {__version__}",
           f"Python {sys.version.split()[0]} on {platform.platform()}"]
    out += [f"{key}: {value}" for key, value in (extra or {}).items()]
    out += [f"{name} {_version(name)}" for name in PACKAGES]
    out += ["",
            f"Settings: {context.store.path} ({'saved' if context.store.writable else 'not saved this session'})",
            f"Data: {context.paths.data_dir}",
            f"Logs: {context.paths.log_dir}",
            f"Keychain: {type(system_keyring()).__name__}"
            + (" (none; secrets kept in memory)" if context.secrets.warning else ""),
            *context.workspace.describe(),
            "", "Accounts:"]
    for account in context.settings.accounts:
        flags = ", read-only" if account.read_only else ""
        override = ", base URL overridden" if account.base_url else ""
        out.append(f"  {account.name}: {account.provider}, {account.environment}{flags}{override}")
    if not context.settings.accounts:
        out.append("  (none configured; demo accounts only)")
    if current_account:
        out.append(f"Open: {current_account}")
    out += ["", f"Last {log_lines} log lines:", *_log_tail(context, log_lines)]
    return REDACTOR.redact("\n".join(out))
