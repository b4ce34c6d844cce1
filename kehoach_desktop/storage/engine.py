"""Opening and creating workspace stores: the engine, its pragmas, the lock, migrations.

One workspace is one SQLite file in WAL mode with ``foreign_keys=ON`` and
``synchronous=FULL``. Opening an older workspace backs it up, then migrates it;
a workspace from a newer version, a corrupt file or a file that is not a workspace
is refused with a clear message and left untouched.

A workspace may also live in a PostgreSQL database (a ``postgresql+psycopg://`` URL instead
of a path, ``storage/server.py``): the functions below take either.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kehoach_desktop.domain.errors import (
    DiskFullError,
    WorkspaceCorruptError,
    WorkspaceError,
    WorkspaceTooNewError,
    os_reason,
)
from kehoach_desktop.i18n import _
from kehoach_desktop.storage.failures import user_error_for
from kehoach_desktop.storage.lock import ReadLock, WorkspaceLock
from kehoach_desktop.storage.readonly import ReadOnlyFile, read_only_file
from kehoach_desktop.storage.schema import SCHEMA_HEAD
from kehoach_desktop.storage.server import (
    display_url,
    drop_workspace_schema,
    is_server_location,
    make_server_engine,
    migrate_if_older,
    parse_server_url,
    server_revision,
    upgrade_server,
)
from kehoach_desktop.storage.text_guard import refuse_control_characters
from kehoach_desktop.storage.uow import UnitOfWork

log = logging.getLogger(__name__)
SQLITE_HEADER = b"SQLite format 3\x00"
WORKSPACE_SUFFIX = ".khws"


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _driver_autocommit(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_migration_engine(path: Path) -> Engine:
    """An engine whose transactions cover schema changes too, for migrations.

    Python's sqlite3 module runs ``CREATE``/``DROP`` outside any transaction, so a migration
    killed half-way would leave a schema no version knows (and that the next attempt cannot
    migrate). Here the driver is left in autocommit and every transaction starts with an
    explicit ``BEGIN IMMEDIATE``: the whole upgrade commits at once, or not at all.
    """
    engine = make_engine(path)
    event.listen(engine, "connect", _driver_autocommit)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def upgrade_atomically(path: Path) -> None:
    from kehoach_desktop.storage.migrate import upgrade_to_head

    engine = make_migration_engine(path)
    try:
        with engine.begin() as connection:
            upgrade_to_head(connection)
    finally:
        engine.dispose()


Location = Path | str
"""A workspace file's path, or a database server's URL (``postgresql+psycopg://user@host/db``)."""


@dataclass
class Store:
    """An open workspace: its engine, sessions and lock. Close it when done.

    ``path`` is the workspace file, ``None`` for a database on a server (then ``url`` names it,
    without its password).
    """

    path: Path | None
    engine: Engine
    lock: WorkspaceLock | ReadLock | None
    session_factory: sessionmaker[Session] = field(init=False)
    backups_made: list[Path] = field(default_factory=list)
    url: str | None = None
    read_only: bool = False
    reader: ReadOnlyFile | None = None  # what a read-only store reads through (a copy to remove, or nothing)

    def __post_init__(self) -> None:
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self.session_factory, "before_flush", refuse_control_characters)

    @property
    def location(self) -> str:
        """What to show the user: the file's path or the server address (never a password)."""
        return str(self.path) if self.path is not None else str(self.url)

    @property
    def is_server(self) -> bool:
        return self.path is None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def close(self) -> None:
        self.engine.dispose()
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_folder_writable(folder: Path) -> None:
    if not folder.is_dir():
        raise WorkspaceError(_("The folder {folder} does not exist.").format(folder=folder))
    if not os.access(folder, os.W_OK):
        raise WorkspaceError(
            _("The folder {folder} is read-only. Copy the workspace to a folder where you may save "
              "files (for example Documents) and open it from there.").format(folder=folder))


def create_store(path: Location, *, password: str | None = None) -> Store:
    """Create a new, empty workspace file at ``path`` (or in an empty server database) with the current schema."""
    if isinstance(path, str):
        if is_server_location(path):
            return _create_server_store(path, password)
        path = Path(path)
    path = path.resolve()
    if path.exists():
        raise WorkspaceError(_("A file named {name} already exists in {folder}; choose another name.").format(
            name=path.name, folder=path.parent))
    _make_folder(path)
    _check_folder_writable(path.parent)
    lock = WorkspaceLock(path)
    lock.acquire()
    try:
        upgrade_atomically(path)
    except Exception:
        lock.release()
        _remove_files(path)
        raise
    return Store(path, make_engine(path), lock)


