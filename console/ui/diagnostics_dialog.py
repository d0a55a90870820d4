"""Help → Diagnostics: versions and a redacted report staff can copy into a support request."""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from console.services.context import AppContext
from console.services.diagnostics import build_report


class DiagnosticsDialog(QDialog):
    """Shows the report; Copy puts it on the clipboard."""

    def __init__(self, context: AppContext, current_account: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagnosticsDialog")
        self.setWindowTitle(self.tr("Diagnostics"))
        self.context = context
        self.report = build_report(context, current_account=current_account,
                                   extra={"Qt": qVersion(), "PySide6": pyside_version,
                                          "Platform plugin": QGuiApplication.platformName()})
        intro = QLabel(self.tr("Secrets, tokens and card numbers are removed from this report. Copy it "
                               "into a support request."), self)
        intro.setWordWrap(True)
        self.text = QPlainTextEdit(self.report, self)
        self.text.setObjectName("diagnosticsText")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self.tr("Copy report"), self)
        self.copy_button.setObjectName("copyReport")
        self.copy_button.clicked.connect(self.copy)
        logs = QPushButton(self.tr("Open log folder"), self)
        logs.clicked.connect(lambda: QDesktopServices.openUrl(context.paths.log_dir.as_uri()))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(logs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(720, 520)

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.report)
        self.copy_button.setText(self.tr("Copied"))
