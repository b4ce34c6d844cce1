"""Flows and stocks of every quarter, half and the year of a hand-built workspace, worked out by hand.

The workspace is described in ``period_workspace.py``. A flow counts what happened in the period (from
its first day to the day the report is computed as of), a stock the state on that day; a task's
recorded progress (and its completion and spending) is dated by its "updated on" day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kehoach_desktop import cli
from kehoach_desktop.domain.report_data import Flows, Stocks, flows_from_json, stocks_from_json
from kehoach_desktop.services.progress_data import get_progress_data
from kehoach_desktop.services.session import WorkspaceSession
from tests.exchange.pdf_readers import needs_readers, run, text
from tests.services.period_workspace import M, build_period_workspace

AFTER_THE_YEAR = dt.date(2022, 1, 15)

# Worked out by hand from the records listed in period_workspace.py.
FLOWS = {
    "2021-Q1": Flows(tasks_completed=1, money_spent=9 * M, materials_produced=10, materials_installed=10,
                     materials_removed=0, materials_cost=5 * M, events_held=1, event_participants=200,
                     events_cost=10 * M),  # T1 (15/03); M1 made and put up; E1
    "2021-Q2": Flows(tasks_completed=0, money_spent=1 * M, materials_produced=2, materials_installed=0,
                     materials_removed=10, materials_cost=30 * M),  # T3's 1 M (10/05); M2 made; M1 taken down
    "2021-Q3": Flows(tasks_completed=1, money_spent=18 * M, materials_produced=0, materials_installed=102,
                     materials_cost=3 * M, events_held=1, event_participants=150, events_cost=6 * M),
    # T2 (05/07); M2 (2) and M3 (100) put up, M3's cost dated by its installation; E2 (E3 cancelled)
    "2021-Q4": Flows(events_held=1, event_participants=80, events_cost=4 * M),  # T4 cancelled: not completed; E5
}
STOCKS = {
    # 31/03: T1 done; T2 open (its progress is dated 05/07); T3, T4 not started (their start is later);
    # T5 not started (undated: as recorded). Percentages known: T1 100, T5 0. M1 up (10), M4 (1000, no dates).
    "2021-Q1": Stocks(tasks_total=5, tasks_done=1, tasks_in_progress=1, tasks_not_started=3, tasks_in_average=2,
                      percent_sum=100, budget_planned=45 * M, money_spent_to_date=9 * M, materials_total=1010,
                      materials_in_place=10, materials_cost_to_date=7 * M, events_held_to_date=1,
                      event_participants_to_date=200, events_cost_to_date=10 * M),
    # 30/06: T3 recorded 40 % and past its due date 31/05: overdue. M1 removed, M2 produced, M4.
    "2021-Q2": Stocks(tasks_total=5, tasks_done=1, tasks_in_progress=1, tasks_overdue=1, tasks_not_started=2,
                      tasks_in_average=3, percent_sum=140, budget_planned=45 * M, money_spent_to_date=10 * M,
                      materials_total=1012, materials_in_place=0, materials_cost_to_date=37 * M,
                      events_held_to_date=1, event_participants_to_date=200, events_cost_to_date=10 * M),
    # 30/09: T2 done; T4 started 01/09, its cancellation dated 02/10: in progress. M2, M3 up.
    "2021-Q3": Stocks(tasks_total=5, tasks_done=2, tasks_in_progress=1, tasks_overdue=1, tasks_not_started=1,
                      tasks_in_average=4, percent_sum=240, budget_planned=45 * M, money_spent_to_date=28 * M,
                      materials_total=1112, materials_in_place=102, materials_cost_to_date=40 * M,
                      events_held_to_date=2, event_participants_to_date=350, events_cost_to_date=16 * M),
    # 31/12: T4 cancelled, left out of the average. M3 damaged (still up), M5 planned (no cost).
    "2021-Q4": Stocks(tasks_total=5, tasks_done=2, tasks_overdue=1, tasks_not_started=1, tasks_cancelled=1,
                      tasks_in_average=4, percent_sum=240, budget_planned=45 * M, money_spent_to_date=28 * M,
                      materials_total=1162, materials_in_place=102, materials_cost_to_date=40 * M,
                      events_held_to_date=3, event_participants_to_date=430, events_cost_to_date=20 * M),
}
STOCKS["2021-H1"] = STOCKS["2021-Q2"]  # a stock is the state on the last day: the half's is its second quarter's
STOCKS["2021-H2"] = STOCKS["2021"] = STOCKS["2021-Q4"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSession]:
    session = build_period_workspace(tmp_path_factory.mktemp("period") / "periods.khws")
    yield session
    session.close()


@pytest.mark.parametrize("period", ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"])
def test_each_quarter_has_the_figures_worked_out_by_hand(workspace: WorkspaceSession, period: str) -> None:
    data = get_progress_data(uow_factory=workspace.uow_factory, period=period, today=AFTER_THE_YEAR)
    assert data.flows == FLOWS[period]
    assert data.stocks == STOCKS[period]
    assert data.as_of == data.end  # the period is over: computed as of its last day


def test_halves_and_year_add_up_the_quarters_flows_and_take_the_last_day_stocks(
        workspace: WorkspaceSession) -> None:
    got = {p: get_progress_data(uow_factory=workspace.uow_factory, period=p, today=AFTER_THE_YEAR)
           for p in ("2021-H1", "2021-H2", "2021")}
    assert got["2021-H1"].flows == FLOWS["2021-Q1"] + FLOWS["2021-Q2"]
    assert got["2021-H2"].flows == FLOWS["2021-Q3"] + FLOWS["2021-Q4"]
    year = FLOWS["2021-Q1"] + FLOWS["2021-Q2"] + FLOWS["2021-Q3"] + FLOWS["2021-Q4"]
    assert got["2021"].flows == year
    assert (year.tasks_completed, year.money_spent, year.materials_cost) == (2, 28 * M, 38 * M)
    for period, data in got.items():
        assert data.stocks == STOCKS[period], period
    assert got["2021"].stocks.average_percent == 60  # (100 + 100 + 40 + 0) / 4: the cancelled T4 left out


def test_a_period_not_over_is_computed_as_of_the_report_day(workspace: WorkspaceSession) -> None:
    data = get_progress_data(uow_factory=workspace.uow_factory, period="2021-Q3", today=dt.date(2021, 8, 15))
    assert data.as_of == dt.date(2021, 8, 15)
    # T2 (05/07) done; M2 (02/07) and M3 (10/08) up; E2 held; T4 starts 01/09: not started yet.
    assert data.flows == Flows(tasks_completed=1, money_spent=18 * M, materials_installed=102,
                               materials_cost=3 * M, events_held=1, event_participants=150, events_cost=6 * M)
    assert (data.stocks.tasks_done, data.stocks.tasks_not_started, data.stocks.tasks_in_progress) == (2, 2, 0)
    assert [r.content for r in data.overdue_removals] == []  # M2's removal falls due on 15/09


def test_the_theme_lines_add_up_to_the_report(workspace: WorkspaceSession) -> None:
    data = get_progress_data(uow_factory=workspace.uow_factory, period="2021-Q3", today=AFTER_THE_YEAR)
    assert sum(t.completed for t in data.themes) == data.flows.tasks_completed
    assert sum(t.spent for t in data.themes) == data.flows.money_spent
    assert sum(t.stocks.tasks_done for t in data.themes) == data.stocks.tasks_done
    assert [(t.stocks.tasks_total, t.stocks.budget_planned) for t in data.themes] == [(3, 32 * M), (2, 13 * M)]
    by_type = {m.type: m for m in data.material_types}
    assert (by_type["panel"].installed, by_type["poster"].installed, by_type["poster"].cost) == (2, 100, 3 * M)
    assert by_type["panel"].by_status == {"installed": 2}
    [removal] = data.overdue_removals
    assert (removal.type, removal.days_late) == ("panel", 15)  # planned for 15/09, still up on 30/09


@needs_readers
def test_cli_data_out_is_the_json_the_pdf_prints_and_the_qr_hashes(workspace: WorkspaceSession,
                                                                     tmp_path: Path) -> None:
    path = workspace.path
    assert path is not None
    workspace.close()  # the command opens the workspace itself
    try:
        pdf, data_out = tmp_path / "q3.pdf", tmp_path / "q3.json"
        assert cli.main(["report", "progress", "--workspace", str(path), "--period", "2021-Q3", "--out", str(pdf),
                         "--data-out", str(data_out)]) == cli.EXIT_OK
    finally:
        from kehoach_desktop.services.session import open_workspace

        reopened = open_workspace(path)
        workspace.__dict__.update(reopened.__dict__)
    raw = data_out.read_bytes()
    data = json.loads(raw)
    assert (data["unit"], data["period"], data["as_of"]) == ("006", "2021-Q3", "2021-09-30")
    assert flows_from_json(data["flows"]) == FLOWS["2021-Q3"]
    assert stocks_from_json(data["stocks"]) == STOCKS["2021-Q3"]
    assert set(data["flows"]) >= {"tasks_completed", "materials_installed", "materials_cost", "events_held",
                                  "event_participants", "money_spent"}
    assert set(data["stocks"]) >= {"tasks_done", "tasks_overdue", "materials_in_place", "money_spent_to_date"}
    digest = hashlib.sha256(raw).hexdigest()
    info = run("pdfinfo", pdf).stdout
    assert f"KHDESKTOP|2|006|2021-Q3||sha256:{digest}" in info  # the file's own hash is the QR's
    words = " ".join(text(pdf).split())
    for printed in ("Trong quý III/2021, đã hoàn thành 1 nhiệm vụ",
                    "hoàn thành 2 (40%), đang thực hiện 1, chưa triển khai 1, quá hạn 1, hủy 0; tiến độ bình quân "
                    "60%", "sử dụng trong kỳ 18.000.000 đồng; lũy kế đến hết ngày 30/09/2021 28.000.000 đồng",
                    "lắp đặt 102", "chi phí sản xuất trong kỳ 3.000.000 đồng",
                    "Trong kỳ đã tổ chức 1/1 hoạt động, sự kiện theo kế hoạch với 150 lượt người tham gia; "
                    "chi phí 6.000.000 đồng", "Số liệu lũy kế đến hết ngày 30/09/2021",
                    "Số liệu trong kỳ (từ ngày 01/07/2021 đến ngày 30/09/2021)"):
        assert printed in words, printed
