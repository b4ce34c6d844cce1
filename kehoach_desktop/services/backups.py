"""Backups of the open workspace: automatic and rotating, by hand to any folder, and restore.

Other write paths that replace much data (imports) call :func:`make_backup` before they
apply anything::

    from kehoach_desktop.services.backups import make_backup
    make_backup(uow_factory=uow_factory, reason="before-excel-import")

Backups live in ``<workspace stem>-backups/`` beside the workspace and are rotated after
each new one (:func:`kehoach_desktop.domain.backups.backups_to_keep`). A copy made to
another folder (a USB stick) is not rotated.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from kehoach_desktop.domain.backups import BackupReason, BackupStamp, backups_to_keep, daily_backup_due, reason_label
from kehoach_desktop.domain.errors import WorkspaceCorruptError, WorkspaceError
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.storage.backup import (
    BackupFile,
    backup_workspace,
    backups_dir_for,
    check_backup,
    delete_backup,
    list_backup_files,
    made_by_rotation,
    read_backup,
    replace_workspace,
    set_aside,
)
from kehoach_desktop.storage.engine import open_store
from kehoach_desktop.storage.lock import WorkspaceLock
from kehoach_desktop.storage.models import AuditEntry, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  # local time
    reason: str  # a BackupReason value (or a newer version's code)
    size: int  # bytes
    verified: bool  # passed PRAGMA integrity_check when it was made
    schema: str | None

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)


@dataclass(frozen=True)
class RestoreOutcome:
    restored_from: Path
    previous_state: Path | None  # the backup (or the damaged file set aside) of what was replaced
    previous_was_damaged: bool


def _info(found: BackupFile) -> BackupInfo:
    return BackupInfo(path=found.path, taken_at=found.taken_at, reason=found.reason, size=found.size,
                      verified=found.verified is True, schema=found.schema)


def workspace_path_of(uow_factory: UnitOfWorkFactory) -> Path | None:
    """The workspace file behind ``uow_factory`` (``None`` for a database that is not a SQLite file)."""
    with uow_factory() as uow:
        url = uow.session.get_bind().url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


def _reason_code(reason: str | BackupReason) -> str:
    return reason.value if isinstance(reason, BackupReason) else str(reason)


def backups_folder_of(workspace: Path) -> Path:
    """Where the automatic backups of ``workspace`` are kept (``<stem>-backups`` beside it)."""
    return backups_dir_for(workspace)


def list_backups(*, workspace: Path) -> tuple[BackupInfo, ...]:
    """The backups of ``workspace`` in its backups folder, newest first."""
    return tuple(_info(found) for found in list_backup_files(backups_dir_for(workspace)))


def newest_good_backup(*, workspace: Path, made_of_the_damage: Collection[Path] = ()) -> BackupInfo | None:
    """The newest verified backup (the one to offer when the workspace is damaged).

    ``made_of_the_damage``: backups taken of the damaged file itself while it was being opened
    (before a migration: its damage did not show until its records were read); never offered.
    """
    excluded = {path.name for path in made_of_the_damage}
    return next((b for b in list_backups(workspace=workspace)
                 if b.verified and b.reason != BackupReason.DAMAGED.value and b.path.name not in excluded), None)


def prune_backups(*, workspace: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete the automatic backups that rotation no longer keeps; return what was deleted."""
    found = list_backup_files(backups_dir_for(workspace))
    # never rotated away: a damaged file set aside, and any file someone put in the folder by hand
    rotated = [b for b in found if b.reason != BackupReason.DAMAGED.value and made_by_rotation(b.path, workspace)]
    keep = backups_to_keep([BackupStamp(b.path.name, b.taken_at) for b in rotated], now=now or dt.datetime.now())
    deleted = []
    for backup in rotated:
        if backup.path.name not in keep:
            delete_backup(backup.path)
            deleted.append(backup.path)
    if deleted:
        log.info("rotation deleted %d backups of %s", len(deleted), workspace.name)
    return deleted


def backup_file(*, workspace: Path, reason: str | BackupReason, now: dt.datetime | None = None) -> BackupInfo:
    """Back up the workspace file ``workspace`` into its backups folder, then rotate the folder."""
    made = backup_workspace(workspace, _reason_code(reason), now=now)
    try:
        prune_backups(workspace=workspace, now=now)
    except OSError:  # an old copy that cannot be deleted must not stop the import the backup was made for
        log.warning("rotation of the backups of %s failed", workspace, exc_info=True)
    return _info(read_backup(made))


def make_backup(*, uow_factory: UnitOfWorkFactory, reason: str | BackupReason,
                now: dt.datetime | None = None) -> BackupInfo | None:
    """Back up the open workspace (SQLite online backup API, verified) before a large change.

    Returns ``None`` when the database is not a file (a server database has its own backups).
    Raises :class:`WorkspaceError` (:class:`DiskFullError` when the disk is full) when the
    copy cannot be made: the caller should then not apply its change.
    """
    workspace = workspace_path_of(uow_factory)
    if workspace is None:
        return None
    return backup_file(workspace=workspace, reason=reason, now=now)


