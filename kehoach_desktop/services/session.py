"""An open workspace as the UI and the CLI see it: its store behind a small set of use cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kehoach_desktop.domain.template import Template
from kehoach_desktop.services.dto import CityOverview, Overview, PlanOutline, WorkspaceSummary
from kehoach_desktop.services.read_models import get_city_overview, get_overview, get_plan_outline
from kehoach_desktop.services.workspace import (
    WorkspaceSetup,
    create_workspace,
    get_demo_today,
    get_workspace_summary,
    get_workspace_template,
    set_demo_today,
)
from kehoach_desktop.storage.engine import Store, open_store


class WorkspaceSession:
    """Owns the open store (and its lock) until :meth:`close`."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.path: Path = store.path
        self.backups_made = list(store.backups_made)
        self._demo_today = get_demo_today(uow_factory=store.uow)

    @property
    def is_demo(self) -> bool:
        return self._demo_today is not None

    def today(self) -> dt.date:
        """The day figures are computed for: the real date, or the demo's own day in a demo workspace."""
        return self._demo_today or dt.date.today()

    @property
    def uow_factory(self):  # type: ignore[no-untyped-def]
        return self._store.uow

    def summary(self) -> WorkspaceSummary:
        return get_workspace_summary(uow_factory=self._store.uow, path=self.path)

    def template(self) -> Template:
        return get_workspace_template(uow_factory=self._store.uow)

    def overview(self, today: dt.date | None = None) -> Overview:
        return get_overview(uow_factory=self._store.uow, today=today or self.today())

    def city_overview(self, today: dt.date | None = None) -> CityOverview:
        return get_city_overview(uow_factory=self._store.uow, today=today or self.today())

    def plan_outline(self, today: dt.date | None = None) -> PlanOutline | None:
        return get_plan_outline(uow_factory=self._store.uow, today=today or self.today())

    def close(self) -> None:
        self._store.close()


def open_workspace(path: Path) -> WorkspaceSession:
    return WorkspaceSession(open_store(path))


def new_workspace(path: Path, setup: WorkspaceSetup) -> WorkspaceSession:
    return WorkspaceSession(create_workspace(path=path, setup=setup))


def new_demo_workspace(path: Path, *, district_code: str = "006", scale: int = 1) -> WorkspaceSession:
    from kehoach_desktop.services.demo import DEMO_TODAY, create_demo_workspace

    store = create_demo_workspace(path=path, district_code=district_code, scale=scale, today=DEMO_TODAY)
    set_demo_today(uow_factory=store.uow, day=DEMO_TODAY)
    return WorkspaceSession(store)
