"""Find duplicates on All accounts of the demo data shows the planted groups first, with reasons."""

from __future__ import annotations

from pathlib import Path

from console.services.accounts import demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.duplicates import find_duplicates
from console.services.secrets import MemorySecrets


async def test_the_planted_groups_are_found_within_square_and_across_accounts(tmp_path: Path) -> None:
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0)
    records = []
    names = {}
    for account in demo_accounts(demo):
        session = await open_session(account, secrets=MemorySecrets(), demo=demo)
        try:
            await session.service.load()
            records += [(account.id, customer) for customer in session.service.index]
            names[account.id] = account.info.key
        finally:
            await session.aclose()
    groups = find_duplicates(records)
    planted = [[(names[a], next(c for acc, c in records if acc == a and c.id == cid).full_name)
                for a, cid in g.members] for g in groups[:6]]
    within = [p for p in planted if {provider for provider, _ in p} == {"square"}]
    across = [p for p in planted if {provider for provider, _ in p} == {"square", "clover", "authorize-net"}]
    assert len(within) == 3 and len(across) == 3, planted
    assert {tuple(sorted(name for _, name in p)) for p in within} == {
        ("John Smith", "Jon Smith"), ("Bob Fairweather", "Robert Fairweather"), ("Linh Nguyen", "Nguyen Linh")}
    patel = next(g for g in groups[:6] if any("Patel" in r for r in g.reasons))
    assert "phone +13125550118 in both" in patel.reasons
    assert len(groups) < 100   # the planted groups are not lost among accidental ones
