"""Low-level write failures (SQLite result codes, OS errors) turned into words a coordinator can act on.

SQLite reports a full disk, a file held by another program or a read-only file through
result codes; the operating system through ``errno``. Each known case becomes a
:class:`UserFacingError` that says what happened and what to do; anything else is left
alone (it is a bug, logged with its traceback). The transaction in flight was rolled back
by SQLite, so every message can promise that nothing was half-written.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError, StatementError

from kehoach_desktop.domain.errors import DiskFullError, UserFacingError, WorkspaceCorruptError, WorkspaceError
from kehoach_desktop.i18n import _

# primary SQLite result codes (the low byte of an extended code)
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

_MESSAGE_CODES = (  # for drivers or versions that give no result code
    ("database or disk is full", SQLITE_FULL),
    ("database is locked", SQLITE_BUSY),
    ("database table is locked", SQLITE_LOCKED),
    ("readonly database", SQLITE_READONLY),
    ("disk i/o error", SQLITE_IOERR),
    ("database disk image is malformed", SQLITE_CORRUPT),
    ("file is not a database", SQLITE_NOTADB),
    ("could not decode to utf-8", SQLITE_CORRUPT),  # text bytes garbled in the file (found by tests/fuzz)
    ("unable to open database file", SQLITE_CANTOPEN),
)


def sqlite_code(error: BaseException) -> int | None:
    """The primary SQLite result code of ``error`` (a driver error, or SQLAlchemy's wrapper of one)."""
    original = error.orig if isinstance(error, DBAPIError) else error
    if not isinstance(original, sqlite3.Error):
        return None
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(original).lower()
    for fragment, value in _MESSAGE_CODES:
        if fragment in text:
            return value
    return None


def _name(path: Path | None) -> str:
    return path.name if path is not None else _("the workspace")


def _folder(path: Path | None) -> str:
    return str(path.parent) if path is not None else _("its folder")


def disk_full(path: Path | None) -> DiskFullError:
    return DiskFullError(
        _("The disk that holds {name} is full, so the last change was not saved (nothing was half-written). "
          "Free some space on {folder} — empty the recycle bin, move old files away — and try again.").format(
            name=_name(path), folder=_folder(path)))


def _sqlite_failure(code: int, path: Path | None) -> UserFacingError | None:
    if code == SQLITE_FULL:
        return disk_full(path)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return WorkspaceError(
            _("{name} is being used by another program (a backup or synchronisation tool, an antivirus, another "
              "copy of the application), so the last change was not saved. Close that program or wait a moment, "
              "then try again.").format(name=_name(path)))
    if code == SQLITE_READONLY:
        return WorkspaceError(
            _("{name} has become read-only (the file or its folder was marked read-only, or the USB stick is "
              "write-protected), so the last change was not saved. Make it writable again, then restart the "
              "application.").format(name=_name(path)))
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN):
        return WorkspaceError(
            _("{name} could not be written (the disk or USB stick may have been removed or may be failing), so "
              "the last change was not saved. Check the disk, then restart the application.").format(
                name=_name(path)))
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return WorkspaceCorruptError(
            _("{name} is damaged. Close the application and restore the newest good backup (Backups page); "
              "the damaged file will be kept beside it.").format(name=_name(path)))
    return None


def _os_failure(error: OSError, path: Path | None) -> UserFacingError | None:
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return disk_full(path)
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return WorkspaceError(
            _("{folder} cannot be written (it is read-only, or you have no permission there). Choose a folder "
              "where you may save files, or ask the administrator for access.").format(folder=_folder(path)))
    if error.errno == errno.EIO:
        return WorkspaceError(
            _("{folder} could not be written (the disk or USB stick may have been removed or may be failing). "
              "Check the disk and try again.").format(folder=_folder(path)))
    return None


def user_error_for(error: BaseException, path: Path | None = None) -> UserFacingError | None:
    """The :class:`UserFacingError` that explains ``error``, or ``None`` when it is not a known failure.

    ``path`` names the workspace (or the file being written) in the message.
    """
    if isinstance(error, UserFacingError):
        return error
    if isinstance(error, OSError):
        return _os_failure(error, path)
    if isinstance(error, OverflowError) or (
            isinstance(error, StatementError) and isinstance(error.orig, OverflowError)):
        return UserFacingError(
            _("A number is too large to be stored (more than 19 digits); nothing was saved. Check the amounts "
              "and quantities you entered."))
    code = sqlite_code(error)
    return _sqlite_failure(code, path) if code is not None else None
