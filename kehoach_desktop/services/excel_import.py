"""Import returned progress workbooks: read them all, validate every cell, preview, then apply in one go.

:func:`preview_excel_import` reads the files and writes nothing. It gives, per file and sheet,
the records that will change (old → new), the new records (rows without an id in the materials
and events sheets), the rows missing from the file (reported, never deleted) and every problem
with its place. A row with a blocking problem is left out; the others are applied.
:func:`apply_excel_import` backs the workspace up, then writes every change of the preview in
one transaction (refusing all if a record changed since the preview), and records each file's
name and SHA-256 in the audit log, so that the same file imported again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import MaterialStatus, TaskStatus
from kehoach_desktop.domain.errors import UserFacingError, ValidationError, os_reason
from kehoach_desktop.domain.lifecycle import STEP_DATE_FIELD, check_step, event_date_problems, material_date_problems
from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.exchange.excel_format import (
    CHOICE,
    EVENTS,
    FORMAT_NAME,
    FORMAT_VERSION,
    ID,
    INTEGER,
    MATERIALS,
    MONEY,
    PERCENT,
    SHEETS,
    TASKS,
    THEME,
    ColumnSpec,
    SheetSpec,
    choice_label,
)
from kehoach_desktop.exchange.excel_problems import marked_copy_name, write_marked_copy
from kehoach_desktop.exchange.excel_read import (
    CellProblem,
    CellValueError,
    ImportCancelled,
    RawSheet,
    RawWorkbook,
    WorkbookRefused,
    parse_value,
    read_progress_workbook,
    shown,
)
from kehoach_desktop.exchange.excel_scope import SCOPE_CHECK, is_sealed, scope_key
from kehoach_desktop.formats import format_number, format_vnd
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services import audit
from kehoach_desktop.services.backups import make_backup
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.events import search_key_of as event_search_key
from kehoach_desktop.services.materials import search_key_of as material_search_key
from kehoach_desktop.services.plan_dto import ProgressUpdate
from kehoach_desktop.services.plan_editing import current_plan
from kehoach_desktop.services.progress import EDITABLE_STATUSES, validate_progress
from kehoach_desktop.services.registers import THEME_KINDS, diff
from kehoach_desktop.storage.models import AuditEntry, Event, Material, PlanSection, Task, WorkspaceInfo, utcnow
from kehoach_desktop.storage.uow import UnitOfWorkFactory

__all__ = ["CellProblem", "ImportCancelled", "ImportOutcome", "ImportPreview", "apply_excel_import",
           "preview_excel_import", "write_problem_copies"]

log = logging.getLogger(__name__)
OK, REFUSED, ALREADY = "ok", "refused", "already_imported"
MODEL = {TASKS: Task, MATERIALS: Material, EVENTS: Event}
ENTITY = {TASKS: "task", MATERIALS: "material", EVENTS: "event"}
TASK_FIELDS = ("status", "percent_done", "indicator_achieved", "spent", "result_text", "progress_updated_on")
MATERIAL_FIELDS = ("type", "content", "quantity", "size", "ward", "address", "status", "planned_on", "produced_on",
                   "installed_on", "planned_removal_on", "removed_on", "damaged_on", "replaced_on", "cost",
                   "supplier", "notes")
EVENT_FIELDS = ("type", "title", "starts_on", "ends_on", "venue", "ward", "organiser", "expected_participants",
                "actual_participants", "budget", "actual_cost", "status", "result_notes")
FIELDS = {TASKS: TASK_FIELDS, MATERIALS: MATERIAL_FIELDS, EVENTS: EVENT_FIELDS}
DEFAULTS: dict[str, dict[str, Any]] = {
    TASKS: {"percent_done": 0, "spent": 0, "result_text": ""},
    MATERIALS: {"quantity": 1, "cost": 0, "size": "", "ward": "", "address": "", "supplier": "", "notes": "",
                "status": MaterialStatus.PLANNED.value},
    EVENTS: {"budget": 0, "venue": "", "ward": "", "organiser": "", "result_notes": "", "status": "planned"},
}


# ---- DTOs ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    column: str  # the column's title in the workbook
    old: str
    new: str


@dataclass(frozen=True)
class RecordChange:
    row: int
    record_id: str
    label: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class NewRecord:
    row: int
    label: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class MissingRow:
    record_id: str
    label: str


@dataclass(frozen=True)
class SheetPreview:
    key: str
    name: str  # as in the file
    changes: tuple[RecordChange, ...]
    new_records: tuple[NewRecord, ...]
    missing: tuple[MissingRow, ...]
    unchanged: int
    problems: tuple[CellProblem, ...]
    header_row: int = 2


@dataclass(frozen=True)
class _Write:
    sheet: str
    record_id: str | None  # None: a new record
    version: int | None
    values: dict[str, Any]  # field -> new value (every field for a new record)
    before: dict[str, Any]
    row: int


@dataclass(frozen=True)
class FilePreview:
    path: Path
    sha256: str
    status: str  # OK, REFUSED, ALREADY
    message: str  # why it was refused, or when it was imported before
    unit_filter: str  # the responsible unit the file was exported for ("" for everyone)
    sheets: tuple[SheetPreview, ...] = ()
    problems: tuple[CellProblem, ...] = ()  # problems of the whole file (sheets not read…)
    writes: tuple[_Write, ...] = field(default=(), repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def all_problems(self) -> tuple[CellProblem, ...]:
        return self.problems + tuple(p for s in self.sheets for p in s.problems)

    @property
    def change_count(self) -> int:
        return sum(len(s.changes) + len(s.new_records) for s in self.sheets)


@dataclass(frozen=True)
class ImportPreview:
    files: tuple[FilePreview, ...]
    today: dt.date

    @property
    def refused(self) -> tuple[FilePreview, ...]:
        return tuple(f for f in self.files if f.status == REFUSED)

    @property
    def change_count(self) -> int:
        return sum(f.change_count for f in self.files if f.status == OK)

    @property
    def problem_count(self) -> int:
        return sum(len(f.all_problems) for f in self.files)

    @property
    def has_writes(self) -> bool:
        return any(f.writes for f in self.files if f.status == OK)


@dataclass(frozen=True)
class ImportOutcome:
    changes: Changes
    updated: int
    created: int
    files: int  # files recorded as imported
    backup: Path | None


# ---- values as shown -------------------------------------------------------------------------

def _display(column: ColumnSpec | None, value: Any) -> str:
    if value is None or value == "":
        return ""
    if column is not None and column.kind == CHOICE:
        return choice_label(column.choices, value)
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if column is not None and column.kind == PERCENT:
        return f"{value}%"
    if column is not None and column.kind in (MONEY, INTEGER) and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _problem(sheet: RawSheet, row: int, key: str, found: Any, expected: str, *, blocking: bool = True) -> CellProblem:
    column = next((c for c in sheet.spec.columns if c.key == key), None)
    return CellProblem(sheet.name, row, column.title if column else "", sheet.letter(key), shown(found), expected,
                       blocking)


# ---- reading the workspace -------------------------------------------------------------------

@dataclass
class _Workspace:
    workspace_id: str
    unit_code: str
    plan_id: str | None
    plan_revision: int
    themes: dict[str, str]  # folded label or number -> section id
    theme_label: dict[str, str]  # section id -> label
    imported: dict[str, str]  # sha256 -> when (ISO) and file name, from the audit log
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # sheet -> id -> values
    scope_key: bytes = b""  # seals the ids a workbook was sent with (exchange/excel_scope.py)


def _load_workspace(session: Session) -> _Workspace:
    info = session.scalars(select(WorkspaceInfo)).one()
    plan = current_plan(session)
    themes: dict[str, str] = {}
    labels: dict[str, str] = {}
    if plan is not None:
        for sid, number, title, kind in session.execute(select(
                PlanSection.id, PlanSection.number, PlanSection.title, PlanSection.kind).where(
                PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None))):
            label = f"{number} {title}".strip()
            labels[sid] = label
            if kind in THEME_KINDS:
                themes[fold(label)] = sid
                if number:
                    themes.setdefault(fold(number).rstrip("."), sid)
    imported = {}
    for at, details, summary in session.execute(select(AuditEntry.at, AuditEntry.details, AuditEntry.summary).where(
            AuditEntry.action == "excel.import")):
        sha = (details or {}).get("sha256")
        if sha:
            imported[sha] = f"{at.astimezone().strftime('%d/%m/%Y %H:%M')} ({summary})"
    return _Workspace(info.id, info.unit_code, plan.id if plan else None, plan.revision if plan else 0, themes,
                      labels, imported, scope_key=scope_key(info.signing_private_key))


def _records(session: Session, ws: _Workspace, sheet: str) -> dict[str, dict[str, Any]]:
    """Every record of the workspace's own unit for a sheet: id -> field values (and version, label…)."""
    if sheet in ws.records:
        return ws.records[sheet]
    model = MODEL[sheet]
    extra = ("content",) if sheet == TASKS else ()
    columns = [model.id, model.version, model.deleted_at, model.section_id,
               *(getattr(model, name) for name in FIELDS[sheet] + extra)]
    query = select(*columns)
    query = query.where(Task.plan_id == ws.plan_id) if sheet == TASKS else query.where(model.unit_code == ws.unit_code)
    found = {}
    for row in session.execute(query):
        values = dict(row._mapping)
        found[values["id"]] = values
    ws.records[sheet] = found
    return found


