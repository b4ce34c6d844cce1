"""Compare the rows of a returned sheet with the workspace and with what the file knew at export.

For a record's row, three values meet: the value at export (the row's origin cell, written by the export
or by the marked copy), the value now in the workspace, and the value in the file.

- A cell still equal to its value at export is *untouched*: it never overwrites the workspace.
- A cell changed in the file is a change, unless the workspace already holds that value.
- A record changed in the workspace since the export (its version moved past the one this export last
  saw) and changed in the file is a *conflict*: shown with its three values, applied only when the officer
  takes the file's values.
- A task's update date never moves back.
- A read-only cell typed over is a warning (its value is not taken); a row with a blocking problem is left
  out whole, and says which of its other changes were not imported either.

A row without an id (or with one the workspace does not know, written by a marked copy) is a new
record, unless its token says an earlier import already created it: then it is that record.
A workbook without origin cells (format version 1) is compared with the workspace, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import MaterialStatus, TaskStatus
from kehoach_desktop.domain.lifecycle import STEP_DATE_FIELD, check_step, event_date_problems, material_date_problems
from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT
from kehoach_desktop.domain.text import fold
from kehoach_desktop.exchange.excel_format import (
    CHOICE,
    EVENTS,
    ID,
    INTEGER,
    MATERIALS,
    MONEY,
    ORIGIN,
    PERCENT,
    TASKS,
    THEME,
    ColumnSpec,
    SheetSpec,
    choice_label,
)
from kehoach_desktop.exchange.excel_origin import RowOrigin, read_origin, same_as_written
from kehoach_desktop.exchange.excel_read import CellProblem, CellValueError, RawRow, RawSheet, parse_value, shown
from kehoach_desktop.formats import format_date, format_number, format_vnd
from kehoach_desktop.i18n import _
from kehoach_desktop.services.excel_dto import (
    Conflict,
    ConflictField,
    FieldChange,
    MissingRow,
    NewRecord,
    RecordChange,
    RowWrite,
    SheetPreview,
)
from kehoach_desktop.services.excel_memory import ImportMemory
from kehoach_desktop.services.plan_dto import ProgressUpdate
from kehoach_desktop.services.progress import EDITABLE_STATUSES, validate_progress
from kehoach_desktop.storage.models import Event, Material, Task

MODEL = {TASKS: Task, MATERIALS: Material, EVENTS: Event}
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
UPDATED_ON = "progress_updated_on"
# what makes a new row the record it is: a row recognised by its token that changes these is shown as a conflict
# (it may be another unit's new row typed in the same prepared row of another copy of the export)
IDENTITY: dict[str, tuple[str, ...]] = {MATERIALS: ("type", "content"), EVENTS: ("type", "title")}
_DATE_PAIRS = (("produced_on", "installed_on"), ("installed_on", "removed_on"), ("installed_on", "planned_removal_on"),
               ("installed_on", "damaged_on"), ("damaged_on", "replaced_on"))


@dataclass
class WorkspaceState:
    """What one preview compares the files with (loaded once for all the files of the preview)."""

    workspace_id: str
    unit_code: str
    created_at: dt.datetime
    plan_id: str | None
    plan_revision: int
    themes: dict[str, str]  # folded label or number -> section id
    theme_label: dict[str, str]  # section id -> label
    memory: ImportMemory
    records: dict[str, dict[str, Record]] = field(default_factory=dict)  # sheet -> id -> values
    claimed: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, record id) -> file changing it
    claimed_tokens: dict[str, str] = field(default_factory=dict)  # row token -> file creating its record
    scope_key: bytes = b""  # seals the ids a workbook was sent with (exchange/excel_scope.py)


@dataclass(frozen=True)
class FileContext:
    name: str
    sha256: str
    export_id: str  # the export the file is a copy of
    saved_at: str  # when this copy was saved ("" unknown: taken as older than every other copy)
    today: dt.date
    unit_filter: str = ""  # the unit the workbook was exported for ("" all)


class Record(Mapping[str, Any]):
    """A record's values as the comparison reads them: one tuple behind an index shared by the sheet's records.

    With the query's rows all buffered and a dict per record, the 100,000 materials of the largest workbook took
    230 MB, which with the origin cells took the dry run over the 500 MB every workbook is read within; streamed
    into these, 75 MB.
    """

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[Any, ...]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[self._index[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def records_of(session: Session, ws: WorkspaceState, sheet: str) -> dict[str, Record]:
    """Every record of the workspace's own unit for a sheet: id -> field values (and version, label…)."""
    if sheet in ws.records:
        return ws.records[sheet]
    model = MODEL[sheet]
    extra = ("content",) if sheet == TASKS else ()
    columns = [model.id, model.version, model.deleted_at, model.section_id,
               *(getattr(model, name) for name in FIELDS[sheet] + extra)]
    query = select(*columns)
    query = query.where(Task.plan_id == ws.plan_id) if sheet == TASKS else query.where(model.unit_code == ws.unit_code)
    result = session.execute(query.execution_options(yield_per=2_000))  # streamed, not all rows held at once
    index = {name: i for i, name in enumerate(result.keys())}
    texts: dict[str, str] = {}  # one object for each short text met again and again (a type, a status, a ward)
    found = {}
    for row in result:
        found[row[0]] = Record(index, (row[0], *(texts.setdefault(v, v) if isinstance(v, str) and len(v) <= 48 else v
                                                  for v in row[1:])))
    ws.records[sheet] = found
    return found


