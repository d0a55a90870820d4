"""The window's modules leave what its menus open to when it is first opened: a warm start imports the
window before its rows are searchable (P9 in benchmarks/run.py), and each of these cost milliseconds."""

from __future__ import annotations

import subprocess
import sys

DEFERRED = ("console.ui.edit_dialog", "console.ui.duplicates_window", "console.ui.import_wizard",
            "console.ui.export_dialog", "console.ui.bulk_change", "console.ui.diagnostics_dialog",
            "console.ui.privacy_dialog", "console.ui.privacy_requests_window",
            "console.services.duplicate_kept_keys", "rapidfuzz", "console.ui.history_window",
            "console.ui.accounts_dialog", "console.ui.copy_dialog", "console.ui.copy_report",
            "console.ui.custom_fields_dialog", "console.ui.reference_dialog", "console.ui.failures_saving",
            "console.ui.team_workspace_dialog", "console.ui.undo_save", "console.ui.demo_reset",
            "console.ui.forget_data",
            # Not before a demo account's client is first needed: its HTTP client, or a phone number read.
            "httpx", "phonenumbers", "console.sandbox.base", "console.providers.http")


def test_importing_the_window_imports_none_of_what_its_menus_open() -> None:
    probe = ("import sys\nimport console.ui.startup, console.services.context\n"
             f"print(sorted(m for m in {DEFERRED!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


# Models whose validators pydantic builds at their first use (defer_build), not when the window is imported.
DEFERRED_MODELS = ("console.domain.query:CustomerQuery", "console.domain.custom_fields:CustomFieldDefinition",
                   "console.domain.card_forms:HostedCardForm", "console.domain.changes:CustomerChanges",
                   "console.services.drafts:Draft", "console.services.team_server:TeamServer",
                   "console.services.settings:AccountSettings")


def test_importing_the_window_builds_no_validator_a_start_does_not_use() -> None:
    probe = ("import importlib, sys\nimport console.ui.startup, console.services.context\n"
             f"names = {DEFERRED_MODELS!r}\n"
             "built = [n for n in names if getattr(importlib.import_module(n.split(':')[0]), n.split(':')[1])"
             ".__pydantic_complete__]\n"
             "from console.domain.query import CustomerQuery\n"
             "CustomerQuery()\n"   # built at its first use, and then complete
             "print(built, CustomerQuery.__pydantic_complete__)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[] True"