def _label(sheet: str, values: dict[str, Any]) -> str:
    text = values.get("title") if sheet == EVENTS else values.get("content")
    text = (text or "").replace("\n", " ")
    return text if len(text) <= 90 else text[:89] + "…"


# ---- the preview -----------------------------------------------------------------------------

def preview_excel_import(*, uow_factory: UnitOfWorkFactory, paths: Sequence[Path], today: dt.date,
                         progress: Callable[[int, int, str], None] | None = None,
                         should_stop: Callable[[], bool] | None = None) -> ImportPreview:
    """Read and check every file against the workspace; writes nothing. ``should_stop`` cancels."""
    with uow_factory() as uow:
        ws = _load_workspace(uow.session)
        claimed: dict[tuple[str, str], str] = {}  # (sheet, record id) -> file that changes it
        files = []
        for index, path in enumerate(paths):
            if progress is not None:
                progress(index, len(paths), path.name)
            if should_stop is not None and should_stop():
                raise ImportCancelled()
            files.append(_preview_file(uow.session, ws, Path(path), today, claimed, should_stop))
        if progress is not None:
            progress(len(paths), len(paths), "")
        return ImportPreview(tuple(files), today)


def _refused(path: Path, sha256: str, message: str) -> FilePreview:
    return FilePreview(path=path, sha256=sha256, status=REFUSED, message=message, unit_filter="")