def label_of(sheet: str, values: Mapping[str, Any]) -> str:
    text = values.get("title") if sheet == EVENTS else values.get("content")
    text = (text or "").replace("\n", " ")
    return text if len(text) <= 90 else text[:89] + "…"


def display(column: ColumnSpec | None, value: Any) -> str:
    """A value as the preview shows it: labels, dd/mm/yyyy, 50%, 1.500.000."""
    if value is None or value == "":
        return ""
    if column is not None and column.kind == CHOICE:
        return choice_label(column.choices, value)
    if isinstance(value, dt.date):
        return format_date(value)
    if column is not None and column.kind == PERCENT:
        return f"{value}%"
    if column is not None and column.kind in (MONEY, INTEGER) and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _problem(sheet: RawSheet, row: int, key: str, found: Any, expected: str, *, blocking: bool = True) -> CellProblem:
    column = _column(sheet.spec, key)
    return CellProblem(sheet.name, row, column.title if column else "", sheet.letter(key), shown(found), expected,
                       blocking)


def _column(spec: SheetSpec, key: str) -> ColumnSpec | None:
    return next((c for c in spec.columns if c.key == key), None)


def _title(spec: SheetSpec, key: str) -> str:
    column = _column(spec, key)
    return column.title if column else key


def _canon(sheet: str, key: str, value: Any) -> Any:
    """A value as stored: an empty cell is the field's default (0 đồng, no text) or nothing."""
    if value is None or value == "":
        return DEFAULTS[sheet].get(key, None if value is None else "")
    return value


def _is_blank(row: RawRow) -> bool:
    """A row with nothing typed in (the empty rows for new records keep only their origin cell)."""
    return not row.bad and all(v is None or (isinstance(v, str) and not v.strip())
                               for k, v in row.values.items() if k != "origin")


# ---- a sheet ---------------------------------------------------------------------------------

@dataclass
class _SheetWork:
    """What the rows of one sheet add up to."""

    problems: list[CellProblem] = field(default_factory=list)
    changes: list[RecordChange] = field(default_factory=list)
    new_records: list[NewRecord] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    writes: list[RowWrite] = field(default_factory=list)
    conflict_writes: list[RowWrite] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # record id -> row
    tokens: set[str] = field(default_factory=set)
    sent: set[str] = field(default_factory=set)  # the ids the row may carry: sent in the workbook, or created from it
    unchanged: int = 0
    recognised: int = 0


@dataclass(frozen=True)
class SheetResult:
    preview: SheetPreview
    writes: list[RowWrite]
    conflict_writes: list[RowWrite]


def preview_sheet(session: Session, ws: WorkspaceState, file: FileContext, sheet: RawSheet,
                  exported_ids: list[str], origin_columns: tuple[str, ...]) -> SheetResult:
    """``origin_columns``: the columns of the file's origin lists, in order (from its ``_meta``)."""
    spec = sheet.spec
    records = records_of(session, ws, spec.key)
    work = _SheetWork(sent=set(exported_ids) | _created_from(ws, file, spec.key))
    has_origin = "origin" in sheet.columns
    for row in sheet.rows:
        if _is_blank(row):
            continue
        origin = read_origin(row.values.get("origin"), origin_columns) if has_origin else None
        _row(ws, file, sheet, records, row, origin, work)
    missing = tuple(MissingRow(rid, label_of(spec.key, records[rid])) for rid in exported_ids
                    if rid not in work.seen and rid in records and records[rid]["deleted_at"] is None)
    preview = SheetPreview(spec.key, sheet.name, tuple(work.changes), tuple(work.new_records), missing,
                           work.unchanged, tuple(work.problems), sheet.header_row, tuple(work.conflicts),
                           work.recognised)
    return SheetResult(preview, work.writes, work.conflict_writes)


