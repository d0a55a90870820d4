"""Workspace database fixtures: every `workspace` test runs on both engines, an encrypted SQLite file in the
test's folder (opened with a fresh key) and a fresh database on the session's PostgreSQL server (team mode)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.domain.customer import Customer
from console.store.engine import Workspace, open_workspace
from console.store.keys import new_key

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ENGINES = ["sqlite", "postgresql"]


def at(minutes: int) -> datetime:
    """A moment `minutes` after T0: the tests' clock."""
    return T0 + timedelta(minutes=minutes)


def people(prefix: str, count: int, **fields: object) -> list[Customer]:
    """`count` simple customers with ids `<prefix>-0000`…"""
    return [Customer(id=f"{prefix}-{n:04d}", given_name=f"Given{n}", family_name=prefix,
                     email=f"{prefix}.{n}@example.com", **fields)  # type: ignore[arg-type]
            for n in range(count)]


@pytest.fixture
def key() -> str:
    return new_key()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workspace.db"


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def workspace(request: pytest.FixtureRequest, engine_name: str, db_path: Path, key: str) -> Iterator[Workspace]:
    if engine_name == "sqlite":
        opened = open_workspace(db_path, key)
    else:
        from console.store.team import open_team_workspace

        opened = open_team_workspace(request.getfixturevalue("team_url"))
    yield opened
    opened.close()
