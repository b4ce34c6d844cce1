"""The demo workspace: realistic, reproducible, coherent with its demo day, fast at scale."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from kehoach_desktop.domain.enums import (
    EventStatus,
    EventType,
    MaterialStatus,
    MaterialType,
    PlanStatus,
    PropagandaForm,
    SectionKind,
    TaskStatus,
)
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.text import fold
from kehoach_desktop.services import demo
from kehoach_desktop.services.demo import DEMO_TODAY, create_demo_workspace
from kehoach_desktop.services.read_models import get_overview
from kehoach_desktop.services.workspace import get_demo_today, get_workspace_summary
from kehoach_desktop.storage.engine import Store
from kehoach_desktop.storage.models import (
    AuditEntry,
    Event,
    Material,
    Plan,
    PlanRevision,
    PlanSection,
    ResponsibleUnit,
    Task,
)

T = TypeVar("T")
STEPS = ("planned_on", "produced_on", "installed_on", "removed_on", "damaged_on", "replaced_on")
# the steps a material has reached, by status (every other step date is empty)
REACHED = {
    MaterialStatus.PLANNED: {"planned_on"},
    MaterialStatus.PRODUCED: {"planned_on", "produced_on"},
    MaterialStatus.INSTALLED: {"planned_on", "produced_on", "installed_on"},
    MaterialStatus.REMOVED: {"planned_on", "produced_on", "installed_on", "removed_on"},
    MaterialStatus.DAMAGED: {"planned_on", "produced_on", "installed_on", "damaged_on"},
    MaterialStatus.REPLACED: {"planned_on", "produced_on", "installed_on", "damaged_on", "replaced_on"},
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = create_demo_workspace(path=tmp_path_factory.mktemp("demo") / "demo.khws")
    yield opened
    opened.close()


def rows(store: Store, model: type[T]) -> list[T]:
    """Every record of ``model``, detached with its columns loaded."""
    with store.uow() as uow:
        records = list(uow.session.scalars(select(model)))
        uow.session.expunge_all()
        return records


def projection(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a person sees of the demo data, without ids and timestamps."""
    with store.uow() as uow:
        s = uow.session
        units = dict(s.execute(select(ResponsibleUnit.id, ResponsibleUnit.code)).all())
        sections = dict(s.execute(select(PlanSection.id, PlanSection.template_key)).all())
        tasks = {t.id: t for t in s.scalars(select(Task))}
        return {
            "tasks": sorted(
                (sections[t.section_id], t.position, t.content, t.form, units.get(t.lead_unit_id or ""),
                 tuple(units[u] for u in t.supporting_unit_ids), t.start_date, t.due_date, t.budget,
                 t.indicator_unit, t.indicator_target, t.status, t.percent_done, t.indicator_achieved, t.spent,
                 t.result_text, t.progress_updated_on, t.created_at, t.updated_at) for t in tasks.values()),
            "materials": sorted(
                (m.type, m.content, m.quantity, m.size, m.ward, m.address, m.status, m.cost, m.supplier, m.notes,
                 sections.get(m.section_id or ""), tasks[m.task_id].content if m.task_id else None,
                 *(getattr(m, step) for step in STEPS), m.planned_removal_on)
                for m in s.scalars(select(Material))),
            "events": sorted(
                (e.type, e.title, e.starts_on, e.ends_on, e.venue, e.ward, e.organiser, e.expected_participants,
                 e.actual_participants, e.budget, e.actual_cost, e.status, e.result_notes,
                 tasks[e.task_id].content if e.task_id else "") for e in s.scalars(select(Event))),
            "sections": sorted((sec.template_key or "", sec.local_text) for sec in s.scalars(select(PlanSection))),
        }


def test_default_demo_has_the_promised_registers_for_the_district(store: Store) -> None:
    tasks, materials, events = rows(store, Task), rows(store, Material), rows(store, Event)
    assert (len(tasks), len(materials), len(events)) == (40, 200, 24)
    codes = [r.unit_code for r in tasks] + [r.unit_code for r in materials] + [r.unit_code for r in events]
    assert set(codes) | {r.unit_code for r in rows(store, PlanRevision)} == {"006"}
    summary = get_workspace_summary(uow_factory=store.uow, path=store.path)
    assert summary.is_demo and summary.unit_code == "006"
    assert summary.signer_title == "Phó Chủ tịch" and summary.signer_name in demo.SIGNER_NAMES
    assert get_demo_today(uow_factory=store.uow) == DEMO_TODAY
    assert [a.action for a in rows(store, AuditEntry)][-1] == "demo.create"