def _cell_problems(sheet: RawSheet, row: RawRow) -> list[CellProblem]:
    found = []
    for key, reason in row.bad.items():
        what = _("a formula") if reason == "formula" else reason
        found.append(_problem(sheet, row.number, key, what, _(
            "a value typed in the cell, not a formula or an error") if reason == "formula" else _(
            "a value (the cell shows an error: {error})").format(error=reason)))
    return found


def _row(ws: WorkspaceState, file: FileContext, sheet: RawSheet, records: dict[str, Record], row: RawRow,
         origin: RowOrigin | None, work: _SheetWork) -> None:
    spec = sheet.spec
    problems = _cell_problems(sheet, row)
    try:
        record_id = parse_value(spec.column("id"), row.values.get("id"))
    except CellValueError as error:
        work.problems += [*problems, _problem(sheet, row.number, "id", row.values.get("id"), error.expected)]
        return
    own_token = origin.token if origin is not None and _own_token(file, spec.key, origin.token) else ""
    at_export: dict[str, Any] | None = origin.values if origin is not None else None
    export_version = origin.version if origin is not None else None
    assigned = None
    if record_id is not None and record_id not in records and own_token:
        assigned, record_id = record_id, None  # a marked copy's new record, never applied: still a new row
    if record_id is None:
        if not spec.allows_new_rows:
            work.problems += [*problems, _problem(sheet, row.number, "id", "", _(
                "the code of a task of the plan: new tasks are added in the plan, not from Excel"))]
            return
        # the row's token (a prepared row, or a row a marked copy tied to its new record), else its place
        token = own_token if own_token and own_token not in work.tokens else _row_token(file, spec.key, row.number)
        work.tokens.add(token)
        created = ws.memory.rows.get(token)
        if created is not None and created.sheet == spec.key:
            current = records.get(created.record_id)
            if current is None or current["deleted_at"] is not None:
                work.problems.append(CellProblem(sheet.name, row.number, "", "", "", _(
                    "this row was imported as a new record on {date} ({file}), which was deleted since; it is not "
                    "created again").format(date=format_date(created.file.at.date()), file=created.file.name),
                    blocking=False))
                return
            work.recognised += 1
            work.seen[created.record_id] = row.number
            _existing(ws, file, sheet, row, created.record_id, current, created.values, created.version, problems,
                      work, by_token=True)
            return
        owner = ws.claimed_tokens.get(token)
        if owner is not None:
            work.problems.append(CellProblem(sheet.name, row.number, "", "", "", _(
                "{file}, imported together with this file, already creates the record of this row; it is not "
                "created twice").format(file=owner), blocking=False))
            return
        _new(ws, file, sheet, row, token, assigned, problems, work)
        return
    if record_id in work.seen:
        work.problems += [*problems, _problem(sheet, row.number, "id", record_id, _(
            "each record once: the same code is also on row {row}").format(row=work.seen[record_id]))]
        return
    work.seen[record_id] = row.number
    if record_id not in work.sent:  # a unit's workbook changes only the records it was sent
        work.problems += [*problems, _not_sent(file, sheet, row.number, record_id)]
        return
    current = records.get(record_id)
    if current is None:
        work.problems += [*problems, _problem(sheet, row.number, "id", record_id, _(
            "the code of a record of this workspace (no record has this code; the row was not imported)"))]
        return
    if current["deleted_at"] is not None:
        work.problems += [*problems, _problem(sheet, row.number, "id", record_id, _(
            "a record that still exists: this one was deleted in the application since the export"))]
        return
    _existing(ws, file, sheet, row, record_id, current, at_export, export_version, problems, work)


def _created_from(ws: WorkspaceState, file: FileContext, sheet_key: str) -> set[str]:
    """The ids of the records an earlier import created from rows of this file's export (a marked or corrected copy
    carries them in column A, although the sealed list of the ids sent does not hold them)."""
    return {row.record_id for token, row in ws.memory.rows.items()
            if row.sheet == sheet_key and _own_token(file, sheet_key, token)}


