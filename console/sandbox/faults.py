"""Fault injection for emulators: what can go wrong on the wire, chosen per request from a seeded plan."""

from __future__ import annotations

import collections
import random
import threading
from dataclasses import dataclass

ERROR_STATUS_KINDS = frozenset({"429", "500", "502", "503"})
LOST_RESPONSE_KINDS = frozenset({"drop", "timeout"})
FAULT_KINDS = ERROR_STATUS_KINDS | LOST_RESPONSE_KINDS | {"malformed", "truncated", "slow"}

# The faults a client is expected to survive by retrying; what `--fault-rate` alone injects.
DEFAULT_KINDS: tuple[str, ...] = ("429", "500", "502", "503", "drop", "timeout")


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """How often faults happen and which kinds; `after_rate` is how often a lost response was applied."""

    rate: float = 0.0
    kinds: tuple[str, ...] = DEFAULT_KINDS
    retry_after: float = 1.0
    slow_ms: int = 1500
    seed: int = 0
    after_rate: float = 0.5

    def __post_init__(self) -> None:
        unknown = sorted(set(self.kinds) - FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kind(s) {', '.join(unknown)}; known: {', '.join(sorted(FAULT_KINDS))}")
        if not 0.0 <= self.rate <= 1.0 or not 0.0 <= self.after_rate <= 1.0:
            raise ValueError("rate and after_rate are probabilities between 0 and 1")
        if self.rate > 0 and not self.kinds:
            raise ValueError("a fault rate needs at least one fault kind")

    @staticmethod
    def parse_kinds(text: str) -> tuple[str, ...]:
        """Kinds from a comma-separated list such as "429,500,drop" (validated by the constructor)."""
        return tuple(part.strip() for part in text.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault; `applied_first` means the operation took effect before the response was lost."""

    kind: str
    applied_first: bool = False

    @property
    def applies(self) -> bool:
        """Whether the emulator performs the request's operation under this fault."""
        if self.kind in ERROR_STATUS_KINDS:
            return False
        if self.kind in LOST_RESPONSE_KINDS:
            return self.applied_first
        return True


class FaultPlan:
    """Decides per request whether a fault happens: forced faults first, then seeded random ones."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self.config = config or FaultConfig()
        self._rng = random.Random(self.config.seed)
        self._forced: collections.deque[Fault] = collections.deque()
        self._lock = threading.Lock()
        self.injected: collections.Counter[str] = collections.Counter()

    def force(self, kind: str, count: int = 1, applied_first: bool = False) -> None:
        """Queue `count` faults of `kind` for the next requests, ahead of any random ones."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self._forced.extend(Fault(kind, applied_first) for _ in range(count))

    def pending(self) -> int:
        """How many forced faults are still queued."""
        with self._lock:
            return len(self._forced)

    def next(self) -> Fault | None:
        """The fault for the request being handled now, if any (and count it)."""
        with self._lock:
            fault = self._forced.popleft() if self._forced else self._draw()
            if fault is not None:
                self.injected[fault.kind] += 1
            return fault

    def _draw(self) -> Fault | None:
        config = self.config
        if config.rate <= 0.0 or self._rng.random() >= config.rate:
            return None
        kind = config.kinds[int(self._rng.random() * len(config.kinds))]
        applied = kind in LOST_RESPONSE_KINDS and self._rng.random() < config.after_rate
        return Fault(kind, applied)
