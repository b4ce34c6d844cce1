"""The life cycle of a material: steps, skips, corrections, and consistent dates."""

from __future__ import annotations

import datetime as dt

from kehoach_desktop.domain.enums import MaterialStatus as S
from kehoach_desktop.domain.lifecycle import (
    check_step,
    dates_after_step,
    event_date_problems,
    is_removal_overdue,
    material_date_problems,
)

D = dt.date(2021, 3, 10)


def test_regular_steps_need_no_confirmation() -> None:
    for current, target in ((S.PLANNED, S.PRODUCED), (S.PRODUCED, S.INSTALLED), (S.INSTALLED, S.REMOVED),
                            (S.INSTALLED, S.DAMAGED), (S.DAMAGED, S.REPLACED), (S.REPLACED, S.REMOVED)):
        check = check_step(current, target)
        assert check.kind == "next" and not check.needs_confirmation


def test_a_step_that_skips_names_the_steps_left_out() -> None:
    check = check_step("planned", "installed")
    assert check.kind == "skip" and check.skipped == (S.PRODUCED,) and check.needs_confirmation
    assert check_step("planned", "removed").skipped == (S.PRODUCED, S.INSTALLED)


def test_a_step_back_is_a_correction() -> None:
    assert check_step("installed", "produced").kind == "back"
    assert check_step("removed", "installed").kind == "back"
    assert check_step("installed", "installed").kind == "same"


def test_a_skip_fills_only_the_target_date() -> None:
    dates = dates_after_step({"planned_on": dt.date(2021, 1, 5)}, "planned", "installed", D)
    assert dates["installed_on"] == D and dates["produced_on"] is None and dates["planned_on"] == dt.date(2021, 1, 5)


def test_a_step_back_clears_the_later_dates() -> None:
    before = {"produced_on": dt.date(2021, 2, 1), "installed_on": dt.date(2021, 2, 3), "removed_on": D}
    dates = dates_after_step(before, "removed", "produced", None)
    assert dates["produced_on"] == dt.date(2021, 2, 1)
    assert dates["installed_on"] is None and dates["removed_on"] is None


def test_a_removal_before_installation_is_refused_with_the_reason() -> None:
    problems = material_date_problems({"installed_on": D, "removed_on": D - dt.timedelta(days=1)}, None)
    assert problems == ["The removal date 09/03/2021 is before the installation date 10/03/2021."]
    assert material_date_problems({"installed_on": D, "removed_on": D}, D) == []
    assert "planned removal" in material_date_problems({"installed_on": D}, D - dt.timedelta(days=2))[0]


def test_removal_overdue_starts_the_day_after_the_planned_removal() -> None:
    assert not is_removal_overdue("installed", D, D)
    assert is_removal_overdue("installed", D, D + dt.timedelta(days=1))
    assert is_removal_overdue("replaced", D, D + dt.timedelta(days=1))
    assert not is_removal_overdue("removed", D, D + dt.timedelta(days=30))
    assert not is_removal_overdue("installed", None, D)


def test_an_event_cannot_end_before_it_starts() -> None:
    assert event_date_problems(D, D - dt.timedelta(days=1))
    assert event_date_problems(D, None) == [] and event_date_problems(D, D) == []
