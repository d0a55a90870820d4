"""What another console changed in a shared (team) workspace: one account's customers saved or removed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SharedChange:
    """Customers of `account_id` written (`removed` False) or removed by some console; `ids` None: too many to
    name, read the account again."""

    account_id: str
    ids: tuple[str, ...] | None
    removed: bool = False