def _preview_file(session: Session, ws: _Workspace, path: Path, today: dt.date,
                  claimed: dict[tuple[str, str], str], should_stop: Callable[[], bool] | None) -> FilePreview:
    try:
        raw = read_progress_workbook(path, should_stop=should_stop)
    except WorkbookRefused as error:
        return _refused(path, "", error.message)
    refusal = _check_meta(raw, ws)
    earlier_version = not refusal and _written_before_seals(raw)
    if earlier_version:
        refusal = _scope_from_the_workspace(session, raw, today)
    refusal = refusal or ("" if earlier_version else _check_scope(raw, ws))
    if refusal:
        return _refused(path, raw.sha256, refusal)
    unit_filter = raw.meta.get("unit_filter_name", "")
    if raw.sha256 in ws.imported:
        return FilePreview(path=path, sha256=raw.sha256, status=ALREADY, unit_filter=unit_filter,
                           message=_("This file was already imported on {when}; importing it again changes "
                                     "nothing.").format(when=ws.imported[raw.sha256]))
    problems = list(raw.problems)
    if raw.meta.get("plan_revision", "") not in ("", str(ws.plan_revision)):
        problems.append(CellProblem("", 0, "", "", raw.meta.get("plan_revision", ""), _(
            "the current revision {revision} of the plan: the file was exported from an earlier revision; "
            "check the tasks it reports on").format(revision=ws.plan_revision), blocking=False))
    if earlier_version:
        problems.append(CellProblem("", 0, "", "", raw.meta.get("app_version", ""), _(
            "a workbook that lists the records it was sent with: this one was exported by an earlier version, "
            "so its rows were checked against the records {unit} has today").format(
            unit=raw.meta.get("unit_filter_name") or raw.meta.get("workspace_unit_name", "")), blocking=False))
    sheets, writes = [], []
    for sheet in raw.sheets:
        preview, sheet_writes = _preview_sheet(session, ws, raw, sheet, today, claimed)
        sheets.append(preview)
        writes.extend(sheet_writes)
    return FilePreview(path=path, sha256=raw.sha256, status=OK, message="", unit_filter=unit_filter,
                       sheets=tuple(sheets), problems=tuple(problems), writes=tuple(writes))


def _check_meta(raw: RawWorkbook, ws: _Workspace) -> str:
    meta = raw.meta
    name = raw.path.name
    if meta.get("format") != FORMAT_NAME:
        return _("{name}: this workbook is not a progress workbook of Kế hoạch Desktop.").format(name=name)
    try:
        version = int(meta.get("format_version", "0"))
    except ValueError:
        version = 0
    if version > FORMAT_VERSION:
        return _("{name}: this workbook was written by a newer version of Kế hoạch Desktop ({app}); update the "
                 "application to import it.").format(name=name, app=meta.get("app_version", "?"))
    exported = meta.get("exported_at", "")[:10]
    if meta.get("workspace_id") != ws.workspace_id:
        return _("{name}: this workbook belongs to another workspace — that of {unit} ({code}), exported on "
                 "{date}. Import it in that workspace.").format(
            name=name, unit=meta.get("workspace_unit_name", "?"), code=meta.get("workspace_unit_code", "?"),
            date=exported or "?")
    if meta.get("plan_id") != ws.plan_id:
        return _("{name}: this workbook was exported for another plan of {unit} (the plan of {year}, exported on "
                 "{date}); it does not match the current plan.").format(
            name=name, unit=meta.get("workspace_unit_name", "?"), year=meta.get("plan_year", "?"),
            date=exported or "?")
    return ""


def _check_scope(raw: RawWorkbook, ws: _Workspace) -> str:
    """The list of records the workbook was sent with must be the one the workspace sealed (issue 18)."""
    if is_sealed(ws.scope_key, raw.meta, raw.exported_ids):
        return ""
    return _("{name}: the hidden sheet “_meta” of this workbook was changed, or the workbook was exported by an "
             "earlier version of Kế hoạch Desktop: the records it was sent with cannot be trusted, so nothing of it "
             "was imported. Export the workbook again and send it to the unit.").format(name=raw.path.name)


