"""The customer rows' context menu: edit and delete, the provider's actions, copying, the provider's dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QTableView

from console.domain.customer import Customer
from console.services.accounts import AccountSession
from console.services.dashboard_links import dashboard_link
from console.ui.customer_table import CustomerTableModel

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


def _cell(text: object) -> str:
    # One line per customer, one tab between cells: a note's line breaks or tabs would split it.
    return " ".join(str(text or "").split())


def rows_as_text(table: QTableView, model: CustomerTableModel, rows: list[int]) -> str:
    """The shown columns of `rows`, in the order shown, tab-separated, one line per row."""
    header = table.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in columns if not header.isSectionHidden(c)]
    return "\n".join("\t".join(_cell(model.data(model.index(r, c))) for c in columns) for r in rows)


def copy_to_clipboard(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(text)


def _values(customers: list[Customer], get: Callable[[Customer], object]) -> str:
    return "\n".join(str(v) for v in map(get, customers) if v)


class RowMenu:
    """Builds the menu for the selected rows of `window` and carries out its copy and open entries."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def build(self) -> QMenu:
        window = self.window
        menu = QMenu(window)
        menu.setObjectName("rowMenu")
        menu.setToolTipsVisible(True)   # a disabled write says why (offline)
        for action in (window.edit_action, window.delete_action):
            menu.addAction(action)
        window.provider_actions.add_to(menu)
        menu.addSeparator()
        customers = window.customer_list.selected_customers()
        rows = window.customer_list.selected_rows() or ([window.table.currentIndex().row()] if customers else [])
        tr = window.tr
        for name, text, get, what in (
                ("copyEmail", tr("Copy email"), lambda c: c.email, tr("email")),
                ("copyPhone", tr("Copy phone"), lambda c: c.phone, tr("phone")),
                ("copyId", tr("Copy provider id"), lambda c: c.id, tr("provider id"))):
            value = _values(customers, get)
            action = self._add(menu, name, text, bool(value))
            action.triggered.connect(lambda _=False, v=value, w=what: self._copied(v, w))
        as_text = self._add(menu, "copyText", tr("Copy as text"), bool(rows))
        as_text.triggered.connect(lambda: self._copied(rows_as_text(window.table, window.model, rows),
                                                       tr("{0} row(s) as text").format(len(rows))))
        menu.addSeparator()
        self._add_dashboard(menu, customers, self._session(rows))
        menu.addSeparator()
        menu.addAction(window.new_action)
        menu.addAction(window.refresh_action)
        return menu

    @staticmethod
    def _add(menu: QMenu, name: str, text: str, enabled: bool) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.setEnabled(enabled)
        return action

    def _copied(self, text: str, what: str) -> None:
        copy_to_clipboard(text)
        self.window.statusBar().showMessage(self.window.tr("Copied {0}.").format(what), 5000)

    def _session(self, rows: list[int]) -> AccountSession | None:
        """The account of the rows: the open one, or in All accounts the rows' own when they share one."""
        sessions = {id(s): s for s in map(self.window.all_accounts.session_of_row, rows) if s is not None}
        if not self.window.all_accounts.active:
            return self.window.session
        return next(iter(sessions.values())) if len(sessions) == 1 else None

    def _add_dashboard(self, menu: QMenu, customers: list[Customer], session: AccountSession | None) -> None:
        window = self.window
        if session is None:
            return
        provider = session.service.capabilities.display_name
        action = self._add(menu, "openDashboard", window.tr("Open in the {0} dashboard").format(provider),
                           len(customers) == 1)
        if session.account.is_demo:
            # Demo customers live only in this computer's emulator: no provider dashboard has them,
            # and a real sandbox dashboard would show someone else's test data as if it were these.
            action.setText(window.tr("Open in the {0} dashboard (not for demo data)").format(provider))
            action.setEnabled(False)
            action.setStatusTip(window.tr("Demo customers exist only on this computer, not at {0}.").format(provider))
            return
        if len(customers) == 1:
            action.triggered.connect(lambda: self.open_dashboard(customers[0], session))

    def open_dashboard(self, customer: Customer, session: AccountSession | None = None) -> bool:
        """Open the customer's page in the provider's dashboard, or its home with the id on the clipboard."""
        window = self.window
        session = session or window.session
        if session is None:
            return False
        account = session.account
        provider = session.service.capabilities.display_name
        options = account.settings.options if account.settings is not None else {}
        link = dashboard_link(session.service.capabilities.dashboard, account.environment, options, customer.id)
        status = window.statusBar()
        if link is None:
            status.showMessage(window.tr("No {0} dashboard is known for {1} accounts.").format(
                provider, account.environment))
            return False
        if not link.customer_page:
            copy_to_clipboard(customer.id)
        window.open_url(QUrl(link.url))
        if link.customer_page:
            status.showMessage(window.tr("Opened {0} in the {1} dashboard.").format(
                session.service.index.name(customer), provider), 8000)
        else:
            status.showMessage(window.tr("{0} has no page per customer: opened its dashboard, and the id {1} is "
                                         "on the clipboard to paste into its search.").format(provider, customer.id))
        return True
