"""The register of events: queries with filters and paging in SQL, the calendar, writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import EventStatus, EventType
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.lifecycle import event_date_problems
from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.edit_guards import EVENT_FIELDS, label_of, length_problems, refuse_if_changed
from kehoach_desktop.services.registers import (
    PAGE_SIZE,
    Page,
    SortSpec,
    Totals,
    bring_back,
    check_links,
    count_and_sums,
    current_plan_id,
    diff,
    distinct_values,
    ids_or_refuse,
    keyset,
    mark_deleted,
    refuse_if_any_changed,
    search_condition,
    workspace_unit,
)
from kehoach_desktop.services.units import places_of, ward_choices
from kehoach_desktop.storage.models import Event, PlanSection
from kehoach_desktop.storage.uow import UnitOfWorkFactory

CHANGED = Changes(events=True)
_NO_DATE = dt.date(1, 1, 1)
OPEN_STATUSES = (EventStatus.PLANNED.value, EventStatus.CONFIRMED.value, EventStatus.POSTPONED.value)


@dataclass(frozen=True)
class EventInput:
    type: str
    title: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    venue: str = ""
    ward: str = ""
    organiser: str = ""
    section_id: str | None = None
    task_id: str | None = None
    expected_participants: int | None = None
    actual_participants: int | None = None
    budget: int = 0
    actual_cost: int | None = None
    status: str = EventStatus.PLANNED.value
    result_notes: str = ""


INPUT_FIELDS = tuple(f.name for f in fields(EventInput))


@dataclass(frozen=True)
class EventRecord(EventInput):
    id: str = ""
    unit_code: str = ""
    version: int = 1
    updated_at: dt.datetime | None = None

    def as_input(self) -> EventInput:
        return EventInput(**{name: getattr(self, name) for name in INPUT_FIELDS})


@dataclass(frozen=True)
class EventFilter:
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    section_id: str | None = None
    ward: str = ""
    date_from: dt.date | None = None  # events that take place, even partly, in the range
    date_to: dt.date | None = None
    search: str = ""
    held_without_results: bool = False
    all_units: bool = False


def search_key_of(values: EventInput) -> str:
    return fold(" ".join((values.title, values.ward, values.venue, values.organiser, values.result_notes)))


def _sort_expr(key: str) -> Any:
    simple = {"type": Event.type, "status": Event.status, "title": Event.search_key, "starts_on": Event.starts_on,
              "venue": Event.venue, "ward": Event.ward, "organiser": Event.organiser, "budget": Event.budget,
              "updated_at": Event.updated_at}
    if key in simple:
        return simple[key]
    if key == "ends_on":
        return func.coalesce(Event.ends_on, Event.starts_on)
    if key in ("expected_participants", "actual_participants", "actual_cost"):
        return func.coalesce(getattr(Event, key), -1)
    if key == "theme":
        position = select(PlanSection.position).where(PlanSection.id == Event.section_id).scalar_subquery()
        return func.coalesce(position, literal(-1))
    raise ValueError(f"unknown sort key {key!r}")


def _conditions(session: Session, flt: EventFilter) -> list[Any]:
    conditions: list[Any] = [Event.deleted_at.is_(None)]
    if not flt.all_units:
        conditions.append(Event.unit_code == workspace_unit(session))
    if flt.types:
        conditions.append(Event.type.in_(flt.types))
    if flt.statuses:
        conditions.append(Event.status.in_(flt.statuses))
    if flt.section_id:
        conditions.append(Event.section_id == flt.section_id)
    if flt.ward:
        conditions.append(Event.ward == nfc(flt.ward))
    if flt.date_to:
        conditions.append(Event.starts_on <= flt.date_to)
    if flt.date_from:
        conditions.append(func.coalesce(Event.ends_on, Event.starts_on) >= flt.date_from)
    if flt.held_without_results:
        conditions += [Event.status == EventStatus.HELD.value, Event.result_notes == ""]
    found = search_condition(Event.search_key, flt.search)
    if found is not None:
        conditions.append(found)
    return conditions


def _record(e: Event) -> EventRecord:
    return EventRecord(**{name: getattr(e, name) for name in INPUT_FIELDS}, id=e.id, unit_code=e.unit_code,
                       version=e.version, updated_at=e.updated_at)


def query_events(*, uow_factory: UnitOfWorkFactory, flt: EventFilter, sort: SortSpec,
                 after: tuple[Any, Any] | None = None, limit: int = PAGE_SIZE) -> Page:
    with uow_factory() as uow:
        s = uow.session
        sort_expr = _sort_expr(sort.key)
        order, continue_after = keyset(sort_expr, Event.id, sort.descending, after)
        query = select(Event, sort_expr.label("sort_value")).where(*_conditions(s, flt))
        if continue_after is not None:
            query = query.where(continue_after)
        rows = s.execute(query.order_by(*order).limit(limit)).all()
        last = (rows[-1][1], rows[-1][0].id) if len(rows) == limit else None
        return Page(tuple(_record(e) for e, _value in rows), last)


def iter_events(*, uow_factory: UnitOfWorkFactory, flt: EventFilter, sort: SortSpec,
                block: int = 2000) -> Iterator[EventRecord]:
    after = None
    while True:
        page = query_events(uow_factory=uow_factory, flt=flt, sort=sort, after=after, limit=block)
        yield from page.rows
        if page.after is None:
            return
        after = page.after


def event_totals(*, uow_factory: UnitOfWorkFactory, flt: EventFilter) -> Totals:
    """Count, participants (actual) and money (actual cost where known, else the budget)."""
    with uow_factory() as uow:
        return count_and_sums(uow.session, Event, _conditions(uow.session, flt),
                              func.coalesce(Event.actual_participants, 0),
                              func.coalesce(Event.actual_cost, Event.budget))


def event_days(*, uow_factory: UnitOfWorkFactory, flt: EventFilter, first: dt.date,
               last: dt.date, starts_only: bool = False) -> dict[dt.date, int]:
    """How many events of the view take place (or, with ``starts_only``, start) on each day of the range."""
    bounded = replace(flt, date_from=max(first, flt.date_from or first), date_to=min(last, flt.date_to or last))
    with uow_factory() as uow:
        spans = uow.session.execute(select(Event.starts_on, Event.ends_on).where(
            *_conditions(uow.session, bounded))).all()
    days: dict[dt.date, int] = {}
    for starts, ends in spans:
        day = max(starts, first)
        end = min(starts if starts_only else (ends or starts), last)
        while day <= end:
            days[day] = days.get(day, 0) + 1
            day += dt.timedelta(days=1)
    return days


def get_event(*, uow_factory: UnitOfWorkFactory, event_id: str) -> EventRecord:
    with uow_factory() as uow:
        return _record(_live(uow.session, event_id))


def get_events(*, uow_factory: UnitOfWorkFactory, event_ids: Sequence[str]) -> list[EventRecord]:
    with uow_factory() as uow:
        found: dict[str, EventRecord] = {}
        ids = list(event_ids)
        for start in range(0, len(ids), 500):
            for e in uow.session.scalars(select(Event).where(Event.id.in_(ids[start:start + 500]))):
                found[e.id] = _record(e)
        return [found[i] for i in ids if i in found]


def event_wards(*, uow_factory: UnitOfWorkFactory) -> tuple[str, ...]:
    with uow_factory() as uow:
        s = uow.session
        return distinct_values(s, Event.ward, Event.unit_code == workspace_unit(s), Event.deleted_at.is_(None))


def event_ward_choices(*, uow_factory: UnitOfWorkFactory) -> tuple[str, ...]:
    """What the event form's ward list offers: the unit's places (its template's), then others already used."""
    with uow_factory() as uow:
        places = places_of(uow.session, workspace_unit(uow.session))
    return ward_choices(places, event_wards(uow_factory=uow_factory))


def _live(session: Session, event_id: str) -> Event:
    event = session.get(Event, event_id)
    if event is None or event.deleted_at is not None:
        raise ValidationError(_("This event no longer exists (it may have been deleted)."))
    return event


def _clean(values: EventInput) -> EventInput:
    cleaned = replace(values, title=nfc(values.title), venue=nfc(values.venue), ward=nfc(values.ward),
                      organiser=nfc(values.organiser), result_notes=nfc(values.result_notes))
    problems = []
    if cleaned.type not in {t.value for t in EventType}:
        problems.append(_("Choose the type of the event."))
    if cleaned.status not in {s.value for s in EventStatus}:
        problems.append(_("Choose the status of the event."))
    if not cleaned.title:
        problems.append(_("Write the title of the event."))
    problems += event_date_problems(cleaned.starts_on, cleaned.ends_on)
    participants = [n for n in (cleaned.expected_participants, cleaned.actual_participants) if n is not None]
    if any(n < 0 for n in participants):
        problems.append(_("The number of participants cannot be negative."))
    elif any(n > MAX_COUNT for n in participants):
        problems.append(_("This number is too large; check the number of zeros."))
    if cleaned.budget < 0 or (cleaned.actual_cost or 0) < 0:
        problems.append(_("The budget and the cost cannot be negative."))
    elif max(cleaned.budget, cleaned.actual_cost or 0) > MAX_AMOUNT_VND:
        problems.append(_("This amount is too large; check the number of zeros."))
    problems += length_problems(Event, {"ward": cleaned.ward, "organiser": cleaned.organiser}, EVENT_FIELDS)
    if problems:
        raise ValidationError(problems[0], details=problems[1:])
    return cleaned


def _apply(e: Event, values: EventInput) -> dict[str, list[Any]]:
    """Write the changed fields; nothing at all when none changed (any UPDATE would move the row's version)."""
    before = {name: getattr(e, name) for name in INPUT_FIELDS}
    changed = diff(before, {name: getattr(values, name) for name in INPUT_FIELDS})
    if changed:
        for name in INPUT_FIELDS:
            setattr(e, name, getattr(values, name))
        e.search_key = search_key_of(values)
    return changed


def create_event(*, uow_factory: UnitOfWorkFactory, values: EventInput) -> tuple[str, Changes]:
    cleaned = _clean(values)
    with uow_factory() as uow:
        s = uow.session
        unit_code = workspace_unit(s)
        check_links(s, cleaned.section_id, cleaned.task_id)
        event = Event(unit_code=unit_code, plan_id=current_plan_id(s, unit_code), type=cleaned.type,
                      title=cleaned.title, starts_on=cleaned.starts_on)
        s.add(event)
        changes = _apply(event, cleaned)
        event.search_key = search_key_of(cleaned)
        s.flush()
        audit.record(s, unit_code=unit_code, action="event.create", entity="event", entity_id=event.id,
                     summary=cleaned.title[:200], details={"changes": changes})
        uow.commit()
        return event.id, CHANGED


def update_event(*, uow_factory: UnitOfWorkFactory, event_id: str, values: EventInput,
                 expected_version: int | None = None) -> Changes:
    """Save the form; ``expected_version`` as in ``materials.update_material``."""
    cleaned = _clean(values)
    with uow_factory() as uow:
        s = uow.session
        event = _live(s, event_id)
        stored = _record(event)
        refuse_if_changed(what=event.title, stored_version=event.version, expected_version=expected_version,
                          stored=asdict(stored), submitted=asdict(cleaned), labels=EVENT_FIELDS,
                          shown={"type": label_of(EventType, stored.type),
                                 "status": label_of(EventStatus, stored.status)})
        check_links(s, cleaned.section_id, cleaned.task_id)
        changes = _apply(event, cleaned)
        if changes:
            event.version += 1
            audit.record(s, unit_code=event.unit_code, action="event.update", entity="event", entity_id=event.id,
                         summary=cleaned.title[:200], details={"changes": changes})
        uow.commit()
        return CHANGED if changes else Changes()


def set_events_status(*, uow_factory: UnitOfWorkFactory, event_ids: Sequence[str], status: str,
                      expected_versions: Mapping[str, int] | None = None) -> Changes:
    """Move many events to ``status`` in one transaction; rows changed since the list showed them are refused."""
    ids = ids_or_refuse(event_ids)
    target = EventStatus(status).value
    with uow_factory() as uow:
        s = uow.session
        events = [_live(s, event_id) for event_id in ids]
        refuse_if_any_changed(events, expected_versions, lambda e: e.title)
        for event in events:
            if event.status == target:
                continue
            changes = diff({"status": event.status}, {"status": target})
            event.status = target
            event.version += 1
            audit.record(s, unit_code=event.unit_code, action="event.status", entity="event", entity_id=event.id,
                         summary=_("Status: {status}").format(status=EventStatus(target).label),
                         details={"changes": changes, "bulk": len(ids)})
        uow.commit()
        return CHANGED


def restore_events(*, uow_factory: UnitOfWorkFactory, items: Sequence[tuple[str, EventInput]]) -> Changes:
    """Put events back exactly as they were (undo), in one transaction."""
    with uow_factory() as uow:
        s = uow.session
        for event_id, values in items:
            event = s.get(Event, event_id)
            if event is None:
                raise ValidationError(_("This event no longer exists (it may have been deleted)."))
            event.deleted_at = None
            changes = _apply(event, values)
            if changes:
                event.version += 1
                audit.record(s, unit_code=event.unit_code, action="event.restore", entity="event",
                             entity_id=event.id, summary=_("Undone"), details={"changes": changes})
        uow.commit()
        return CHANGED


def delete_events(*, uow_factory: UnitOfWorkFactory, event_ids: Sequence[str],
                  expected_versions: Mapping[str, int] | None = None) -> Changes:
    with uow_factory() as uow:
        s = uow.session
        events = [_live(s, event_id) for event_id in ids_or_refuse(event_ids)]
        refuse_if_any_changed(events, expected_versions, lambda e: e.title)
        mark_deleted(s, events, entity="event", title_of=lambda e: e.title)
        uow.commit()
        return CHANGED


def undelete_events(*, uow_factory: UnitOfWorkFactory, event_ids: Sequence[str]) -> Changes:
    with uow_factory() as uow:
        bring_back(uow.session, Event, event_ids, entity="event", title_of=lambda e: e.title,
                   missing=_("This event no longer exists (it may have been deleted)."))
        uow.commit()
        return CHANGED
