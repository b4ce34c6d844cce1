"""Where the user's files live: platformdirs folders, or beside the program in portable mode.

Settings and logs live in the application's own (hidden) folders. What the officer makes and looks
for — new workspaces, exported workbooks, reports, packages — goes to a visible documents folder:
``Documents/Kế hoạch Desktop`` (created on first use).

Portable mode (a USB stick holding the program and its workspace) is on when a file
named ``portable.txt`` stands next to the program (or ``KEHOACH_PORTABLE`` names a
folder); everything then lives in a ``data`` folder beside it, the documents folder too.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from kehoach_desktop import APP_ID

PORTABLE_MARKER = "portable.txt"
DOCUMENTS_FOLDER_NAME = "Kế hoạch Desktop"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    log_dir: Path
    portable: bool
    documents_root: Path | None = None  # None: a folder in data_dir (portable mode, tests)

    @property
    def documents_dir(self) -> Path:
        """The default folder of the officer's files (created when first used)."""
        return self.documents_root or self.data_dir / DOCUMENTS_FOLDER_NAME

    @property
    def default_workspace(self) -> Path:
        """Where a new workspace is proposed: in the documents folder, where people look for their files."""
        return self.documents_dir / "ke-hoach.khws"

    @property
    def legacy_workspace(self) -> Path:
        """Where earlier versions made the workspace (a hidden folder); one found there is opened there."""
        return self.data_dir / "workspace.khws"

    @property
    def demo_workspace(self) -> Path:
        return self.data_dir / "demo.khws"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "kehoach.log"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.ini"

    def ensure(self) -> None:
        for folder in (self.data_dir, self.config_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)


def _program_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0]).resolve().parent if sys.argv and sys.argv[0] else Path.cwd()


def app_paths() -> AppPaths:
    portable_root = os.environ.get("KEHOACH_PORTABLE")
    if not portable_root and (_program_dir() / PORTABLE_MARKER).is_file():
        portable_root = str(_program_dir())
    if portable_root:
        root = Path(portable_root) / "data"
        return AppPaths(root, root / "config", root / "logs", portable=True)
    import platformdirs

    return AppPaths(
        data_dir=Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
        portable=False,
        documents_root=Path(platformdirs.user_documents_dir()) / DOCUMENTS_FOLDER_NAME,
    )
