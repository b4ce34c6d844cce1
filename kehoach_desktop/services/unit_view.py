"""A read-only view of one unit's records: how the city drills down into a district.

The services find "their" unit with :func:`workspace_unit`. A unit of work made by
:func:`unit_view_factory` names another unit in its session's ``info`` and refuses to commit,
so every page and service that works for a district's own workspace shows the city's copy of
that district's records, and cannot change them.
"""

from __future__ import annotations

import dataclasses
from types import TracebackType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.i18n import _
from kehoach_desktop.storage.models import WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWork, UnitOfWorkFactory

VIEWED_UNIT = "kehoach.viewed_unit"


def workspace_unit(session: Session) -> str:
    """The unit whose records the services work on: the workspace's own, or the one a view names."""
    viewed = session.info.get(VIEWED_UNIT)
    if viewed:
        return str(viewed)
    return session.scalars(select(WorkspaceInfo.unit_code)).one()


class _ReadOnlyUnitOfWork:
    """Wraps a unit of work: its session names the viewed unit, and commit is refused."""

    def __init__(self, inner: UnitOfWork, unit_code: str) -> None:
        self._inner = inner
        self._unit_code = unit_code

    def __enter__(self) -> _ReadOnlyUnitOfWork:
        self._inner.__enter__()
        self.session = self._inner.session
        self.session.info[VIEWED_UNIT] = self._unit_code
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        raise UserFacingError(_("These are the records of unit {unit} as it reported them; the city reads them "
                                "and cannot change them.").format(unit=self._unit_code))

    def rollback(self) -> None:
        self._inner.rollback()


def unit_view_factory(uow_factory: UnitOfWorkFactory, unit_code: str) -> UnitOfWorkFactory:
    """A unit-of-work factory over ``unit_code``'s records that can read but never write."""
    def factory() -> UnitOfWork:
        return _ReadOnlyUnitOfWork(uow_factory(), unit_code)  # type: ignore[return-value]

    return factory


class UnitViewSession:
    """What a page needs of a session (``uow_factory``, ``today()``, ``summary()``…), over one unit, read-only."""

    read_only = True

    def __init__(self, session: Any, *, unit_code: str, unit_full_name: str) -> None:
        self._session = session
        self.viewed_unit = unit_code
        self.unit_full_name = unit_full_name
        self.uow_factory = unit_view_factory(session.uow_factory, unit_code)
        self.path = session.path
        self.location = session.location
        self.folder = session.folder

    @property
    def is_demo(self) -> bool:
        return bool(self._session.is_demo)

    @property
    def is_server(self) -> bool:
        return bool(self._session.is_server)

    def today(self) -> Any:
        return self._session.today()

    def summary(self) -> Any:
        return dataclasses.replace(self._session.summary(), unit_code=self.viewed_unit,
                                   unit_full_name=self.unit_full_name, mode="district")

    def template(self) -> Any:
        return self._session.template()