def _not_sent(file: FileContext, sheet: RawSheet, number: int, record_id: str) -> CellProblem:
    if file.unit_filter:
        expected = _("a record sent in this workbook: the record with this code was not sent to {unit} (the "
                     "workbook was exported for that unit only), so the row was not imported").format(
            unit=file.unit_filter)
    else:
        expected = _("a record sent in this workbook: the record with this code was not in it when it was "
                     "exported, so the row was not imported")
    return _problem(sheet, number, "id", record_id, expected)


def _own_token(file: FileContext, sheet_key: str, token: str) -> bool:
    """A token of this file's export (a row copied from another workbook does not bring its identity)."""
    return bool(token) and bool(file.export_id) and token.startswith(f"{file.export_id}:{sheet_key}:")


def _row_token(file: FileContext, sheet_key: str, number: int) -> str:
    """The identity of a new row without a token of its own (typed below the prepared rows, or an old
    workbook): its place in this export, which a re-save keeps."""
    return f"{file.export_id or file.sha256}:{sheet_key}:r{number}"


# ---- a record's row --------------------------------------------------------------------------

def _read_cells(ws: WorkspaceState, sheet: RawSheet, row: RawRow, current: Mapping[str, Any],
                at_export: dict[str, Any] | None, problems: list[CellProblem]
                ) -> tuple[dict[str, Any], dict[str, Any], list[CellProblem]]:
    """The fields the file changed (editable ones, and read-only ones typed over) and their values at export."""
    spec = sheet.spec
    edits: dict[str, Any] = {}
    before: dict[str, Any] = {}
    read_only: list[CellProblem] = []
    for column in spec.columns:
        key = column.key
        if column.kind in (ID, ORIGIN) or not column.compare or key not in sheet.columns or key in row.bad:
            continue
        cell = row.values.get(key)
        editable = column.editable and column.kind != THEME  # a record's theme is changed in the application
        if at_export is not None and same_as_written(cell, at_export.get(key)):
            continue
        try:
            value = _canon(spec.key, key, parse_value(column, cell))
        except CellValueError as error:
            problems.append(_problem(sheet, row.number, key, cell, error.expected, blocking=editable))
            continue
        if at_export is not None:
            try:
                was = _canon(spec.key, key, parse_value(column, at_export.get(key)))
            except CellValueError:
                was = None
        elif column.kind == THEME:
            was = ws.theme_label.get(current.get("section_id") or "", "")
        else:
            was = _canon(spec.key, key, current.get(key)) if editable else value
        if value == was or (column.kind == THEME and fold(value or "") == fold(was or "")):
            continue
        if not editable:
            read_only.append(_problem(sheet, row.number, key, display(column, value), _(
                "the value as exported, “{value}”: this column is for reading only, so the change was not "
                "imported (it is changed in the application)").format(value=display(column, was)), blocking=False))
            continue
        if value is None and column.required:
            problems.append(_problem(sheet, row.number, key, "", _("a value: this column cannot be empty")))
            continue
        edits[key] = value
        before[key] = was
    return edits, before, read_only


