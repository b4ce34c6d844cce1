"""Errors a user can fix (shown in words a coordinator understands) versus bugs (logged)."""

from __future__ import annotations


class UserFacingError(Exception):
    """A failure the user can understand and act on.

    ``message`` is already translated; ``details`` lists the precise places (file,
    sheet, row, column) when there are several.
    """

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"- {line}" for line in self.details)


class TemplateError(UserFacingError):
    """A template file that cannot be used."""


class WorkspaceError(UserFacingError):
    """A workspace file that cannot be opened or written."""


class WorkspaceLockedError(WorkspaceError):
    """Another running instance has the workspace open."""


class WorkspaceTooNewError(WorkspaceError):
    """The workspace was written by a newer version of the application."""


class WorkspaceCorruptError(WorkspaceError):
    """The workspace file is damaged; a backup can replace it."""


class DiskFullError(WorkspaceError):
    """The disk (or USB stick) holding the workspace or a copy of it is full; nothing was half-written."""


class ValidationError(UserFacingError):
    """Data that breaks a domain rule."""


class ConcurrentEditError(UserFacingError):
    """Someone else (another window, another officer on the shared database) saved the record first.

    ``details`` lists the newer values; nothing of this change was saved.
    """
