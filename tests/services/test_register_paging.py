"""How a page of the materials register is found (DESIGN P6): the plan chosen from the row counts,
the same rows in the same order whichever plan finds them, and SQLite really taking the planned path."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from kehoach_desktop.services import registers
from kehoach_desktop.services.materials import (
    MaterialFilter,
    create_material,
    iter_materials,
    material_totals,
    page_query,
    query_materials,
)
from kehoach_desktop.services.registers import NARROW, PAGE_SIZE, SCAN, WALK, SortSpec, page_plan
from tests.services.register_fixtures import banner, district  # noqa: F401

SORTS = [SortSpec("updated_at", descending=True), SortSpec("content"), SortSpec("cost", descending=True),
         SortSpec("quantity"), SortSpec("ward"), SortSpec("status_date"), SortSpec("planned_removal_on"),
         SortSpec("theme"), SortSpec("type", descending=True)]
FILTERS = [MaterialFilter(), MaterialFilter(types=("poster",)), MaterialFilter(search="chao mung"),
           MaterialFilter(ward="Phường Kim Liên", statuses=("installed",))]


# the choice ---------------------------------------------------------------------------------------
def test_a_broad_view_in_the_indexed_order_walks_the_index() -> None:
    assert page_plan(sort_indexed=True, matching=300_000, unit_rows=300_000, covered=True) == WALK
    # 1 row in 100 matches: a walk steps over about 20,000 rows, still the quickest
    assert page_plan(sort_indexed=True, matching=3_000, unit_rows=300_000, covered=False) == WALK


def test_a_rare_match_is_found_through_the_index_when_the_index_answers_the_filter() -> None:
    assert page_plan(sort_indexed=True, matching=2_999, unit_rows=300_000, covered=True) == NARROW
    assert page_plan(sort_indexed=False, matching=5_000, unit_rows=300_000, covered=True) == NARROW


def test_a_big_view_in_another_order_or_a_search_among_many_rows_reads_the_table_once() -> None:
    assert page_plan(sort_indexed=False, matching=300_000, unit_rows=300_000, covered=True) == SCAN
    assert page_plan(sort_indexed=False, matching=500, unit_rows=300_000, covered=False) == SCAN
    assert page_plan(sort_indexed=True, matching=500, unit_rows=300_000, covered=False) == SCAN


def test_a_unit_of_a_city_workspace_is_always_narrow_enough() -> None:
    # the city drills into one district: 10,000 of the 300,000 rows, whatever the filter
    for matching, covered in itertools.product((0, 1, 10_000), (True, False)):
        assert page_plan(sort_indexed=False, matching=matching, unit_rows=10_000, covered=covered) == NARROW


# the same rows whichever way --------------------------------------------------------------------
@pytest.fixture
def filled(district):  # noqa: F811
    f = district.uow_factory
    wards = ("Phường Láng Hạ", "Phường Kim Liên", "Phường Ô Chợ Dừa")
    for n in range(41):
        status = ("planned", "produced", "installed", "removed")[n % 4]
        dates = {"produced_on": dt.date(2021, 3, 1 + n % 5)} if n % 4 else {}
        if n % 4 >= 2:
            dates["installed_on"] = dt.date(2021, 3, 10 + n % 7)
        if n % 4 == 3:
            dates["removed_on"] = dt.date(2021, 4, 1 + n % 3)
        if n % 4 == 2 and n % 3:
            dates["planned_removal_on"] = dt.date(2021, 5, 1 + n % 2)
        create_material(uow_factory=f, values=banner(
            ("Chào mừng Đại hội số {n}" if n % 3 else "Bầu cử đại biểu số {n}").format(n=n % 9),
            type=("banner", "poster")[n % 2], quantity=n % 4 + 1, cost=(n % 6) * 1_000_000,
            ward=wards[n % 3], status=status, **dates))
    return district


def _pages(session, flt: MaterialFilter, sort: SortSpec, matching: int | None) -> list[str]:
    seen, after = [], None
    while True:
        page = query_materials(uow_factory=session.uow_factory, flt=flt, sort=sort, after=after, limit=4,
                               matching=matching)
        seen += [r.id for r in page.rows]
        if page.after is None:
            return seen
        after = page.after


@pytest.mark.parametrize("forced", [WALK, NARROW, SCAN])
def test_every_plan_pages_through_the_same_rows_in_the_same_order(filled, forced, monkeypatch) -> None:
    # the thresholds are moved so that these 41 rows take the plan under test where it applies
    monkeypatch.setattr(registers, "WALK_VISITS", 10**9 if forced == WALK else 0)
    monkeypatch.setattr(registers, "NARROW_ROWS", 10**9 if forced == NARROW else 0)
    for flt, sort in itertools.product(FILTERS, SORTS):
        expected = [r.id for r in iter_materials(uow_factory=filled.uow_factory, flt=flt, sort=sort)]
        matching = material_totals(uow_factory=filled.uow_factory, flt=flt).count
        assert len(expected) == matching and (matching > 0 or flt.ward)
        assert _pages(filled, flt, sort, matching) == expected, (flt, sort)
        assert _pages(filled, flt, sort, None) == expected, (flt, sort)


# SQLite takes the planned path ------------------------------------------------------------------
def _explain(session, flt: MaterialFilter, sort: SortSpec, plan: str) -> str:
    with session.uow_factory() as uow:
        s = uow.session
        if s.get_bind().dialect.name != "sqlite":
            pytest.skip("the plans shape SQLite's queries; PostgreSQL's planner weighs LIMIT itself")
        statement = page_query(s, flt, sort, None, PAGE_SIZE, plan)
        compiled = statement.compile(dialect=s.get_bind().dialect, compile_kwargs={"render_postcompile": True})
        params = tuple(compiled.construct_params()[name] for name in compiled.positiontup)
        connection = s.connection().connection.driver_connection
        return " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {compiled}", params))


def test_sqlite_walks_the_newest_first_index_without_sorting(filled) -> None:
    shown = _explain(filled, MaterialFilter(statuses=("installed",)), SortSpec("updated_at", descending=True), WALK)
    assert "ix_materials_recent" in shown and "TEMP B-TREE" not in shown, shown


def test_sqlite_finds_a_narrow_filter_through_an_index(filled) -> None:
    shown = _explain(filled, MaterialFilter(types=("poster",)), SortSpec("cost", descending=True), NARROW)
    assert shown.startswith("SEARCH materials USING") and "TEMP B-TREE FOR ORDER BY" in shown, shown


def test_sqlite_scans_the_table_once_for_a_big_view_in_another_order(filled) -> None:
    shown = _explain(filled, MaterialFilter(types=("poster",)), SortSpec("cost", descending=True), SCAN)
    assert shown.startswith("SCAN materials") and "INDEX" not in shown, shown


def test_paging_newest_first_holds_on_a_server_in_hanoi_time(district, monkeypatch) -> None:  # noqa: F811
    """The page key is bound as the column's own type: a ``timestamptz`` would be read in the server's zone."""
    if district._store.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL session's time zone; SQLite keeps none")
    for n in range(9):
        create_material(uow_factory=district.uow_factory, values=banner(f"Khẩu hiệu {n}"))
    monkeypatch.setenv("PGTZ", "Asia/Ho_Chi_Minh")  # libpq sets the session's zone from it
    district._store.engine.dispose()  # new connections take it
    sort = SortSpec("updated_at", descending=True)
    seen, after = [], None
    for _ in range(10):
        page = query_materials(uow_factory=district.uow_factory, flt=MaterialFilter(), sort=sort, after=after,
                               limit=4)
        seen += [r.id for r in page.rows]
        if page.after is None:
            break
        after = page.after
    expected = [r.id for r in iter_materials(uow_factory=district.uow_factory, flt=MaterialFilter(), sort=sort)]
    assert seen == expected and len(expected) == 9