def _written_before_seals(raw: RawWorkbook) -> bool:
    """A workbook of an earlier version (0.1.0) lists the records it was sent with but does not seal the list.

    Such workbooks are still in the units' hands (issue 21): their list is not trusted but narrowed to the
    records the unit the workbook names has today (``_scope_from_the_workspace``). A workbook whose seal does
    not match was changed and is refused (issue 18). Removing the seal from ``_meta`` therefore brings back only
    the earlier version's rule, checked against the workspace.
    """
    return SCOPE_CHECK not in raw.meta


def _scope_from_the_workspace(session: Session, raw: RawWorkbook, today: dt.date) -> str:
    """Fill a workbook of an earlier version's list of records from the workspace; a refusal, or ""."""
    from kehoach_desktop.services.excel_export import ids_a_workbook_would_hold, parse_sheet_keys

    try:
        sheets = parse_sheet_keys(raw.meta.get("sheets") or None)
    except ValidationError:
        sheets = ()
    ids = ids_a_workbook_would_hold(session, unit_code=raw.meta.get("unit_filter_code", ""),
                                    sheets=sheets or [s.spec.key for s in raw.sheets], today=today)
    if ids is None:
        return _("{name}: this workbook was exported for {unit}, which is no longer in the directory of "
                 "responsible units; nothing of it was imported.").format(
            name=raw.path.name, unit=raw.meta.get("unit_filter_name") or raw.meta.get("unit_filter_code", ""))
    listed = raw.exported_ids
    raw.exported_ids = {key: [i for i in found if i in set(listed.get(key, ()))] if any(listed.values()) else found
                        for key, found in ids.items()}
    return ""


def _not_sent(raw: RawWorkbook, sheet: RawSheet, number: int, record_id: str) -> CellProblem:
    unit = raw.meta.get("unit_filter_name", "")
    if unit:
        expected = _("a record sent in this workbook: the record with this code was not sent to {unit} (the "
                     "workbook was exported for that unit only), so the row was not imported").format(unit=unit)
    else:
        expected = _("a record sent in this workbook: the record with this code was not in it when it was "
                     "exported, so the row was not imported")
    return _problem(sheet, number, "id", record_id, expected)


def _preview_sheet(session: Session, ws: _Workspace, raw: RawWorkbook, sheet: RawSheet, today: dt.date,
                   claimed: dict[tuple[str, str], str]) -> tuple[SheetPreview, list[_Write]]:
    spec = sheet.spec
    records = _records(session, ws, spec.key)
    problems: list[CellProblem] = []
    changes: list[RecordChange] = []
    new_records: list[NewRecord] = []
    writes: list[_Write] = []
    seen: dict[str, int] = {}
    unchanged = 0
    sent = set(raw.exported_ids.get(spec.key, ()))
    for row in sheet.rows:
        row_problems: list[CellProblem] = []
        for key, reason in row.bad.items():
            found = _("a formula") if reason == "formula" else reason
            row_problems.append(_problem(sheet, row.number, key, found, _(
                "a value typed in the cell, not a formula or an error") if reason == "formula" else _(
                "a value (the cell shows an error: {error})").format(error=reason)))
        try:
            record_id = parse_value(spec.column("id"), row.values.get("id"))
        except CellValueError as error:
            problems += [*row_problems, _problem(sheet, row.number, "id", row.values.get("id"), error.expected)]
            continue
        parsed, row_problems = _parse_row(sheet, row.number, row.values, row.bad, row_problems)
        if record_id is None:
            if not spec.allows_new_rows:
                problems += [*row_problems, _problem(sheet, row.number, "id", "", _(
                    "the code of a task of the plan: new tasks are added in the plan, not from Excel"))]
                continue
            write = _new_record(sheet, ws, row.number, parsed, today, row_problems)
            problems += row_problems
            if write is not None and not any(p.blocking for p in row_problems):
                writes.append(write)
                new_records.append(NewRecord(row.number, _label(spec.key, write.values), tuple(
                    FieldChange(spec.column(k).title, "", _display(spec.column(k), v))
                    for k, v in write.values.items() if k in _titled(spec) and v not in (None, ""))))
            continue
        if record_id in seen:
            problems += [*row_problems, _problem(sheet, row.number, "id", record_id, _(
                "each record once: the same code is also on row {row}").format(row=seen[record_id]))]
            continue
        seen[record_id] = row.number
        if record_id not in sent:  # a unit's workbook changes only the records it was sent
            problems += [*row_problems, _not_sent(raw, sheet, row.number, record_id)]
            continue
        current = records.get(record_id)
        if current is None:
            problems += [*row_problems, _problem(sheet, row.number, "id", record_id, _(
                "the code of a record of this workspace (no record has this code; the row was not imported)"))]
            continue
        if current["deleted_at"] is not None:
            problems += [*row_problems, _problem(sheet, row.number, "id", record_id, _(
                "a record that still exists: this one was deleted in the application since the export"))]
            continue
        new_values, row_problems = _merge(sheet, ws, row.number, current, parsed, today, row_problems)
        problems += row_problems
        if any(p.blocking for p in row_problems):
            continue
        changed = {k: v for k, v in new_values.items() if current.get(k) != v}
        if not changed:
            unchanged += 1
            continue
        owner = claimed.get((spec.key, record_id))
        if owner is not None:
            problems.append(_problem(sheet, row.number, "id", record_id, _(
                "one file per record: {file} changes this record too; this row was left out").format(file=owner)))
            continue
        claimed[(spec.key, record_id)] = raw.path.name
        writes.append(_Write(spec.key, record_id, current["version"], changed,
                             {k: current.get(k) for k in changed}, row.number))
        changes.append(RecordChange(row.number, record_id, _label(spec.key, current), tuple(
            FieldChange(_title(spec, k), _display(_column(spec, k), current.get(k)), _display(_column(spec, k), v))
            for k, v in changed.items())))
    missing = tuple(MissingRow(rid, _label(spec.key, records[rid])) for rid in raw.exported_ids.get(spec.key, ())
                    if rid not in seen and rid in records and records[rid]["deleted_at"] is None)
    return SheetPreview(spec.key, sheet.name, tuple(changes), tuple(new_records), missing, unchanged,
                        tuple(problems), sheet.header_row), writes


