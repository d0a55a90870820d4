"""File → Forget local data: every file on this computer that can hold customer data, listed and deleted.

Settings (accounts, window layout) and the accounts' keychain entries are not customer data and
stay; the workspace database goes with its key (wherever it is kept).
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from console.services.demo import DemoSandbox
from console.services.paths import AppPaths
from console.services.workspace import LocalWorkspace, workspace_files


@dataclass(frozen=True, slots=True)
class LocalData:
    """The files that hold customer data, by what they are."""

    demo: tuple[Path, ...]
    drafts: tuple[Path, ...]
    logs: tuple[Path, ...]
    workspace: tuple[Path, ...] = ()

    def all(self) -> tuple[Path, ...]:
        return self.workspace + self.demo + self.drafts + self.logs

    def summary(self) -> list[str]:
        """One line per kind that has files, for the confirmation and the result."""
        parts = [(self.workspace, "the local copy of your customers and the first rows the next start shows "
                                  "(workspace database and its key)"),
                 (self.demo, "demo account data"), (self.drafts, "unsaved edits (drafts)"),
                 (self.logs, "log files")]
        return [f"{what}: {len(files)} file{'s' if len(files) != 1 else ''}" for files, what in parts if files]


def _files(directory: Path, pattern: str = "*") -> tuple[Path, ...]:
    if not directory.is_dir():
        return ()
    return tuple(sorted(p for p in directory.glob(pattern) if p.is_file()))


def local_data(paths: AppPaths) -> LocalData:
    """What is on disk now."""
    return LocalData(demo=tuple(p for p in sorted(paths.demo_dir.rglob("*")) if p.is_file())
                     if paths.demo_dir.is_dir() else (),
                     drafts=_files(paths.drafts_dir),
                     logs=_files(paths.log_dir, paths.log_file.name + "*"),
                     workspace=tuple(workspace_files(paths.workspace_database)))


@dataclass(slots=True)
class ForgetResult:
    deleted: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def _close_log_files(log_dir: Path) -> list[logging.FileHandler]:
    """Close the log handlers writing into `log_dir` so their files can be deleted (Windows locks them)."""
    closed = []
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename).parent == log_dir:
            handler.close()   # reopened by the next record, as a fresh file
            closed.append(handler)
    return closed


async def forget_local_data(paths: AppPaths, demo: DemoSandbox, workspace: LocalWorkspace) -> ForgetResult:
    """Delete the workspace database (with the start views) and its key, demo data, drafts and logs;
    say what was deleted and what could not be.

    The workspace is closed first (and, if it was open, starts again empty with a new key).
    """
    result = ForgetResult()
    try:
        result.deleted.extend(await workspace.forget())
    except OSError as exc:
        result.failed.append((workspace.path, exc.strerror or str(exc)))
    found = local_data(paths)
    demo.forget_loaded()  # nothing may write the demo data back after it is deleted
    _close_log_files(paths.log_dir)
    for path in found.all():
        if path in found.workspace:
            continue   # the workspace made afresh just now
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            result.failed.append((path, exc.strerror or str(exc)))
        else:
            result.deleted.append(path)
    for directory in (paths.demo_dir, paths.drafts_dir):
        if directory.is_dir() and not any(p.is_file() for p in directory.rglob("*")):
            shutil.rmtree(directory, ignore_errors=True)
    return result
