"""Export the Excel progress workbook: for everyone, for one responsible unit, or one file per unit.

What a unit's workbook holds (the rule is documented in ``docs/excel-workbook.md``):

- tasks: those it leads or supports;
- materials and events: those of a task it leads, and — for a ward, commune or township unit —
  those in its ward (the register's ward is the end of the unit's name: “UBND phường Cát Linh”
  covers “Cát Linh”); events also when it is their organiser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop import __version__
from kehoach_desktop.domain.enums import ResponsibleUnitKind
from kehoach_desktop.domain.errors import UserFacingError, ValidationError, os_reason
from kehoach_desktop.domain.rules import is_task_due_soon, is_task_overdue
from kehoach_desktop.domain.text import fold
from kehoach_desktop.exchange.excel_export import (
    ExportCancelled,
    SheetContent,
    WorkbookContent,
    iso_now,
    write_progress_workbook,
)
from kehoach_desktop.exchange.excel_format import (
    EVENTS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MATERIALS,
    MAX_DATA_ROWS,
    SHEET_KEYS,
    SHEETS,
    TASKS,
    choice_label,
)
from kehoach_desktop.exchange.excel_scope import scope_key
from kehoach_desktop.formats import format_number
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services import audit
from kehoach_desktop.services.plan_editing import current_plan
from kehoach_desktop.services.registers import THEME_KINDS
from kehoach_desktop.storage.models import Event, Material, PlanSection, ResponsibleUnit, Task, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

WARD_KINDS = (ResponsibleUnitKind.WARD.value, ResponsibleUnitKind.COMMUNE.value,
              ResponsibleUnitKind.TOWNSHIP.value)

__all__ = ["ExportCancelled", "ExportUnit", "ExportedWorkbook", "describe_export", "export_progress_workbook",
           "export_progress_workbooks_per_unit", "list_export_units", "parse_sheet_keys"]


@dataclass(frozen=True)
class ExportUnit:
    id: str
    code: str
    name: str
    tasks: int
    materials: int
    events: int

    @property
    def rows(self) -> int:
        return self.tasks + self.materials + self.events


@dataclass(frozen=True)
class ExportedWorkbook:
    path: Path
    unit_code: str  # "" for everyone
    unit_name: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class _Row:
    values: tuple[Any, ...]
    units: frozenset[str]  # ids of the responsible units the row concerns


@dataclass(frozen=True)
class _Unit:
    id: str
    code: str
    name: str
    kind: str


@dataclass
class _Data:
    workspace_id: str
    unit_code: str
    unit_name: str
    plan_id: str
    plan_revision: int
    plan_year: int
    themes: list[str]
    units: list[_Unit]
    rows: dict[str, list[_Row]]
    scope_key: bytes = b""


def parse_sheet_keys(text: str | None) -> tuple[str, ...]:
    """``tasks,materials`` → the keys, in the workbook's order; refuses an unknown name."""
    if not text:
        return SHEET_KEYS
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in asked if part not in SHEET_KEYS]
    if unknown or not asked:
        raise ValidationError(_("Unknown sheet “{name}”: choose among tasks, materials and events.").format(
            name=", ".join(unknown) or text))
    return tuple(key for key in SHEET_KEYS if key in asked)


def _deadline(status: str, due: dt.date | None, today: dt.date) -> str:
    """Vietnamese data of the workbook (the sheet is read by wards whatever the app's language)."""
    if due is None:
        return ""
    if is_task_overdue(status, due, today):
        late = (today - due).days
        return f"Quá hạn {late} ngày" if late > 0 else "Quá hạn"
    if is_task_due_soon(status, due, today):
        left = (due - today).days
        return "Đến hạn hôm nay" if left == 0 else f"Còn {left} ngày"
    return ""


def _ward_units(units: list[_Unit]) -> list[tuple[str, str]]:
    return [(u.id, " " + fold(u.name)) for u in units if u.kind in WARD_KINDS]


