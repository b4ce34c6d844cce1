"""Reading a workspace file without changing anything: no byte of it, no ``-wal``/``-shm`` left beside it.

SQLite's ``mode=ro`` is not enough: on a database in WAL mode it creates ``-shm`` and ``-wal`` files
beside it (and leaves them), and on read-only media it cannot open at all. So:

- when another window of the application has the workspace open (its lock is held), its ``-wal``
  and ``-shm`` exist already: ``mode=ro`` reads alongside it, as SQLite means readers to;
- when nobody has it open and its journal is empty, ``immutable=1``: SQLite reads the file and
  nothing else, creates nothing and takes no lock (no one can be writing: we checked);
- when nobody has it open but a crash left a journal holding committed data, the file and its
  journal are copied to a private temporary folder and that copy is read.

Used by the read-only commands (``dump``, ``excel import --dry-run``), by the check of a
workspace's schema before it is opened, and so for backups, which are workspace files too.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kehoach_desktop.domain.errors import WorkspaceError, os_reason
from kehoach_desktop.i18n import _


@dataclass
class ReadOnlyFile:
    """How to connect to a workspace file for reading; ``close()`` removes what reading needed (a copy)."""

    uri: str
    copy_folder: Path | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
        connection.execute("PRAGMA query_only=1")
        return connection

    def close(self) -> None:
        if self.copy_folder is not None:
            shutil.rmtree(self.copy_folder, ignore_errors=True)
            self.copy_folder = None


def _journal_holds_data(path: Path) -> bool:
    for suffix in ("-wal", "-journal"):
        try:
            if path.with_name(path.name + suffix).stat().st_size > 0:
                return True
        except OSError:
            continue
    return False


def read_only_file(path: Path, *, in_use: bool) -> ReadOnlyFile:
    """Connect to ``path`` for reading only; ``in_use``: another window of the application has it open."""
    if in_use:
        return ReadOnlyFile(f"{path.as_uri()}?mode=ro")
    if not _journal_holds_data(path):
        return ReadOnlyFile(f"{path.as_uri()}?mode=ro&immutable=1")
    folder = Path(tempfile.mkdtemp(prefix="kehoach-read-"))
    copy = folder / path.name
    try:
        shutil.copyfile(path, copy)
        for suffix in ("-wal", "-journal"):
            journal = path.with_name(path.name + suffix)
            if journal.exists():
                shutil.copyfile(journal, copy.with_name(copy.name + suffix))
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise WorkspaceError(_("The workspace {name} cannot be read: its copy to the temporary folder failed "
                               "({reason}).").format(name=path.name, reason=os_reason(exc))) from exc
    # the copy recovers its journal as SQLite does after a crash, then is read; the original is untouched
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return ReadOnlyFile(f"{copy.as_uri()}?mode=ro", copy_folder=folder)


@contextlib.contextmanager
def reading(path: Path, *, in_use: bool) -> Iterator[sqlite3.Connection]:
    """One read-only connection to ``path`` (see :func:`read_only_file`), closed and cleaned up after."""
    source = read_only_file(path, in_use=in_use)
    try:
        connection = source.connect()
        try:
            yield connection
        finally:
            connection.close()
    finally:
        source.close()
