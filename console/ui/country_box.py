"""A country chooser: type a name or a code ('USA', 'United States', 'us'), or pick from the list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from console.services.countries import countries, country


class CountryBox(QComboBox):
    """An editable combo box of ISO 3166 countries; `value()` is the two-letter code.

    A value loaded from the provider comes back unchanged until the person edits it, so opening
    and saving a customer never rewrites their country (e.g. 'USA' stays 'USA').
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        for item in countries():
            self.addItem(item.shown, item.code)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self._loaded: tuple[str, str] = ("", "")   # (text shown, value as loaded)
        self.setEditText("")
        self.editTextChanged.connect(lambda _t: self.changed.emit())

    def set_value(self, value: str | None) -> None:
        raw = value or ""
        found = country(raw)
        shown = found.shown if found is not None else raw
        self._loaded = (shown, raw)
        self.blockSignals(True)
        index = self.findData(found.code) if found is not None else -1
        self.setCurrentIndex(index)
        self.setEditText(shown)
        self.blockSignals(False)

    def value(self) -> str:
        text = self.currentText().strip()
        if text == self._loaded[0]:
            return self._loaded[1]
        found = country(text)
        return found.code if found is not None else text

    def recognised(self) -> bool:
        """Whether what is typed names a country (or is the value as it was loaded)."""
        text = self.currentText().strip()
        return not text or text == self._loaded[0] or country(text) is not None