def _remove_files(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def staging_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.creating")


def _remove_stale_staging(staging: Path) -> None:
    """A crash during a creation leaves a hidden half-made file: remove it, unless a creation is under way."""
    if not staging.exists():
        return
    lock = WorkspaceLock(staging)
    lock.acquire()  # another window creating the same workspace right now: refused with its message
    try:
        _remove_files(staging)
    finally:
        lock.release()


def _create_server_store(location: str, password: str | None) -> Store:
    url = parse_server_url(location, password)
    engine = make_server_engine(url)
    try:
        if server_revision(engine, url) is not None:
            raise WorkspaceError(_("The database {url} already holds a workspace; choose an empty database.").format(
                url=display_url(url)))
        upgrade_server(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(None, engine, None, url=display_url(url))


@contextlib.contextmanager
def _building_server_store(location: str, password: str | None) -> Iterator[Store]:
    """A server workspace is made in its (empty) database; a failure empties the database again."""
    store = _create_server_store(location, password)
    try:
        yield store
    except BaseException:
        try:
            drop_workspace_schema(store.engine)
        finally:
            store.close()
        raise
    store.close()


@contextlib.contextmanager
def building_store(path: Location, *, password: str | None = None) -> Iterator[Store]:
    """Create a workspace under a hidden name; it appears at ``path`` only when the block ends without error.

    A crash at any moment leaves either no workspace at ``path`` or a complete one (never a
    half-filled one); the hidden leftover of a crash is removed by the next creation. The store
    yielded is closed when the block ends; open the new workspace with :func:`open_store`.
    For a server URL the workspace is made in the (empty) database, which is emptied again on failure.
    """
    if isinstance(path, str):
        if is_server_location(path):
            with _building_server_store(path, password) as store:
                yield store
            return
        path = Path(path)
    path = path.resolve()
    if path.exists():
        raise WorkspaceError(_("A file named {name} already exists in {folder}; choose another name.").format(
            name=path.name, folder=path.parent))
    _make_folder(path)
    _check_folder_writable(path.parent)
    staging = staging_path_for(path)
    _remove_stale_staging(staging)
    try:
        store = create_store(staging)
    except Exception as exc:
        failure = None if isinstance(exc, WorkspaceError) else _creation_failure(path, exc)
        if failure is not None:
            raise failure from exc
        raise
    try:
        yield store
        store.close()
        with contextlib.closing(sqlite3.connect(staging)) as connection:  # fold the -wal in: one whole file
            connection.execute("PRAGMA journal_mode=DELETE")
        if path.exists():
            raise WorkspaceError(_("A file named {name} already exists in {folder}; choose another name.").format(
                name=path.name, folder=path.parent))
        with open(staging, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(staging, path)
        from kehoach_desktop.storage.backup import fsync_dir

        fsync_dir(path.parent)
    except BaseException as exc:
        store.close()
        _remove_files(staging)
        if isinstance(exc, Exception) and not isinstance(exc, WorkspaceError):
            failure = _creation_failure(path, exc)
            if failure is not None:
                raise failure from exc
        raise


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(_("The folder {folder} cannot be made ({reason}). Choose a folder where you may save "
                               "files.").format(folder=path.parent, reason=os_reason(exc))) from exc


def _creation_failure(path: Path, error: Exception) -> WorkspaceError | None:
    """A known failure while a workspace was being made (a full disk, a folder that became read-only) in words;
    the half-made file is gone already."""
    known = user_error_for(error, path)
    if known is None:
        return None
    if isinstance(known, DiskFullError):
        return DiskFullError(_("The workspace {name} could not be created: the disk that holds {folder} is full. "
                               "Free some space there (or choose another folder) and try again; nothing was left "
                               "behind.").format(name=path.name, folder=path.parent))
    return WorkspaceError(_("The workspace {name} could not be created: {reason} Nothing was left behind.").format(
        name=path.name, reason=known.message))


def _looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _open_server_store(location: str, password: str | None) -> Store:
    url = parse_server_url(location, password)
    engine = make_server_engine(url)
    try:
        revision = server_revision(engine, url)
        if revision is None:
            raise WorkspaceError(_("The database {url} is empty: create a workspace in it first (kehoach init "
                                   "--database, or the set-up wizard).").format(url=display_url(url)))
        migrate_if_older(engine, url, revision)
    except BaseException:
        engine.dispose()
        raise
    return Store(None, engine, None, url=display_url(url))


def _existing_workspace_file(path: Path) -> Path:
    """``path`` resolved, once it is known to be an existing SQLite file; a refusal in words otherwise."""
    path = path.resolve()
    if not path.is_file():
        raise WorkspaceError(_("The workspace {path} does not exist.").format(path=path))
    try:
        is_sqlite = _looks_like_sqlite(path)
    except OSError as exc:
        raise WorkspaceError(_("The workspace {path} cannot be read: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    if not is_sqlite:
        raise WorkspaceError(
            _("{name} is not a Kế hoạch Desktop workspace (it is not a database file). Nothing was "
              "changed.").format(name=path.name))
    return path


def open_store(path: Location, *, password: str | None = None) -> Store:
    """Open an existing workspace, migrating it (after a backup) when it is older."""
    if isinstance(path, str):
        if is_server_location(path):
            return _open_server_store(path, password)
        path = Path(path)
    path = _existing_workspace_file(path)
    _check_folder_writable(path.parent)
    if not os.access(path, os.W_OK):
        raise WorkspaceError(
            _("The workspace {name} is read-only. Remove the read-only mark of the file (or copy it to "
              "another folder) and open it again.").format(name=path.name))
    lock = WorkspaceLock(path)
    lock.acquire()
    try:
        revision = _schema_revision(path)
    except BaseException:
        lock.release()
        raise
    store = Store(path, make_engine(path), lock)
    try:
        if revision != SCHEMA_HEAD:
            _migrate(store, revision)
    except BaseException:
        store.close()
        raise
    return store


def _schema_revision(path: Path, *, in_use: bool = False) -> str:
    """Read the schema revision without changing anything (``storage/readonly.py``): a foreign, damaged or newer
    file is refused exactly as it was, with no ``-wal`` or ``-shm`` left beside it."""
    corrupt = _("The workspace {name} is damaged and cannot be opened. Restore it from a backup "
                "(Sao lưu); the damaged file was left as it is.").format(name=path.name)
    try:
        source = read_only_file(path, in_use=in_use)
        connection = source.connect()
    except sqlite3.Error as exc:
        raise WorkspaceCorruptError(corrupt) from exc
    try:
        connection.execute("PRAGMA schema_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables or "workspace" not in tables:
            raise WorkspaceError(
                _("{name} is a database, but not a Kế hoạch Desktop workspace. Nothing was changed.").format(
                    name=path.name))
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower():
            raise WorkspaceError(
                _("The workspace {name} is locked by another program. Close the program that uses it "
                  "and try again.").format(name=path.name)) from exc
        raise WorkspaceCorruptError(corrupt) from exc
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # garbled names: found by tests/fuzz
        raise WorkspaceCorruptError(corrupt) from exc
    finally:
        connection.close()
        source.close()
    if not row or not row[0]:
        raise WorkspaceCorruptError(corrupt)
    return str(row[0])


def open_store_readonly(path: Location, *, password: str | None = None) -> Store:
    """Open a workspace file (or a backup) for reading only: nothing is written, beside it or in it.

    For the read-only commands (``dump``, ``excel import --dry-run``): a read-only file, a folder or
    medium that cannot be written, another window having it open, a backup — all read as they are.
    A workspace of an older version is not migrated (that writes): open it in the application first.
    A server location is opened as usual (a server has no file to leave untouched).
    """
    if isinstance(path, str):
        if is_server_location(path):
            return _open_server_store(path, password)
        path = Path(path)
    path = _existing_workspace_file(path)
    lock = ReadLock(path)
    in_use = lock.acquire()
    try:
        revision = _schema_revision(path, in_use=in_use)
        if revision != SCHEMA_HEAD:
            from kehoach_desktop.storage.migrate import known_revisions

            if revision not in known_revisions():
                raise WorkspaceTooNewError(
                    _("The workspace {name} was saved by a newer version of Kế hoạch Desktop. Install the newer "
                      "version to open it; nothing was changed.").format(name=path.name))
            raise WorkspaceError(
                _("The workspace {name} was saved by an earlier version of Kế hoạch Desktop. Open it once in the "
                  "application (it is upgraded after a backup), then try again; nothing was changed.").format(
                    name=path.name))
        reader = read_only_file(path, in_use=in_use)
    except BaseException:
        lock.release()
        raise
    engine = create_engine("sqlite://", creator=reader.connect, future=True)
    return Store(path, engine, lock, read_only=True, reader=reader)


def _migrate(store: Store, revision: str) -> None:
    assert store.path is not None
    from kehoach_desktop.storage.backup import backup_workspace
    from kehoach_desktop.storage.migrate import known_revisions

    if revision not in known_revisions():
        raise WorkspaceTooNewError(
            _("The workspace {name} was saved by a newer version of Kế hoạch Desktop. Install the newer "
              "version to open it; nothing was changed.").format(name=store.path.name))
    log.info("migrating %s from schema %s to %s", store.path, revision, SCHEMA_HEAD)
    store.backups_made.append(backup_workspace(store.path, "before-migration"))
    store.engine.dispose()
    upgrade_atomically(store.path)
