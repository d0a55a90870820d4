"""The app's entry point (`customer-console`, `python -m console`): before anything else is imported,
the last session's start view is read from the workspace database (services/start_snapshot.py: on a
thread of its own where the read may wait for the keychain, so it runs while Qt and the app's first
modules are imported); Qt's check of each import is answered without reading sources
(ui/feature_checks.py); then `console.app.main` runs as it would alone."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from console.domain.gc_pause import Pause
from console.services.paths import AppPaths
from console.services.start_snapshot import SnapshotRead
from console.window_arguments import window_arguments


def _window_paths(arguments: list[str]) -> AppPaths | None:
    """Where a window start keeps its files, when `arguments` are only a window's (else None: a
    command-line tool, --help or --version, or something argparse will refuse, reads nothing)."""
    window = window_arguments(arguments)
    return AppPaths.resolve(window.config_dir) if window is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    paths = _window_paths(arguments)
    # No garbage collection until the window's first rows: the start's imports make hundreds of thousands of
    # objects that live as long as the app, and about 60 collections walked them for nothing (10-14 ms of a
    # warm start, 8 of them before the preview's paint; about 560 objects of garbage, kept, frozen, instead).
    pause = Pause(keep=True) if paths is not None else None
    read = SnapshotRead(paths) if paths is not None else None
    from console.ui.feature_checks import answer_without_sources

    answer_without_sources()  # before the app's own imports: they are the ones it saves
    from console.app import main as app_main

    return app_main(arguments, read=read, start_pause=pause)
