"""Start-up: arguments, the QApplication, the last session's window at once, then the rest of the app.

This module imports only the standard library, PySide6 and the few small modules the start-up
preview needs. Everything else (pydantic, httpx, qasync, keyring, the providers and the main
window: about 0.6 s of imports) is imported inside `main()` after the preview has been painted,
which is what makes the window appear as fast as a bare Qt window (P1 in benchmarks/run.py).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("QT_API", "pyside6")  # qasync binds to the binding named here

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from console.services.paths import AppPaths
from console.services.start_snapshot import SnapshotRead
from console.terminal import attach_parent_console
from console.ui.resources import app_icon_path
from console.ui.start_preview import show_preview
from console.window_arguments import WindowArguments, window_arguments

if TYPE_CHECKING:
    from console.domain.gc_pause import Pause


class _VersionAction(argparse.Action):
    """--version: the version, then exit."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from console import __version__

        print(f"{parser.prog} {__version__}")
        parser.exit()


def parse_args(argv: Sequence[str] | None = None) -> WindowArguments:
    """A window start's arguments; argparse's answer (and its message and exit for --help, --version or an
    error) where `window_arguments` does not read them."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    window = window_arguments(arguments)
    if window is not None:
        return window
    parsed = argument_parser().parse_args(arguments)
    return WindowArguments(parsed.config_dir, parsed.screenshot)


def argument_parser() -> argparse.ArgumentParser:
    """The window's command line, with its help and version."""
    parser = argparse.ArgumentParser(prog="customer-console", description="Customer Console")
    parser.add_argument("--config-dir", type=Path, default=None,
                        help="keep settings, demo data and logs under DIR instead of the user directories")
    parser.add_argument("--screenshot", type=Path, default=None, metavar="PATH",
                        help="render the main window once the first page is shown, save a PNG and exit")
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    return parser