def _load(session: Session, *, today: dt.date, sheets: Sequence[str]) -> _Data:
    info = session.scalars(select(WorkspaceInfo)).one()
    plan = current_plan(session)
    if plan is None:
        raise UserFacingError(_("This workspace has no plan yet: create the plan before exporting progress."))
    sections = {sid: (number, title, kind) for sid, number, title, kind in session.execute(
        select(PlanSection.id, PlanSection.number, PlanSection.title, PlanSection.kind)
        .where(PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None))
        .order_by(PlanSection.position))}
    theme_label = {sid: f"{number} {title}".strip() for sid, (number, title, _kind) in sections.items()}
    themes = [theme_label[sid] for sid, (_n, _t, kind) in sections.items() if kind in THEME_KINDS]
    units = [_Unit(u.id, u.code, u.name, u.kind) for u in session.scalars(select(ResponsibleUnit).where(
        ResponsibleUnit.unit_code == info.unit_code, ResponsibleUnit.deleted_at.is_(None))
        .order_by(ResponsibleUnit.position, ResponsibleUnit.name))]
    names = {u.id: u.name for u in units}
    by_name = {fold(u.name): u.id for u in units}
    wards = _ward_units(units)
    ward_cache: dict[str, frozenset[str]] = {}

    def ward_units(ward: str) -> frozenset[str]:
        if ward not in ward_cache:
            key = " " + fold(ward)
            ward_cache[ward] = frozenset(uid for uid, name in wards if ward and name.endswith(key))
        return ward_cache[ward]

    task_lead: dict[str, str | None] = {}
    rows: dict[str, list[_Row]] = {key: [] for key in sheets}
    task_query = select(Task.id, Task.section_id, Task.content, Task.lead_unit_id, Task.supporting_unit_ids,
                        Task.start_date, Task.due_date, Task.budget, Task.indicator_unit, Task.indicator_target,
                        Task.status, Task.percent_done, Task.indicator_achieved, Task.spent, Task.result_text,
                        Task.progress_updated_on).join(PlanSection, PlanSection.id == Task.section_id).where(
        Task.plan_id == plan.id, Task.deleted_at.is_(None)).order_by(PlanSection.position, Task.position)
    for (task_id, section_id, content, lead, supporting, start, due, budget, ind_unit, target, status, percent,
         achieved, spent, result, updated) in session.execute(task_query):
        task_lead[task_id] = lead
        if TASKS in rows:
            rows[TASKS].append(_Row((
                task_id, sections.get(section_id, ("", "", ""))[0], content, names.get(lead or "", ""), start, due,
                _deadline(status, due, today), budget, ind_unit, target, choice_label("task_status", status),
                percent, achieved, spent, result, updated),
                frozenset(([lead] if lead else []) + list(supporting or ()))))
    if MATERIALS in rows:
        m = Material
        for values in session.execute(select(
                m.id, m.type, m.content, m.section_id, m.quantity, m.size, m.ward, m.address, m.status, m.planned_on,
                m.produced_on, m.installed_on, m.planned_removal_on, m.removed_on, m.damaged_on, m.replaced_on,
                m.cost, m.supplier, m.notes, m.task_id).where(
                m.unit_code == info.unit_code, m.deleted_at.is_(None)).order_by(m.created_at, m.id)):
            lead = task_lead.get(values.task_id or "")
            rows[MATERIALS].append(_Row((
                values.id, choice_label("material_type", values.type), values.content,
                theme_label.get(values.section_id or "", ""), values.quantity, values.size, values.ward,
                values.address, choice_label("material_status", values.status), *values[9:19]),
                ward_units(values.ward) | (frozenset([lead]) if lead else frozenset())))
    if EVENTS in rows:
        e = Event
        for values in session.execute(select(
                e.id, e.type, e.title, e.section_id, e.starts_on, e.ends_on, e.venue, e.ward, e.organiser,
                e.expected_participants, e.actual_participants, e.budget, e.actual_cost, e.status, e.result_notes,
                e.task_id).where(e.unit_code == info.unit_code, e.deleted_at.is_(None))
                .order_by(e.starts_on, e.id)):
            lead = task_lead.get(values.task_id or "")
            organiser = by_name.get(fold(values.organiser)) if values.organiser else None
            rows[EVENTS].append(_Row((
                values.id, choice_label("event_type", values.type), values.title,
                theme_label.get(values.section_id or "", ""), *values[4:13],
                choice_label("event_status", values.status), values.result_notes),
                ward_units(values.ward) | frozenset(x for x in (lead, organiser) if x)))
    return _Data(workspace_id=info.id, unit_code=info.unit_code, unit_name=info.unit_full_name or info.unit_name,
                 plan_id=plan.id, plan_revision=plan.revision, plan_year=plan.year, themes=themes,
                 units=units, rows=rows, scope_key=scope_key(info.signing_private_key))


