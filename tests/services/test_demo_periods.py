"""The demo district's figures of every period against its own ``kehoach dump``, counted here by the rules of
``docs/report-layout.md`` written out by hand: a flow is what is dated within the period (up to the demo day), a
stock the state on the period's last day. Q3's "trong kỳ" is only what was new in Q3, never a running total.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kehoach_desktop import cli
from kehoach_desktop.domain.report_data import ProgressData
from kehoach_desktop.services.demo import DEMO_TODAY
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.progress_data import get_progress_data
from kehoach_desktop.services.session import new_demo_workspace

QUARTERS = {"2021-Q1": ("2021-01-01", "2021-03-31"), "2021-Q2": ("2021-04-01", "2021-06-30"),
            "2021-Q3": ("2021-07-01", "2021-09-30")}
PERIODS = {**QUARTERS, "2021-H1": ("2021-01-01", "2021-06-30"), "2021": ("2021-01-01", "2021-12-31")}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, ProgressData]]:
    session = new_demo_workspace(tmp_path_factory.mktemp("demo") / "demo.khws")
    try:
        dump = dump_workspace(uow_factory=session.uow_factory)
        data = {p: get_progress_data(uow_factory=session.uow_factory, period=p, today=session.today())
                for p in PERIODS}
    finally:
        session.close()
    return dump, data


def _live(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("deleted_at") is None]


def _by_hand(dump: dict[str, Any], first: str, last: str) -> dict[str, int]:
    """The period's flows and a few stocks, from the dump's rows (ISO dates compare as text)."""
    last = min(last, DEMO_TODAY.isoformat())  # a period not over is counted up to the demo day
    within = lambda day: day is not None and first <= day <= last  # noqa: E731
    tasks = _live([t for plan in dump["plans"] for t in plan["tasks"]])
    materials, events = _live(dump["materials"]), _live(dump["events"])
    held = [e for e in events if e["status"] == "held" and within(e["starts_on"])]

    def progress_day(task: dict[str, Any]) -> str | None:
        return task["progress_updated_on"] or (task["due_date"] if task["status"] == "done" else None)

    def closed_by(task: dict[str, Any], day: str) -> bool:
        dated = progress_day(task)
        return task["status"] in ("done", "cancelled") and (dated is None or dated <= day)

    return {
        "tasks_completed": sum(t["status"] == "done" and within(progress_day(t)) for t in tasks),
        "money_spent": sum(t["spent"] for t in tasks if within(progress_day(t))),
        "materials_installed": sum(m["quantity"] for m in materials if within(m["installed_on"])),
        "materials_cost": sum(m["cost"] for m in materials if within(m["produced_on"] or m["installed_on"])),
        "events_held": len(held),
        "event_participants": sum(e["actual_participants"] or 0 for e in held),
        # stocks on the last day: overdue = due before it and not closed by then
        "tasks_overdue": sum(t["due_date"] is not None and t["due_date"] < last and not closed_by(t, last)
                             for t in tasks),
        "money_spent_to_date": sum(t["spent"] for t in tasks
                                   if progress_day(t) is None or progress_day(t) <= last),
    }


@pytest.mark.parametrize("period", list(PERIODS))
def test_each_period_is_what_the_dump_says_happened_in_it(demo: tuple[dict[str, Any], dict[str, ProgressData]],
                                                          period: str) -> None:
    dump, data = demo
    got = data[period]
    expected = _by_hand(dump, *PERIODS[period])
    flows, stocks = got.flows, got.stocks
    assert {"tasks_completed": flows.tasks_completed, "money_spent": flows.money_spent,
            "materials_installed": flows.materials_installed, "materials_cost": flows.materials_cost,
            "events_held": flows.events_held, "event_participants": flows.event_participants,
            "tasks_overdue": stocks.tasks_overdue, "money_spent_to_date": stocks.money_spent_to_date} == expected
    assert got.as_of == min(dt.date.fromisoformat(PERIODS[period][1]), DEMO_TODAY)


def test_quarters_add_up_to_the_half_and_the_year_and_q3_is_only_what_was_new(
        demo: tuple[dict[str, Any], dict[str, ProgressData]]) -> None:
    _dump, data = demo
    q1, q2, q3 = (data[p].flows for p in QUARTERS)
    assert data["2021-H1"].flows == q1 + q2
    assert data["2021"].flows == q1 + q2 + q3  # nothing in the demo is dated after its day in Q3
    assert data["2021-H1"].flows.materials_cost + q3.materials_cost == data["2021"].flows.materials_cost
    assert data["2021-H1"].flows.money_spent + q3.money_spent == data["2021"].flows.money_spent
    # Q3's "trong kỳ" is far below what stands at its end (the old running total)
    assert 0 < q3.materials_installed < data["2021-Q3"].stocks.materials_in_place
    assert 0 < q3.materials_cost < data["2021-Q3"].stocks.materials_cost_to_date
    # overdue is judged on each period's last day, not on the computer's clock
    assert data["2021-H1"].stocks.tasks_overdue < data["2021-Q3"].stocks.tasks_overdue


def test_a_period_not_begun_on_the_demo_day_is_refused_not_reported_with_a_backward_span(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On 20/09/2021 the fourth quarter has not begun: its "trong kỳ" would run from 01/10 to 20/09."""
    workspace = tmp_path / "demo.khws"
    assert cli.main(["demo", "--workspace", str(workspace)]) == cli.EXIT_OK
    capsys.readouterr()
    assert cli.main(["report", "progress", "--workspace", str(workspace), "--period", "2021-Q4",
                     "--out", str(tmp_path / "q4.pdf")]) == cli.EXIT_REFUSED
    said = capsys.readouterr().err
    assert "Kỳ quý IV/2021 chưa bắt đầu (bắt đầu từ ngày 01/10/2021)" in said and "Traceback" not in said
    assert not (tmp_path / "q4.pdf").exists()
    assert cli.main(["report", "progress", "--workspace", str(workspace), "--period", "2021-09",
                     "--out", str(tmp_path / "sep.pdf")]) == cli.EXIT_OK  # begun: as of the demo day
