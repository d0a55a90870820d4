"""What a duplicate scan proposes: groups of customers that look like one person, and why."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

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


class Scanned(Protocol):
    """What a group asks of the scan that found it: who is at a position, and a pair's reasons."""

    def member(self, index: int) -> MemberRef: ...

    def reasons(self, pair: PairMatch) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Records (by position in the scan) connected by pairs at or above the threshold; members and reasons
    are asked of the scan when needed (a scan forms tens of thousands of groups, most never shown)."""

    indexes: tuple[int, ...]
    pairs: tuple[PairMatch, ...]        # the pairs that connect them
    scan: Scanned = field(compare=False, repr=False)

    @property
    def members(self) -> tuple[MemberRef, ...]:
        """(account id, customer id) of each record, the same order as `indexes`."""
        return tuple(map(self.scan.member, self.indexes))

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every pair's reasons, once each, strongest pair first."""
        return tuple(dict.fromkeys(reason for pair in self.pairs for reason in self.scan.reasons(pair)))

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
