"""A city workspace with the reports of three demo districts (006, 001, 271), built once per module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import update

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.services import sync
from kehoach_desktop.services.demo import DEMO_TODAY, create_demo_workspace
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup, set_demo_today
from kehoach_desktop.storage.models import ReceivedPackage

DISTRICTS = ("006", "001", "271")
PERIOD = "2021-Q1"


@dataclass
class CityWithDistricts:
    city: WorkspaceSession
    dumps: dict[str, dict[str, Any]]  # each district's own dump_workspace
    packages: dict[str, Path]
    newer: Path  # a second, not yet imported package of the first district for the same period


def build_city(folder: Path, districts: tuple[str, ...] = DISTRICTS, period: str = PERIOD,
               received_on: dt.date | None = None) -> CityWithDistricts:
    """Demo districts export their package for ``period``; the city imports them all (keys trusted)."""
    dumps, packages = {}, {}
    for code in districts:
        store = create_demo_workspace(path=folder / f"d{code}.khws", district_code=code, today=DEMO_TODAY)
        try:
            out = folder / f"{code}-{period}.khsync"
            sync.export_sync_package(uow_factory=store.uow, out=out, period=period, today=DEMO_TODAY)
            dumps[code] = dump_workspace(uow_factory=store.uow)
            packages[code] = out
            if code == districts[0]:
                newer = folder / f"{code}-{period}-2.khsync"
                sync.export_sync_package(uow_factory=store.uow, out=newer, period=period, today=DEMO_TODAY)
        finally:
            store.close()
    city = new_workspace(folder / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    set_demo_today(uow_factory=city.uow_factory, day=DEMO_TODAY)
    city.close()
    from kehoach_desktop.services.session import open_workspace

    city = open_workspace(folder / "city.khws")
    for code in districts:
        sync.import_package(uow_factory=city.uow_factory, path=packages[code], trust_new_keys=True)
    if received_on is not None:
        set_received_on(city, received_on)
    return CityWithDistricts(city, dumps, packages, newer)


def set_received_on(city: WorkspaceSession, day: dt.date, unit_code: str | None = None) -> None:
    """Pretend the packages arrived on ``day`` (at noon UTC: the same day in every time zone of offices)."""
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    with city.uow_factory() as uow:
        stmt = update(ReceivedPackage).values(received_at=moment)
        if unit_code is not None:
            stmt = stmt.where(ReceivedPackage.unit_code == unit_code)
        uow.session.execute(stmt)
        uow.commit()


def closing(city: CityWithDistricts) -> Iterator[CityWithDistricts]:
    try:
        yield city
    finally:
        city.city.close()
