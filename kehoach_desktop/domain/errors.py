"""Errors a user can fix (shown in words a coordinator understands) versus bugs (logged)."""

from __future__ import annotations

import errno

from kehoach_desktop.i18n import N_


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


_OS_WORDS = {
    errno.ENOSPC: N_("the disk is full"),
    getattr(errno, "EDQUOT", errno.ENOSPC): N_("the disk is full"),
    errno.EROFS: N_("the disk or USB stick is read-only"),
    errno.EACCES: N_("there is no permission to write or read there"),
    errno.EPERM: N_("there is no permission to write or read there"),
    errno.ENOENT: N_("the file or folder does not exist"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.EIO: N_("the disk could not be read or written (it may have been removed or be failing)"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EEXIST: N_("a file of that name exists already"),
    errno.EBUSY: N_("another program is using it"),
}


def os_reason(error: BaseException) -> str:
    """Why an operation on a file failed, in the user's language; the system's own words follow only as a quote.

    ``No space left on device`` becomes “the disk is full (“No space left on device”)”, so that an
    English system message never stands alone inside a Vietnamese sentence.
    """
    from kehoach_desktop.i18n import _

    detail = (error.strerror if isinstance(error, OSError) and error.strerror else str(error)).strip()[:200]
    words = _OS_WORDS.get(error.errno) if isinstance(error, OSError) and error.errno is not None else None
    if words is None:
        return _("the system said “{detail}”").format(detail=detail)
    return _("{words}; the system said “{detail}”").format(words=_(words), detail=detail)
