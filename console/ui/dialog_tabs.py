"""The customer dialog's tabs: marked when something on them needs fixing, and Ctrl+Tab from anywhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QTabBar, QTabWidget, QWidget

from console.ui.theme import error_colour

MARK = "• "


class DialogTabs(QTabWidget):
    """Tabs whose titles never elide, and which Ctrl+Tab / Ctrl+Shift+Tab cycle even from a table.

    Item views take Ctrl+Tab for themselves (moving between cells), so the tab widget's own
    handling never sees it once a table has the focus; shortcuts on the dialog come first.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dialogTabs")
        bar = self.tabBar()
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setUsesScrollButtons(False)   # every tab visible: the dialog is as wide as its tabs
        self._titles: list[str] = []
        for keys, step in ((QKeySequence.StandardKey.NextChild, 1), (QKeySequence.StandardKey.PreviousChild, -1)):
            for sequence in QKeySequence.keyBindings(keys):
                shortcut = QShortcut(sequence, parent)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(lambda step=step: self.step(step))

    def addTab(self, page: QWidget, title: str) -> int:  # type: ignore[override]
        self._titles.append(title)
        return super().addTab(page, title)

    def step(self, by: int) -> None:
        if self.count():
            self.setCurrentIndex((self.currentIndex() + by) % self.count())

    def title(self, index: int) -> str:
        return self._titles[index]

    def mark(self, index: int, problem: bool) -> None:
        """Show (or clear) that something on tab `index` is invalid or was not saved."""
        bar: QTabBar = self.tabBar()
        self.setTabText(index, (MARK if problem else "") + self._titles[index])
        bar.setTabTextColor(index, QColor(error_colour()) if problem else QColor())
        self.setTabToolTip(index, self.tr("Something on this tab needs fixing.") if problem else "")

    def marked(self, index: int) -> bool:
        return self.tabText(index).startswith(MARK)
