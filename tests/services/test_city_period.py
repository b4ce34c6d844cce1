"""Which package stands for a unit in the city's report of a period: exactly that period's, the accepted one
when the city has reviewed it, else the newest received; returned or absent: missing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.services import city_reports, sync
from kehoach_desktop.services.progress_data import get_progress_data
from kehoach_desktop.services.session import new_demo_workspace, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup, set_demo_today
from kehoach_desktop.storage.models import ReceivedPackage
from tests.services.city_fixtures import build_city
from tests.services.package_tools import private_key_of, repack

ON_TIME = dt.date(2021, 3, 20)  # the template's Q1 deadline is 25/03/2021


def _line(city, code: str, period: str = "2021-Q1"):  # type: ignore[no-untyped-def]
    data = city_reports.get_city_data(uow_factory=city.uow_factory, period=period, today=city.today())
    return next(u for u in data.units if u.code == code)


def _package_id(city, sha256: str) -> str:  # type: ignore[no-untyped-def]
    with city.uow_factory() as uow:
        return uow.session.scalars(select(ReceivedPackage.id).where(ReceivedPackage.sha256 == sha256)).one()


def test_the_newest_package_unless_an_older_one_was_accepted_and_none_once_returned(tmp_path: Path) -> None:
    built = build_city(tmp_path, districts=("006", "001"), received_on=ON_TIME)
    city = built.city
    try:
        first = sync.check_package(uow_factory=city.uow_factory, path=built.packages["006"])
        assert _line(city, "006").sequence == first.sequence
        newer = sync.import_package(uow_factory=city.uow_factory, path=built.newer)
        assert (_line(city, "006").sequence, _line(city, "006").review) == (newer.sequence, "received")
        # the city accepts the first package: its figures stand for the period, not the newer unreviewed one
        older_id = _package_id(city, sync.import_package(uow_factory=city.uow_factory,
                                                         path=built.packages["006"]).sha256)
        sync.decide_package(uow_factory=city.uow_factory, package_id=older_id, decision="accepted")
        line = _line(city, "006")
        assert (line.sequence, line.review, line.status) == (first.sequence, "accepted", "reported")
        # both returned: the unit has no report for the period, and no figures in the totals
        sync.decide_package(uow_factory=city.uow_factory, package_id=older_id, decision="returned", reason="Thiếu")
        sync.decide_package(uow_factory=city.uow_factory, package_id=_package_id(city, newer.sha256),
                            decision="returned", reason="Thiếu")
        line = _line(city, "006")
        assert (line.status, line.review, line.flows) == ("missing", "returned", None)
        data = city_reports.get_city_data(uow_factory=city.uow_factory, period="2021-Q1", today=city.today())
        assert data.totals_flows == _line(city, "001").flows  # 001 alone
    finally:
        city.close()


def test_a_unit_that_sent_only_a_first_quarter_package_has_no_half_year_figures(tmp_path: Path) -> None:
    built = build_city(tmp_path, districts=("006",), received_on=ON_TIME)
    try:
        data = city_reports.get_city_data(uow_factory=built.city.uow_factory, period="2021-H1",
                                          today=built.city.today())
        line = next(u for u in data.units if u.code == "006")
        assert (line.status, line.flows, line.stocks) == ("missing", None, None)
        assert data.totals_flows.tasks_completed == 0 and data.totals_stocks.tasks_total == 0
        assert _line(built.city, "006").status == "reported"  # its Q1 is there
    finally:
        built.city.close()


def test_a_package_of_an_earlier_version_is_counted_from_the_units_records(tmp_path: Path) -> None:
    """A package without data/report.json (written before it existed): the city computes the unit's figures
    of the period from the records the package brought, as of the period's last day."""
    district = new_demo_workspace(tmp_path / "d.khws")
    try:
        genuine = tmp_path / "new.khsync"
        sync.export_sync_package(uow_factory=district.uow_factory, out=genuine, period="2021-Q1",
                                 today=district.today())
        old = repack(genuine, tmp_path / "old.khsync", private_key_of(district),
                     edit_files=lambda files: files.pop("data/report.json"))
        own = get_progress_data(uow_factory=district.uow_factory, period="2021-Q1", today=district.today())
    finally:
        district.close()
    city = new_workspace(tmp_path / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    try:
        set_demo_today(uow_factory=city.uow_factory, day=dt.date(2021, 9, 20))
        sync.import_package(uow_factory=city.uow_factory, path=old, trust_new_keys=True)
        line = _line(city, "006")
        assert (line.source, line.data_sha256, line.as_of) == ("records", "", dt.date(2021, 3, 31))
        assert (line.flows, line.stocks) == (own.flows, own.stocks)
    finally:
        city.close()


def test_the_units_line_carries_its_package_figures_and_plan_as_the_unit_printed_them(tmp_path: Path) -> None:
    district = new_demo_workspace(tmp_path / "d.khws")
    try:
        package = tmp_path / "q1.khsync"
        sync.export_sync_package(uow_factory=district.uow_factory, out=package, period="2021-Q1",
                                 today=district.today())
        own = get_progress_data(uow_factory=district.uow_factory, period="2021-Q1", today=district.today())
    finally:
        district.close()
    city = new_workspace(tmp_path / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    try:
        set_demo_today(uow_factory=city.uow_factory, day=dt.date(2021, 9, 20))
        sync.import_package(uow_factory=city.uow_factory, path=package, trust_new_keys=True)
        line = _line(city, "006")
        assert (line.source, line.as_of) == ("package", dt.date(2021, 3, 31))
        assert (line.flows, line.stocks, line.plan) == (own.flows, own.stocks, own.plan)
        assert line.plan is not None and line.plan.issue_date == dt.date(2021, 1, 20)  # the demo plan's
    finally:
        city.close()
