"""What the window needs from the rest of the app: paths, settings, secrets and demo data."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.services import warm_start
from console.services.demo import DemoSandbox
from console.services.drafts import DraftStore
from console.services.journal import Author, Journal
from console.services.paths import AppPaths
from console.services.secrets import SecretStore, default_secret_store
from console.services.settings import Settings, SettingsStore
from console.services.workspace import LocalWorkspace
from console.services.write_confirmation import WriteConfirmations

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """The app's long-lived services, built once at start-up and handed to the main window."""

    paths: AppPaths
    store: SettingsStore
    settings: Settings
    secrets: SecretStore
    demo: DemoSandbox
    # Told to the user once the window is up (an unusable settings file, no keychain...).
    notices: list[str] = field(default_factory=list)
    # Tests may route configured (non-demo) accounts to an emulator instead of the network.
    transport: httpx.AsyncBaseTransport | None = None
    # Production accounts the user agreed to change in this app session (asked once per account).
    confirmations: WriteConfirmations = field(default_factory=WriteConfirmations)
    drafts: DraftStore = field(init=False)
    # The workspace database; off until `workspace.start()` (build_context starts it when the
    # settings say to keep a local copy).
    workspace: LocalWorkspace = field(init=False)
    journal: Journal = field(init=False)   # every write, kept in the workspace (issue 18)

    def __post_init__(self) -> None:
        self.drafts = DraftStore(self.paths.drafts_dir)
        self.workspace = LocalWorkspace(self.paths.workspace_database, self.secrets, self.settings.team)
        self.journal = Journal(self.workspace, Author.here(self.settings.staff_name))

    def save_settings(self) -> str | None:
        """Save the settings; returns a message for the user when that failed."""
        try:
            self.store.save(self.settings)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            return f"Settings could not be saved to {self.store.path} ({exc.strerror or exc})."
        return None


def build_context(paths: AppPaths) -> AppContext:
    """The app's services over `paths`: settings (with any problem reading them as a notice), the
    keychain, the demo accounts and the workspace database (opening)."""
    store = SettingsStore(paths.settings_file)
    loaded = store.load()
    context = AppContext(paths=paths, store=store, settings=loaded.settings, secrets=default_secret_store(),
                         demo=DemoSandbox(paths.demo_dir))
    if loaded.problem:
        context.notices.append(loaded.problem)
    if context.settings.team is None and context.settings.keep_local_copy and warm_start.holds(
            context.settings.last_account_id, paths.workspace_database):
        context.workspace.start_later()   # opened once the copy read at start is shown (workspace.py)
    elif context.settings.keep_local_copy or context.settings.team is not None:
        context.workspace.start()   # opens on its own thread while the window is built
    return context