def _resolve_unit(units: list[_Unit], wanted: str) -> _Unit:
    key = fold(wanted)
    for unit in units:
        if wanted in (unit.id, unit.code) or key in (fold(unit.code), fold(unit.name)):
            return unit
    matches = [u for u in units if key and key in fold(u.name)]
    if len(matches) == 1:
        return matches[0]
    raise ValidationError(_("No responsible unit “{unit}” in the directory: give its code (for example "
                            "{example}) or its exact name.").format(unit=wanted,
                                                                   example=units[0].code if units else "vhtt"))


def _content(data: _Data, sheets: Sequence[str], unit: _Unit | None, today: dt.date) -> WorkbookContent:
    meta = {
        "format": FORMAT_NAME, "format_version": str(FORMAT_VERSION), "app_version": __version__,
        "workspace_id": data.workspace_id, "workspace_unit_code": data.unit_code,
        "workspace_unit_name": data.unit_name, "plan_id": data.plan_id,
        "plan_revision": str(data.plan_revision), "plan_year": str(data.plan_year),
        "unit_filter_code": unit.code if unit else "", "unit_filter_name": unit.name if unit else "",
        "exported_at": iso_now(), "sheets": ",".join(sheets),
    }
    sheet_contents = []
    for key in sheets:
        rows = data.rows[key]
        chosen = rows if unit is None else [r for r in rows if unit.id in r.units]
        sheet_contents.append(SheetContent(SHEETS[key], [r.values for r in chosen]))
    _refuse_beyond_import(sheet_contents, unit)
    who = unit.name if unit else data.unit_name
    subtitle = f"{who} — ngày {today.day:02d}/{today.month:02d}/{today.year}"
    return WorkbookContent(meta=meta, sheets=sheet_contents, subtitle=subtitle, themes=data.themes,
                           scope_key=data.scope_key)


def ids_a_workbook_would_hold(session: Session, *, unit_code: str, sheets: Sequence[str],
                              today: dt.date) -> dict[str, list[str]] | None:
    """The records a workbook for ``unit_code`` ("" for the whole unit) holds if exported today, per sheet.

    The scope of a workbook written before workbooks listed (and sealed) what they were sent with; None when the
    workbook names a unit the directory no longer has.
    """
    data = _load(session, today=today, sheets=sheets)
    unit = next((u for u in data.units if u.code == unit_code), None) if unit_code else None
    if unit_code and unit is None:
        return None
    return {key: [str(r.values[0]) for r in data.rows[key] if unit is None or unit.id in r.units] for key in sheets}


def _refuse_beyond_import(sheets: Sequence[SheetContent], unit: _Unit | None) -> None:
    """Never write a workbook the import would refuse: at most :data:`MAX_DATA_ROWS` records in all (issue 18)."""
    counts = {sheet.spec.title: len(sheet.rows) for sheet in sheets}  # type: ignore[arg-type]
    total = sum(counts.values())
    if total <= MAX_DATA_ROWS:
        return
    hint = _("Export fewer sheets.") if unit is not None else _("Export one workbook per unit, or fewer sheets.")
    raise ValidationError(_("The workbook would hold {total} records ({counts}); a progress workbook holds at most "
                            "{limit}, the most a returned workbook is read with. {hint}").format(
        total=format_number(total), limit=format_number(MAX_DATA_ROWS), hint=hint,
        counts=", ".join(f"{title}: {format_number(n)}" for title, n in counts.items() if n)))


