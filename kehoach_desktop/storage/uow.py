"""The unit of work: one transaction per user action.

Leaving ``with uow:`` without ``uow.commit()`` rolls back, whether the block ended
normally or by an exception. A known write failure (disk full, file locked or read-only,
an out-of-range number) leaves the block as a :class:`UserFacingError` that says so
(``storage/failures.py``), after the rollback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from kehoach_desktop.domain.errors import ConcurrentEditError
from kehoach_desktop.i18n import _
from kehoach_desktop.storage.failures import user_error_for

Edited = list[tuple[type, Any, list[str]]]
"""The records about to be updated: their class, primary key and the attributes changed."""


def _edited(session: Session) -> Edited:
    edited: Edited = []
    for obj in session.dirty:
        state = inspect(obj)
        if state.identity is None or "version" not in state.mapper.columns:
            continue
        changed = [attr.key for attr in state.attrs
                   if attr.key not in ("version", "updated_at") and attr.history.has_changes()]
        edited.append((type(obj), state.identity, changed))
    return edited


def _shown(value: object) -> str:
    text = "—" if value is None or value == "" else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def concurrent_edit_error(session_factory: sessionmaker[Session], edited: Edited) -> ConcurrentEditError:
    """The error for an edit that lost the race: it says so and lists the newer values now saved."""
    details: list[str] = []
    if edited:
        with session_factory() as fresh:
            for cls, identity, changed in edited:
                current = fresh.get(cls, identity)
                if current is None:
                    details.append(_("The record was deleted meanwhile."))
                    continue
                for key in changed:
                    details.append(_("{field}: now “{value}”").format(field=key, value=_shown(getattr(current, key))))
    return ConcurrentEditError(
        _("This record was changed by someone else since you opened it, so your change was not saved (nothing was "
          "overwritten). Here are the newer values; refresh, check them and make your change again."),
        details=details)


class UnitOfWork:
    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self._committed = False
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, StaleDataError):  # an autoflush met a newer version before commit
            raise concurrent_edit_error(self._session_factory, []) from exc
        if exc is not None:
            known = user_error_for(exc, self._path())
            if known is not None and known is not exc:
                raise known from exc

    def commit(self) -> None:
        edited = _edited(self.session)
        try:
            self.session.commit()
        except StaleDataError as exc:
            self.session.rollback()
            raise concurrent_edit_error(self._session_factory, edited) from exc
        self._committed = True

    def _path(self) -> Path | None:
        bind = self._session_factory.kw.get("bind")
        database = getattr(getattr(bind, "url", None), "database", None)
        return Path(database) if bind is not None and bind.url.get_backend_name() == "sqlite" and database else None

    def rollback(self) -> None:
        self.session.rollback()


UnitOfWorkFactory = Callable[[], UnitOfWork]
