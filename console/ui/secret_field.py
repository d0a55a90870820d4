"""A show/hide toggle inside a password field, so a pasted key can be checked before it is saved."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit

from console.ui.resources import themed_icon


def add_reveal_toggle(edit: QLineEdit) -> QAction:
    """Add a trailing "Show"/"Hide" action to `edit`; the text is hidden again when focus leaves."""
    action = QAction(themed_icon("eye"), edit.tr("Show"), edit)
    action.setObjectName("revealSecret")
    action.setCheckable(True)
    action.setToolTip(edit.tr("Show what you typed"))

    def toggled(shown: bool) -> None:
        edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        action.setText(edit.tr("Hide") if shown else edit.tr("Show"))
        action.setIcon(themed_icon("eye-off" if shown else "eye"))
        action.setToolTip(edit.tr("Hide it again") if shown else edit.tr("Show what you typed"))

    action.toggled.connect(toggled)
    edit.editingFinished.connect(lambda: action.setChecked(False))
    edit.addAction(action, QLineEdit.ActionPosition.TrailingPosition)
    return action
