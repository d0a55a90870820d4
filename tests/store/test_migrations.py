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


def test_the_revisions_named_in_code_are_the_scripts(tmp_path: Path) -> None:
    # Openings compare the database with REVISIONS without importing Alembic; the scripts decide.
    scripts = schema.scripts()
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == list(schema.REVISIONS)
    assert scripts.get_current_head() == schema.head()


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


def test_rows_saved_before_the_load_order_come_first_by_id_then_new_ones_in_listing_order(
        tmp_path: Path, key: str) -> None:
    from console.store import accounts, customers
    from console.store.engine import open_workspace
    from tests.store.conftest import at, people

    path = tmp_path / "from-0001.db"
    assert _migrate(path, key, "0001") == "0001"
    engine = create_engine(path, sqlcipher_passphrase(key))
    try:
        with engine.begin() as connection:   # rows as revision 0001 wrote them: no load order
            connection.execute(sa.text("INSERT INTO accounts (id, provider) VALUES ('acct', 'square')"))
            for customer in reversed(people("old", 3)):
                connection.execute(sa.text(
                    "INSERT INTO customers (account_id, customer_id, last_seen, seen_generation) "
                    "VALUES ('acct', :id, :seen, 0)"), {"id": customer.id, "seen": at(0).isoformat()})
                connection.execute(sa.text(
                    "INSERT INTO customer_documents (account_id, customer_id, document) VALUES ('acct', :id, :doc)"),
                    {"id": customer.id, "doc": customers.encode(customer)})
    finally:
        engine.dispose()

    workspace = open_workspace(path, key)   # migrates to the head
    try:
        newer = [people("new", 2)[1], people("new", 2)[0]]
        with workspace.write() as connection:
            accounts.ensure_account(connection, "acct", "square")
            customers.save_page(connection, "acct", newer, at(1))
        with workspace.read() as connection:
            assert schema.current(connection) == schema.head()
            stored = [c.id for c in customers.customers_of(connection, "acct")]
    finally:
        workspace.close()
    assert stored == ["old-0000", "old-0001", "old-0002", "new-0001", "new-0000"]


def test_opening_a_database_at_the_head_does_not_import_alembic(tmp_path: Path, key: str) -> None:
    import subprocess
    import sys

    path = tmp_path / "current.db"
    _migrate(path, key, "head")
    probe = ("import sys\nfrom pathlib import Path\nfrom console.store.engine import open_workspace\n"
             f"open_workspace(Path({str(path)!r}), {key!r}).close()\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