def backup_after(*, uow_factory: UnitOfWorkFactory, reason: str | BackupReason,
                 now: dt.datetime | None = None) -> BackupInfo | None:
    """A verified backup after a milestone that is already saved (a plan issued or revised).

    The change stands whatever happens to its backup: a copy that cannot be made is logged and
    ``None`` returned, as for a workspace on a server.
    """
    try:
        return make_backup(uow_factory=uow_factory, reason=reason, now=now)
    except WorkspaceError:
        log.warning("the backup after %s could not be made", _reason_code(reason), exc_info=True)
        return None


def last_change_at(*, uow_factory: UnitOfWorkFactory) -> dt.datetime | None:
    """When the workspace last changed: every write records an entry in the audit log."""
    with uow_factory() as uow:
        return uow.session.scalar(select(func.max(AuditEntry.at)))


def backup_if_changed(*, uow_factory: UnitOfWorkFactory, reason: str | BackupReason = BackupReason.AT_EXIT,
                      now: dt.datetime | None = None) -> BackupInfo | None:
    """Back up the workspace when something changed since its newest verified backup (at exit);
    ``None`` when nothing changed, for a workspace on a server, or when the copy cannot be made (logged)."""
    workspace = workspace_path_of(uow_factory)
    if workspace is None:
        return None
    changed = last_change_at(uow_factory=uow_factory)
    newest = next((b for b in list_backups(workspace=workspace) if b.verified), None)
    if changed is None or (newest is not None and newest.taken_at.astimezone() >= changed.astimezone()):
        return None
    return backup_after(uow_factory=uow_factory, reason=reason, now=now)


def backup_now_to(*, uow_factory: UnitOfWorkFactory, folder: Path, now: dt.datetime | None = None) -> BackupInfo:
    """A verified copy of the open workspace in ``folder`` (a USB stick, a shared drive), not rotated."""
    workspace = workspace_path_of(uow_factory)
    if workspace is None:
        raise WorkspaceError(_("This workspace is kept on a server; ask its administrator for a copy."))
    if folder.resolve() == backups_dir_for(workspace).resolve():
        return backup_file(workspace=workspace, reason=BackupReason.MANUAL, now=now)
    return _info(read_backup(backup_workspace(workspace, BackupReason.MANUAL.value, folder, now=now)))


def daily_backup_if_due(*, uow_factory: UnitOfWorkFactory, now: dt.datetime | None = None) -> BackupInfo | None:
    """Make the day's backup unless one was already made today; ``None`` when none was due."""
    workspace = workspace_path_of(uow_factory)
    if workspace is None:
        return None
    moment = now or dt.datetime.now()
    existing = list_backups(workspace=workspace)
    last = next((b.taken_at for b in existing if b.verified), None)
    if not daily_backup_due(last, now=moment):
        return None
    return backup_file(workspace=workspace, reason=BackupReason.DAILY, now=moment)


def restore_backup(*, workspace: Path, backup: Path, now: dt.datetime | None = None) -> RestoreOutcome:
    """Replace the closed workspace ``workspace`` by ``backup``, after backing up its current state.

    The workspace must not be open (close its session first; another instance holding it
    is refused). When the current file is damaged it is set aside byte for byte instead.
    The restored workspace is opened once (migrated if the backup is older) to record the
    restore in its audit log.
    """
    from kehoach_desktop.storage.migrate import known_revisions  # imports Alembic: only when restoring

    workspace = workspace.resolve()
    backup = backup.resolve()
    if backup == workspace:
        raise WorkspaceError(_("Choose a backup, not the workspace itself."))
    check_backup(backup, known_revisions())
    lock = WorkspaceLock(workspace)
    lock.acquire()
    damaged = False
    previous: Path | None = None
    try:
        if workspace.exists():
            try:
                previous = backup_workspace(workspace, BackupReason.BEFORE_RESTORE.value, now=now)
            except WorkspaceCorruptError:
                log.warning("workspace %s is damaged; setting it aside before the restore", workspace)
                previous = set_aside(workspace, backups_dir_for(workspace), now=now)
                damaged = True
        replace_workspace(workspace, backup, damaged=damaged)
    finally:
        lock.release()
    log.info("restored %s from %s (previous state in %s)", workspace, backup, previous)
    with open_store(workspace) as store, store.uow() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        audit.record(uow.session, unit_code=info.unit_code, action="workspace.restore", entity="workspace",
                     entity_id=info.id, summary=backup.name,
                     details={"backup": backup.name, "previous_state": previous.name if previous else None,
                              "previous_damaged": damaged})
        uow.commit()
    return RestoreOutcome(restored_from=backup, previous_state=previous, previous_was_damaged=damaged)
