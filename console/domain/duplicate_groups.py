"""What a duplicate scan proposes: groups of customers that look like one person, and why."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

MemberRef = tuple[str, str]   # (account id, customer id): one customer wherever it lives


def group_key(members: Iterable[MemberRef]) -> str:
    """A stable key of a set of members (order does not matter): how a dismissal is remembered."""
    text = "\n".join(sorted(f"{account}\t{customer}" for account, customer in members))
    return hashlib.sha256(text.encode()).hexdigest()


class PairMatch(NamedTuple):
    """Two records compared: their positions in the scanned records and the score; the reasons are
    made when asked (a named tuple: a scan makes one per candidate pair, a hundred thousand at a time)."""

    first: int
    second: int
    score: float                 # 0..1, the same whichever way round


Explain = Callable[[PairMatch], tuple[str, ...]]   # a pair's reasons, in words staff can check


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Records (by position in the scan) connected by pairs at or above the threshold."""

    indexes: tuple[int, ...]
    members: tuple[MemberRef, ...]      # the same order as `indexes`
    pairs: tuple[PairMatch, ...]        # the pairs that connect them
    explain: Explain = field(compare=False, repr=False)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every pair's reasons, once each, strongest pair first (made now: most groups are never shown)."""
        return tuple(dict.fromkeys(reason for pair in self.pairs for reason in self.explain(pair)))

    @property
    def score(self) -> float:
        """The strongest pair's score."""
        return max(pair.score for pair in self.pairs)

    @property
    def accounts(self) -> tuple[str, ...]:
        """The accounts the members live in, each once, in member order."""
        return tuple(dict.fromkeys(account for account, _ in self.members))

    @property
    def key(self) -> str:
        return group_key(self.members)
