"""Copies of a live workspace through SQLite's online backup API, verified before use; restore by file swap.

A backup is ``<stem>-<YYYYmmdd-HHMMSS-ffffff>-<reason>.khws`` with a small sidecar
``<backup>.json`` (reason, time, size, schema revision, integrity result). It is written as
``.partial``, checked with ``PRAGMA integrity_check`` and only then renamed, so a listed
backup is always a whole, verified file. A backup is a self-contained file (rollback
journal mode, no ``-wal`` beside it).

Restoring builds the new file beside the workspace, checks it, empties the old file's
write-ahead log into it and swaps the files with one atomic rename: a crash at any moment
leaves either the old workspace or the restored one, never a mix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kehoach_desktop.domain.errors import (
    DiskFullError,
    WorkspaceCorruptError,
    WorkspaceError,
    WorkspaceTooNewError,
    os_reason,
)
from kehoach_desktop.i18n import _
from kehoach_desktop.storage.failures import user_error_for

BACKUP_SUFFIX = ".khws"
SIDECAR_SUFFIX = ".json"
_STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.*)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z0-9-]+)\.khws$")


@dataclass(frozen=True)
class BackupFile:
    """What is known about one backup file (from its sidecar, else from its name)."""

    path: Path
    taken_at: dt.datetime  # local time, naive
    reason: str
    size: int
    verified: bool | None  # True: passed integrity_check when made; None: not known (no sidecar)
    schema: str | None


def backups_dir_for(workspace: Path) -> Path:
    return workspace.with_name(workspace.stem + "-backups")


def sidecar_of(backup: Path) -> Path:
    return backup.with_name(backup.name + SIDECAR_SUFFIX)


def _ro_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles for this)."""
    if os.name == "nt":  # pragma: no cover
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_database(source: Path, target: Path) -> str:
    """Copy ``source`` into the new file ``target`` page by page; return the copy's integrity result."""
    reader = sqlite3.connect(_ro_uri(source), uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            reader.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            result = str(copy.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            copy.close()
    finally:
        reader.close()
    _fsync_file(target)
    return result


def _schema_of(path: Path) -> str | None:
    with contextlib.closing(sqlite3.connect(_ro_uri(path), uri=True)) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return None
    return str(row[0]) if row and row[0] else None


def _failure(exc: BaseException, *, what: Path, folder: Path) -> WorkspaceError:
    known = user_error_for(exc, what)
    if isinstance(known, WorkspaceCorruptError):
        return known
    if isinstance(known, DiskFullError):
        return DiskFullError(
            _("The copy could not be written to {folder}: the disk is full. Free some space there or choose another "
              "folder; the workspace itself was not changed.").format(folder=folder))
    reason = os_reason(exc)
    return WorkspaceError(_("A copy of {name} could not be written to {folder}: {reason}. The workspace itself was "
                            "not changed.").format(name=what.name, folder=folder, reason=reason))


def backup_workspace(workspace: Path, reason: str, destination: Path | None = None, *,
                     now: dt.datetime | None = None) -> Path:
    """Copy ``workspace`` (safe while it is open) and check the copy's integrity.

    Returns the path of the verified copy; raises :class:`WorkspaceError` (a
    :class:`DiskFullError` when the disk is full) and leaves no partial file when the copy
    cannot be made.
    """
    folder = destination or backups_dir_for(workspace)
    taken_at = now or dt.datetime.now()
    target = folder / f"{workspace.stem}-{taken_at.strftime(_STAMP_FORMAT)}-{reason}{BACKUP_SUFFIX}"
    partial = target.with_name(target.name + ".partial")
    sidecar = sidecar_of(target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        result = _copy_database(workspace, partial)
        if result != "ok":
            raise WorkspaceCorruptError(
                _("The copy of {name} failed its integrity check: the workspace itself may be damaged. Restore "
                  "the newest good backup.").format(name=workspace.name))
        meta = {"reason": reason, "taken_at": taken_at.isoformat(), "size": partial.stat().st_size,
                "verified": True, "integrity": result, "schema": _schema_of(partial), "workspace": workspace.name}
        sidecar.write_text(json.dumps(meta, indent=1), encoding="utf-8")
        partial.replace(target)
        fsync_dir(folder)
    except WorkspaceError:
        partial.unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)
        raise _failure(exc, what=workspace, folder=folder) from exc
    return target


def read_backup(path: Path) -> BackupFile:
    """What the sidecar (or, without one, the file name) says about the backup ``path``."""
    size = path.stat().st_size
    meta: dict[str, object] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(sidecar_of(path).read_text(encoding="utf-8"))
        meta = loaded if isinstance(loaded, dict) else {}
    match = _NAME.match(path.name)
    taken_at: dt.datetime | None = None
    with contextlib.suppress(TypeError, ValueError):
        taken_at = dt.datetime.fromisoformat(str(meta["taken_at"])) if "taken_at" in meta else None
    if taken_at is None and match:
        with contextlib.suppress(ValueError):
            taken_at = dt.datetime.strptime(match["stamp"], _STAMP_FORMAT)
    if taken_at is None:
        taken_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
    reason = str(meta.get("reason") or (match["reason"] if match else ""))
    verified = meta.get("verified") is True and meta.get("size") == size
    return BackupFile(path=path, taken_at=taken_at.replace(tzinfo=None), reason=reason, size=size,
                      verified=True if verified else None,
                      schema=str(meta["schema"]) if meta.get("schema") else None)


def made_by_rotation(backup: Path, workspace: Path) -> bool:
    """Whether ``backup`` is one of ``workspace``'s own backups by its name (a file put there by hand is not)."""
    match = _NAME.match(backup.name)
    return bool(match) and match["stem"] == workspace.stem


def list_backup_files(folder: Path) -> list[BackupFile]:
    """The backups in ``folder``, newest first (unfinished ``.partial`` files are not backups)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{BACKUP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if path.is_file():
                found.append(read_backup(path))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def delete_backup(path: Path) -> None:
    path.unlink(missing_ok=True)
    sidecar_of(path).unlink(missing_ok=True)


def check_backup(path: Path, known_revisions: set[str]) -> str:
    """Check that ``path`` is a whole workspace this version can open; return its schema revision."""
    damaged = WorkspaceCorruptError(_("The backup {name} is damaged and cannot be restored. Choose another "
                                      "backup.").format(name=path.name))
    if not path.is_file():
        raise WorkspaceError(_("The backup {path} does not exist.").format(path=path))
    try:
        with contextlib.closing(sqlite3.connect(_ro_uri(path), uri=True)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "workspace"} <= tables:
                raise WorkspaceError(_("{name} is not a backup of a Kế hoạch Desktop workspace.").format(
                    name=path.name))
            if str(connection.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
                raise damaged
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise damaged from exc
    if not row or not row[0]:
        raise damaged
    if str(row[0]) not in known_revisions:
        raise WorkspaceTooNewError(_("The backup {name} was made by a newer version of Kế hoạch Desktop. Install "
                                     "that version to restore it.").format(name=path.name))
    return str(row[0])


def _side_files(workspace: Path) -> tuple[Path, Path]:
    return workspace.with_name(workspace.name + "-wal"), workspace.with_name(workspace.name + "-shm")


def set_aside(workspace: Path, folder: Path, *, now: dt.datetime | None = None) -> Path:
    """Copy a (possibly damaged) workspace and its write-ahead log as they are, byte for byte."""
    stamp = (now or dt.datetime.now()).strftime(_STAMP_FORMAT)
    target = folder / f"{workspace.stem}-{stamp}-damaged{BACKUP_SUFFIX}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(workspace, target)
        wal = _side_files(workspace)[0]
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
        _fsync_file(target)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise _failure(exc, what=workspace, folder=folder) from exc
    return target


def _empty_write_ahead_log(workspace: Path) -> None:
    """Move committed pages from the ``-wal`` into the file and truncate it, so the file alone is the state."""
    connection = sqlite3.connect(workspace)
    try:
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise WorkspaceError(_("{name} is being used by another program; close it and try again.").format(
                name=workspace.name))
    finally:
        connection.close()


def replace_workspace(workspace: Path, backup: Path, *, damaged: bool = False) -> None:
    """Put a verified copy of ``backup`` in place of ``workspace`` with one atomic rename.

    The caller holds the workspace lock and has no connection open to it, and has already
    backed up (or, when ``damaged``, set aside) the current file.
    """
    staging = workspace.with_name(workspace.name + ".restoring")
    staging.unlink(missing_ok=True)
    try:
        result = _copy_database(backup, staging)
        if result != "ok":
            raise WorkspaceCorruptError(_("The backup {name} is damaged and cannot be restored. Choose another "
                                          "backup.").format(name=backup.name))
        if workspace.exists() and not damaged:
            _empty_write_ahead_log(workspace)
        for side in _side_files(workspace):
            side.unlink(missing_ok=True)
        os.replace(staging, workspace)
        fsync_dir(workspace.parent)
    except WorkspaceError:
        staging.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as exc:
        staging.unlink(missing_ok=True)
        raise _failure(exc, what=workspace, folder=workspace.parent) from exc
