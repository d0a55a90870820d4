"""*Erase everywhere…*: the preview (per record, what happens at its provider and what its API cannot
erase), one confirmation naming every account touched (production ones again on their own), the
erasure, and whether to delete the person's export folder now that they have it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from console.services.privacy_erasure import erase, preview, production_accounts
from console.services.privacy_local import remove_export
from console.services.privacy_requests import ERASURE, PrivacyRequest
from console.ui.async_qt import No, Yes, ask

if TYPE_CHECKING:
    from console.ui.privacy_dialog import PrivacyDialog


def preview_text(request: PrivacyRequest, dialog: PrivacyDialog) -> str:
    """The preview as lines: one per record, then what stays at the providers, production and searches left."""
    tr, accounts = dialog.tr, dialog.sessions.accounts
    previews = preview(request, accounts)
    lines = [f"• {p.record.account_name}, {p.record.customer_id}: " + (
        tr("NOT ERASED: {0}").format(p.refused) if p.refused else "; then ".join(p.steps)) for p in previews]
    providers = sorted({p.record.provider for p in previews})
    lines += ["", tr("Payments, orders and transactions stay at {0}: a customer API cannot erase them; ask the "
                     "provider for those.").format(", ".join(providers)),
              tr("Here: the local copy, drafts and start snapshot showing them go, and their values in the history "
                 "are replaced by [erased].")]
    live = production_accounts(request, accounts)
    if live:
        lines += ["", tr("PRODUCTION (live data, real customers): {0}").format(", ".join(a.name for a in live))]
    if not request.search_settled:
        missing = ", ".join(s.account_name for s in request.searched if not (s.searched or s.waived))
        lines += ["", tr("Not searched: {0}. The request stays incomplete until they are searched or waived."
                         ).format(missing)]
    return "\n".join(lines)


async def erase_flow(dialog: PrivacyDialog) -> None:
    result, ticked = dialog.results.result, dialog.results.ticked()
    if result is None or not ticked:
        return
    tr, context = dialog.tr, dialog.context
    request = PrivacyRequest.start(ERASURE, result, ticked, context.journal.author.who)
    accounts = {r.account_name for r in request.records}
    answer = await ask(dialog, tr("Erase everywhere?"),
                       tr("Erase {0} record(s) of this person at {1} account(s)? This cannot be undone.").format(
                           len(request.records), len(accounts)),
                       informative=preview_text(request, dialog), icon=QMessageBox.Icon.Warning,
                       labels={Yes: tr("Erase"), No: tr("Cancel")})
    if answer != Yes:
        return
    for account in production_accounts(request, dialog.sessions.accounts):
        context.confirmations.record(account.id)   # named in the question just answered
    dialog.update_buttons()
    await dialog.store.save(request)
    request = await erase(context, request, dialog.sessions.accounts, dialog.sessions, dialog.store,
                          on_progress=dialog.status.setText)
    dialog.request = request
    dialog.results.mark_erased({r.key for r in request.records if request.erased(r)})
    folder = dialog.export_folder
    if folder is not None and folder.exists():
        keep = await ask(dialog, tr("Delete the export?"),
                         tr("Has the person been sent their export? It is still at {0}.").format(folder),
                         informative=tr("Delete it now, so no copy of their data stays on this computer."),
                         labels={Yes: tr("Delete the export"), No: tr("Keep it for now")})
        if keep == Yes:
            request.actions.append(await remove_export(request, folder))
            dialog.export_folder = None
            await dialog.store.save(request)
    done = sum(request.erased(r) for r in request.records)
    dialog.status.setText(tr("Erasure {0}: {1} of {2} record(s) erased.").format(
        request.state, done, len(request.records)))
    dialog.update_buttons()
    dialog.finished_step.emit("erase")
