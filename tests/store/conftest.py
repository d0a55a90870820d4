"""Workspace database fixtures: an encrypted file in the test's folder, opened with a fresh key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.domain.customer import Customer
from console.store.engine import Workspace, open_workspace
from console.store.keys import new_key

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


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


@pytest.fixture
def workspace(db_path: Path, key: str) -> Iterator[Workspace]:
    opened = open_workspace(db_path, key)
    yield opened
    opened.close()