class _EarlyRecords(logging.Handler):
    """Keeps what is logged before the log file is open (it opens after the first paint)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def keep_early_records() -> None:
    """Hold log records (Qt's warnings at start-up, say) until `setup_logging` opens the file."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(_EarlyRecords())


def setup_logging(paths: AppPaths) -> None:
    """The rotating, redacted log file in the log directory (stderr when it cannot be opened)."""
    import logging.handlers

    from console.services.private_files import make_private_dirs, open_private
    from console.services.redaction import RedactingFilter

    class PrivateLogFile(logging.handlers.RotatingFileHandler):
        """Each log file (after a rotation too) is created readable by the user alone."""

        def _open(self) -> Any:
            return open_private(self.baseFilename, self.mode, self.encoding, self.errors)

    root = logging.getLogger()
    root.setLevel(logging.INFO)
    make_private_dirs((paths.config_dir, paths.data_dir, paths.log_dir))
    try:
        handler: logging.Handler = PrivateLogFile(
            paths.log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Every line is redacted on its way to disk: tokens, keys and card numbers never reach the log.
    handler.addFilter(RedactingFilter())
    early = [h for h in root.handlers if isinstance(h, _EarlyRecords)]
    root.addHandler(handler)
    for keeper in early:
        root.removeHandler(keeper)
        for record in keeper.records:
            handler.handle(record)
    # httpx logs every request URL at INFO; keep that out of the log unless debugging.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Alembic announces each migration step at INFO on every start; its warnings still come through.
    logging.getLogger("alembic").setLevel(logging.WARNING)


_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def route_qt_messages(paths: AppPaths | None = None) -> None:
    """Send Qt's own messages to the log (redacted like everything else) instead of stderr.

    A fatal one (no usable platform plugin, say) ends the process: it is reported first, since
    Qt would otherwise abort with nothing printed and nothing in the log.
    """
    qt_log = logging.getLogger("qt")

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        level = _QT_LEVELS.get(kind, logging.WARNING)
        if message.startswith("This plugin does not support"):
            level = logging.DEBUG  # the offscreen platform (screenshots) lacks window management
        if kind == QtMsgType.QtFatalMsg:
            from console.ui.start_failure import report_start_failure

            report_start_failure(message.strip(), paths or AppPaths.resolve())
            os._exit(EXIT_START_FAILED)  # Qt would abort() next: a core dump, and exit 134
        qt_log.log(level, "%s", message)

    qInstallMessageHandler(handler)


EXIT_START_FAILED = 3


def skip_httpx_command_line() -> None:
    """Keep httpx from importing its command-line client, which the app never uses.

    httpx imports it whenever `rich` and `click` are installed (the development tools install
    them, and a frozen build made from that environment carries them): about 0.14 s of every
    start, before the window's first live page (P1b, P9 in benchmarks/run.py). A module set to
    None cannot be imported, so httpx takes its own fallback for a missing client.
    """
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def skip_pydantic_plugin_scan() -> None:
    """Tell pydantic there are no plugins, as there are none in the app, before its first model.

    pydantic looks for plugins in every installed package's metadata when it builds its first model:
    importing importlib.metadata and the scan cost about 25 ms of every start, before the window's first
    live page (P1b, P9). Its loader module, given in advance, answers with none; tests/test_launch.py
    checks that pydantic still builds and validates models with it.
    """
    if "pydantic.plugin._loader" not in sys.modules:
        loader = types.ModuleType("pydantic.plugin._loader")
        loader.get_plugins = tuple   # type: ignore[attr-defined]   # () : no plugins
        sys.modules["pydantic.plugin._loader"] = loader


# The command-line tools (`customer-console NAME ...`): the module whose main(argv) runs each.
COMMANDS = {"find-duplicates": "console.services.duplicate_cli", "export": "console.services.export_cli",
            "import": "console.services.import_cli", "team-sql": "console.services.team_sql_cli"}


def command_arguments(arguments: list[str]) -> tuple[str, list[str]] | None:
    """The command-line tool named in `arguments` and its own arguments, or None for the window.

    `--config-dir DIR` may come before the tool's name as well as after it; it is passed on.
    """
    leading: list[str] = []
    rest = arguments
    while rest[:1] and rest[0] not in COMMANDS:
        if rest[0] == "--config-dir" and len(rest) > 1:
            leading, rest = leading + rest[:2], rest[2:]
        elif rest[0].startswith("--config-dir="):
            leading, rest = leading + rest[:1], rest[1:]
        else:
            return None
    return (rest[0], leading + rest[1:]) if rest else None


def main(argv: Sequence[str] | None = None, read: SnapshotRead | None = None,
         start_pause: Pause | None = None) -> int:
    """Run a command-line tool or the window; `read`: the start view's read, when console/launch.py began it;
    `start_pause`: the collector's pause it began, ended at the window's first rows (or as the start ends)."""
    try:
        return _main(argv, read, start_pause)
    finally:
        if start_pause is not None:
            start_pause.end()


def _main(argv: Sequence[str] | None, read: SnapshotRead | None, start_pause: Pause | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if (command := command_arguments(arguments)) is not None:   # a tool: no window, nothing else imported
        name, tool_arguments = command
        module = importlib.import_module(COMMANDS[name])
        attach_parent_console()
        return int(module.main(tool_arguments))
    args = parse_args(arguments)
    paths = AppPaths.resolve(args.config_dir)
    if read is None:   # the last session's first screenful, read while Qt starts
        read = SnapshotRead(paths)
    keep_early_records()
    route_qt_messages(paths)
    try:
        return _run(args, paths, read, start_pause)
    except Exception as exc:
        from console.ui.start_failure import report_start_failure

        report_start_failure(f"{type(exc).__name__}: {exc}", paths, details=exc)
        return EXIT_START_FAILED


def _run(args: WindowArguments, paths: AppPaths, read: SnapshotRead, start_pause: Pause | None) -> int:
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Customer Console")
    app.setOrganizationName("CustomerConsole")
    app.setQuitOnLastWindowClosed(False)
    preview = show_preview(read)  # None on a first start: no snapshot yet
    from console.services import warm_start

    warm_start.begin(paths)   # the last account's local copy read meanwhile, on threads of its own

    # Only now the rest of the app: see the module docstring. The log file and the icon (which
    # Qt gives to the preview too) wait as well: a few milliseconds each, before the first paint.
    setup_logging(paths)
    from PySide6.QtGui import QIcon  # not before the paint: QIcon's enums are built at its first use (3 ms)

    app.setWindowIcon(QIcon(str(app_icon_path())))
    skip_httpx_command_line()
    skip_pydantic_plugin_scan()
    import asyncio

    import qasync

    from console import __version__
    from console.services.context import build_context
    from console.ui.startup import install_excepthook, run_window

    app.setApplicationVersion(__version__)
    install_excepthook()
    context = build_context(paths)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        code = runner.run(run_window(app, context, args.screenshot, preview, start_pause))
    QTimer.singleShot(0, app.quit)
    return code
