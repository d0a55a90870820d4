"""The copy dialog's preview: per customer what goes to the target and what stays behind."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from console.services.customer_copy import CopyItem, describe


def _tr(text: str) -> str:
    return QCoreApplication.translate("CopyPreview", text)


def make_tree(parent: QWidget, name: str, headers: Sequence[str]) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setObjectName(name)
    tree.setHeaderLabels(list(headers))
    tree.setColumnWidth(0, 260)
    tree.setUniformRowHeights(True)
    tree.setWordWrap(False)
    return tree


def show_plan(tree: QTreeWidget, items: Sequence[CopyItem]) -> None:
    """One branch per customer: 'Copied' with the target's fields, 'Stays behind' with each reason."""
    tree.clear()
    for item in items:
        top = QTreeWidgetItem(tree, [item.source_name, _tr("Will be created") if item.can_copy
                                     else _tr("Cannot be copied: {0}").format(item.problem)])
        top.setToolTip(1, top.text(1))
        if item.carried:
            carried = QTreeWidgetItem(top, [_tr("Copied"), ", ".join(c.label for c in item.carried)])
            for c in item.carried:
                QTreeWidgetItem(carried, [c.label, describe(c.value)])
        if item.left_behind:
            left = QTreeWidgetItem(top, [_tr("Stays behind"), ", ".join(b.what for b in item.left_behind)])
            for b in item.left_behind:
                row = QTreeWidgetItem(left, [b.what, b.reason])
                row.setToolTip(1, b.reason)
            left.setExpanded(True)
        top.setExpanded(True)
    tree.resizeColumnToContents(0)
