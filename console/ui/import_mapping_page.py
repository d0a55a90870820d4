"""The import wizard's mapping page: one row per column of the file (its header, a sample value) with a
box of the target account's fields, filled with the remembered mapping or the guesses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from console.services.import_mapping import Mapping, best_mapping, mappable_fields

if TYPE_CHECKING:
    from console.ui.import_wizard import ImportWizard

_SAMPLE = 40   # characters of the first value shown beside each header


class MappingPage(QWizardPage):
    """Staff fix the guesses; a field chosen for two columns keeps the page from going on."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle(self.tr("Match the columns"))
        self.setSubTitle(self.tr("Which field each column fills. Columns set to (ignore) are not imported."))
        self.boxes: list[QComboBox] = []
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.problem = QLabel(self)
        self.problem.setObjectName("importMappingProblem")
        self.problem.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.problem)

    def initializePage(self) -> None:
        """Rows for the file's columns, against the target chosen on the first page."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        self.boxes = []
        table, caps = self.owner.table, self.owner.session.service.capabilities
        chosen = best_mapping(table.headers, caps, self.owner.memory)
        fields = mappable_fields(caps)
        for heading, column in ((self.tr("Column"), 0), (self.tr("First value"), 1), (self.tr("Field"), 2)):
            self.grid.addWidget(QLabel(f"<b>{heading}</b>", self.grid_host), 0, column)
        for i, header in enumerate(table.headers):
            sample = next((row[i] for row in table.rows[:20] if row[i]), "")
            label = QLabel(header or self.tr("(column {0})").format(i + 1), self.grid_host)
            box = QComboBox(self.grid_host)
            box.setObjectName(f"importField{i}")
            box.addItem(self.tr("(ignore)"), None)
            for spec in fields:
                box.addItem(spec.label, spec.key)
            box.setCurrentIndex(max(0, box.findData(chosen[i])) if chosen[i] else 0)
            box.currentIndexChanged.connect(lambda _i: self._check())
            label.setBuddy(box)
            self.grid.addWidget(label, i + 1, 0)
            self.grid.addWidget(QLabel(sample[:_SAMPLE].replace("\n", " "), self.grid_host), i + 1, 1)
            self.grid.addWidget(box, i + 1, 2)
            self.boxes.append(box)
        for row in range(self.grid.rowCount()):   # the rows at the top, the space left below them
            self.grid.setRowStretch(row, 0)
        self.grid.setRowStretch(len(table.headers) + 1, 1)
        self._check()
        if self.boxes:
            self.boxes[0].setFocus()

    def mapping(self) -> Mapping:
        return [box.currentData() for box in self.boxes]

    def _twice(self) -> str | None:
        seen: set[str] = set()
        for box in self.boxes:
            key = box.currentData()
            if key is not None and key in seen:
                return box.currentText()
            if key is not None:
                seen.add(key)
        return None

    def _check(self) -> None:
        twice = self._twice()
        if twice:
            self.problem.setText(self.tr("{0} is chosen for two columns: choose it once.").format(twice))
        elif not any(key is not None for key in self.mapping()):
            self.problem.setText(self.tr("Choose a field for at least one column."))
        else:
            self.problem.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.boxes) and not self.problem.text()
