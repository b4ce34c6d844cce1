"""One running instance per workspace: an OS-level lock on a file beside the workspace.

The operating system releases the lock when the process dies, so a crash never leaves
a stale lock behind; the file also says who holds it, for the message.

A lock file is opened without following links (``O_NOFOLLOW``) and only if it is a plain file
with one name: a ``<workspace>.lock`` planted as a link to another file is refused, never
written through. Two names of one file (a hard link, a symbolic link, another path) are one
workspace: besides the lock beside the name, a second lock is keyed on the file's device and
inode, in a folder of the user's own (``kehoach-locks-<uid>`` in the temporary folder).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import stat
import tempfile
from pathlib import Path
from typing import IO

from kehoach_desktop.domain.errors import WorkspaceError, WorkspaceLockedError, os_reason
from kehoach_desktop.i18n import _

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def lock_path_for(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".lock")


def _linked(path: Path) -> WorkspaceError:
    return WorkspaceError(
        _("The lock file {name} beside the workspace is a link to another file, so it was not used (that file is "
          "left as it is). Delete {name} — it holds nothing of value — and open the workspace again.").format(
            name=path.name))


def _open_lock_file(path: Path) -> IO[bytes]:
    """The lock file, opened for writing without following a link; refused unless a plain file with one name."""
    if path.is_symlink():  # also where O_NOFOLLOW does not exist (Windows)
        raise _linked(path)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | \
        getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _linked(path) from exc
        raise WorkspaceError(
            _("The folder {folder} cannot be written ({reason}). Choose a folder where you may "
              "save files, or ask the administrator for access.").format(
                folder=path.parent, reason=os_reason(exc))) from exc
    found = os.fstat(descriptor)
    if not stat.S_ISREG(found.st_mode) or found.st_nlink != 1:  # a hard link to another file
        os.close(descriptor)
        raise _linked(path)
    return os.fdopen(descriptor, "r+b")


def _identity_folder() -> Path | None:
    """The user's own folder of identity locks, or None where it cannot be made safely (then only names lock)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"kehoach-locks-{uid}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(found.st_mode) or (hasattr(os, "getuid") and (
            found.st_uid != uid or found.st_mode & 0o022)):  # another user's folder in a shared /tmp
        return None
    return folder


def _holder_message(name: str, holder: dict[str, object] | None) -> WorkspaceLockedError:
    return WorkspaceLockedError(
        _("The workspace {name} is already open in another window of Kế hoạch Desktop{holder}. "
          "Switch to that window, or close it and try again.").format(
            name=name, holder=_(" (on {host}, process {pid})").format(**holder) if holder else ""))


def _read_holder(path: Path) -> dict[str, object] | None:
    try:
        with _open_lock_file(path) as handle:
            data = json.loads(handle.read(4096).decode("utf-8") or "{}")
    except (OSError, ValueError, WorkspaceError):
        return None
    return data if isinstance(data, dict) and {"pid", "host"} <= set(data) else None


def _take_identity(workspace: Path) -> tuple[IO[bytes], Path] | None:
    """The lock keyed on the file's device and inode; None when there is no file yet or no safe folder for it."""
    try:
        found = workspace.stat()
    except OSError:
        return None  # a workspace being created: its hidden name is new, the name lock is enough
    folder = _identity_folder()
    if folder is None:
        return None
    path = folder / f"{found.st_dev:x}-{found.st_ino:x}.lock"
    handle = _open_lock_file(path)
    if not _try_lock(handle):
        handle.close()
        raise _holder_message(workspace.name, _read_holder(path))
    return handle, path


def _name_lock_held(path: Path) -> bool:
    """Whether another window holds the lock beside the workspace, found without creating or writing anything."""
    if path.is_symlink():
        raise _linked(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return False  # no lock file: nobody has it open (or the folder cannot even be read: nobody writes there)
    try:
        if _try_lock(handle):
            _unlock(handle)
            return False
        return True
    finally:
        handle.close()


class ReadLock:
    """Held while a workspace is read without being opened for writing (``storage/readonly.py``).

    Nothing is written beside the workspace: the lock beside it is only tested; the lock on the
    file's identity (in the user's own folder) keeps the application's windows from opening it for
    writing while it is read. ``in_use`` says whether another window had it open already.
    """

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.in_use = False
        self._identity: tuple[IO[bytes], Path] | None = None

    def acquire(self) -> bool:
        self.in_use = _name_lock_held(lock_path_for(self.workspace))
        if not self.in_use:
            try:
                self._identity = _take_identity(self.workspace)
            except WorkspaceLockedError:
                self.in_use = True
        return self.in_use

    def release(self) -> None:
        if self._identity is not None:
            handle, _path = self._identity
            self._identity = None
            try:
                _unlock(handle)
            finally:
                handle.close()

    @property
    def held(self) -> bool:
        return self._identity is not None

    def __del__(self) -> None:
        self.release()


class WorkspaceLock:
    """Held while a workspace is open; ``release()`` (or garbage collection) frees it."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.path = lock_path_for(workspace)
        self._handle: IO[bytes] | None = None
        self._identity: IO[bytes] | None = None
        self._identity_path: Path | None = None

    def acquire(self) -> None:
        handle = _open_lock_file(self.path)
        if not _try_lock(handle):
            handle.close()
            raise _holder_message(self.workspace.name, _read_holder(self.path))
        try:
            self._lock_identity()
        except BaseException:
            _unlock(handle)
            handle.close()
            raise
        holder = json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode()
        for locked in (handle, self._identity):
            if locked is not None:
                locked.seek(0)
                locked.truncate()
                locked.write(holder)
                locked.flush()
        self._handle = handle

    def _lock_identity(self) -> None:
        """The second lock, on the file itself: another name of the same workspace is the same workspace."""
        taken = _take_identity(self.workspace)
        if taken is not None:
            self._identity, self._identity_path = taken

    def release(self) -> None:
        for handle, path in ((self._identity, self._identity_path), (self._handle, self.path)):
            if handle is None:
                continue
            try:
                _unlock(handle)
            finally:
                handle.close()
                if path == self.path:  # the identity file stays (a private folder): unlinking it would let two
                    with contextlib.suppress(OSError):  # processes lock two inodes of one name
                        path.unlink()
        self._handle = self._identity = None
        self._identity_path = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def __del__(self) -> None:
        self.release()
