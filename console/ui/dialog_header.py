"""The top of the customer dialog: where the write goes, the customer's standing status, and a banner."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.domain.capabilities import Capabilities
from console.domain.customer import Customer
from console.ui.theme import badge_style, error_colour, status_style


def customer_status(caps: Capabilities, customer: Customer | None) -> list[str]:
    """Standing facts staff must see before editing, as the provider declares them (capabilities.status_notes)."""
    if customer is None:
        return []
    return [note.message for note in caps.status_notes if customer.value(note.key) == note.value]


class DialogHeader(QWidget):
    """The account and environment this dialog writes to, and what is special about the customer."""

    def __init__(self, account_label: str, environment: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        where = QHBoxLayout()
        where.addWidget(QLabel(self.tr("Account: <b>{0}</b>").format(account_label), self))
        badge = QLabel(environment.upper(), self)
        badge.setObjectName("dialogEnvironment")
        badge.setStyleSheet(badge_style(environment))
        where.addWidget(badge)
        where.addStretch(1)
        self.status = QLabel(self)
        self.status.setObjectName("customerStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(status_style())
        self.status.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(where)
        layout.addWidget(self.status)

    def show_customer(self, caps: Capabilities, customer: Customer | None) -> None:
        notes = [self.tr(note) for note in customer_status(caps, customer)]
        self.status.setText("\n".join(notes))
        self.status.setVisible(bool(notes))


class Banner(QFrame):
    """A message across the dialog (why a save failed, a draft restored), with one optional action."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel(self)
        self.text.setObjectName("bannerText")
        self.text.setWordWrap(True)
        self.action = QPushButton(self)
        self.action.setObjectName("bannerAction")
        self.action.clicked.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        self.setVisible(False)
        self._handler: Callable[[], object] | None = None

    def show_message(self, text: str, *, action: str | None = None, handler: Callable[[], object] | None = None,
                     error: bool = True) -> None:
        self.text.setText(text)
        self.text.setStyleSheet(f"color: {error_colour()};" if error else "")
        self.action.setVisible(action is not None)
        if action:
            self.action.setText(action)
        self._handler = handler
        self.setVisible(True)

    def hide_message(self) -> None:
        self.setVisible(False)
        self._handler = None

    def _clicked(self) -> None:
        if self._handler is not None:
            self._handler()
