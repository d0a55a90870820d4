"""Change notices on a team database (issue 22): listening for them, and reading what they name.

Migration 0010's triggers send a notice on `CHANNEL` for every statement that writes customers; it is
delivered when the writer's transaction commits. `listen` holds one connection of its own (not the
workspace's pool) in autocommit, LISTENing, and hands each notice over as a `SharedChange`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable

import psycopg
import sqlalchemy as sa
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import Connection

from console.domain.customer import Customer
from console.domain.shared_changes import SharedChange
from console.store.changes import documents
from console.store.documents import decode
from console.store.team import TeamDatabaseError, TeamServer, describe, redact, team_url

CHANNEL = "console_customers"   # as the trigger function of migration 0010 names it
POLL_S = 0.5                    # how often the listening thread looks at its stop flag between notices


def parse(payload: str) -> SharedChange:
    """A notice's payload as the change it names."""
    notice = json.loads(payload)
    ids = notice.get("ids")
    return SharedChange(str(notice["account"]), tuple(map(str, ids)) if ids is not None else None,
                        bool(notice.get("removed")))


def listen(target: TeamServer | sa.URL | str, stop: threading.Event, on_change: Callable[[SharedChange], None],
           on_listening: Callable[[], None] = lambda: None, *, connect_timeout: int = 10) -> None:
    """LISTEN on the team database until `stop` is set, calling `on_change` (on this thread) for each notice and
    `on_listening` once the LISTEN is in place. Blocking; raises `TeamDatabaseError` (no password) when the
    connection cannot be made or is lost."""
    url = team_url(target)
    params = url.translate_connect_args(username="user", database="dbname") | dict(url.query)
    conninfo = make_conninfo(**params, connect_timeout=connect_timeout,
                             application_name="Customer Console (changes)")
    try:
        connection = psycopg.connect(conninfo, autocommit=True)
    except psycopg.Error as exc:
        raise TeamDatabaseError(redact(f"The team workspace database {describe(url)} could not be reached for "
                                       f"changes: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}",
                                       url.password)) from None
    try:
        connection.execute(f"LISTEN {CHANNEL}")
        on_listening()
        while not stop.is_set():
            for notice in connection.notifies(timeout=POLL_S):
                on_change(parse(notice.payload))
                if stop.is_set():
                    break
    except psycopg.Error as exc:
        raise TeamDatabaseError(redact(f"The connection to {describe(url)} was lost: {exc}", url.password)) from None
    finally:
        connection.close()


def customers_by_id(connection: Connection, account_id: str, ids: Iterable[str]) -> dict[str, Customer]:
    """The customers of `ids` the workspace holds for the account, by id (an id not there was removed)."""
    return {customer_id: decode(document) for customer_id, document in documents(connection, account_id, ids).items()}