def test_the_plan_is_issued_with_its_first_revision(store: Store) -> None:
    (plan,) = rows(store, Plan)
    assert (plan.number, plan.symbol, plan.issue_date) == ("05", "KH-UBND", dt.date(2021, 1, 20))
    assert (plan.status, plan.revision, plan.year) == (PlanStatus.ISSUED.value, 1, 2021)
    (revision,) = rows(store, PlanRevision)
    assert (revision.number, revision.reason, revision.plan_id) == (1, "Ban hành lần đầu", plan.id)
    assert revision.snapshot["plan"]["number"] == "05"
    assert len(revision.snapshot["tasks"]) == 40
    assert {t["content"] for t in revision.snapshot["tasks"]} == {t.content for t in rows(store, Task)}
    local = [s for s in rows(store, PlanSection) if s.local_text]
    assert 2 <= len(local) <= 3
    assert all(s.kind == SectionKind.THEME.value and "quận Đống Đa" in s.local_text for s in local)


def test_tasks_are_spread_over_themes_and_forms_and_coherent_with_the_demo_day(store: Store) -> None:
    tasks = rows(store, Task)
    sections = {s.id: s for s in rows(store, PlanSection)}
    units = {u.id: u for u in rows(store, ResponsibleUnit)}
    assert {sections[t.section_id].kind for t in tasks} == {SectionKind.THEME.value, SectionKind.FORM.value}
    assert len({sections[t.section_id].template_key for t in tasks}) == 9
    assert len({t.content for t in tasks}) == 40
    assert "Tuyên truyền trên hệ thống loa truyền thanh 21 phường về bầu cử" in " ".join(t.content for t in tasks)
    assert 15 <= sum(t.indicator_target is not None for t in tasks) <= 25  # about half
    assert any(t.budget == 0 for t in tasks)
    statuses = Counter(t.status for t in tasks)
    assert statuses[TaskStatus.DONE.value] >= 10 and statuses[TaskStatus.IN_PROGRESS.value] >= 5
    assert statuses[TaskStatus.NOT_STARTED.value] >= 1 and 1 <= statuses[TaskStatus.CANCELLED.value] <= 2
    for task in tasks:
        assert task.start_date and task.due_date and task.lead_unit_id
        assert PropagandaForm(task.form)
        assert dt.date(2021, 1, 1) <= task.start_date <= task.due_date <= dt.date(2021, 12, 31)
        assert task.budget % 500_000 == 0 and 0 <= task.spent <= task.budget
        assert units[task.lead_unit_id].kind in {"office", "centre", "mass_organisation", "other"}
        assert len(task.supporting_unit_ids) <= 3 and task.lead_unit_id not in task.supporting_unit_ids
        assert all(u in units for u in task.supporting_unit_ids)
        assert task.progress_updated_on is None or task.progress_updated_on <= DEMO_TODAY
        if task.status == TaskStatus.DONE.value:
            assert task.percent_done == 100 and task.due_date < DEMO_TODAY and task.result_text
            if task.indicator_target is not None:
                assert (task.indicator_achieved or 0) >= 0.9 * task.indicator_target
        if task.status == TaskStatus.NOT_STARTED.value:
            assert task.percent_done == 0 and task.spent == 0 and task.progress_updated_on is None
        if task.start_date > DEMO_TODAY:
            assert task.status in (TaskStatus.NOT_STARTED.value, TaskStatus.CANCELLED.value)
        assert task.created_at.tzinfo is not None and task.created_at <= task.updated_at
    lead_kinds = Counter(units[t.lead_unit_id or ""].kind for t in tasks)
    assert lead_kinds["office"] + lead_kinds["centre"] >= 30
    supporting = Counter(units[u].kind for t in tasks for u in t.supporting_unit_ids)
    assert supporting.most_common(1)[0][0] == "ward"


