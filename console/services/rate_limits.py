"""Each provider's request budget for bulk work (jobs), kept on our side so few requests meet a 429.

Figures from ../shared/api/wave2-facts.md §3: Clover publishes 16 requests a second and 5 at once
per token (its client counts them over a little more than a second, RATE_WINDOW_S, so requests
are spaced by that much more); Digital River 25 a second on test keys (250 live), and asks for no
concurrent bursts. Authorize.net publishes no rate: a job sends as many at once as the account's
own concurrency option (the one its loading uses, 10 unless set) and puts no cap on the rate.
Square and PayArc publish none (PayArc's example header says 30; one Square forum report saw
throttling near 6 a second), so a conservative default applies: 10 a second, 2 at once. Square's
jobs use its bulk endpoints, each request carrying up to 100 customers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from console.providers.clover.capabilities import MAX_IN_FLIGHT, MAX_PER_SECOND, RATE_WINDOW_S


@dataclass(frozen=True, slots=True)
class Budget:
    per_second: float | None     # None: no rate is kept, only the number at once
    at_once: int


DEFAULT = Budget(per_second=10, at_once=2)
LATE_ALLOWANCE = 0.2   # of an interval: how much lateness the next start may make up
BUDGETS = {"clover": Budget(MAX_PER_SECOND / RATE_WINDOW_S, MAX_IN_FLIGHT), "digital-river": Budget(25, 1),
           "square": DEFAULT, "authorize-net": DEFAULT, "payarc": DEFAULT}


def budget_for(provider: str, account_concurrency: int | None = None) -> Budget:
    """The provider's budget; where the account sets how many requests go at once (Authorize.net),
    that many at once and no rate."""
    if account_concurrency is not None:
        return Budget(per_second=None, at_once=max(1, account_concurrency))
    return BUDGETS.get(provider, DEFAULT)


class RateLimiter:
    """Requests start no faster than the budget allows and no more than `at_once` are out together;
    `hold(seconds)` (a 429's Retry-After) stops every start until it has passed."""

    def __init__(self, budget: Budget, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget = budget
        self.clock = clock
        self._gate = asyncio.Semaphore(budget.at_once)
        self._next = 0.0          # the earliest moment the next request may start
        self._lock = asyncio.Lock()

    def hold(self, seconds: float) -> None:
        self._next = max(self._next, self.clock() + seconds)

    async def _turn(self) -> None:
        if self.budget.per_second is None:
            wait = self._next - self.clock()   # only a 429's hold to keep
            if wait > 0:
                await asyncio.sleep(wait)
            return
        async with self._lock:
            interval = 1 / self.budget.per_second
            now = self.clock()
            if self._next > now:
                await asyncio.sleep(self._next - now)
                now = self.clock()
            # The next start is due an interval after this one was due: a start a little late (the
            # loop was busy) is made up by the next one rather than pushing every later start back.
            self._next = max(self._next, now - interval * LATE_ALLOWANCE) + interval

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """One request's turn: within the rate and the number in flight."""
        async with self._gate:
            await self._turn()
            yield
