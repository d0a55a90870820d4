"""File → Forget local data…: confirm, close what writes those files, delete them, say what went."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from console.services.local_data import forget_local_data, local_data
from console.ui.async_qt import ask

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


async def forget_local_data_flow(window: MainWindow) -> None:
    """Ask, then delete the local copy (with the start views), demo data, drafts and logs, and report the result."""
    tr = window.tr
    paths = window.context.paths
    if window.editing.dialogs:
        window.statusBar().showMessage(tr("Close the open customer windows first: their unsaved edits are "
                                          "kept as drafts, which this would delete."), 10000)
        return
    await asyncio.to_thread(window.context.drafts.flush)   # a closed dialog's draft still being written or deleted
    found = local_data(paths)
    if not found.all():
        window.statusBar().showMessage(tr("No customer data is kept on this computer."), 8000)
        return
    count = len(found.all())
    answer = await ask(
        window, tr("Forget local data"),
        tr("Delete the customer data this app keeps on this computer?"),
        informative="\n".join(found.summary()) + "\n\n" + tr(
            "Accounts, settings and the credentials in the keychain stay. Demo accounts start again "
            "from their original data."),
        buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        icon=QMessageBox.Icon.Warning,
        labels={QMessageBox.StandardButton.Yes: tr("Delete {0} files").format(count),
                QMessageBox.StandardButton.No: tr("Keep them")})
    if answer != QMessageBox.StandardButton.Yes:
        return
    reopen = await window.switching.close_demo()
    window.loading.cancel()   # a refresh under way would go on saving into the database being deleted
    result = await forget_local_data(paths, window.context.demo, window.context.workspace)
    text = tr("Deleted {0} files.").format(len(result.deleted))
    details = "\n".join(found.summary()) + "\n\n" + tr(
        "As you go on working, the app keeps drafts of open edits and a log again"
        + (", and a new local copy of the customers it loads (with the first rows the next start shows)."
           if window.context.settings.keep_local_copy else "."))
    if result.failed:
        text = tr("Deleted {0} files; {1} could not be deleted.").format(len(result.deleted), len(result.failed))
        details += "\n\n" + "\n".join(f"{path}: {reason}" for path, reason in result.failed)
    window.statusBar().showMessage(text, 10000)
    box = QMessageBox(QMessageBox.Icon.Information, tr("Forget local data"), text,
                      QMessageBox.StandardButton.Ok, window)
    box.setObjectName("forgetResultBox")
    box.setInformativeText(details)
    box.finished.connect(box.deleteLater)
    box.open()
    if reopen is not None:
        await window.switching.open(reopen)
