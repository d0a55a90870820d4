"""Team mode's server (issue 22): where the shared PostgreSQL workspace is, and checking it answers.

The connection is kept in settings without its password; the password is in the keychain under
`TEAM_PASSWORD`, and joins the rest only in memory, in the store's `TeamServer`, to open the engine.
What is shown or logged of it is `describe`: user, host, port, database and TLS mode. TLS is
verify-full unless the user chooses otherwise: the server's certificate must chain to a trusted root
and name the host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from console.store.team import TeamServer as StoreTeamServer

TEAM_PASSWORD = "team-workspace/postgresql/password"
TlsMode = Literal["verify-full", "verify-ca", "require", "disable"]
TLS_MODES: tuple[TlsMode, ...] = ("verify-full", "verify-ca", "require", "disable")
DEFAULT_PORT = 5432
_HOST = re.compile(r"[A-Za-z0-9._:\-\[\]]+")   # a name, IPv4 or IPv6 address: no spaces, no URL parts


class TeamServer(BaseModel):
    """A team workspace's PostgreSQL connection, without its password."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)   # built at first use (P1b)

    host: str
    port: int = Field(default=DEFAULT_PORT, ge=1, le=65535)
    database: str
    user: str
    tls: TlsMode = "verify-full"
    ca_file: str | None = None   # the root certificate to trust; else PostgreSQL's default (~/.postgresql/root.crt)

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if not _HOST.fullmatch(value):
            raise ValueError("a host name or address, without spaces, scheme or path")
        return value

    @field_validator("database", "user")
    @classmethod
    def _named(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("required")
        return value

    def describe(self) -> str:
        """What may be shown and logged: user@host:port/database (TLS mode), never the password."""
        return f"{self.user}@{self.host}:{self.port}/{self.database} (TLS {self.tls})"

    def connection(self, password: str | None) -> StoreTeamServer:
        """The store's connection to open the team workspace with, the password included."""
        from console.store.team import TeamServer as StoreServer

        return StoreServer(host=self.host, database=self.database, user=self.user, password=password or "",
                           port=self.port, sslmode=self.tls, sslrootcert=self.ca_file)


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    """What *Test connection* found: whether it connected, and what to tell the user."""

    ok: bool
    message: str


_SCHEMA_STATES = {
    "empty": "is empty: the first console that uses it sets it up",
    "behind": "holds a team workspace of an older version: one start with the owner's login upgrades it",
    "current": "holds a team workspace",
    "newer": "holds a team workspace of a newer version of Customer Console: update this app to use it",
}


def check_connection(server: TeamServer, password: str | None) -> ConnectionCheck:
    """Connect once, write nothing, and say what is there. Blocking: call it off the UI thread."""
    from console.store.team import TeamDatabaseError, probe_team_database

    try:
        probe = probe_team_database(server.connection(password))
    except TeamDatabaseError as exc:
        return ConnectionCheck(False, str(exc))
    return ConnectionCheck(probe.state != "newer", f"Connected to PostgreSQL {probe.server_version} as "
                           f"{probe.login}. The database {_SCHEMA_STATES[probe.state]}.")
