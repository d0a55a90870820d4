"""Settings: a versioned pydantic model saved as JSON with atomic writes.

Secrets never live here; they go to the keychain (`console.services.secrets`). A file that
cannot be read is moved aside (when possible), defaults are used, and the caller gets a
message to show the user.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from console.services.atomic_file import write_atomic
from console.services.customer_filters import CustomerFilters
from console.services.team_server import TeamServer

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


class _Strict(BaseModel):
    # Validators built at first use (pydantic locks that build): a start validates only `Settings` (P1b).
    model_config = ConfigDict(extra="forbid", defer_build=True)


# Empty lists and dicts are written as defaults, not default factories: pydantic copies such a default for
# each instance, and it reads a factory's signature, which for `list` meant compiling tokenize's patterns
# (about 5 ms of a start before its first rows).


class ColumnLayout(_Strict):
    """A table's column order, widths, hidden columns and sort, per provider."""

    order: list[str] = []
    widths: dict[str, int] = {}
    hidden: list[str] = []
    sort_key: str | None = None
    sort_descending: bool = False


class WindowState(_Strict):
    geometry: str | None = None   # QWidget.saveGeometry(), base64
    state: str | None = None      # QMainWindow.saveState(), base64
    filter_bar: bool = False      # the filter bar is open


class AccountSettings(_Strict):
    """One configured account; its credentials are in the keychain under `id`."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    provider: str
    name: str
    environment: Literal["sandbox", "production"] = "sandbox"
    base_url: str | None = None
    options: dict[str, str] = {}
    read_only: bool = False


class Settings(_Strict):
    """Everything the app remembers between runs, except secrets."""

    schema_version: int = SCHEMA_VERSION
    accounts: list[AccountSettings] = []
    last_account_id: str | None = None
    show_demo_accounts: bool = True
    window: WindowState = Field(default_factory=WindowState)
    columns: dict[str, ColumnLayout] = {}
    filters: dict[str, CustomerFilters] = {}   # by account id
    color_scheme: Literal["system", "light", "dark"] = "system"
    # A copy of every account's customers in the workspace database; off on shared computers.
    keep_local_copy: bool = True
    staff_name: str | None = None   # who the journal says made a change (else the OS user)
    team: TeamServer | None = None  # the shared workspace on PostgreSQL (its password is in the keychain)


# One function per schema bump, taking the raw dict of version N to version N+1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(raw: dict[str, Any]) -> dict[str, Any]:
    """Raw settings of any older schema version brought up to `SCHEMA_VERSION`."""
    version = int(raw.get("schema_version", SCHEMA_VERSION))
    if version > SCHEMA_VERSION:
        raise ValueError(f"written by a newer version of the app (schema {version})")
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
        raw["schema_version"] = version
    return raw


@dataclass(frozen=True, slots=True)
class LoadResult:
    settings: Settings
    problem: str | None = None   # what to tell the user, when the file could not be used


class SettingsStore:
    """Reads and writes the settings file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writable = True

    def _read_only_reason(self) -> str | None:
        # Permission bits, not os.access: the user marked it read-only, whoever runs the app.
        for target, what in ((self.path, "file"), (self.path.parent, "folder")):
            try:
                mode = target.stat().st_mode
            except OSError:
                continue
            if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                return f"the settings {what} {target} is read-only"
        return None

    def load(self) -> LoadResult:
        if not self.path.exists():
            reason = self._read_only_reason()
            if reason:
                self.writable = False
                return LoadResult(Settings(), f"Settings will not be saved: {reason}.")
            return LoadResult(Settings())
        if self.path.is_dir():
            self.writable = False
            return LoadResult(Settings(), f"Your settings file {self.path} is a folder, so it cannot be read. "
                                          "The app started with default settings and will not touch it.")
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            # Unreadable (permissions): keep the file where it is and do not overwrite it.
            self.writable = False
            return LoadResult(Settings(), f"Your settings file {self.path} could not be read "
                                          f"({exc.strerror or exc}). The app started with default "
                                          "settings and will not overwrite that file.")
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            settings = Settings.model_validate(migrate(raw))
        except (ValueError, ValidationError) as exc:
            reason = "it is not valid JSON" if isinstance(exc, json.JSONDecodeError) else (
                "its contents are not valid settings" if isinstance(exc, ValidationError) else str(exc))
            if self._read_only_reason():
                # Moving it aside would be writing too: leave it exactly as it is.
                self.writable = False
                return LoadResult(Settings(), f"Your settings file could not be used ({reason}) and is "
                                              "read-only; the app started with default settings and left it "
                                              "untouched.")
            return LoadResult(Settings(), self._move_aside(reason))
        if reason := self._read_only_reason():
            self.writable = False
            return LoadResult(settings, f"Changes to settings will not be saved this session: {reason}.")
        return LoadResult(settings)

    def _move_aside(self, reason: str) -> str:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            self.writable = False
            return (f"Your settings file {self.path} could not be used ({reason}) and could not be "
                    f"moved aside ({exc.strerror or exc}). The app started with default settings "
                    "and will not overwrite it.")
        log.warning("settings file unusable (%s); moved to %s", reason, aside)
        return (f"Your settings file could not be used ({reason}). It was kept as {aside.name} "
                "and the app started with default settings.")

    def save(self, settings: Settings) -> None:
        """Write the settings atomically, unless the file holds them already; raises OSError when the
        directory is not writable."""
        if not self.writable:
            return
        text = settings.model_dump_json(indent=2)
        # Opening an account saves the settings: usually the same ones, and a write waits for the disk
        # (fsync), on the window's thread, behind whatever else the disk is writing.
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if self.path.read_text(encoding="utf-8") == text:
                return
        write_atomic(self.path, text)
