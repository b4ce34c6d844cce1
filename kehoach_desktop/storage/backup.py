"""Copies of a live workspace through SQLite's online backup API, verified before use."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from kehoach_desktop.domain.errors import WorkspaceError
from kehoach_desktop.i18n import _


def backups_dir_for(workspace: Path) -> Path:
    return workspace.with_name(workspace.stem + "-backups")


def backup_workspace(workspace: Path, reason: str, destination: Path | None = None) -> Path:
    """Copy ``workspace`` (safe while it is open) and check the copy's integrity.

    Returns the path of the verified copy; raises :class:`WorkspaceError` and leaves no
    partial file when the copy cannot be made.
    """
    folder = destination or backups_dir_for(workspace)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{workspace.stem}-{stamp}-{reason}.khws"
    partial = target.with_suffix(".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{workspace}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
                result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                copy.close()
        finally:
            source.close()
        if result != "ok":
            raise WorkspaceError(_("The backup copy of {name} failed its integrity check.").format(
                name=workspace.name))
        partial.replace(target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise WorkspaceError(_("A backup of {name} could not be written to {folder}: {reason}").format(
            name=workspace.name, folder=folder, reason=exc)) from exc
    return target
