"""What Find duplicates does with the group it shows: *Merge…* within one account, *Copy fields from…*
and *Open side by side* across accounts (each a normal, journaled save through the account's service)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.domain.customer import Customer
from console.domain.duplicate_groups import MemberRef
from console.services.accounts import AccountSession
from console.ui.copy_fields_dialog import copy_fields
from console.ui.merge_dialog import merge_group

if TYPE_CHECKING:
    from console.ui.duplicates_window import DuplicatesWindow


class GroupActions:
    """The group buttons of one Find duplicates window."""

    def __init__(self, window: DuplicatesWindow) -> None:
        self.window = window

    def merge(self) -> None:
        window = self.window
        group = window.current()
        if group is not None and len(group.accounts) == 1:
            session = window.sessions[group.accounts[0]]
            customers = [c for c in map(window.member_customer, group.members) if c is not None]
            window.main.tasks.start(self._merge(session, customers), name=f"{window.task}:merge")

    async def _merge(self, session: AccountSession, customers: list[Customer]) -> None:
        window = self.window
        kept = await merge_group(window, session, customers)
        if kept is not None:
            window.main.statusBar().showMessage(window.tr("Merged {0} customers into {1}.").format(
                len(customers), session.service.index.name(kept)), 8000)
            await window.scan()

    def copy(self) -> None:
        window = self.window
        group = window.current()
        if group is None:
            return
        members = [(m, window.sessions[m[0]], c) for m in group.members
                   if (c := window.member_customer(m)) is not None]
        window.main.tasks.start(self._copy(members), name=f"{window.task}:copy")

    async def _copy(self, members: list[tuple[MemberRef, AccountSession, Customer]]) -> None:
        window = self.window
        status = window.main.statusBar()
        saved = await copy_fields(window, members, status.showMessage)
        if saved is not None:
            name = next((s.service.index.name(saved) for _, s, c in members if c.id == saved.id), saved.id)
            status.showMessage(window.tr("Saved the copied fields to {0}.").format(name), 8000)
            window.show_group()   # the members as their indexes hold them now

    def side_by_side(self) -> None:
        """Each member's own dialog, side by side (across accounts: to copy what one lacks by hand)."""
        window = self.window
        group = window.current()
        if group is None:
            return
        left = window.geometry().left()
        for n, member in enumerate(group.members[:2]):
            session, customer = window.sessions.get(member[0]), window.member_customer(member)
            dialog = window.main.editing.open_dialog(customer, session=session) if customer and session else None
            if dialog is not None:
                dialog.move(left + n * (dialog.width() + 10), window.geometry().top())