def _titled(spec: SheetSpec) -> set[str]:
    return {c.key for c in spec.columns}


def _column(spec: SheetSpec, key: str) -> ColumnSpec | None:
    return next((c for c in spec.columns if c.key == key), None)


def _title(spec: SheetSpec, key: str) -> str:
    column = _column(spec, key)
    return column.title if column else key


def _parse_row(sheet: RawSheet, number: int, values: dict[str, Any], bad: dict[str, str],
               problems: list[CellProblem]) -> tuple[dict[str, Any], list[CellProblem]]:
    """Every cell of the row in the file as its column wants it (cells that fail are left out)."""
    parsed: dict[str, Any] = {}
    for column in sheet.spec.columns:
        if column.kind == ID or column.key not in sheet.columns or column.key in bad:
            continue
        try:
            parsed[column.key] = parse_value(column, values.get(column.key))
        except CellValueError as error:
            problems.append(_problem(sheet, number, column.key, values.get(column.key), error.expected,
                                     blocking=column.editable))
    return parsed, problems


def _merge(sheet: RawSheet, ws: _Workspace, number: int, current: dict[str, Any], parsed: dict[str, Any],
           today: dt.date, problems: list[CellProblem]) -> tuple[dict[str, Any], list[CellProblem]]:
    """The record's values once the row's editable cells are applied, and the rules checked."""
    spec = sheet.spec
    values = {k: current.get(k) for k in FIELDS[spec.key]}
    for column in spec.columns:
        key = column.key
        if key not in parsed or column.kind == ID:
            continue
        value = parsed[key]
        if column.kind == THEME:
            if fold(value or "") != fold(ws.theme_label.get(current.get("section_id") or "", "")):
                problems.append(_problem(sheet, number, key, value, _(
                    "the theme as exported: the theme of a record is changed in the application"), blocking=False))
            continue
        if not column.editable:
            continue  # shown for the reader; what the plan says stays
        if value is None and column.required:
            problems.append(_problem(sheet, number, key, "", _("a value: this column cannot be empty")))
            continue
        if value is None and key in DEFAULTS[spec.key]:
            value = DEFAULTS[spec.key][key]
        values[key] = value
    problems += _rule_problems(sheet, number, current, values, today)
    return values, problems


