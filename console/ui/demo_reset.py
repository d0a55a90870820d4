"""Demo → Reset demo data…: confirm, let the write under way finish, put the demo accounts back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.ui.async_qt import WRITES, No, Yes, ask

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow



async def reset_demo_flow(window: MainWindow) -> None:
    """Ask, then reset every demo account's customers and reopen the open demo account."""
    tr = window.tr
    answer = await ask(window, tr("Reset demo data"), tr("Put every demo account back to its original customers?"),
                       informative=tr("Changes you made in the demo accounts are lost. Real accounts are not "
                                      "touched."),
                       labels={Yes: tr("Reset demo data"), No: tr("Keep my changes")})
    if answer != Yes:
        return
    await window.tasks.idle(WRITES)   # a write under way finishes before its data is replaced
    window.tasks.cancel("load")
    window.context.demo.reset()
    if window.all_accounts.active:
        await window.switching.open_all()   # the demo accounts among them start again from their data
    elif window.session is not None and window.session.account.is_demo:
        await window.switching.open(window.session.account)
    window.statusBar().showMessage(tr("Demo data reset."), 8000)
