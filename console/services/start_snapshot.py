"""The first screenful of the last session's window, kept so the next start can paint it at once.

It is kept in the workspace database, encrypted like the customers it shows (store/start_views.py),
one per account; in team mode in the team workspace's copy on this computer (team_cache.py), never in
the shared database. The start reads the last account's through the driver (`SnapshotRead`), from the
entry point (console/launch.py) before Qt is imported: at once with the key in its file, on a thread of
its own where it may wait for the keychain; the preview waits for it. So this module uses only the
standard library and the driver: a frozen dataclass and JSON rather than a pydantic model, because
importing pydantic alone costs more than the whole start-up budget. Anything unexpected means "no
snapshot", and so does Keep a local copy off (a shared computer): the app then starts the ordinary way.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.services.paths import AppPaths

SCHEMA = 1
MAX_ROWS = 200
# Where earlier builds kept it, unencrypted: deleted at the first start that reads the database's.
LEGACY_FILE_NAME = "start-snapshot.json"
# How long the preview waits for the read: a keychain that prompts, or a busy disk, means no preview.
READ_WAIT_S = 1.0


@dataclass(frozen=True, slots=True)
class StartSnapshot:
    """What the window showed: the account, its environment, the columns and the first rows as text."""

    account_id: str
    account_label: str      # as in the account selector
    account_name: str
    environment: str        # demo, sandbox or production
    geometry: str           # base64 of QWidget.saveGeometry(), or ""
    columns: tuple[str, ...]  # every column's label, hidden ones too
    header_state: str       # base64 of QHeaderView.saveState(): order, widths, hidden, sort indicator
    rows: tuple[tuple[str, ...], ...]  # one text per column


def encode_snapshot(snapshot: StartSnapshot) -> str:
    """The snapshot as the workspace keeps it: JSON, at most `MAX_ROWS` rows, card numbers masked."""
    from console.domain.card_numbers import mask_card_numbers_in  # not needed by the start-up read

    data = {"schema": SCHEMA, **asdict(snapshot)}
    data["rows"] = mask_card_numbers_in(data["rows"][:MAX_ROWS])
    return json.dumps(data, ensure_ascii=False)


def decode_snapshot(text: str) -> StartSnapshot | None:
    """The snapshot in `text`, or None when it cannot be used."""
    try:
        return _parse(json.loads(text))
    except (ValueError, TypeError, KeyError):
        return None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _parse(raw: Any) -> StartSnapshot | None:
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        return None
    columns = tuple(_text(c) for c in raw["columns"])
    rows = tuple(tuple(_text(v) for v in row) for row in raw["rows"][:MAX_ROWS])
    if not columns or any(len(row) != len(columns) for row in rows):
        return None
    return StartSnapshot(
        account_id=_text(raw["account_id"]), account_label=_text(raw["account_label"]),
        account_name=_text(raw["account_name"]), environment=_text(raw["environment"]),
        geometry=_text(raw["geometry"]), columns=columns, header_state=_text(raw["header_state"]), rows=rows)


# -- the start's read -------------------------------------------------------------------------------
def _settings(settings_file: Path) -> dict[str, Any] | None:
    """The settings' JSON as it is: a file the settings would migrate or refuse only costs a read."""
    try:
        raw = json.loads(settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return raw if isinstance(raw, dict) else None


def _last_account(raw: dict[str, Any] | None) -> str | None:
    """The account the window will open, when a local copy is kept."""
    account_id = None if raw is None or raw.get("keep_local_copy") is False else raw.get("last_account_id")
    return account_id if isinstance(account_id, str) and account_id else None


def last_local_account(settings_file: Path) -> str | None:
    """The account the window will open, when it keeps a local copy in the file (not a team's server)."""
    raw = _settings(settings_file)
    return None if raw is None or raw.get("team") else _last_account(raw)


def start_view_file(paths: AppPaths) -> tuple[str, Path] | None:
    """The account the window will open and the file its start view is kept in: the workspace database, or
    in team mode the team workspace's copy on this computer (services/team_cache.py). None: none is kept."""
    from console.services.team_cache_file import cache_file

    raw = _settings(paths.settings_file)
    account_id = _last_account(raw)
    if raw is None or account_id is None:
        return None
    team = raw.get("team")
    if not team:
        return account_id, paths.workspace_database
    if not isinstance(team, dict):
        return None
    # As the settings write a TeamServer: every field, the port too.
    user, host, name, port = team.get("user"), team.get("host"), team.get("database"), team.get("port")
    if not (isinstance(user, str) and isinstance(host, str) and isinstance(name, str) and type(port) is int):
        return None
    return account_id, cache_file(paths.workspace_database, user, host, port, name)


def existing_key(database: Path) -> str | None:
    """The workspace key where `workspace_key` keeps it: the key file, else the keychain. None: none yet."""
    from console.services.workspace_key import KEYCHAIN_NAME, key_file

    with contextlib.suppress(OSError):
        return key_file(database).read_text(encoding="utf-8").strip()
    from console.services.secrets import KeyringSecrets, keychain_available

    try:
        return KeyringSecrets().get(KEYCHAIN_NAME) if keychain_available() else None
    except Exception:   # a keychain that fails here fails the workspace's own opening too, which says so
        return None


def read_kept_snapshot(paths: AppPaths) -> StartSnapshot | None:
    """The last account's start view from the workspace database; None when there is none to show."""
    from console.store.raw_read import open_reader, start_view

    with contextlib.suppress(OSError):   # the plain file of earlier versions: it showed customers unencrypted
        (paths.data_dir / LEGACY_FILE_NAME).unlink()
    source = start_view_file(paths)
    if source is None:
        return None
    account_id, database = source
    key = existing_key(paths.workspace_database)   # in team mode too: the team's copy here is encrypted with it
    if key is None:
        return None
    try:
        connection = open_reader(database, key)
    except Exception:   # a driver that cannot load: the workspace's opening says why
        return None
    if connection is None:
        return None
    try:
        text = start_view(connection, account_id)
    except Exception:   # no such table yet, a damaged page: the opening deals with the file
        return None
    finally:
        connection.close()
    snapshot = None if text is None else decode_snapshot(text)
    return snapshot if snapshot is not None and snapshot.account_id == account_id else None


class SnapshotRead:
    """`read_kept_snapshot`, on a thread of its own where the read may wait: for the OS keychain (which may
    even prompt), or with only an earlier version's file to delete. `result()` waits for it (at most
    `READ_WAIT_S`). With the key in its file the read is done here: it holds Python's lock nearly throughout
    (the driver's import, 4-5 ms), so on a thread beside the start's imports it only added handoffs, 4 ms
    of P1a in three runs of 20 interleaved pairs (benchmarks/run.py). `expected`: whether there may be one
    at all (the settings keep a local copy, and there is a database)."""

    def __init__(self, paths: AppPaths) -> None:
        from console.services.workspace_key import key_file

        self._snapshot: StartSnapshot | None = None
        self._done = threading.Event()
        source = start_view_file(paths)
        self.expected = source is not None and source[1].is_file()
        legacy = paths.data_dir / LEGACY_FILE_NAME
        if not self.expected and not legacy.exists():
            self._done.set()
            return
        if self.expected and not legacy.exists() and key_file(paths.workspace_database).is_file():
            self._read(paths)
            return
        threading.Thread(target=self._read, args=(paths,), name="console-start-view", daemon=True).start()

    def _read(self, paths: AppPaths) -> None:
        try:
            self._snapshot = read_kept_snapshot(paths)
        except Exception:   # never a failed start for a preview
            self._snapshot = None
        finally:
            self._done.set()

    def result(self, timeout: float = READ_WAIT_S) -> StartSnapshot | None:
        return self._snapshot if self._done.wait(timeout) else None