def _rule_problems(sheet: RawSheet, number: int, current: dict[str, Any] | None, values: dict[str, Any],
                   today: dt.date) -> list[CellProblem]:
    key = sheet.spec.key
    found: list[CellProblem] = []

    def add(column: str, message: str, *, blocking: bool = True) -> None:
        column_spec = _column(sheet.spec, column)
        found.append(_problem(sheet, number, column, _display(column_spec, values.get(column)), message,
                              blocking=blocking))

    if key == TASKS:
        changed = current is None or any(values[k] != current.get(k) for k in TASK_FIELDS)
        if changed and current is not None and values["progress_updated_on"] == current.get("progress_updated_on"):
            values["progress_updated_on"] = today
        if values["status"] == TaskStatus.OVERDUE.value:
            add("status", _("one of the statuses a unit can set (overdue is worked out from the due date)"))
            return found
        checks = (("status", values["status"] not in EDITABLE_STATUSES),
                  ("percent_done", not 0 <= (values["percent_done"] or 0) <= 100),
                  ("indicator_achieved", not 0 <= (values["indicator_achieved"] or 0) <= MAX_COUNT),
                  ("spent", not 0 <= (values["spent"] or 0) <= MAX_AMOUNT_VND),
                  ("percent_done", values["status"] == TaskStatus.DONE.value and values["percent_done"] != 100))
        update = ProgressUpdate(values["status"], values["percent_done"] or 0, values["indicator_achieved"],
                                values["spent"] or 0, values["result_text"] or "", values["progress_updated_on"]
                                or today)
        if validate_progress(update):  # the rules of services.progress, each shown on its own column
            for column, failed in checks:
                if failed:
                    add(column, validate_progress(_only(update, column))[0])
    elif key == MATERIALS:
        if not values.get("content"):
            add("content", _("the content or slogan of the material"))
        if values.get("quantity") is not None and values["quantity"] < 1:
            add("quantity", _("a quantity of at least 1"))
        elif (values.get("quantity") or 0) > MAX_COUNT:
            add("quantity", _("a number of at most {n}").format(n=format_number(MAX_COUNT)))
        if (values.get("cost") or 0) < 0:
            add("cost", _("an amount that is not negative"))
        elif (values.get("cost") or 0) > MAX_AMOUNT_VND:
            add("cost", _("an amount of at most {amount}").format(amount=format_vnd(MAX_AMOUNT_VND)))
        if current is not None and values["status"] != current.get("status"):
            step = check_step(current["status"], values["status"])
            if step.kind == "skip":
                add("status", _("the next step of the life cycle; this change skips: {steps} (it is applied "
                                "anyway)").format(steps=", ".join(choice_label("material_status", s.value)
                                                                   for s in step.skipped)), blocking=False)
            elif step.kind == "back":
                add("status", _("a later step of the life cycle; this change goes back a step (it is applied "
                                "anyway)"), blocking=False)
        date_field = STEP_DATE_FIELD[MaterialStatus(values["status"])]
        if (current is None or values["status"] != current.get("status")) and values.get(date_field) is None:
            values[date_field] = today
        for first, later in _DATE_PAIRS:  # the rules of domain.lifecycle, each shown on its later date
            pair = {first: values.get(first), later: values.get(later)}
            for message in material_date_problems(pair, pair.get("planned_removal_on")):
                add(later, message)
    elif key == EVENTS:
        if not values.get("title"):
            add("title", _("the title of the event"))
        for message in event_date_problems(values.get("starts_on"), values.get("ends_on")):
            add("ends_on" if values.get("starts_on") else "starts_on", message)
        for name in ("expected_participants", "actual_participants", "budget", "actual_cost"):
            if values.get(name) is not None and values[name] < 0:
                add(name, _("a number that is not negative"))
            elif name.endswith("participants") and (values.get(name) or 0) > MAX_COUNT:
                add(name, _("a number of at most {n}").format(n=format_number(MAX_COUNT)))
            elif not name.endswith("participants") and (values.get(name) or 0) > MAX_AMOUNT_VND:
                add(name, _("an amount of at most {amount}").format(amount=format_vnd(MAX_AMOUNT_VND)))
    return found


_DATE_PAIRS = (("produced_on", "installed_on"), ("installed_on", "removed_on"), ("installed_on", "planned_removal_on"),
               ("installed_on", "damaged_on"), ("damaged_on", "replaced_on"))


def _only(update: ProgressUpdate, column: str) -> ProgressUpdate:
    """``update`` with every field but ``column`` made valid, to get the message of that one rule."""
    fine = ProgressUpdate(TaskStatus.IN_PROGRESS.value, 50, None, 0, "", update.updated_on)
    if column == "status":
        return replace(fine, status=update.status)
    if column == "percent_done" and 0 <= update.percent_done <= 100:  # done but not 100%
        return replace(fine, status=update.status, percent_done=update.percent_done)
    if column == "percent_done":
        return replace(fine, percent_done=update.percent_done)
    if column == "indicator_achieved":
        return replace(fine, indicator_achieved=update.indicator_achieved)
    return replace(fine, spent=update.spent)


def _new_record(sheet: RawSheet, ws: _Workspace, number: int, parsed: dict[str, Any], today: dt.date,
                problems: list[CellProblem]) -> _Write | None:
    spec = sheet.spec
    values: dict[str, Any] = {k: None for k in FIELDS[spec.key]}
    values.update(DEFAULTS[spec.key])
    for column in spec.columns:
        if column.key not in parsed or column.kind in (ID, THEME) or not column.editable:
            continue
        if parsed[column.key] is None:
            if column.required and column.key not in DEFAULTS[spec.key]:
                problems.append(_problem(sheet, number, column.key, "", _("a value: this column cannot be empty")))
            continue
        values[column.key] = parsed[column.key]
    for column in spec.columns:
        if column.required and column.key not in sheet.columns and column.key not in DEFAULTS[spec.key]:
            problems.append(_problem(sheet, number, column.key, "", _("a value: this column cannot be empty")))
    section_id = None
    theme = parsed.get("theme")
    if theme:
        section_id = ws.themes.get(fold(theme)) or ws.themes.get(fold(theme).split(" ")[0].rstrip("."))
        if section_id is None:
            problems.append(_problem(sheet, number, "theme", theme, _(
                "a theme of the plan from the drop-down list; the record is added without a theme"), blocking=False))
    if any(p.blocking for p in problems):
        return None
    problems += _rule_problems(sheet, number, None, values, today)
    if any(p.blocking for p in problems):
        return None
    values["section_id"] = section_id
    return _Write(spec.key, None, None, values, {}, number)


