"""The main window's widgets without their behaviour: toolbar, table, menus and status bar.

Built from PySide6 alone (no domain, services or providers), so that the start-up preview
(`console/ui/start_preview.py`) can show the very same window from the last session's
snapshot before the rest of the app has been imported. `MainWindow` adds the behaviour.

Nothing here touches the `Qt` namespace: its first use costs 20-45 ms (PySide6 builds all 93 of
its enums at once, as Python enums), up to half of what start-up may add to a bare window (P1a).
So the toolbar keeps its default style (the actions have no icons, so their text is what it
shows), and the sort indicator (`customer_list.py`) and the shortcuts (`enable_shortcuts`) are set
by the real window.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console.ui.customer_table_view import CustomerTableView
from console.ui.progress_bar import ProgressBar
from console.ui.theme import badge_style

# A shortcut named by the platform's standard keys (QKeySequence.StandardKey's name) rather than by its keys.
STANDARD = "standard:"

DEFAULT_SIZE = (1180, 720)
MINIMUM_WIDTH = 640
ACCOUNT_KEYS = 9   # Ctrl+1 ... Ctrl+9 open the first nine accounts


class WindowLayout(QMainWindow):
    """Every widget of the main window, laid out; the actions trigger nothing yet."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Customer Console"))

        self.table = CustomerTableView(self)
        self.table.setObjectName("customerTable")
        self.table.set_up(row_height=self.fontMetrics().height() + 10)

        # The search has a row of its own above the table rather than a place in the toolbar: in a
        # narrow window a toolbar hides what does not fit behind its » button, and the search must
        # always be there. The filter bar (added by MainWindow) goes between the two.
        self.search = QLineEdit(self)
        self.search.setObjectName("searchField")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search name, company, email, phone, reference (Ctrl+F)"))
        central = QWidget(self)
        self.central_layout = QVBoxLayout(central)
        self.central_layout.setContentsMargins(6, 4, 6, 0)
        self.central_layout.setSpacing(4)
        self.central_layout.addWidget(self.search)
        self.central_layout.addWidget(self.table, 1)
        self.setCentralWidget(central)
        self.setMinimumWidth(MINIMUM_WIDTH)

        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()

    # -- building -----------------------------------------------------------------------------
    def _action(self, text: str, shortcut: str | None = None, name: str | None = None,
                tip: str | None = None) -> QAction:
        """An action of the window; `shortcut`: keys ("Ctrl+E"), or a platform's standard keys (STANDARD + name)."""
        action = QAction(text, self)
        if name:
            action.setObjectName(name)
        if shortcut is not None:
            self._shortcuts.append((action, shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self._shortcuts: list[tuple[QAction, str]] = []
        self.new_action = self._action(self.tr("&New"), STANDARD + "New", "newAction",
                                       self.tr("Create a customer (Ctrl+N)"))
        self.edit_action = self._action(self.tr("&Edit…"), None, "editAction",
                                        self.tr("Open the selected customer (Enter)"))
        self.delete_action = self._action(self.tr("&Delete…"), STANDARD + "Delete", "deleteAction",
                                          self.tr("Delete the selected customers (Delete)"))
        self.refresh_action = self._action(self.tr("&Refresh"), STANDARD + "Refresh", "refreshAction",
                                           self.tr("Load the customers again (F5)"))
        self.find_action = self._action(self.tr("&Find"), STANDARD + "Find", "findAction",
                                        self.tr("Search (Ctrl+F)"))
        self.accounts_action = self._action(self.tr("&Accounts…"), None, "accountsAction")
        self.export_action = self._action(self.tr("&Export…"), "Ctrl+E", "exportAction",
                                          self.tr("Export the selected or shown customers to CSV or Excel (Ctrl+E)"))
        self.reset_demo_action = self._action(self.tr("&Reset demo data…"), None, "resetDemoAction")
        self.team_action = self._action(self.tr("&Team workspace…"), None, "teamWorkspaceAction",
                                        self.tr("Share the workspace with your team on a PostgreSQL server"))
        self.forget_data_action = self._action(self.tr("&Forget local data…"), None, "forgetDataAction",
                                               self.tr("Delete the customer data kept on this computer"))
        self.quit_action = self._action(self.tr("&Quit"), STANDARD + "Quit")
        self.about_action = self._action(self.tr("&About Customer Console"))
        self.diagnostics_action = self._action(self.tr("&Diagnostics…"), None, "diagnosticsAction")
        self.filters_action = self._action(self.tr("F&ilters"), "Ctrl+Shift+F", "filtersAction",
                                           self.tr("Filter by dates, email, phone and status (Ctrl+Shift+F)"))
        self.filters_action.setCheckable(True)
        self.history_action = self._action(self.tr("&History…"), "Ctrl+H", "historyAction",
                                           self.tr("Every change made from this console, across accounts (Ctrl+H)"))
        self.keep_local_action = self._action(
            self.tr("&Keep a local copy"), None, "keepLocalAction",
            self.tr("Keep a copy of the customers on this computer, so the window starts from it "
                    "(turn off on a computer others use)"))
        self.keep_local_action.setCheckable(True)
        self.account_list_action = self._action(self.tr("Choose &account…"), "Ctrl+Shift+A", "accountListAction",
                                                self.tr("Open the account list (Ctrl+Shift+A)"))
        self.account_actions = [self._action(self.tr("Account {0}").format(n), f"Ctrl+{n}", f"accountAction{n}")
                                for n in range(1, ACCOUNT_KEYS + 1)]
        self.duplicates_action = self._action(
            self.tr("Find &duplicates…"), "Ctrl+Shift+D", "duplicatesAction",
            self.tr("Find customers that look like one person, in this account or All accounts (Ctrl+Shift+D)"))
        self.bulk_action = self._action(self.tr("Change a &field…"), None, "bulkChangeAction",
                                        self.tr("Set or clear one field on every selected customer, as a job"))
        self.import_action = self._action(self.tr("&Import…"), "Ctrl+I", "importAction",
                                          self.tr("Import customers from a CSV or Excel file, as a job (Ctrl+I)"))
        self.jobs_action = self._action(self.tr("&Jobs"), None, "jobsAction", self.tr("Show the Jobs panel"))
        self.undo_action = self._action(self.tr("&Undo last save"), "Ctrl+Z", "undoSaveAction",
                                        self.tr("Revert your most recent change in this session, after a preview"))
        self.staff_name_action = self._action(self.tr("Your &name in the history…"), None, "staffNameAction",
                                              self.tr("The name the history shows for your changes"))
        self.scheme_group = QActionGroup(self)
        self.scheme_actions: dict[str, QAction] = {}
        for key, text in (("system", self.tr("&System")), ("light", self.tr("&Light")), ("dark", self.tr("&Dark"))):
            action = self._action(text, None, f"scheme_{key}")
            action.setCheckable(True)
            action.setData(key)
            self.scheme_group.addAction(action)
            self.scheme_actions[key] = action

    def enable_shortcuts(self) -> None:
        """Give the actions their keys. Separate because `setShortcut` builds the Qt namespace
        (see the module docstring), which the start-up preview, whose actions do nothing, skips."""
        from PySide6.QtGui import QKeySequence  # its 70 standard keys are an enum built at first use: 2 ms

        for action, keys in self._shortcuts:
            standard = keys.removeprefix(STANDARD)
            action.setShortcut(QKeySequence(getattr(QKeySequence.StandardKey, standard) if standard != keys else keys))

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"), self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.toolbar = bar
        account_label = QLabel(self.tr(" &Account: "), self)
        bar.addWidget(account_label)
        self.account_combo = QComboBox(self)
        self.account_combo.setObjectName("accountSelector")
        account_label.setBuddy(self.account_combo)
        # As wide as about 30 characters whatever the names, so the toolbar fits a 640 px window
        # (a longer name is elided in the box; the list shows it whole).
        self.account_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.account_combo.setMinimumContentsLength(30)
        self.account_combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.account_combo.setToolTip(self.tr("The account whose customers are shown (Ctrl+1…9, Ctrl+Shift+A)"))
        bar.addWidget(self.account_combo)
        bar.addSeparator()
        for action in (self.new_action, self.edit_action, self.delete_action, self.refresh_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.filters_action)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.accounts_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.forget_data_action)
        file_menu.addAction(self.team_action)
        file_menu.addAction(self.staff_name_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        self.customer_menu = menu.addMenu(self.tr("&Customer"))
        self.customer_menu.aboutToShow.connect(self._fill_customer_menu)
        self._fill_customer_menu()
        view_menu = menu.addMenu(self.tr("&View"))
        view_menu.addAction(self.filters_action)
        view_menu.addAction(self.account_list_action)
        view_menu.addAction(self.history_action)
        scheme_menu = view_menu.addMenu(self.tr("&Appearance"))
        scheme_menu.setObjectName("appearanceMenu")
        for action in self.scheme_actions.values():
            scheme_menu.addAction(action)
        view_menu.addAction(self.jobs_action)
        view_menu.addSeparator()
        view_menu.addAction(self.keep_local_action)
        demo_menu = menu.addMenu(self.tr("&Demo"))
        demo_menu.addAction(self.reset_demo_action)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.diagnostics_action)
        help_menu.addAction(self.about_action)

    def _fill_customer_menu(self) -> None:
        menu = self.customer_menu
        menu.clear()
        for action in (self.new_action, self.edit_action, self.delete_action):
            menu.addAction(action)
        self._add_provider_actions(menu)
        menu.addSeparator()
        menu.addAction(self.find_action)
        menu.addAction(self.duplicates_action)
        menu.addAction(self.bulk_action)
        menu.addAction(self.refresh_action)

    def _add_provider_actions(self, menu: QMenu) -> None:
        """The open account's own actions; none before an account is open."""

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.account_label = QLabel(self)
        self.account_label.setObjectName("statusAccount")
        self.badge = QLabel(self)
        self.badge.setObjectName("environmentBadge")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("statusCount")
        self.override_label = QLabel(self)
        self.override_label.setObjectName("statusOverride")
        self.override_label.setToolTip(self.tr("This account's requests go to an address set in File → "
                                               "Accounts, not the provider's own."))
        self.override_label.setVisible(False)
        self.progress = ProgressBar(self)
        self.progress.setObjectName("loadProgress")
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("cancelLoad")
        self.cancel_button.setToolTip(self.tr("Stop loading (customers loaded so far stay)"))
        self.cancel_button.setVisible(False)
        for widget in (self.progress, self.cancel_button, self.count_label, self.account_label,
                       self.override_label, self.badge):
            bar.addPermanentWidget(widget)

    # -- showing ------------------------------------------------------------------------------
    def show_account(self, name: str, environment: str, override: str | None = None) -> None:
        """Name the account in the status bar and the title, with its environment badge.

        `override` names the host of a base URL override, shown beside the name: requests do not
        go where the provider's own address would send them.
        """
        self.account_label.setText(name)
        self.override_label.setVisible(override is not None)
        self.override_label.setText(self.tr("Base URL overridden: {0}").format(override) if override else "")
        self.badge.setText(environment.upper())
        self.badge.setStyleSheet(badge_style(environment))
        self.badge.setToolTip({
            "demo": self.tr("Built-in demo data: nothing leaves this computer"),
            "sandbox": self.tr("Sandbox: the provider's test environment"),
            "production": self.tr("Production: live customer data"),
        }.get(environment, ""))
        self.setWindowTitle(self.tr("{0} — Customer Console").format(name))

    def restore_geometry(self, geometry: str | None) -> None:
        """Where the window was last time (base64 of `saveGeometry()`), else the default size."""
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        else:
            self.resize(*DEFAULT_SIZE)

    def saved_geometry(self) -> str:
        return bytes(self.saveGeometry().toBase64().data()).decode()

    def visible_row_count(self) -> int:
        """Rows that fit in the table as it is sized now (at least one screenful of a default window)."""
        height = max(self.table.viewport().height(), DEFAULT_SIZE[1])
        return height // max(1, self.table.verticalHeader().defaultSectionSize()) + 1
