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

from sqlalchemy.orm import Session, sessionmaker

from kehoach_desktop.storage.failures import user_error_for


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
        if exc is not None:
            known = user_error_for(exc, self._path())
            if known is not None and known is not exc:
                raise known from exc

    def commit(self) -> None:
        self.session.commit()
        self._committed = True

    def _path(self) -> Path | None:
        bind = self._session_factory.kw.get("bind")
        database = getattr(getattr(bind, "url", None), "database", None)
        return Path(database) if bind is not None and bind.url.get_backend_name() == "sqlite" and database else None

    def rollback(self) -> None:
        self.session.rollback()


UnitOfWorkFactory = Callable[[], UnitOfWork]