# ---- applying --------------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def apply_excel_import(*, uow_factory: UnitOfWorkFactory, preview: ImportPreview) -> ImportOutcome:
    """Back up, then write every valid change of ``preview`` in one transaction (all or nothing)."""
    accepted = [f for f in preview.files if f.status == OK]
    if not accepted:
        raise UserFacingError(_("No file can be imported: every file was refused or was already imported."))
    backup = make_backup(uow_factory=uow_factory, reason="before-excel-import")
    updated = created = 0
    touched: set[str] = set()
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        plan = current_plan(s)
        already = {(d or {}).get("sha256") for d in s.scalars(select(AuditEntry.details).where(
            AuditEntry.action == "excel.import"))}
        for file in accepted:
            if file.sha256 in already:
                raise UserFacingError(_("{name} was imported in the meantime; preview the files again.").format(
                    name=file.name))
            source = {"source": "excel", "file": file.name, "sha256": file.sha256}
            for write in file.writes:
                origin = {**source, "sheet": SHEETS[write.sheet].title, "row": write.row}  # named in the city's words
                if write.record_id is None:
                    _create(s, info.unit_code, plan.id if plan else None, write, origin)
                    created += 1
                else:
                    _update(s, info.unit_code, write, origin)
                    updated += 1
                touched.add(write.sheet)
            audit.record(s, unit_code=info.unit_code, action="excel.import", entity="workbook",
                         entity_id=file.sha256[:64], summary=file.name, details={
                             "file": file.name, "sha256": file.sha256, "changed": sum(
                                 1 for w in file.writes if w.record_id), "created": sum(
                                 1 for w in file.writes if w.record_id is None),
                             "problems": len(file.all_problems), "unit_filter": file.unit_filter})
        uow.commit()
    changes = Changes(tasks=TASKS in touched, materials=MATERIALS in touched, events=EVENTS in touched)
    return ImportOutcome(changes, updated, created, len(accepted), backup.path if backup else None)


def _update(session: Session, unit_code: str, write: _Write, source: dict[str, Any]) -> None:
    model = MODEL[write.sheet]
    record = session.get(model, write.record_id)
    if record is None or record.deleted_at is not None or record.version != write.version:
        raise ValidationError(_("A record changed in the application since the preview (row {row} of the sheet "
                                "“{sheet}”): nothing was imported. Preview the files again.").format(
            row=write.row, sheet=write.sheet))
    before = {k: getattr(record, k) for k in write.values}
    for name, value in write.values.items():
        setattr(record, name, value)
    record.version += 1
    record.updated_at = utcnow()
    if write.sheet == TASKS:
        details = {k: [_jsonable(before[k]), _jsonable(v)] for k, v in write.values.items()} | source
        audit.record(session, unit_code=unit_code, action="task.progress", entity="task", entity_id=record.id,
                     summary=record.content[:200], details=details)
        return
    if write.sheet == MATERIALS:
        record.search_key = material_search_key(_as_material_input(record))
        summary = record.content[:200]
    else:
        record.search_key = event_search_key(_as_event_input(record))
        summary = record.title[:200]
    entity = ENTITY[write.sheet]
    audit.record(session, unit_code=unit_code, action=f"{entity}.update", entity=entity, entity_id=record.id,
                 summary=summary, details={"changes": diff(before, write.values)} | source)


def _as_material_input(record: Material) -> Any:
    from kehoach_desktop.services.materials import INPUT_FIELDS, MaterialInput

    return MaterialInput(**{name: getattr(record, name) for name in INPUT_FIELDS})


def _as_event_input(record: Event) -> Any:
    from kehoach_desktop.services.events import INPUT_FIELDS, EventInput

    return EventInput(**{name: getattr(record, name) for name in INPUT_FIELDS})


def _create(session: Session, unit_code: str, plan_id: str | None, write: _Write, source: dict[str, Any]) -> None:
    values = {k: (nfc(v) if isinstance(v, str) else v) for k, v in write.values.items()}
    entity = ENTITY[write.sheet]
    if write.sheet == MATERIALS:
        record: Material | Event = Material(unit_code=unit_code, plan_id=plan_id, **values)
        record.search_key = material_search_key(_as_material_input(record))
        summary = record.content[:200]
    else:
        record = Event(unit_code=unit_code, plan_id=plan_id, **values)
        record.search_key = event_search_key(_as_event_input(record))
        summary = record.title[:200]
    session.add(record)
    session.flush()
    audit.record(session, unit_code=unit_code, action=f"{entity}.create", entity=entity, entity_id=record.id,
                 summary=summary, details={"changes": diff({}, {k: v for k, v in values.items()
                                                                if k != "section_id"})} | source)