def _existing(ws: WorkspaceState, file: FileContext, sheet: RawSheet, row: RawRow, record_id: str,
              current: Mapping[str, Any], at_export: dict[str, Any] | None, export_version: int | None,
              problems: list[CellProblem], work: _SheetWork, *, by_token: bool = False) -> None:
    spec = sheet.spec
    edits, before, read_only = _read_cells(ws, sheet, row, current, at_export, problems)
    work.problems += read_only
    if _refused(sheet, row, edits, problems, work):
        return
    if not edits:
        work.unchanged += 1
        return
    now = {k: _canon(spec.key, k, current.get(k)) for k in FIELDS[spec.key]}
    values = now | {k: v for k, v in edits.items() if v != now[k]}
    problems += _rule_problems(sheet, row.number, now, values, file.today, edits)
    if _refused(sheet, row, edits, problems, work):
        return
    work.problems += problems
    changed = {k: v for k, v in values.items() if v != now[k]}
    if not changed:
        work.unchanged += 1
        return
    owner = ws.claimed.get((spec.key, record_id))
    if owner is not None:
        work.problems.append(_problem(sheet, row.number, "id", record_id, _(
            "one file per record: {file} changes this record too; this row was left out").format(file=owner)))
        return
    ws.claimed[(spec.key, record_id)] = file.name
    label = label_of(spec.key, current)
    renamed = by_token and any(k in changed for k in IDENTITY.get(spec.key, ()))
    if renamed or _moved(ws, file, spec, record_id, current, now, before, at_export, export_version):
        key = f"{file.sha256[:16]}:{spec.key}:{record_id}"
        fields = []
        for name in FIELDS[spec.key]:
            column = _column(spec, name)
            if column is None:
                continue
            was = before[name] if name in before else _export_value(spec, name, at_export, now)
            in_file = edits.get(name, was)
            if name in edits or was != now[name]:
                fields.append(ConflictField(column.title, display(column, was), display(column, now[name]),
                                            display(column, in_file)))
        work.conflicts.append(Conflict(key, row.number, record_id, label, tuple(fields)))
        work.conflict_writes.append(RowWrite(spec.key, record_id, current["version"], changed,
                                             {k: current.get(k) for k in changed}, row.number, conflict=key))
        return
    work.writes.append(RowWrite(spec.key, record_id, current["version"], changed, {k: current.get(k) for k in changed},
                                row.number))
    work.changes.append(RecordChange(row.number, record_id, label, tuple(
        FieldChange(_title(spec, k), display(_column(spec, k), current.get(k)), display(_column(spec, k), v))
        for k, v in changed.items())))


def _export_value(spec: SheetSpec, key: str, at_export: dict[str, Any] | None, now: dict[str, Any]) -> Any:
    if at_export is None:
        return now[key]
    column = _column(spec, key)
    try:
        return _canon(spec.key, key, parse_value(column, at_export.get(key))) if column else now[key]
    except CellValueError:
        return None


def _moved(ws: WorkspaceState, file: FileContext, spec: SheetSpec, record_id: str, current: Mapping[str, Any],
           now: dict[str, Any], before: dict[str, Any], at_export: dict[str, Any] | None,
           export_version: int | None) -> bool:
    """Did the record change in the workspace since this copy of the export saw it? Its own export's earlier
    copies, saved before it, do not count (a corrected or continued copy); later ones do (an older copy
    arriving late). By version when known, else by the values at export."""
    if at_export is None:
        return False  # an old workbook without origin: compared with the workspace, as before
    baseline = ws.memory.baseline_version(file.export_id, record_id, file.saved_at, export_version)
    if baseline is not None:
        return current["version"] != baseline
    return any(_export_value(spec, k, at_export, now) != now[k] for k in FIELDS[spec.key]
               if k != UPDATED_ON and _column(spec, k) is not None)


def _refused(sheet: RawSheet, row: RawRow, edits: dict[str, Any], problems: list[CellProblem],
             work: _SheetWork, *, new: bool = False) -> bool:
    """A row with a blocking problem is left out whole: say which of its other changes were not taken."""
    blocking = [p for p in problems if p.blocking]
    if not blocking:
        return False
    work.problems += problems
    marked = {p.column for p in blocking}
    others = [_title(sheet.spec, k) for k in edits if _title(sheet.spec, k) not in marked]
    if new:
        work.problems.append(CellProblem(sheet.name, row.number, "", "", "", _(
            "the new record of this row was not created, with none of its values; correct the marked cells "
            "and send the file again")))
    elif others:
        work.problems.append(CellProblem(sheet.name, row.number, "", "", "", _(
            "the row was left out, so its other changes were not imported either ({columns}); correct the "
            "marked cells and send the file again").format(columns=", ".join(others))))
    return True


# ---- a new record ----------------------------------------------------------------------------

