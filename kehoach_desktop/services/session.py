"""An open workspace as the UI and the CLI see it: its store behind a small set of use cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kehoach_desktop.domain.template import Template
from kehoach_desktop.services.dto import CityOverview, Overview, PlanOutline, WorkspaceSummary
from kehoach_desktop.services.read_models import get_city_overview, get_overview, get_plan_outline
from kehoach_desktop.services.workspace import (
    TemplateChoice,
    WorkspaceSetup,
    create_workspace,
    get_demo_today,
    get_workspace_summary,
    get_workspace_template,
    set_demo_today,
)
from kehoach_desktop.storage.engine import Location, Store, open_store, open_store_readonly


class WorkspaceSession:
    """Owns the open store (and its lock) until :meth:`close`."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.path: Path | None = store.path  # None for a workspace on a database server
        self.location: str = store.location  # the file's path or the server's address (no password)
        self.backups_made = list(store.backups_made)
        self._demo_today = get_demo_today(uow_factory=store.uow)

    @property
    def is_demo(self) -> bool:
        return self._demo_today is not None

    def today(self) -> dt.date:
        """The day figures are computed for: the real date, or the demo's own day in a demo workspace."""
        return self._demo_today or dt.date.today()

    @property
    def is_server(self) -> bool:
        """True when the workspace is a shared database on a server (no file, no file lock, no built-in backups)."""
        return self._store.is_server

    @property
    def folder(self) -> Path:
        """Where file dialogs start: the workspace's folder, or the home folder for a server workspace."""
        return self.path.parent if self.path is not None else Path.home()

    @property
    def uow_factory(self):  # type: ignore[no-untyped-def]
        return self._store.uow

    def summary(self) -> WorkspaceSummary:
        return get_workspace_summary(uow_factory=self._store.uow, path=self.location)

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


def check_server_address(address: str) -> tuple[str, str | None]:
    """A PostgreSQL address as typed: the address without its password, and the password it held (if any).

    Raises :class:`WorkspaceError` saying what is wrong (not a ``postgresql`` address, no database).
    The password is for this session only: what is shown and remembered is the address without it.
    """
    from kehoach_desktop.domain.errors import WorkspaceError
    from kehoach_desktop.i18n import _
    from kehoach_desktop.storage.server import display_url, is_server_location, parse_server_url

    address = address.strip()
    if not is_server_location(address):
        raise WorkspaceError(_("Type the address of a PostgreSQL database, for example "
                               "postgresql+psycopg://officer@server:5432/kehoach."))
    try:
        url = parse_server_url(address)
    except ValueError as exc:  # e.g. a port that is not a number
        raise WorkspaceError(_("“{address}” is not a valid database address: check the port number and the "
                               "punctuation.").format(address=address.split("@")[-1])) from exc
    return display_url(url), url.password or None


def open_workspace(path: Location, *, password: str | None = None, read_only: bool = False) -> WorkspaceSession:
    """Open a workspace file, or a workspace on a PostgreSQL server (``path`` a ``postgresql+psycopg://`` URL).

    ``read_only``: for commands that only read (``dump``, a dry run): nothing is written, in the file or
    beside it; a read-only file, folder or medium, a backup, or a workspace open in another window, all read.
    """
    if read_only:
        return WorkspaceSession(open_store_readonly(path, password=password))
    return WorkspaceSession(open_store(path, password=password))


def new_workspace(path: Location, setup: WorkspaceSetup, *, password: str | None = None,
                  template: TemplateChoice | None = None) -> WorkspaceSession:
    return WorkspaceSession(create_workspace(path=path, setup=setup, password=password, template=template))


def new_demo_workspace(path: Location, *, district_code: str | None = None, scale: int = 1) -> WorkspaceSession:
    from kehoach_desktop.services.demo import DEMO_TODAY, create_demo_workspace

    store = create_demo_workspace(path=path, district_code=district_code, scale=scale, today=DEMO_TODAY)
    set_demo_today(uow_factory=store.uow, day=DEMO_TODAY)
    return WorkspaceSession(store)
