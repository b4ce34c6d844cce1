"""The city's completeness board over the packages of three demo districts (006, 001, 271)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kehoach_desktop.domain.errors import UserFacingError, ValidationError
from kehoach_desktop.services import sync
from kehoach_desktop.services.city_board import BoardCache, get_completeness_board, units_to_remind
from kehoach_desktop.services.materials import MaterialFilter, query_materials
from kehoach_desktop.services.registers import SortSpec
from kehoach_desktop.services.unit_view import unit_view_factory
from kehoach_desktop.storage.models import AuditEntry
from tests.services.city_fixtures import DISTRICTS, PERIOD, CityWithDistricts, build_city, set_received_on

DEADLINE = dt.date(2021, 3, 25)  # of 2021-Q1 in the built-in template
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CityWithDistricts]:
    built = build_city(tmp_path_factory.mktemp("city"))
    try:
        yield built
    finally:
        built.city.close()


def _cell(city: CityWithDistricts, code: str, period: str = PERIOD, today: dt.date = dt.date(2021, 9, 20)):  # type: ignore[no-untyped-def]
    board = get_completeness_board(uow_factory=city.city.uow_factory, today=today)
    return board.row(code).cell(period)


def test_timeliness_at_the_deadline_boundaries(city: CityWithDistricts) -> None:
    set_received_on(city.city, DEADLINE)
    assert _cell(city, "006").timeliness == "on_time"
    assert _cell(city, "006").received_on == DEADLINE
    set_received_on(city.city, DEADLINE + DAY, "006")
    assert _cell(city, "006").timeliness == "late"
    assert _cell(city, "001").timeliness == "on_time"
    # a unit that sent nothing: not yet due up to the deadline day, missing from the next day
    assert _cell(city, "002", today=DEADLINE).timeliness == "not_due"
    assert _cell(city, "002", today=DEADLINE + DAY).timeliness == "missing"
    assert _cell(city, "006").sequence == 1 and _cell(city, "006").package_id


def test_totals_equal_the_sum_of_each_districts_own_figures(city: CityWithDistricts) -> None:
    board = get_completeness_board(uow_factory=city.city.uow_factory, today=dt.date(2021, 9, 20))
    for code in DISTRICTS:
        dump = city.dumps[code]
        figures = board.row(code).figures
        materials = [m for m in dump["materials"] if m["deleted_at"] is None]
        events = [e for e in dump["events"] if e["deleted_at"] is None]
        plan = dump["plans"][-1]
        tasks = [t for t in plan["tasks"] if t["deleted_at"] is None]
        assert figures.materials_total == len(materials)
        assert figures.materials_quantity == sum(m["quantity"] for m in materials)
        assert {c.code: c.count for c in figures.materials_by_type} == Counter(m["type"] for m in materials)
        assert {c.code: c.amount for c in figures.materials_by_status} == _sum_by(materials, "status", "quantity")
        held = [e for e in events if e["status"] == "held"]
        assert (figures.events_total, figures.events_held) == (len(events), len(held))
        assert figures.participants == sum(e["actual_participants"] or 0 for e in held)
        assert figures.tasks_total == len(tasks)
        assert figures.tasks_done == sum(1 for t in tasks if t["status"] == "done")
        assert figures.budget_planned == sum(t["budget"] for t in tasks)
        assert figures.budget_spent == sum(t["spent"] for t in tasks)
        assert board.row(code).plan_number == f"{plan['number']}/{plan['symbol']}"
    rows = [board.row(code).figures for code in DISTRICTS]
    assert board.totals.materials_total == sum(f.materials_total for f in rows)
    assert board.totals.participants == sum(f.participants for f in rows)
    assert board.totals.budget_spent == sum(f.budget_spent for f in rows)
    assert board.totals.plans_issued == 3
    assert all(r.figures.materials_total == 0 for r in board.rows if r.code not in DISTRICTS)


def _sum_by(rows: list[dict[str, Any]], key: str, amount: str) -> dict[str, int]:
    result: Counter[str] = Counter()
    for row in rows:
        result[row[key]] += row[amount]
    return dict(result)


def test_the_kinds_filter_comes_from_the_template(city: CityWithDistricts) -> None:
    board = get_completeness_board(uow_factory=city.city.uow_factory, today=dt.date(2021, 9, 20), kind="huyện")
    assert board.kinds == ("quận", "huyện", "thị xã")
    assert {r.kind for r in board.rows} == {"huyện"} and "271" in {r.code for r in board.rows}
    assert len(board.rows) == 17
    found = get_completeness_board(uow_factory=city.city.uow_factory, today=dt.date(2021, 9, 20), search="dong da")
    assert [r.code for r in found.rows] == ["006"]


def test_a_returned_report_shows_until_a_newer_package_arrives(city: CityWithDistricts) -> None:
    today = dt.date(2021, 9, 20)
    package_id = _cell(city, "006").package_id
    with pytest.raises(ValidationError):
        sync.decide_package(uow_factory=city.city.uow_factory, package_id=package_id, decision="returned", reason=" ")
    sync.decide_package(uow_factory=city.city.uow_factory, package_id=package_id, decision="returned",
                        reason="Thiếu số liệu sự kiện")
    cell = _cell(city, "006")
    assert (cell.timeliness, cell.reason) == ("returned", "Thiếu số liệu sự kiện")
    board = get_completeness_board(uow_factory=city.city.uow_factory, today=today)
    assert "006" in [r.code for r in units_to_remind(board, PERIOD)]
    with city.city.uow_factory() as uow:
        assert uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "package.decide")).all()
    cache = BoardCache()
    before = get_completeness_board(uow_factory=city.city.uow_factory, today=today, cache=cache)
    assert before == get_completeness_board(uow_factory=city.city.uow_factory, today=today)
    cached_006 = cache.entries["006"]
    sync.import_package(uow_factory=city.city.uow_factory, path=city.newer)
    after = get_completeness_board(uow_factory=city.city.uow_factory, today=today, cache=cache)
    assert after == get_completeness_board(uow_factory=city.city.uow_factory, today=today)
    assert cache.entries["006"] is not cached_006 and cache.entries["001"][0] == before_key(cache, "001")
    cell = _cell(city, "006")
    assert cell.timeliness != "returned" and cell.sequence == 2 and cell.decision == "received"
    sync.decide_package(uow_factory=city.city.uow_factory, package_id=cell.package_id, decision="accepted")
    assert _cell(city, "006").decision == "accepted"


def test_a_unit_view_reads_one_units_records_and_cannot_write(city: CityWithDistricts, tmp_path: Path) -> None:
    view = unit_view_factory(city.city.uow_factory, "271")
    page = query_materials(uow_factory=view, flt=MaterialFilter(), sort=SortSpec("type", False), limit=500)
    assert page.rows and {r.unit_code for r in page.rows} == {"271"}
    with pytest.raises(UserFacingError), view() as uow:
        uow.commit()


def before_key(cache: BoardCache, code: str) -> tuple[str, dt.date]:
    return cache.entries[code][0]
