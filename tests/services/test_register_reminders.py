"""Reminders of the overview at date boundaries: today, tomorrow, the end of a month."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach_desktop.services.events import EventInput, create_event
from kehoach_desktop.services.materials import create_material
from kehoach_desktop.services.read_models import get_overview
from tests.services.register_fixtures import banner, district  # noqa: F401

END_OF_JANUARY = dt.date(2021, 1, 31)


def overview(session, today: dt.date):  # type: ignore[no-untyped-def]
    return get_overview(uow_factory=session.uow_factory, today=today)


@pytest.mark.parametrize(("removal", "today", "overdue"), [
    (END_OF_JANUARY, END_OF_JANUARY, 0),  # due today: not yet overdue
    (END_OF_JANUARY, dt.date(2021, 2, 1), 1),  # the next day, across the month's end
    (dt.date(2021, 2, 1), END_OF_JANUARY, 0),  # tomorrow
])
def test_removal_overdue_boundaries(district, removal, today, overdue) -> None:  # noqa: F811
    create_material(uow_factory=district.uow_factory, values=banner(
        status="installed", installed_on=dt.date(2021, 1, 10), planned_removal_on=removal))
    create_material(uow_factory=district.uow_factory, values=banner(
        status="removed", installed_on=dt.date(2021, 1, 10), removed_on=dt.date(2021, 1, 20),
        planned_removal_on=dt.date(2021, 1, 15)))
    assert overview(district, today).removals_overdue == overdue


def test_events_in_the_next_seven_days_cross_the_end_of_the_month(district) -> None:  # noqa: F811
    f = district.uow_factory
    for day in (dt.date(2021, 1, 30), END_OF_JANUARY, dt.date(2021, 2, 1), dt.date(2021, 2, 7), dt.date(2021, 2, 8)):
        create_event(uow_factory=f, values=EventInput(type="arts", title=f"Văn nghệ {day.isoformat()}", starts_on=day))
    create_event(uow_factory=f, values=EventInput(type="arts", title="Hủy", starts_on=dt.date(2021, 2, 2),
                                                  status="cancelled"))
    upcoming = overview(district, END_OF_JANUARY).events_next_7_days
    assert [e.starts_on for e in upcoming] == [END_OF_JANUARY, dt.date(2021, 2, 1), dt.date(2021, 2, 7)]
    o = overview(district, END_OF_JANUARY)
    assert [(c.code, c.count) for c in o.events_by_month] == [("2021-01", 2), ("2021-02", 3)]


def test_damaged_and_held_without_results(district) -> None:  # noqa: F811
    f = district.uow_factory
    create_material(uow_factory=f, values=banner(status="damaged", installed_on=dt.date(2021, 1, 2),
                                                 damaged_on=dt.date(2021, 1, 9)))
    create_event(uow_factory=f, values=EventInput(type="training", title="Tập huấn", starts_on=dt.date(2021, 1, 5),
                                                  status="held"))
    o = overview(district, END_OF_JANUARY)
    assert o.materials_damaged == 1 and o.events_without_results == 1
