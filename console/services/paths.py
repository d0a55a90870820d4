"""Every directory the app writes to, resolved in one place (platformdirs, or one override)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "CustomerConsole"
APP_AUTHOR = "CustomerConsole"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """Where settings, demo data and logs live."""

    config_dir: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def resolve(cls, override: Path | None = None) -> AppPaths:
        """The user's platform directories, or everything under `override` (portable use, tests)."""
        if override is not None:
            root = override.expanduser().resolve()
            return cls(config_dir=root, data_dir=root / "data", log_dir=root / "logs")
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        )

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"

    @property
    def drafts_dir(self) -> Path:
        return self.data_dir / "drafts"

    @property
    def workspace_database(self) -> Path:
        """The workspace database (SQLCipher); its WAL files and a key file may sit beside it."""
        return self.data_dir / "workspace.db"

    @property
    def log_file(self) -> Path:
        """The current log file; rotated ones sit beside it as `.1` to `.3`."""
        return self.log_dir / "customer-console.log"