def _new(ws: WorkspaceState, file: FileContext, sheet: RawSheet, row: RawRow, token: str, assigned: str | None,
         problems: list[CellProblem], work: _SheetWork) -> None:
    import uuid

    spec = sheet.spec
    values: dict[str, Any] = {k: None for k in FIELDS[spec.key]}
    values.update(DEFAULTS[spec.key])
    typed: list[str] = []
    for column in spec.columns:
        key = column.key
        if column.kind in (ID, THEME, ORIGIN) or not column.editable or key not in sheet.columns or key in row.bad:
            continue
        try:
            value = parse_value(column, row.values.get(key))
        except CellValueError as error:
            problems.append(_problem(sheet, row.number, key, row.values.get(key), error.expected))
            continue
        if value is None:
            if column.required and key not in DEFAULTS[spec.key]:
                problems.append(_problem(sheet, row.number, key, "", _("a value: this column cannot be empty")))
            continue
        values[key] = value
        typed.append(key)
    for column in spec.columns:
        if column.required and column.key not in sheet.columns and column.key not in DEFAULTS[spec.key]:
            problems.append(_problem(sheet, row.number, column.key, "", _("a value: this column cannot be empty")))
    section_id = None
    theme = parse_value(spec.column("theme"), row.values.get("theme")) if "theme" in sheet.columns else ""
    if theme:
        section_id = ws.themes.get(fold(theme)) or ws.themes.get(fold(theme).split(" ")[0].rstrip("."))
        if section_id is None:
            problems.append(_problem(sheet, row.number, "theme", theme, _(
                "a theme of the plan from the drop-down list; the record is added without a theme"), blocking=False))
    if not any(p.blocking for p in problems):
        problems += _rule_problems(sheet, row.number, None, values, file.today, {})
    if _refused(sheet, row, {k: values[k] for k in typed}, problems, work, new=True):
        return
    work.problems += problems
    values["section_id"] = section_id
    record_id = assigned or str(uuid.uuid4())
    # what the row's cells hold: when the row comes back unchanged, it is untouched
    origin = {key: row.values.get(key) for key in spec.origin_keys if key in sheet.columns and key not in row.bad}
    ws.claimed_tokens[token] = file.name
    work.seen[record_id] = row.number
    work.writes.append(RowWrite(spec.key, record_id, None, values, {}, row.number, token=token,
                                origin={k: v for k, v in origin.items() if v is not None and v != ""}))
    work.new_records.append(NewRecord(row.number, label_of(spec.key, values), tuple(
        FieldChange(_title(spec, k), "", display(_column(spec, k), v))
        for k, v in values.items() if _column(spec, k) is not None and v not in (None, "")), record_id))


# ---- the rules -------------------------------------------------------------------------------

def _rule_problems(sheet: RawSheet, number: int, current: Mapping[str, Any] | None, values: dict[str, Any],
                   today: dt.date, edits: dict[str, Any]) -> list[CellProblem]:
    """The rules of the application on the values the record would have; fills in dates it implies."""
    key = sheet.spec.key
    found: list[CellProblem] = []

    def add(column: str, message: str, *, blocking: bool = True) -> None:
        found.append(_problem(sheet, number, column, display(_column(sheet.spec, column), values.get(column)),
                              message, blocking=blocking))

    if key == TASKS:
        assert current is not None
        _task_date(sheet, number, current, values, today, edits, found)
        if values["status"] == TaskStatus.OVERDUE.value:
            add("status", _("one of the statuses a unit can set (overdue is worked out from the due date)"))
            return found
        checks = (("status", values["status"] not in EDITABLE_STATUSES),
                  ("percent_done", not 0 <= (values["percent_done"] or 0) <= 100),
                  ("indicator_achieved", not 0 <= (values["indicator_achieved"] or 0) <= MAX_COUNT),
                  ("spent", not 0 <= (values["spent"] or 0) <= MAX_AMOUNT_VND),
                  ("percent_done", values["status"] == TaskStatus.DONE.value and values["percent_done"] != 100))
        update = ProgressUpdate(values["status"], values["percent_done"] or 0, values["indicator_achieved"],
                                values["spent"] or 0, values["result_text"] or "", values[UPDATED_ON] or today)
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


def _task_date(sheet: RawSheet, number: int, current: Mapping[str, Any], values: dict[str, Any], today: dt.date,
               edits: dict[str, Any], found: list[CellProblem]) -> None:
    """A changed task gets the date typed in the file, or the import day; the date never moves back."""
    now = current.get(UPDATED_ON)
    others = any(values[k] != current.get(k) for k in TASK_FIELDS if k != UPDATED_ON)
    typed = edits.get(UPDATED_ON)
    date = typed if typed is not None else (today if others else now)
    if now is not None and date is not None and date < now:
        if typed is not None and others:
            found.append(_problem(sheet, number, UPDATED_ON, display(None, typed), _(
                "a date not before {date}: the update date of a task never moves back, so {date} is kept").format(
                date=format_date(now)), blocking=False))
        date = now
    values[UPDATED_ON] = date


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