def _record_export(uow_factory: UnitOfWorkFactory, written: list[ExportedWorkbook]) -> None:
    with uow_factory() as uow:
        s = uow.session
        unit_code = s.scalars(select(WorkspaceInfo.unit_code)).one()
        for done in written:
            audit.record(s, unit_code=unit_code, action="excel.export", entity="workbook",
                         summary=done.path.name, details={"file": done.path.name, "unit": done.unit_code,
                                                          "rows": done.rows})
        uow.commit()


def export_progress_workbook(*, uow_factory: UnitOfWorkFactory, out: Path, today: dt.date,
                             unit: str | None = None, sheets: Sequence[str] = SHEET_KEYS,
                             should_stop: Callable[[], bool] | None = None) -> ExportedWorkbook:
    """Write the progress workbook for everyone, or for the responsible unit ``unit`` (code or name)."""
    with uow_factory() as uow:
        data = _load(uow.session, today=today, sheets=sheets)
    chosen = _resolve_unit(data.units, unit) if unit else None
    done = _write(out, _content(data, sheets, chosen, today), chosen, should_stop)
    _record_export(uow_factory, [done])
    return done


def _write(out: Path, content: WorkbookContent, unit: _Unit | None,
           should_stop: Callable[[], bool] | None) -> ExportedWorkbook:
    try:
        written = write_progress_workbook(out, content, should_stop=should_stop)
    except OSError as exc:
        raise UserFacingError(_("The file {path} cannot be written: {reason}").format(
            path=out, reason=os_reason(exc))) from exc
    return ExportedWorkbook(out, unit.code if unit else "", unit.name if unit else "", written.rows)


def list_export_units(*, uow_factory: UnitOfWorkFactory, today: dt.date,
                      sheets: Sequence[str] = SHEET_KEYS) -> tuple[ExportUnit, ...]:
    """The responsible units with something to report, and how many rows each one's workbook has."""
    with uow_factory() as uow:
        data = _load(uow.session, today=today, sheets=sheets)
    found = []
    for unit in data.units:
        counts = {key: sum(1 for r in data.rows.get(key, ()) if unit.id in r.units) for key in SHEET_KEYS}
        if any(counts.values()):
            found.append(ExportUnit(unit.id, unit.code, unit.name, counts[TASKS], counts[MATERIALS], counts[EVENTS]))
    return tuple(found)


def file_name_for(unit_code: str, unit_name: str, year: int) -> str:
    """``tien-do-2021-vhtt-phong-van-hoa-va-thong-tin.xlsx``: ASCII, safe on every file system."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(f"{unit_code} {unit_name}")).strip("-")[:60]
    return f"tien-do-{year}-{slug or 'don-vi'}.xlsx"


def export_progress_workbooks_per_unit(
        *, uow_factory: UnitOfWorkFactory, folder: Path, today: dt.date, sheets: Sequence[str] = SHEET_KEYS,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None) -> tuple[ExportedWorkbook, ...]:
    """One workbook per responsible unit that has something to report, into ``folder``."""
    with uow_factory() as uow:
        data = _load(uow.session, today=today, sheets=sheets)
    units = [u for u in data.units if any(u.id in r.units for rows in data.rows.values() for r in rows)]
    if not units:
        raise UserFacingError(_("No responsible unit has a task, a material or an event to report."))
    written: list[ExportedWorkbook] = []
    try:
        for index, unit in enumerate(units):
            if should_stop is not None and should_stop():
                raise ExportCancelled()
            out = folder / file_name_for(unit.code, unit.name, data.plan_year)
            written.append(_write(out, _content(data, sheets, unit, today), unit, should_stop))
            if progress is not None:
                progress(index + 1, len(units))
    finally:
        if written:
            _record_export(uow_factory, written)
    return tuple(written)


def describe_export(done: ExportedWorkbook) -> str:
    parts = [ngettext("{n} task", "{n} tasks", done.rows.get(TASKS, 0)).format(n=done.rows.get(TASKS, 0)),
             ngettext("{n} material", "{n} materials", done.rows.get(MATERIALS, 0)).format(
                 n=done.rows.get(MATERIALS, 0)),
             ngettext("{n} event", "{n} events", done.rows.get(EVENTS, 0)).format(n=done.rows.get(EVENTS, 0))]
    return _("Wrote {path}: {rows}.").format(path=done.path, rows=", ".join(parts))