def test_material_steps_are_ordered_and_match_the_status(store: Store) -> None:
    materials = rows(store, Material)
    for m in materials:
        status = MaterialStatus(m.status)
        reached = {step for step in STEPS if getattr(m, step) is not None}
        assert reached == REACHED[status], (m.content, status, reached)
        dates = [getattr(m, step) for step in STEPS if getattr(m, step) is not None]
        assert dates == sorted(dates) and dates[-1] <= DEMO_TODAY
        assert all(d.year == 2021 for d in dates)
        if m.planned_removal_on is not None:
            assert m.installed_on is None or m.planned_removal_on > m.installed_on
        assert m.search_key == fold(" ".join([m.content, m.ward, m.address, m.supplier, m.size, m.notes]))
        assert m.cost > 0 and m.quantity > 0 and m.size and m.address
        assert m.section_id is not None
    by_status = Counter(m.status for m in materials)
    assert by_status[MaterialStatus.REMOVED.value] >= 30
    assert by_status[MaterialStatus.DAMAGED.value] + by_status[MaterialStatus.REPLACED.value] >= 1
    by_type = Counter(m.type for m in materials)
    assert by_type.most_common(1)[0][0] == MaterialType.BANNER.value
    assert by_type[MaterialType.FLAG.value] > by_type[MaterialType.LED_SCREEN.value]
    for m in materials:
        if m.type == MaterialType.BANNER.value:
            assert 5 <= m.quantity <= 60
        if m.type == MaterialType.LEAFLET.value:
            assert 1000 <= m.quantity <= 20000 and m.planned_removal_on is None
    wards = {m.ward for m in materials}
    assert "Cát Linh" in wards or len(wards) > 10
    assert any(m.task_id for m in materials) and any(m.notes for m in materials)
    assert any("Đại hội đại biểu toàn quốc lần thứ XIII" in m.content for m in materials)


def test_events_are_coherent_with_the_demo_day(store: Store) -> None:
    events = rows(store, Event)
    statuses = Counter(e.status for e in events)
    assert statuses[EventStatus.POSTPONED.value] == 1 and statuses[EventStatus.CANCELLED.value] == 1
    for e in events:
        assert EventType(e.type) and e.organiser and e.venue
        assert e.ends_on is None or e.ends_on >= e.starts_on
        assert e.search_key == fold(" ".join([e.title, e.ward, e.venue, e.organiser, e.result_notes]))
        if e.status == EventStatus.HELD.value:
            assert (e.ends_on or e.starts_on) < DEMO_TODAY and e.actual_participants and e.actual_cost is not None
        if e.status in (EventStatus.PLANNED.value, EventStatus.CONFIRMED.value):
            assert (e.ends_on or e.starts_on) >= DEMO_TODAY and e.actual_participants is None
    held = [e for e in events if e.status == EventStatus.HELD.value]
    assert sum(not e.result_notes for e in held) >= 2 and sum(bool(e.result_notes) for e in held) >= 8
    assert any(e.title == "Giải chạy Vì sức khỏe cộng đồng quận Đống Đa 2021" for e in events)


def test_records_save_unchanged_as_the_demo_wrote_them(tmp_path: Path) -> None:
    """The demo writes its rows in bulk, so they must be what the services would write: the search key as a
    save computes it (else the first save moves the version and the list calls it someone else's edit), and a
    linked task of the record's own theme (else the save is refused)."""
    from kehoach_desktop.services import events, materials

    opened = create_demo_workspace(path=tmp_path / "demo.khws")
    try:
        with opened.uow() as uow:
            material_rows = uow.session.scalars(select(Material)).all()
            event_rows = uow.session.scalars(select(Event)).all()
            assert material_rows and event_rows
            for m in material_rows:
                values = materials.MaterialInput(**{name: getattr(m, name) for name in materials.INPUT_FIELDS})
                assert m.search_key == materials.search_key_of(values)
            for e in event_rows:
                values = events.EventInput(**{name: getattr(e, name) for name in events.INPUT_FIELDS})
                assert e.search_key == events.search_key_of(values)
            section_of_task = {t.id: t.section_id for t in uow.session.scalars(select(Task))}
            linked = [r for r in (*material_rows, *event_rows) if r.task_id]
            assert linked and all(section_of_task[r.task_id] == r.section_id for r in linked)
            first_material, first_event = material_rows[0].id, next(e.id for e in event_rows if e.task_id)
        record = materials.get_material(uow_factory=opened.uow, material_id=first_material)
        changes = materials.update_material(uow_factory=opened.uow, material_id=record.id, values=record.as_input(),
                                            expected_version=record.version)
        assert not changes.materials
        assert materials.get_material(uow_factory=opened.uow, material_id=record.id).version == record.version
        held = events.get_event(uow_factory=opened.uow, event_id=first_event)
        changes = events.update_event(uow_factory=opened.uow, event_id=held.id, values=held.as_input(),
                                      expected_version=held.version)
        assert not changes.events
        assert events.get_event(uow_factory=opened.uow, event_id=held.id).version == held.version
    finally:
        opened.close()


def test_overview_shows_work_to_attend_to(store: Store) -> None:
    overview = get_overview(uow_factory=store.uow, today=DEMO_TODAY)
    assert overview.tasks_total == 40 and overview.materials_total == 200 and overview.events_total == 24
    assert overview.tasks_overdue > 0
    assert overview.removals_overdue > 0
    assert len(overview.events_next_7_days) >= 2
    assert overview.events_without_results > 0
    assert 0 < overview.budget_spent < overview.budget_planned
    assert overview.plan_number == "05/KH-UBND"
    assert len(overview.theme_progress) == 9


