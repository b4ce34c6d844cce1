"""The events register without Qt: writes, validation, filters over date ranges, calendar days, totals."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.services.events import (
    EventFilter,
    EventInput,
    create_event,
    event_days,
    event_totals,
    get_event,
    iter_events,
    restore_events,
    set_events_status,
    update_event,
)
from kehoach_desktop.services.registers import SortSpec, get_history
from tests.services.register_fixtures import district  # noqa: F401


def event(title: str = "Giải chạy Vì sức khỏe cộng đồng", starts: dt.date = dt.date(2021, 3, 28),
          **changes) -> EventInput:
    values = {"type": "sports", "title": title, "starts_on": starts, "venue": "Công viên Thống Nhất",
              "organiser": "Trung tâm Văn hóa", "budget": 50_000_000, "expected_participants": 500}
    values.update(changes)
    return EventInput(**values)


def titles(session, flt: EventFilter) -> list[str]:
    return [e.title for e in iter_events(uow_factory=session.uow_factory, flt=flt, sort=SortSpec("starts_on"))]


def test_an_event_ending_before_it_starts_is_refused(district) -> None:  # noqa: F811
    with pytest.raises(ValidationError, match="end date 27/03/2021 is before the start date 28/03/2021"):
        create_event(uow_factory=district.uow_factory, values=event(ends_on=dt.date(2021, 3, 27)))


def test_a_budget_or_a_crowd_past_the_bounds_is_refused(district) -> None:  # noqa: F811
    from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT

    with pytest.raises(ValidationError, match="amount is too large"):
        create_event(uow_factory=district.uow_factory, values=event(actual_cost=MAX_AMOUNT_VND + 1))
    with pytest.raises(ValidationError, match="number is too large"):
        create_event(uow_factory=district.uow_factory, values=event(actual_participants=MAX_COUNT + 1))


def test_date_range_takes_events_that_overlap_it(district) -> None:  # noqa: F811
    f = district.uow_factory
    create_event(uow_factory=f, values=event("Triển lãm ảnh", dt.date(2021, 5, 15), ends_on=dt.date(2021, 5, 25)))
    create_event(uow_factory=f, values=event("Họp báo", dt.date(2021, 5, 26), type="press_conference"))
    create_event(uow_factory=f, values=event("Giải bóng đá", dt.date(2021, 6, 20), ends_on=dt.date(2021, 7, 10)))
    assert titles(district, EventFilter(date_from=dt.date(2021, 5, 20), date_to=dt.date(2021, 5, 31))) == [
        "Triển lãm ảnh", "Họp báo"]
    assert titles(district, EventFilter(date_from=dt.date(2021, 7, 1), date_to=dt.date(2021, 7, 1))) == [
        "Giải bóng đá"]
    assert titles(district, EventFilter(types=("press_conference",))) == ["Họp báo"]
    assert titles(district, EventFilter(search="TRIEN LAM")) == ["Triển lãm ảnh"]
    days = event_days(uow_factory=f, flt=EventFilter(), first=dt.date(2021, 5, 1), last=dt.date(2021, 5, 31))
    assert days[dt.date(2021, 5, 15)] == 1 and days[dt.date(2021, 5, 25)] == 1 and days[dt.date(2021, 5, 26)] == 1
    assert dt.date(2021, 5, 14) not in days and len(days) == 12


def test_totals_count_participants_and_actual_cost_else_budget(district) -> None:  # noqa: F811
    f = district.uow_factory
    create_event(uow_factory=f, values=event(status="held", actual_participants=800, actual_cost=45_000_000,
                                             result_notes="Thành công"))
    create_event(uow_factory=f, values=event("Họp báo", budget=5_000_000))
    totals = event_totals(uow_factory=f, flt=EventFilter())
    assert (totals.count, totals.quantity, totals.cost) == (2, 800, 50_000_000)
    assert titles(district, EventFilter(held_without_results=True)) == []


def test_status_change_edit_and_undo_are_audited(district) -> None:  # noqa: F811
    f = district.uow_factory
    event_id, _ = create_event(uow_factory=f, values=event())
    before = get_event(uow_factory=f, event_id=event_id)
    set_events_status(uow_factory=f, event_ids=[event_id], status="confirmed")
    update_event(uow_factory=f, event_id=event_id, values=event(status="held", actual_participants=650))
    assert titles(district, EventFilter(held_without_results=True)) == ["Giải chạy Vì sức khỏe cộng đồng"]
    restore_events(uow_factory=f, items=[(event_id, before.as_input())])
    assert get_event(uow_factory=f, event_id=event_id).as_input() == before.as_input()
    actions = [h.action for h in get_history(uow_factory=f, entity_id=event_id)]
    assert actions == ["event.restore", "event.update", "event.status", "event.create"]


def test_bulk_status_and_delete_refuse_rows_changed_since_the_list_showed_them(district) -> None:  # noqa: F811
    from kehoach_desktop.domain.errors import ConcurrentEditError
    from kehoach_desktop.services.events import delete_events, get_event, set_events_status, update_event

    f = district.uow_factory
    first, _ = create_event(uow_factory=f, values=event("Hội thi tuyên truyền"))
    second, _ = create_event(uow_factory=f, values=event("Hội nghị báo cáo viên"))
    shown = {first: 1, second: 1}
    update_event(uow_factory=f, event_id=second, values=event("Hội nghị báo cáo viên (đã dời)"), expected_version=1)
    with pytest.raises(ConcurrentEditError, match="“Hội nghị báo cáo viên \\(đã dời\\)”"):
        set_events_status(uow_factory=f, event_ids=[first, second], status="held", expected_versions=shown)
    with pytest.raises(ConcurrentEditError):
        delete_events(uow_factory=f, event_ids=[first, second], expected_versions=shown)
    assert get_event(uow_factory=f, event_id=first).status == "planned"  # all or nothing
    set_events_status(uow_factory=f, event_ids=[first, second], status="held",
                      expected_versions={first: 1, second: 2})
    assert get_event(uow_factory=f, event_id=second).status == "held"
