"""Start-up: arguments, logging, the QApplication on a qasync loop, and the main window."""

from __future__ import annotations

import argparse
import asyncio
import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")  # qasync binds to the binding named here

import qasync
from PySide6.QtCore import QMessageLogContext, Qt, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from console import __version__
from console.services.context import AppContext
from console.services.demo import DemoSandbox
from console.services.paths import AppPaths
from console.services.redaction import RedactingFilter
from console.services.secrets import default_secret_store
from console.services.settings import SettingsStore
from console.ui.async_qt import wait_signal
from console.ui.main_window import MainWindow
from console.ui.resources import app_icon_path

log = logging.getLogger("console")

SCREENSHOT_TIMEOUT_S = 60.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="customer-console", description="Customer Console")
    parser.add_argument("--config-dir", type=Path, default=None,
                        help="keep settings, demo data and logs under DIR instead of the user directories")
    parser.add_argument("--screenshot", type=Path, default=None, metavar="PATH",
                        help="render the main window once the first page is shown, save a PNG and exit")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_args(argv)


def setup_logging(paths: AppPaths) -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.log_dir / "customer-console.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Every line is redacted on its way to disk: tokens, keys and card numbers never reach the log.
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    # httpx logs every request URL at INFO; keep that out of the log unless debugging.
    logging.getLogger("httpx").setLevel(logging.WARNING)


_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def route_qt_messages() -> None:
    """Send Qt's own messages to the log (redacted like everything else) instead of stderr."""
    qt_log = logging.getLogger("qt")

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        level = _QT_LEVELS.get(kind, logging.WARNING)
        if message.startswith("This plugin does not support"):
            level = logging.DEBUG  # the offscreen platform (screenshots) lacks window management
        qt_log.log(level, "%s", message)

    qInstallMessageHandler(handler)


def build_context(paths: AppPaths) -> AppContext:
    store = SettingsStore(paths.settings_file)
    loaded = store.load()
    secrets = default_secret_store()
    context = AppContext(paths=paths, store=store, settings=loaded.settings, secrets=secrets,
                         demo=DemoSandbox(paths.demo_dir))
    if loaded.problem:
        context.notices.append(loaded.problem)
    return context


def _install_excepthook() -> None:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
        log.error("unhandled error", exc_info=(exc_type, exc, tb))  # type: ignore[arg-type]
        if QApplication.instance() is not None and not os.environ.get("CUSTOMER_CONSOLE_NO_DIALOGS"):
            box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                              f"Something went wrong ({exc_type.__name__}). Your open edits are kept; "
                              "the details are in the log file.", QMessageBox.StandardButton.Ok)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    sys.excepthook = hook


async def run_window(app: QApplication, context: AppContext, screenshot: Path | None) -> int:
    """Show the window and run until it is closed (or the screenshot is written)."""
    window = MainWindow(context)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    window.show()
    for notice in context.notices:
        box = QMessageBox(QMessageBox.Icon.Warning, "Customer Console", notice, QMessageBox.StandardButton.Ok,
                          window)
        box.setObjectName("noticeBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
    try:
        if screenshot is not None:
            await asyncio.wait_for(wait_signal(window.first_page_shown), SCREENSHOT_TIMEOUT_S)
            await asyncio.sleep(0.05)  # let Qt lay out and paint the rows that just arrived
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(screenshot)):
                log.error("could not write %s", screenshot)
                return 1
            return 0
        await closed.wait()
        return 0
    finally:
        await window.shutdown()
        window.deleteLater()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    paths = AppPaths.resolve(args.config_dir)
    setup_logging(paths)
    route_qt_messages()
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Customer Console")
    app.setOrganizationName("CustomerConsole")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(app_icon_path())))
    app.setQuitOnLastWindowClosed(False)
    _install_excepthook()
    context = build_context(paths)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        code = runner.run(run_window(app, context, args.screenshot))
    QTimer.singleShot(0, app.quit)
    return code
