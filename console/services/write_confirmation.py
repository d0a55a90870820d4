"""Which accounts the user has already agreed to change in this app session (production writes)."""

from __future__ import annotations


class WriteConfirmations:
    """The accounts confirmed for writing since the app started; one per app, shared by every session."""

    def __init__(self) -> None:
        self._confirmed: set[str] = set()

    def is_confirmed(self, account_id: str) -> bool:
        return account_id in self._confirmed

    def record(self, account_id: str) -> None:
        self._confirmed.add(account_id)