def test_the_same_seed_gives_the_same_data(tmp_path: Path, store: Store) -> None:
    again = create_demo_workspace(path=tmp_path / "again.khws")
    try:
        assert projection(again) == projection(store)
    finally:
        again.close()
    other = create_demo_workspace(path=tmp_path / "other.khws", seed=7)
    try:
        assert projection(other)["materials"] != projection(store)["materials"]
    finally:
        other.close()


def test_scale_multiplies_the_registers(tmp_path: Path) -> None:
    store = create_demo_workspace(path=tmp_path / "big.khws", scale=3)
    try:
        with store.uow() as uow:
            count = {model.__name__: uow.session.scalar(select(func.count()).select_from(model))
                     for model in (Task, Material, Event)}
            contents = list(uow.session.scalars(select(Task.content)))
        assert count == {"Task": 120, "Material": 600, "Event": 72}
        assert len(set(contents)) == 120 and all(c.endswith(("(đợt 1)", "(đợt 2)", "(đợt 3)")) for c in contents)
        overview = get_overview(uow_factory=store.uow, today=DEMO_TODAY)
        assert overview.tasks_overdue > 0 and overview.removals_overdue > 0
        assert len(overview.events_next_7_days) >= 2 and overview.events_without_results > 0
    finally:
        store.close()


def test_a_rural_district_works(tmp_path: Path) -> None:
    store = create_demo_workspace(path=tmp_path / "bavi.khws", district_code="271")
    try:
        tasks, materials = rows(store, Task), rows(store, Material)
        assert len(tasks) == 40 and len(materials) == 200
        codes = {r.unit_code for r in tasks} | {r.unit_code for r in materials}
        assert codes | {r.unit_code for r in rows(store, Event)} == {"271"}
        text = " ".join(t.content for t in tasks)
        assert "huyện Ba Vì" in text and "31 xã, thị trấn" in text and "phường" not in text
        assert {"Tây Đằng", "Tản Lĩnh"} & {m.ward for m in materials}
        assert get_overview(uow_factory=store.uow, today=DEMO_TODAY).tasks_overdue > 0
    finally:
        store.close()


def test_unknown_wards_leave_the_ward_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "places_of", lambda session, code: [])
    store = create_demo_workspace(path=tmp_path / "nowards.khws")
    try:
        assert {m.ward for m in rows(store, Material)} == {""}
        assert all(e.venue for e in rows(store, Event))
    finally:
        store.close()


def test_another_demo_day_keeps_everything_coherent(tmp_path: Path) -> None:
    today = dt.date(2021, 4, 1)
    store = create_demo_workspace(path=tmp_path / "april.khws", today=today)
    try:
        assert get_demo_today(uow_factory=store.uow) == today
        for m in rows(store, Material):
            assert all(getattr(m, step) is None or getattr(m, step) <= today for step in STEPS)
        for t in rows(store, Task):
            assert t.progress_updated_on is None or t.progress_updated_on <= today
            assert t.status != TaskStatus.DONE.value or (t.due_date is not None and t.due_date < today)
        for e in rows(store, Event):
            assert e.status != EventStatus.HELD.value or (e.ends_on or e.starts_on) < today
    finally:
        store.close()


def test_a_bad_scale_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        create_demo_workspace(path=tmp_path / "zero.khws", scale=0)
    assert not (tmp_path / "zero.khws").exists()


def test_a_failure_while_filling_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(demo, "_make_events", broken)
    with pytest.raises(RuntimeError):
        create_demo_workspace(path=tmp_path / "broken.khws")
    assert list(tmp_path.iterdir()) == []


def test_every_unit_of_the_2021_template_can_be_set_up(tmp_path) -> None:
    """Unit codes of the seeded directory stay unique even where two communes share a name (Gia Lâm)."""
    from kehoach_desktop.domain.enums import WorkspaceMode
    from kehoach_desktop.services.session import new_workspace
    from kehoach_desktop.services.templates import builtin_template
    from kehoach_desktop.services.workspace import WorkspaceSetup

    for unit in builtin_template().reporting_units:
        session = new_workspace(tmp_path / f"{unit.code}.khws", WorkspaceSetup(mode=WorkspaceMode.DISTRICT,
                                                                               unit_code=unit.code))
        assert session.summary().unit_code == unit.code
        session.close()
