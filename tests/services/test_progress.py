"""Task progress: effective status at the date boundaries, filters, search, totals, updates."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach_desktop.domain.enums import TaskStatus
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.rules import effective_task_status, is_task_due_soon, is_task_overdue
from kehoach_desktop.services.plan_dto import ProgressFilter, ProgressUpdate
from kehoach_desktop.services.plan_editing import create_task, issue_plan
from kehoach_desktop.services.progress import filter_progress, get_progress_board, progress_totals, update_task_progress
from tests.services.plan_fixtures import TODAY, audit_actions, district, editor, task_input, theme

__all__ = ["district"]

DUE = dt.date(2021, 6, 15)


@pytest.mark.parametrize(("status", "today", "overdue", "soon"), [
    ("in_progress", DUE - dt.timedelta(days=1), False, True),
    ("in_progress", DUE, False, True),  # due today is not yet overdue
    ("in_progress", DUE + dt.timedelta(days=1), True, False),  # the day after is
    ("not_started", DUE + dt.timedelta(days=1), True, False),
    ("done", DUE + dt.timedelta(days=30), False, False),
    ("cancelled", DUE + dt.timedelta(days=30), False, False),
    ("overdue", DUE - dt.timedelta(days=30), True, False),  # marked so by hand
    ("in_progress", DUE - dt.timedelta(days=7), False, True),  # seven days ahead: due soon
    ("in_progress", DUE - dt.timedelta(days=8), False, False),
])
def test_what_makes_a_task_overdue_or_due_soon(status, today, overdue, soon) -> None:
    assert is_task_overdue(status, DUE, today) is overdue
    assert (is_task_due_soon(status, DUE, today) and not overdue) is soon
    assert (effective_task_status(status, DUE, today) == "overdue") is overdue


def test_a_task_without_due_date_is_never_overdue() -> None:
    assert not is_task_overdue("in_progress", None, dt.date(2030, 1, 1))


@pytest.fixture
def board_tasks(district):  # type: ignore[no-untyped-def]
    uow = district.uow_factory
    state = editor(district)
    vhtt = next(u for u in state.units if u.code == "vhtt")
    ward = next(u for u in state.units if "Văn Miếu" in u.name)
    economy, culture = theme(state, "II.1.2"), theme(state, "II.1.4")
    ids = {
        "late": create_task(uow_factory=uow, section_id=economy.id, fields=task_input(
            "Pa nô tuyên truyền tại quận Đống Đa", lead_unit_id=vhtt.id, due_date=TODAY - dt.timedelta(days=1),
            budget=10_000_000)).id,
        "soon": create_task(uow_factory=uow, section_id=economy.id, fields=task_input(
            "Phát thanh 120 buổi", lead_unit_id=ward.id, due_date=TODAY + dt.timedelta(days=7),
            budget=4_000_000)).id,
        "later": create_task(uow_factory=uow, section_id=culture.id, fields=task_input(
            "Hội thi văn nghệ", lead_unit_id=vhtt.id, due_date=dt.date(2021, 11, 30), budget=0)).id,
        "undated": create_task(uow_factory=uow, section_id=culture.id, fields=task_input(
            "Tập huấn", start_date=None, due_date=None)).id,
    }
    issue_plan(uow_factory=uow, plan_id=state.plan_id, number="05", issue_date=dt.date(2021, 1, 20))
    return ids | {"vhtt": vhtt.id, "economy": economy.id}


def test_the_board_lists_every_task_with_its_effective_status(district, board_tasks) -> None:
    board = get_progress_board(uow_factory=district.uow_factory, today=TODAY)
    rows = {r.id: r for r in board.rows}
    assert [r.content for r in board.rows][:2] == ["Pa nô tuyên truyền tại quận Đống Đa", "Phát thanh 120 buổi"]
    assert rows[board_tasks["late"]].status == "overdue" and rows[board_tasks["late"]].stored_status == "not_started"
    assert rows[board_tasks["soon"]].due_soon and rows[board_tasks["soon"]].days_left == 7
    assert not rows[board_tasks["later"]].due_soon
    assert [label.split(" ")[0] for _id, label in board.themes] == ["1.2.", "1.4."]
    assert board.plan_status == "issued"


def test_filters_and_diacritic_insensitive_search(district, board_tasks) -> None:
    rows = get_progress_board(uow_factory=district.uow_factory, today=TODAY).rows

    def ids(**kwargs) -> set[str]:  # type: ignore[no-untyped-def]
        return {r.id for r in filter_progress(rows, ProgressFilter(**kwargs))}

    assert ids(search="dong da") == {board_tasks["late"]}
    assert ids(search="DONG   ĐA, pa no") == {board_tasks["late"]}  # terms separated by commas
    assert ids(search="pa no dong da") == set()  # one term is one phrase
    assert ids(search="ong da") == set()  # a phrase starts at a word
    assert ids(search="van mieu") == {board_tasks["soon"]}  # the lead unit's name is searched too
    assert ids(search="nothing like it") == set()
    assert ids(due="overdue") == {board_tasks["late"]}
    assert ids(due="7days") == {board_tasks["soon"]}
    assert ids(due="none") == {board_tasks["undated"]}
    assert ids(status="overdue") == {board_tasks["late"]}
    assert ids(status="open") == {board_tasks[k] for k in ("late", "soon", "later", "undated")}
    assert ids(lead_unit_id=board_tasks["vhtt"]) == {board_tasks["late"], board_tasks["later"]}
    assert ids(section_id=board_tasks["economy"], lead_unit_id=board_tasks["vhtt"]) == {board_tasks["late"]}


def test_progress_updates_are_allowed_on_the_issued_plan_and_audited(district, board_tasks) -> None:
    uow = district.uow_factory
    update_task_progress(uow_factory=uow, task_id=board_tasks["late"], update=ProgressUpdate(
        status=TaskStatus.DONE.value, percent_done=100, indicator_achieved=130, spent=9_500_000,
        result_text="Đã lắp đặt 12 pa nô", updated_on=TODAY))
    rows = {r.id: r for r in get_progress_board(uow_factory=uow, today=TODAY).rows}
    late = rows[board_tasks["late"]]
    assert (late.status, late.percent_done, late.indicator_achieved, late.spent) == ("done", 100, 130, 9_500_000)
    assert late.progress_updated_on == TODAY
    assert audit_actions(district)[-1] == "task.progress"
    by_theme, by_unit = progress_totals(list(rows.values()))
    economy = next(t for t in by_theme if t.key == board_tasks["economy"])
    assert (economy.tasks, economy.done, economy.budget, economy.spent) == (2, 1, 14_000_000, 9_500_000)
    assert economy.budget_used_percent == 68
    vhtt = next(t for t in by_unit if t.key == board_tasks["vhtt"])
    assert (vhtt.tasks, vhtt.done, vhtt.budget_used_percent) == (2, 1, 95)
    assert by_unit[-1].key == "" and by_unit[-1].label == "(no lead unit)"


@pytest.mark.parametrize("update", [
    ProgressUpdate("overdue", 10, None, 0, "", TODAY),
    ProgressUpdate("in_progress", 101, None, 0, "", TODAY),
    ProgressUpdate("in_progress", 10, -1, 0, "", TODAY),
    ProgressUpdate("in_progress", 10, None, -1, "", TODAY),
    ProgressUpdate("done", 90, None, 0, "", TODAY),
])
def test_impossible_progress_is_refused(district, board_tasks, update) -> None:
    with pytest.raises(ValidationError):
        update_task_progress(uow_factory=district.uow_factory, task_id=board_tasks["soon"], update=update)


def test_the_overview_counts_the_same_tasks(district, board_tasks) -> None:
    overview = district.overview(TODAY)
    assert overview.tasks_total == 4 and overview.tasks_overdue == 1 and overview.tasks_due_soon == 1
    assert [t.tasks for t in overview.theme_progress] == [2, 2]
