"""A team workspace's accounts copied into a local SQLite file (issue 22: offline from the team server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.domain.customer import Customer
from console.store.accounts import begin_refresh, complete_refresh, data_as_of, delete_account, ensure_account
from console.store.customers import customers_of, remove_customers, save_page
from console.store.engine import Workspace, open_workspace
from console.store.keys import new_key
from console.store.team_cache import mirror_account
from tests.store.conftest import at, people


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Workspace]:
    opened = open_workspace(tmp_path / "team-cache.db", new_key())
    yield opened
    opened.close()


def _mirror(source: Workspace, cache: Workspace, account_id: str, ids: list[str] | None = None) -> tuple[int, int]:
    with source.read() as there, cache.write() as here:
        done = mirror_account(there, here, account_id, ids)
    return done.copied, done.removed


def _held(cache: Workspace, account_id: str) -> list[Customer]:
    with cache.read() as connection:
        return customers_of(connection, account_id)


def test_the_cache_holds_the_account_as_the_team_workspace_does_copying_only_what_differs(
        workspace: Workspace, cache: Workspace) -> None:
    with workspace.write() as c:
        refresh = begin_refresh(c, "shop", "square", at(0))
        save_page(c, "shop", people("p", 30), at(1), [f"keys-{n}" for n in range(30)])
        complete_refresh(c, refresh, at(2), full=True)
    assert _mirror(workspace, cache, "shop") == (30, 0)
    assert _held(cache, "shop") == _held(workspace, "shop")   # the same customers, in the same order
    with cache.read() as c:
        assert data_as_of(c, "shop") == at(2)

    changed = people("p", 1, company="Changed")
    with workspace.write() as c:
        save_page(c, "shop", changed, at(5))
        remove_customers(c, "shop", ["p-0007", "p-0008"])
    assert _mirror(workspace, cache, "shop") == (1, 2)   # one row copied, not thirty
    assert _held(cache, "shop") == _held(workspace, "shop")
    assert _mirror(workspace, cache, "shop") == (0, 0)


def _copied(workspace: Workspace, cache: Workspace, count: int) -> None:
    """Account "shop" with `count` customers in the team workspace, and copied into the cache."""
    with workspace.write() as c:
        ensure_account(c, "shop", "square")
        save_page(c, "shop", people("p", count), at(1))
    _mirror(workspace, cache, "shop")


def test_a_change_notice_copies_the_ids_it_names(workspace: Workspace, cache: Workspace) -> None:
    _copied(workspace, cache, 5)
    with workspace.write() as c:
        save_page(c, "shop", people("p", 2, company="Both"), at(2))
        remove_customers(c, "shop", ["p-0004"])
    assert _mirror(workspace, cache, "shop", ["p-0000", "p-0004"]) == (1, 1)
    held = {customer.id: customer for customer in _held(cache, "shop")}
    assert held["p-0000"].company == "Both" and "p-0004" not in held
    assert held["p-0001"].company is None   # not named: left as it was until the next whole copy


def test_an_account_gone_from_the_team_workspace_goes_from_the_cache(workspace: Workspace, cache: Workspace) -> None:
    _copied(workspace, cache, 3)
    with workspace.write() as c:
        delete_account(c, "shop")
    assert _mirror(workspace, cache, "shop") == (0, 3)
    assert _held(cache, "shop") == []
