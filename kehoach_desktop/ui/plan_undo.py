"""Undo and redo of the plan editor: each command re-applies a before or after value through the services.

A change is written first (so a refused change never enters the stack and its message shows
where the user acted); the command pushed afterwards skips its first ``redo``. Consecutive
saves of the same text merge into one step, so one undo takes back a whole burst of typing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.services.changes import Changes

Write = Callable[[], Changes]
_MERGE_ID = 7301


class ServiceCommand(QUndoCommand):
    """One edit of the plan, already applied when pushed."""

    def __init__(self, text: str, *, undo: Write, redo: Write, notify: Callable[[Changes], None],
                 on_error: Callable[[UserFacingError], None], merge_key: str | None = None) -> None:
        super().__init__(text)
        self._undo = undo
        self._redo = redo
        self._notify = notify
        self._on_error = on_error
        self.merge_key = merge_key
        self._applied = True

    def redo(self) -> None:
        if self._applied:  # the change was written before the command was pushed
            self._applied = False
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, write: Write) -> None:
        try:
            changes = write()
        except UserFacingError as error:  # e.g. the plan was issued meanwhile
            self.setObsolete(True)
            self._on_error(error)
            return
        self._notify(changes)

    def id(self) -> int:
        return _MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ServiceCommand) or other.merge_key != self.merge_key or not self.merge_key:
            return False
        self._redo = other._redo
        return True
