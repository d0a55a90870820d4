"""Every migration, from an empty database and from each earlier head, ends at the tables' metadata."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from console.store import schema
from console.store.engine import create_engine
from console.store.keys import sqlcipher_passphrase
from console.store.tables import metadata


def _differences(path: Path, key: str) -> list[object]:
    engine = create_engine(path, sqlcipher_passphrase(key))
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), metadata))
    finally:
        engine.dispose()


def _migrate(path: Path, key: str, target: str) -> str | None:
    engine = create_engine(path, sqlcipher_passphrase(key))
    try:
        with engine.begin() as connection:
            schema.upgrade(connection, target)
        with engine.connect() as connection:
            return schema.current(connection)
    finally:
        engine.dispose()


def test_the_scripts_form_one_line_of_revisions() -> None:
    revisions = schema.known_revisions()
    assert revisions, "no migrations found"
    assert revisions[-1] == schema.head()
    assert len(set(revisions)) == len(revisions)


def test_upgrade_from_empty_gives_exactly_the_tables_metadata(tmp_path: Path, key: str) -> None:
    path = tmp_path / "empty.db"
    assert _migrate(path, key, "head") == schema.head()
    assert _differences(path, key) == []


def test_each_step_from_empty_applies_and_records_its_revision(tmp_path: Path, key: str) -> None:
    path = tmp_path / "steps.db"
    for revision in schema.known_revisions():
        assert _migrate(path, key, revision) == revision
    assert _differences(path, key) == []


def test_upgrade_to_head_from_every_earlier_head(tmp_path: Path, key: str) -> None:
    # The empty database, then each earlier revision: a database made by that head, then upgraded.
    # With one revision only the empty start exists; each new revision adds its predecessor here.
    for number, revision in enumerate([None, *schema.known_revisions()[:-1]]):
        path = tmp_path / f"from-{number}.db"
        if revision is not None:
            assert _migrate(path, key, revision) == revision
        assert _migrate(path, key, "head") == schema.head()
        assert _differences(path, key) == [], f"upgrading from {revision or 'empty'}"


def test_the_comparison_sees_a_difference(tmp_path: Path, key: str) -> None:
    path = tmp_path / "behind.db"
    _migrate(path, key, "head")
    wider = sa.MetaData()
    for table in metadata.tables.values():
        table.to_metadata(wider)
    sa.Table("not_yet_made", wider, sa.Column("id", sa.Integer, primary_key=True))
    engine = create_engine(path, sqlcipher_passphrase(key))
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), wider)
    finally:
        engine.dispose()
    assert [d[0] for d in differences] == ["add_table"]


def test_migrations_are_found_without_an_ini_file() -> None:
    assert (schema.MIGRATIONS / "env.py").is_file()
    assert not list(schema.MIGRATIONS.parent.glob("*.ini"))
