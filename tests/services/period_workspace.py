"""A small district workspace built by hand (through the services), whose figures for every quarter, half
and the year are worked out by hand in ``test_period_figures.py``.

Tasks (plan 2021 of Đống Đa; A = theme 1.1, B = theme 1.2):
  T1 A  10/01–20/03, budget 10 M: done 100 %, spent 9 M, updated 15/03
  T2 A  01/02–30/06, budget 20 M: done 100 %, spent 18 M, updated 05/07 (recorded after the quarter)
  T3 B  01/04–31/05, budget  5 M: in progress 40 %, spent 1 M, updated 10/05 (then overdue)
  T4 B  01/09–30/11, budget  8 M: cancelled, updated 02/10
  T5 A  no dates,    budget  2 M: not started
Materials:
  M1 banner  10 × 5 M in all: produced 10/02, installed 15/02, removed 20/04 (removal planned 31/03)
  M2 panel    2, 30 M: planned 01/05, produced 20/06, installed 02/07, removal planned 15/09 (never removed)
  M3 poster 100,  3 M: installed 10/08 (no production date), damaged 05/11
  M4 leaflet 1000, 2 M: produced, no dates at all
  M5 flag    50,  4 M: planned 01/12
Events: E1 held 05/03 (200 people, 10 M), E2 held 20/07 (150, 6 M), E3 cancelled 01/08,
  E4 planned 10/11, E5 held 20/12 (80, 4 M).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kehoach_desktop.domain.enums import EventStatus, EventType, MaterialType, PropagandaForm, WorkspaceMode
from kehoach_desktop.domain.template import Template
from kehoach_desktop.services.events import EventInput, create_event
from kehoach_desktop.services.materials import MaterialInput, create_material
from kehoach_desktop.services.plan_dto import ProgressUpdate, TaskInput
from kehoach_desktop.services.plan_editing import create_task, get_plan_editor
from kehoach_desktop.services.progress import update_task_progress
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.workspace import WorkspaceSetup, create_workspace

D = dt.date
M = 1_000_000


def build_period_workspace(path: Path, unit_code: str = "006", template: Template | None = None) -> WorkspaceSession:
    """The workspace described above, for ``unit_code`` of ``template`` (the built-in 2021 one by default)."""
    session = WorkspaceSession(create_workspace(path=path, template=template, setup=WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code=unit_code, signer_name="Phạm Thị Lan Anh",
        signer_title="Phó Chủ tịch")))
    uow = session.uow_factory
    state = get_plan_editor(uow_factory=uow, today=D(2021, 1, 5))
    assert state is not None
    themes = [s for s in state.sections if s.kind == "theme"]
    a, b = themes[0].id, themes[1].id

    def task(section: str, content: str, start: dt.date | None, due: dt.date | None, budget: int,
             status: str, percent: int, spent: int, updated: dt.date | None) -> None:
        created = create_task(uow_factory=uow, section_id=section, fields=TaskInput(
            content=content, form=PropagandaForm.PRESS.value, start_date=start, due_date=due, budget=budget))
        if updated is not None:
            update_task_progress(uow_factory=uow, task_id=created.id, update=ProgressUpdate(
                status=status, percent_done=percent, indicator_achieved=None, spent=spent, result_text="",
                updated_on=updated))

    task(a, "T1 Tuyên truyền Đại hội Đảng", D(2021, 1, 10), D(2021, 3, 20), 10 * M, "done", 100, 9 * M, D(2021, 3, 15))
    task(a, "T2 Tuyên truyền bầu cử", D(2021, 2, 1), D(2021, 6, 30), 20 * M, "done", 100, 18 * M, D(2021, 7, 5))
    task(b, "T3 Phát thanh phòng dịch", D(2021, 4, 1), D(2021, 5, 31), 5 * M, "in_progress", 40, 1 * M,
         D(2021, 5, 10))
    task(b, "T4 Hội thi tuyên truyền viên", D(2021, 9, 1), D(2021, 11, 30), 8 * M, "cancelled", 0, 0,
         D(2021, 10, 2))
    task(a, "T5 Cập nhật bảng tin", None, None, 2 * M, "not_started", 0, 0, None)

    def material(kind: MaterialType, quantity: int, cost: int, status: str, **dates: dt.date) -> None:
        create_material(uow_factory=uow, values=MaterialInput(
            type=kind.value, content=f"{kind.value} {quantity}", quantity=quantity, cost=cost, status=status,
            **dates))

    material(MaterialType.BANNER, 10, 5 * M, "removed", produced_on=D(2021, 2, 10), installed_on=D(2021, 2, 15),
             removed_on=D(2021, 4, 20), planned_removal_on=D(2021, 3, 31))
    material(MaterialType.PANEL, 2, 30 * M, "installed", planned_on=D(2021, 5, 1), produced_on=D(2021, 6, 20),
             installed_on=D(2021, 7, 2), planned_removal_on=D(2021, 9, 15))
    material(MaterialType.POSTER, 100, 3 * M, "damaged", installed_on=D(2021, 8, 10), damaged_on=D(2021, 11, 5))
    material(MaterialType.LEAFLET, 1000, 2 * M, "produced")
    material(MaterialType.FLAG, 50, 4 * M, "planned", planned_on=D(2021, 12, 1))

    def event(title: str, day: dt.date, status: EventStatus, people: int | None = None,
              cost: int | None = None) -> None:
        create_event(uow_factory=uow, values=EventInput(
            type=EventType.CULTURAL.value, title=title, starts_on=day, status=status.value,
            actual_participants=people, actual_cost=cost))

    event("E1 Liên hoan văn nghệ", D(2021, 3, 5), EventStatus.HELD, 200, 10 * M)
    event("E2 Triển lãm ảnh", D(2021, 7, 20), EventStatus.HELD, 150, 6 * M)
    event("E3 Hội diễn bị hủy", D(2021, 8, 1), EventStatus.CANCELLED)
    event("E4 Giải chạy", D(2021, 11, 10), EventStatus.PLANNED)
    event("E5 Đêm nhạc cuối năm", D(2021, 12, 20), EventStatus.HELD, 80, 4 * M)
    return session
