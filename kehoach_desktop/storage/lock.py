"""One running instance per workspace: an OS-level lock on a file beside the workspace.

The operating system releases the lock when the process dies, so a crash never leaves
a stale lock behind; the file also says who holds it, for the message.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path
from typing import IO

from kehoach_desktop.domain.errors import WorkspaceError, WorkspaceLockedError
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


class WorkspaceLock:
    """Held while a workspace is open; ``release()`` (or garbage collection) frees it."""

    def __init__(self, workspace: Path) -> None:
        self.path = lock_path_for(workspace)
        self._handle: IO[bytes] | None = None

    def acquire(self) -> None:
        try:
            handle = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        except OSError as exc:
            raise WorkspaceError(
                _("The folder {folder} cannot be written ({reason}). Choose a folder where you may "
                  "save files, or ask the administrator for access.").format(
                    folder=self.path.parent, reason=exc.strerror or exc)) from exc
        if not _try_lock(handle):
            holder = self._read_holder()
            handle.close()
            raise WorkspaceLockedError(
                _("The workspace {name} is already open in another window of Kế hoạch Desktop{holder}. "
                  "Switch to that window, or close it and try again.").format(
                    name=self.path.name.removesuffix(".lock"),
                    holder=_(" (on {host}, process {pid})").format(**holder) if holder else ""))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode())
        handle.flush()
        self._handle = handle

    def _read_holder(self) -> dict[str, object] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return None
        return data if {"pid", "host"} <= set(data) else None

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            _unlock(self._handle)
        finally:
            self._handle.close()
            self._handle = None
            with contextlib.suppress(OSError):
                self.path.unlink()

    @property
    def held(self) -> bool:
        return self._handle is not None

    def __del__(self) -> None:
        self.release()