MAX_MARKED_SIZE = 4 << 20  # openpyxl loads a whole workbook to mark it: 2 MB (10,000 materials) takes 160 MB


def write_problem_copies(*, preview: ImportPreview, folder: Path,
                         failures: list[str] | None = None) -> tuple[Path, ...]:
    """For each read file with problems, a copy with the bad cells marked, to send back (``<name>-can-sua.xlsx``).

    A file that cannot be marked (too large to load whole, or one openpyxl cannot open although it was
    read) gets a line in ``failures`` (or, without that list, a :class:`UserFacingError` once the others
    are written): its problems are in the preview all the same.
    """
    written, failed = [], []
    for file in preview.files:
        problems = [p for p in file.all_problems if p.sheet]
        if file.status != OK or not problems:
            continue
        dest = folder / marked_copy_name(file.path)
        if file.path.stat().st_size > MAX_MARKED_SIZE:
            failed.append(_("{name}: no marked copy: the workbook is too large to be opened whole and marked (more "
                            "than {size} MB); its problems are listed in the preview.").format(
                name=file.name, size=MAX_MARKED_SIZE >> 20))
            continue
        try:
            written.append(write_marked_copy(file.path, dest, problems,
                                             {s.name: s.header_row for s in file.sheets}))
        except OSError as exc:
            raise UserFacingError(_("The file {path} cannot be written: {reason}").format(
                path=dest, reason=os_reason(exc))) from exc
        except Exception as exc:  # openpyxl's own errors share no base class; the preview has read the file
            log.warning("no marked copy of %s: %s", file.path, exc, exc_info=True)
            failed.append(_("{name}: no marked copy: the workbook could not be opened again to mark it (the "
                            "library said “{reason}”); its problems are listed in the preview.").format(
                name=file.name, reason=str(exc)[:200]))
    if failed and failures is None:
        raise UserFacingError(_("Not every marked copy could be written."), details=failed)
    if failures is not None:
        failures.extend(failed)
    return tuple(written)


# ---- words -----------------------------------------------------------------------------------

def describe_file(file: FilePreview) -> str:
    """One line per file for the CLI and the dialog."""
    if file.status == REFUSED:
        return _("Refused: {message}").format(message=file.message)
    if file.status == ALREADY:
        return _("{name}: {message}").format(name=file.name, message=file.message)
    changed = sum(len(s.changes) for s in file.sheets)
    new = sum(len(s.new_records) for s in file.sheets)
    missing = sum(len(s.missing) for s in file.sheets)
    problems = len(file.all_problems)
    return _("{name}: {changed}, {new}, {missing}, {problems}.").format(
        name=file.name,
        changed=ngettext("{n} record changes", "{n} records change", changed).format(n=changed),
        new=ngettext("{n} new record", "{n} new records", new).format(n=new),
        missing=ngettext("{n} row missing", "{n} rows missing", missing).format(n=missing),
        problems=ngettext("{n} problem", "{n} problems", problems).format(n=problems))


def describe_problem(file: FilePreview, problem: CellProblem) -> str:
    place = " · ".join(x for x in (
        file.name, problem.sheet,
        _("row {row}").format(row=problem.row) if problem.row else "",
        f"{problem.letter} {problem.column}".strip() if (problem.letter or problem.column) else "") if x)
    found = _("found “{value}”").format(value=problem.found) if problem.found else _("found nothing")
    kind = _("Problem") if problem.blocking else _("Note")
    return _("{kind}: {place}: {found}; expected {expected}.").format(kind=kind, place=place, found=found,
                                                                      expected=problem.expected)


def describe_preview(preview: ImportPreview) -> list[str]:
    """The preview as lines of text (the CLI prints them): per file and sheet, changes, new rows, gaps, problems."""
    return [line for file in preview.files for line in describe_file_in_full(file)]


def describe_file_in_full(file: FilePreview) -> list[str]:
    lines = [describe_file(file)]
    for sheet in file.sheets:
        if not (sheet.changes or sheet.new_records or sheet.missing):
            continue
        lines.append("  " + _("Sheet “{sheet}”:").format(sheet=sheet.name))
        for change in sheet.changes:
            fields = "; ".join(f"{f.column}: {f.old or '∅'} → {f.new or '∅'}" for f in change.fields)
            lines.append("    " + _("row {row} · {label}: {fields}").format(row=change.row, label=change.label,
                                                                          fields=fields))
        for new in sheet.new_records:
            lines.append("    " + _("row {row} · new: {label}").format(row=new.row, label=new.label))
        for missing in sheet.missing:
            lines.append("    " + _("missing from the file (kept as it is): {label}").format(label=missing.label))
    for problem in file.all_problems:
        lines.append("  " + describe_problem(file, problem))
    return lines


def with_changes_removed(preview: ImportPreview) -> ImportPreview:
    """The same preview without writes (what a dry run shows has nothing to apply)."""
    return replace(preview, files=tuple(replace(f, writes=()) for f in preview.files))
