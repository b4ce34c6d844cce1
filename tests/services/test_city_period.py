"""Which package stands for a unit in the city's report of a period: exactly that period's, the accepted one
when the city has reviewed it, else the newest received; returned or absent: missing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from kehoach_desktop.services import city_reports, sync
from kehoach_desktop.storage.models import ReceivedPackage
from tests.services.city_fixtures import build_city

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
