"""Soak under faults: random creates, updates, deletes, lists and searches through the services.

Each provider's emulator injects every fault kind (429 with Retry-After, 5xx, dropped connections,
timeouts before and after the write took effect, malformed and truncated bodies, slow answers)
while a simulated user works the way staff do: an operation that fails is tried again, as pressing
Save again would, with the same idempotency key. Afterwards the faults stop and an independent
client's listing must agree with the app's view: every create exactly once, no edit lost.

`--soak-ops N` (default 1000 per provider) runs longer; `-s` shows the printed counts.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from console.domain import errors as e
from console.domain.capabilities import SearchKey
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer
from console.domain.validation import check_values
from console.providers.http import RetryPolicy
from console.providers.registry import providers
from console.sandbox.faults import FAULT_KINDS, FaultConfig, FaultPlan
from console.sandbox.registry import emulator_keys
from console.services.accounts import AccountSession, demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.secrets import MemorySecrets
from tests.providers.test_conformance import CASES

KEYS = [info.key for info in providers() if info.key in set(emulator_keys())]
SEEDED = 40
FAULT_RATE = 0.4
USER_ATTEMPTS = 12      # how often a person presses Save again before giving up
SEED = 20261122


@dataclass
class Counts:
    operations: Counter[str] = field(default_factory=Counter)
    user_retries: int = 0
    stale_resolved: int = 0
    errors_seen: Counter[str] = field(default_factory=Counter)
    gave_up: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)

    def line(self, key: str, faults: int, client_retries: int, lost: int, duplicated: int) -> str:
        ops = sum(self.operations.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(self.operations.items()))
        return (f"soak {key}: operations {ops} ({detail}) | faults injected {faults} | retries "
                f"{client_retries} by the client, {self.user_retries} by the user | stale resolved "
                f"{self.stale_resolved} | lost {lost} | duplicated {duplicated}")


class User:
    """Drives one account's service the way staff do, keeping what they meant to happen."""

    def __init__(self, session: AccountSession, rng: random.Random, counts: Counts) -> None:
        self.session = session
        self.service = session.service
        self.rng = rng
        self.counts = counts
        self.case = CASES[session.account.info.key]
        self.created: dict[str, str] = {}           # marker email -> id the app reported
        self.expected: dict[str, dict[str, Any]] = {}   # id -> values our successful edits left
        self.deleted: set[str] = set()
        self._serial = 0

    async def persist(self, what: str, attempt: Callable[[], Awaitable[Any]]) -> Any:
        """Try like a person does: again after an error they can act on, up to USER_ATTEMPTS."""
        for tries in range(USER_ATTEMPTS):
            try:
                return await attempt()
            except e.ConsoleError as error:
                # An error the user can act on: a message, and it says whether trying again helps.
                if not error.message.strip():
                    self.counts.unclear.append(f"{what}: {type(error).__name__} with no message")
                self.counts.errors_seen[type(error).__name__] += 1
                if isinstance(error, e.StaleVersionError):
                    raise
                if not (error.retryable or isinstance(error, e.ProtocolError)):
                    raise AssertionError(f"{what}: a fault surfaced as {type(error).__name__}: {error}") from error
                if tries < USER_ATTEMPTS - 1:
                    self.counts.user_retries += 1
        self.counts.gave_up.append(what)
        return None

    def _new_values(self) -> dict[str, Any]:
        self._serial += 1
        values = dict(self.case.create)
        local, _, domain = str(values["email"]).partition("@")
        values["email"] = f"{local[:12]}.soak{self._serial}@{domain}"
        if "reference_id" in values:
            values["reference_id"] = f"SOAK-{self._serial}"
        return values

    def _edit_values(self) -> dict[str, Any]:
        caps = self.service.capabilities
        values: dict[str, Any] = {}
        for key, value in self.case.update.items():
            if isinstance(value, str):
                candidate = f"{value} {''.join(self.rng.choice('abcdefgh') for _ in range(3))}"
                if not check_values(caps, {key: candidate}, creating=False):
                    value = candidate
            values[key] = value
        return values

    def _ours(self) -> list[Customer]:
        return [c for c in (self.service.index.get(i) for i in self.created.values()) if c is not None]

    async def create(self) -> None:
        values = self._new_values()
        key = f"soak-{self._serial}"
        created = await self.persist("create", lambda: self.service.create(CustomerChanges(values=values),
                                                                          idempotency_key=key))
        if created is not None:
            self.created[values["email"]] = created.id
            self.expected[created.id] = values

    async def update(self) -> None:
        ours = [c for c in self._ours() if c.id not in self.deleted]
        if not ours:
            return await self.create()
        original = self.rng.choice(ours)
        values = self._edit_values()
        for _ in range(USER_ATTEMPTS):
            try:
                updated = await self.persist("update", lambda o=original: self.service.update(  # type: ignore[misc]
                    o, CustomerChanges(values=values)))
            except e.StaleVersionError as stale:
                # The dialog shows both values; this user keeps theirs and saves over the new copy.
                if stale.current is None:
                    raise AssertionError("a stale edit came back without the current copy") from stale
                self.counts.stale_resolved += 1
                original = stale.current
                continue
            if updated is not None:
                self.expected[original.id] = self.expected.get(original.id, {}) | values
            return None
        self.counts.gave_up.append("update (stale every time)")
        return None

    async def delete(self) -> None:
        ours = [c for c in self._ours() if c.id not in self.deleted]
        if not ours:
            return
        victim = self.rng.choice(ours)
        result = await self.persist("delete", lambda: self._delete_one(victim))
        if result is not None:
            self.deleted.add(victim.id)
            self.expected.pop(victim.id, None)
        return

    async def _delete_one(self, customer: Customer) -> bool:
        result = await self.service.delete_many([customer])
        if result.failed:
            raise next(iter(result.failed.values()))
        return True

    async def list(self) -> None:
        await self.persist("list", self.service.load)

    def _live(self) -> dict[str, str]:
        """Marker email -> id of every customer this user created and has not deleted."""
        return {email: cid for email, cid in self.created.items() if cid not in self.deleted}

    def _found_locally(self, query: str) -> set[str]:
        index = self.service.index
        return {index.at(position).id for position in index.matching(query)}

    async def search(self) -> None:
        caps = self.service.capabilities
        live = self._live()
        # Local search over what is loaded (what the search field does for every provider): the
        # soak's marker finds exactly the customers created and not deleted, and one customer's
        # whole marker finds that customer alone (seeded customers never carry it).
        assert self._found_locally("soak") == set(live.values()), "local search disagrees with what exists"
        if live:
            email = self.rng.choice(sorted(live))
            marker = email.partition("@")[0].rpartition(".")[2] + "@"   # "soak17@"
            assert self._found_locally(marker.upper()) == {live[email]}, f"searching {marker!r}"
        # The most specific lookup the provider has (some answer one profile per lookup).
        key = next((k for k in (SearchKey.REFERENCE_ID, SearchKey.EMAIL) if k in caps.server_exact), None)
        ours = self._ours()
        if key is not None and ours:
            target = self.rng.choice(ours)
            value = str(target.value(key.value))
            found = await self.persist("search", lambda: self.service.lookup(key, value))
            if found is not None and target.id not in self.deleted:
                assert target.id in [c.id for c in found], "a server lookup missed a customer we created"


