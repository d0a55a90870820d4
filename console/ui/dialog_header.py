"""The top of the customer dialog: where the write goes, the customer's standing status, and a banner."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.domain.customer import Customer
from console.ui.theme import badge_style, error_colour, status_style


def customer_status(customer: Customer | None) -> list[str]:
    """Standing facts staff must see before editing: a disabled customer, a request to be forgotten."""
    if customer is None:
        return []
    notes = []
    if customer.extra.get("request_to_be_forgotten") is True:
        notes.append("Asked to be forgotten: their personal data is erased after the provider's retention "
                     "period.")
    if customer.extra.get("enabled") is False:
        notes.append("Disabled: this customer cannot place orders until enabled again.")
    return notes


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

    def show_customer(self, customer: Customer | None) -> None:
        notes = [self.tr(note) for note in customer_status(customer)]
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
