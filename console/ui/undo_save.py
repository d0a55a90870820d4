"""*Edit → Undo last save* (Ctrl+Z): revert the most recent change you made in this app session,
with the same preview as a revert from History; and *File → Your name in the history…*."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from console.domain.journal import JournalEntry, JournalQuery
from console.services.journal import Author
from console.services.journal_revert import revertible
from console.ui.history_tab import groups
from console.ui.revert_flow import revert_at_its_account

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


async def last_save(window: MainWindow) -> list[JournalEntry]:
    """Your newest save of this app session (its entries), that can be reverted; [] if none."""
    journal = window.context.journal
    if not journal.available:
        return []
    entries = await journal.entries(JournalQuery(since=journal.started), limit=200)
    me = (journal.author.os_user, journal.author.computer)
    mine = [x for x in entries if (x.intent.os_user, x.intent.computer) == me and revertible(x) is None]
    return groups(mine)[0] if mine else []


async def undo_last_save(window: MainWindow) -> None:
    tr, status = window.tr, window.statusBar()
    entries = await last_save(window)
    if not entries:
        status.showMessage(tr("Nothing to undo: you have made no change in this session that can be reverted."),
                           8000)
        return
    account_id = entries[0].intent.account_id
    done, customer = await revert_at_its_account(
        window, window, entries, tr("Your last change was to {0}: open that account to undo it."))
    if done:
        name = entries[0].intent.customer_name or entries[0].customer_id
        status.showMessage(tr("Undone: your last change to {0}.").format(name), 8000)
        if customer is not None:
            window.customer_list.select_customer(customer.id, account_id if window.all_accounts.active else None)


def ask_staff_name(window: MainWindow) -> None:
    """Ask for the name the journal records for this person's changes (empty: the OS user)."""
    settings, journal = window.context.settings, window.context.journal
    dialog = QInputDialog(window)
    dialog.setObjectName("staffNameDialog")
    dialog.setWindowTitle(window.tr("Your name in the history"))
    dialog.setLabelText(window.tr("The history records this name with your changes (empty: your computer login, "
                                  "{0}).").format(journal.author.os_user))
    dialog.setTextValue(settings.staff_name or "")

    def chosen(text: str) -> None:
        settings.staff_name = text.strip() or None
        journal.author = Author(journal.author.os_user, journal.author.computer, settings.staff_name)
        window.preferences.save()
        window.statusBar().showMessage(window.tr("Your changes are recorded as {0}.").format(journal.author.who), 8000)

    dialog.textValueSelected.connect(chosen)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