OPERATIONS = (("create", 25), ("update", 30), ("delete", 10), ("list", 10), ("search", 25))


@pytest.mark.parametrize("key", KEYS)
async def test_soak_under_faults(key: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    operations: int = request.config.getoption("--soak-ops")
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={key: SEEDED})
    account = next(a for a in demo_accounts(demo) if a.info.key == key)
    session = await open_session(account, secrets=MemorySecrets(), demo=demo)
    emulator = demo.emulator(key)
    http = session.provider.http  # type: ignore[attr-defined]
    # Real backoff and Retry-After are honoured, only scaled down: waiting them out would only slow the suite.
    http.policy = RetryPolicy(attempts=4, base_delay=0.0005, max_delay=0.002, max_retry_after=0.002)
    # Request-rate limits are tested on their own; here they would only make the soak take minutes.
    http.limiter = None
    emulator.enforce_rate_limits = False
    counts = Counts()
    user = User(session, random.Random(SEED), counts)
    try:
        await session.service.load()
        emulator.faults = FaultPlan(FaultConfig(rate=FAULT_RATE, kinds=tuple(sorted(FAULT_KINDS)), retry_after=1,
                                                slow_ms=5, seed=SEED, after_rate=0.5))
        names = [name for name, _ in OPERATIONS]
        weights = [weight for _, weight in OPERATIONS]
        for name in user.rng.choices(names, weights, k=operations):
            counts.operations[name] += 1
            await getattr(user, name)()
        faults = sum(emulator.stats().faults.values())
        emulator.faults = FaultPlan()

        # What the provider holds now, read by a second, independent client.
        checker = await open_session(account, secrets=MemorySecrets(), demo=demo)
        try:
            await checker.service.load()
            truth = {c.id: c for c in checker.service.index}
        finally:
            await checker.aclose()
    finally:
        await session.aclose()

    by_email: Counter[str] = Counter(str(c.email).lower() for c in truth.values() if c.email)
    duplicated = sum(by_email[email.lower()] - 1 for email in user.created if by_email[email.lower()] > 1)
    lost = sum(1 for email in user.created if by_email[email.lower()] == 0 and user.created[email] not in user.deleted)
    lost += sum(1 for cid, values in user.expected.items()
                if cid not in truth or not all(same_value(truth[cid].value(k), v) for k, v in values.items()))
    print("\n" + counts.line(key, faults, http.retries, lost, duplicated))

    assert faults > operations // 10, "the soak ran without faults"
    assert counts.gave_up == [], f"operations still failing after {USER_ATTEMPTS} tries: {counts.gave_up}"
    assert counts.unclear == []
    assert duplicated == 0
    assert lost == 0
    # The app's view agrees with the provider: same customers, same values.
    view = {c.id: c for c in session.service.index}
    assert set(view) == set(truth)
    for cid, customer in view.items():
        for key_ in ("email", *CASES[key].update):
            assert same_value(customer.value(key_), truth[cid].value(key_)), (cid, key_)
    # No create the app reported was refused or made twice, and deletes stayed deleted.
    assert not user.deleted & set(truth)
