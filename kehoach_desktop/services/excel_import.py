"""Import returned progress workbooks: read them all, validate every cell, preview, then apply in one go.

:func:`preview_excel_import` reads the files and writes nothing. It gives, per file and sheet, the records
that will change (old → new), the new records, the conflicts (a record changed in the workspace since the
export and in the file: three values each), the rows missing from the file (reported, never deleted) and
every problem with its place. How a row is compared is in ``services/excel_rows.py``.
:func:`apply_excel_import` backs the workspace up, then writes every change of the preview, and the
conflicts the officer chose to settle with the file's values, in one transaction (refusing all if a record
changed since the preview); each file's entry in the audit log keeps what later copies of the same export
need to be recognised (``services/excel_memory.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.errors import UserFacingError, ValidationError, os_reason
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.exchange.excel_format import EVENTS, FORMAT_NAME, FORMAT_VERSION, MATERIALS, SHEETS, TASKS
from kehoach_desktop.exchange.excel_origin import jsonable, origin_keys, origin_text
from kehoach_desktop.exchange.excel_problems import CreatedRowMark, marked_copy_name, write_marked_copy
from kehoach_desktop.exchange.excel_read import (
    CellProblem,
    ImportCancelled,
    RawWorkbook,
    WorkbookRefused,
    read_progress_workbook,
)
from kehoach_desktop.exchange.excel_scope import SCOPE_CHECK, is_sealed, scope_key
from kehoach_desktop.formats import format_date, format_datetime
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services import audit
from kehoach_desktop.services.backups import make_backup
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.events import search_key_of as event_search_key
from kehoach_desktop.services.excel_dto import (
    ALREADY,
    OK,
    REFUSED,
    FilePreview,
    ImportOutcome,
    ImportPreview,
    RowWrite,
)
from kehoach_desktop.services.excel_memory import ACTION, load_import_memory
from kehoach_desktop.services.excel_rows import FileContext, WorkspaceState, preview_sheet
from kehoach_desktop.services.excel_words import (
    describe_file,
    describe_file_in_full,
    describe_preview,
    describe_problem,
)
from kehoach_desktop.services.materials import search_key_of as material_search_key
from kehoach_desktop.services.plan_editing import current_plan
from kehoach_desktop.services.registers import THEME_KINDS, diff
from kehoach_desktop.storage.models import AuditEntry, Event, Material, PlanSection, Task, WorkspaceInfo, utcnow
from kehoach_desktop.storage.uow import UnitOfWorkFactory

__all__ = ["ALREADY", "OK", "REFUSED", "CellProblem", "FilePreview", "ImportCancelled", "ImportOutcome",
           "ImportPreview", "apply_excel_import", "describe_file", "describe_file_in_full", "describe_preview",
           "describe_problem", "preview_excel_import", "with_changes_removed", "write_problem_copies"]

log = logging.getLogger(__name__)
MODEL = {TASKS: Task, MATERIALS: Material, EVENTS: Event}
ENTITY = {TASKS: "task", MATERIALS: "material", EVENTS: "event"}
NEW_VERSION = 1  # the version of a record just created (the marked copy writes it before the record exists)


# ---- the preview -----------------------------------------------------------------------------

def _load_workspace(session: Session) -> WorkspaceState:
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
    return WorkspaceState(info.id, info.unit_code, info.created_at, plan.id if plan else None,
                          plan.revision if plan else 0, themes, labels, load_import_memory(session),
                          scope_key=scope_key(info.signing_private_key))


def preview_excel_import(*, uow_factory: UnitOfWorkFactory, paths: Sequence[Path], today: dt.date,
                         progress: Callable[[int, int, str], None] | None = None,
                         should_stop: Callable[[], bool] | None = None) -> ImportPreview:
    """Read and check every file against the workspace; writes nothing. ``should_stop`` cancels."""
    with uow_factory() as uow:
        ws = _load_workspace(uow.session)
        chosen: dict[str, str] = {}  # sha256 -> name, for the same file chosen twice
        files = []
        for index, path in enumerate(paths):
            if progress is not None:
                progress(index, len(paths), path.name)
            if should_stop is not None and should_stop():
                raise ImportCancelled()
            files.append(_preview_file(uow.session, ws, Path(path), today, chosen, should_stop))
        if progress is not None:
            progress(len(paths), len(paths), "")
        return ImportPreview(tuple(files), today)


def _refused(path: Path, sha256: str, message: str) -> FilePreview:
    return FilePreview(path=path, sha256=sha256, status=REFUSED, message=message, unit_filter="")


def _preview_file(session: Session, ws: WorkspaceState, path: Path, today: dt.date, chosen: dict[str, str],
                  should_stop: Callable[[], bool] | None) -> FilePreview:
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
    meta = raw.meta
    unit_filter = meta.get("unit_filter_name", "")
    content = content_fingerprint(raw)
    before = ws.memory.files.get(raw.sha256)
    same = ws.memory.contents.get(content)
    if (before is not None and not before.conflicts_left) or (before is None and same is not None
                                                              and not same.conflicts_left) or content in chosen:
        if before is not None:
            message = _("This file was already imported on {when} ({file}); importing it again changes "
                        "nothing.").format(when=format_datetime(before.at.astimezone()), file=before.name)
        elif same is not None:
            message = _("This file holds the same cells as {file}, imported on {when} (it was saved again, without "
                        "a change); importing it again changes nothing.").format(
                file=same.name, when=format_datetime(same.at.astimezone()))
        else:
            message = _("This file holds the same cells as {file}, chosen with it; it is read once.").format(
                file=chosen[content])
        return FilePreview(path=path, sha256=raw.sha256, status=ALREADY, unit_filter=unit_filter, message=message)
    chosen[content] = path.name
    # a copy of an imported file saved again without a change is as old as that file, whatever its date says
    saved_at = same.saved_at if same is not None else raw.saved_at
    # the export a copy belongs to ties it to the records created from its rows: taken from _meta only under the seal
    export_id = (not earlier_version and meta.get("export_id", "")) \
        or f"v1:{meta.get('workspace_id', '')}:{meta.get('exported_at', '')}"
    exported_at = meta.get("exported_at", "")
    unit_code = meta.get("unit_filter_code", "")
    problems = list(raw.problems) + _file_notes(ws, raw, export_id, exported_at, unit_code, saved_at)
    if earlier_version:
        problems.append(CellProblem("", 0, "", "", raw.meta.get("app_version", ""), _(
            "a workbook that lists the records it was sent with: this one was exported by an earlier version, "
            "so its rows were checked against the records {unit} has today").format(
            unit=raw.meta.get("unit_filter_name") or raw.meta.get("workspace_unit_name", "")), blocking=False))
    if before is not None:
        problems.append(CellProblem("", 0, "", "", "", ngettext(
            "This file was imported on {when}, leaving {n} conflict: only the conflicts can still change "
            "something, if their file's values are chosen.",
            "This file was imported on {when}, leaving {n} conflicts: only the conflicts can still change "
            "something, if their file's values are chosen.", before.conflicts_left).format(
            when=format_datetime(before.at.astimezone()), n=before.conflicts_left), blocking=False))
    context = FileContext(path.name, raw.sha256, export_id, saved_at, today, unit_filter)
    sheets, writes, conflict_writes = [], [], []
    origin_columns = {key: tuple(k for k in raw.meta.get(f"origin_columns_{key}", "").split(",") if k)
                      or origin_keys(spec) for key, spec in SHEETS.items()}
    for sheet in raw.sheets:
        result = preview_sheet(session, ws, context, sheet, raw.exported_ids.get(sheet.spec.key, []),
                               origin_columns[sheet.spec.key])
        sheets.append(result.preview)
        writes += result.writes
        conflict_writes += result.conflict_writes
    return FilePreview(path=path, sha256=raw.sha256, status=OK, message="", unit_filter=unit_filter,
                       sheets=tuple(sheets), problems=tuple(problems), writes=tuple(writes),
                       conflict_writes=tuple(conflict_writes), export_id=export_id, exported_at=exported_at,
                       unit_filter_code=unit_code, imported_before=before.times if before is not None else 0,
                       saved_at=saved_at, content=content, origin_columns=origin_columns)


def content_fingerprint(raw: RawWorkbook) -> str:
    """A digest of the cells as read (not the bytes): the same for a copy saved again without a change."""
    digest = hashlib.sha256()
    for sheet in raw.sheets:
        digest.update(f"\x1e{sheet.spec.key}".encode())
        for row in sheet.rows:
            digest.update(f"\x1d{row.number}".encode())
            for key in sorted(row.values):
                # surrogatepass: a cell may hold a lone surrogate (an `_xD800_` escape), reported as its problem
                digest.update(f"\x1f{key}={_plain(row.values[key])}{row.bad.get(key, '')}".encode(
                    "utf-8", "surrogatepass"))
    return digest.hexdigest()


def _plain(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return str(value)


def _file_notes(ws: WorkspaceState, raw: RawWorkbook, export_id: str, exported_at: str, unit_code: str,
                saved_at: str) -> list[CellProblem]:
    """What the officer should know about the file as a whole: an older revision, a copy, a late copy."""
    notes = []
    if raw.meta.get("plan_revision", "") not in ("", str(ws.plan_revision)):
        notes.append(CellProblem("", 0, "", "", raw.meta.get("plan_revision", ""), _(
            "the current revision {revision} of the plan: the file was exported from an earlier revision; "
            "check the tasks it reports on").format(revision=ws.plan_revision), blocking=False))
    copies = ws.memory.copies_of(export_id)
    later = ws.memory.later_copies(export_id, saved_at)
    if later:
        newest = max(later, key=lambda f: f.saved_at)
        notes.append(CellProblem("", 0, "", "", "", _(
            "This file is an older copy: it was saved on {saved}, and a copy of the same workbook saved later, on "
            "{later} ({file}), was imported on {imported}. Only the cells changed in this file are taken; a "
            "record changed since is shown as a conflict and is not changed unless its file's values are "
            "chosen.").format(saved=_local_time(saved_at), later=_local_time(newest.saved_at), file=newest.name,
                              imported=format_datetime(newest.at.astimezone())), blocking=False))
    elif copies:
        last = copies[-1]
        notes.append(CellProblem("", 0, "", "", "", _(
            "This file is another copy (corrected, continued or re-saved) of a workbook exported on {exported} "
            "and already imported on {imported} ({file}): its rows already imported are recognised, and only the "
            "cells changed since are taken.").format(exported=_local_date(exported_at), imported=format_datetime(
                last.at.astimezone()), file=last.name), blocking=False))
    later_exports = ws.memory.later_exports_imported(exported_at=exported_at, unit_filter_code=unit_code)
    if later_exports:
        newest = later_exports[-1]
        notes.append(CellProblem("", 0, "", "", "", _(
            "This file is an older copy: it was exported on {exported}, and a workbook exported later for the same "
            "units, on {later} ({file}), was imported on {imported}. Only the cells changed in this file are "
            "taken; a record changed since its export is shown as a conflict.").format(
            exported=_local_date(exported_at), later=_local_date(newest.exported_at), file=newest.name,
            imported=format_datetime(newest.at.astimezone())), blocking=False))
    return notes


def _local_time(iso_utc: str) -> str:
    """``2021-09-08T02:15:00Z`` → ``08/09/2021 09:15`` (local time); "?" when unknown."""
    try:
        moment = dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    except ValueError:
        return "?"
    return format_datetime(moment.astimezone())


def _local_date(iso_utc: str) -> str:
    """``2021-09-08T02:15:00Z`` → ``08/09/2021`` (the local day); "?" when the file does not say."""
    try:
        moment = dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    except ValueError:
        return "?"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_date(moment.astimezone().date())


def _check_meta(raw: RawWorkbook, ws: WorkspaceState) -> str:
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
    exported = _local_date(meta.get("exported_at", ""))
    if meta.get("workspace_id") != ws.workspace_id:
        if meta.get("workspace_unit_code") == ws.unit_code:
            created = meta.get("workspace_created_at", "")
            copy = _("the copy created on {date}").format(date=_local_date(created)) if created else _(
                "a copy whose creation date the file does not give")
            return _("{name}: this workbook was exported on {exported} from another copy of the workspace of "
                     "{unit}: {copy} (code {code}…). The workspace open now was created on {own} (code {own_code}…). "
                     "Import the workbook into the copy that exported it, or export a new workbook from this "
                     "one.").format(name=name, exported=exported, unit=meta.get("workspace_unit_name", "?"),
                                    copy=copy, code=(meta.get("workspace_id") or "?")[:8],
                                    own=format_date(ws.created_at.astimezone().date()), own_code=ws.workspace_id[:8])
        return _("{name}: this workbook belongs to another workspace — that of {unit} ({code}), exported on "
                 "{date}. Import it in that workspace.").format(
            name=name, unit=meta.get("workspace_unit_name", "?"), code=meta.get("workspace_unit_code", "?"),
            date=exported)
    if meta.get("plan_id") != ws.plan_id:
        return _("{name}: this workbook was exported for another plan of {unit} (the plan of {year}, exported on "
                 "{date}); it does not match the current plan.").format(
            name=name, unit=meta.get("workspace_unit_name", "?"), year=meta.get("plan_year", "?"), date=exported)
    return ""


def _check_scope(raw: RawWorkbook, ws: WorkspaceState) -> str:
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


# ---- applying --------------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def apply_excel_import(*, uow_factory: UnitOfWorkFactory, preview: ImportPreview,
                       take_file_values: Collection[str] = ()) -> ImportOutcome:
    """Back up, then write every valid change of ``preview`` in one transaction (all or nothing).

    ``take_file_values``: the keys of the conflicts to settle with the file's values; the others are left.
    """
    accepted = [f for f in preview.files if f.status == OK]
    if not accepted:
        raise UserFacingError(_("No file can be imported: every file was refused or was already imported."))
    chosen = set(take_file_values)
    backup = make_backup(uow_factory=uow_factory, reason="before-excel-import")
    updated = created = taken = left = 0
    touched: set[str] = set()
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        plan = current_plan(s)
        already = Counter((d or {}).get("sha256") for d in s.scalars(select(AuditEntry.details).where(
            AuditEntry.action == ACTION)))
        for file in accepted:
            if already[file.sha256] != file.imported_before:
                raise UserFacingError(_("{name} was imported in the meantime; preview the files again.").format(
                    name=file.name))
            source = {"source": "excel", "file": file.name, "sha256": file.sha256}
            taking = tuple(w for w in file.conflict_writes if w.conflict in chosen)
            versions: dict[str, int] = {}
            rows: dict[str, dict[str, Any]] = {}
            for write in file.writes + taking:
                origin = {**source, "sheet": SHEETS[write.sheet].title, "row": write.row}  # named in the city's words
                if write.is_new:
                    versions[write.record_id] = _create(s, info.unit_code, plan.id if plan else None, write, origin)
                    rows[write.token] = {"sheet": write.sheet, "id": write.record_id, "ver": versions[write.record_id],
                                         "v": {k: jsonable(v) for k, v in write.origin.items()}}
                    created += 1
                else:
                    versions[write.record_id] = _update(s, info.unit_code, write, origin)
                    updated += 1
                touched.add(write.sheet)
            taken += len(taking)
            left += len(file.conflict_writes) - len(taking)
            audit.record(s, unit_code=info.unit_code, action=ACTION, entity="workbook",
                         entity_id=file.sha256[:64], summary=file.name, details={
                             "file": file.name, "sha256": file.sha256, "changed": sum(
                                 1 for w in file.writes + taking if not w.is_new), "created": len(rows),
                             "problems": len(file.all_problems), "unit_filter": file.unit_filter,
                             "unit_filter_code": file.unit_filter_code, "export_id": file.export_id,
                             "exported_at": file.exported_at, "saved_at": file.saved_at, "content": file.content,
                             "conflicts_taken": len(taking),
                             "conflicts_left": len(file.conflict_writes) - len(taking),
                             "versions": versions, "rows": rows})
        uow.commit()
    changes = Changes(tasks=TASKS in touched, materials=MATERIALS in touched, events=EVENTS in touched)
    return ImportOutcome(changes, updated, created, len(accepted), backup.path if backup else None, taken, left)


def _update(session: Session, unit_code: str, write: RowWrite, source: dict[str, Any]) -> int:
    """Write one record's changes; returns its new version."""
    model = MODEL[write.sheet]
    record = session.get(model, write.record_id)
    if record is None or record.deleted_at is not None or record.version != write.version:
        raise ValidationError(_("A record changed in the application since the preview (row {row} of the sheet "
                                "“{sheet}”): nothing was imported. Preview the files again.").format(
            row=write.row, sheet=SHEETS[write.sheet].title))
    before = {k: getattr(record, k) for k in write.values}
    for name, value in write.values.items():
        setattr(record, name, value)
    record.version += 1
    record.updated_at = utcnow()
    if write.sheet == TASKS:
        details = {k: [_jsonable(before[k]), _jsonable(v)] for k, v in write.values.items()} | source
        audit.record(session, unit_code=unit_code, action="task.progress", entity="task", entity_id=record.id,
                     summary=record.content[:200], details=details)
        return record.version
    if write.sheet == MATERIALS:
        record.search_key = material_search_key(_as_material_input(record))
        summary = record.content[:200]
    else:
        record.search_key = event_search_key(_as_event_input(record))
        summary = record.title[:200]
    entity = ENTITY[write.sheet]
    audit.record(session, unit_code=unit_code, action=f"{entity}.update", entity=entity, entity_id=record.id,
                 summary=summary, details={"changes": diff(before, write.values)} | source)
    return record.version


def _as_material_input(record: Material) -> Any:
    from kehoach_desktop.services.materials import INPUT_FIELDS, MaterialInput

    return MaterialInput(**{name: getattr(record, name) for name in INPUT_FIELDS})


def _as_event_input(record: Event) -> Any:
    from kehoach_desktop.services.events import INPUT_FIELDS, EventInput

    return EventInput(**{name: getattr(record, name) for name in INPUT_FIELDS})


def _create(session: Session, unit_code: str, plan_id: str | None, write: RowWrite, source: dict[str, Any]) -> int:
    """Create one record with the id the preview gave it; returns its version."""
    if session.get(MODEL[write.sheet], write.record_id) is not None:
        raise ValidationError(_("A record with the code of row {row} of the sheet “{sheet}” exists already: "
                                "nothing was imported. Preview the files again.").format(
            row=write.row, sheet=SHEETS[write.sheet].title))
    values = {k: (nfc(v) if isinstance(v, str) else v) for k, v in write.values.items()}
    entity = ENTITY[write.sheet]
    if write.sheet == MATERIALS:
        record: Material | Event = Material(id=write.record_id, unit_code=unit_code, plan_id=plan_id, **values)
        record.search_key = material_search_key(_as_material_input(record))
        summary = record.content[:200]
    else:
        record = Event(id=write.record_id, unit_code=unit_code, plan_id=plan_id, **values)
        record.search_key = event_search_key(_as_event_input(record))
        summary = record.title[:200]
    session.add(record)
    session.flush()
    audit.record(session, unit_code=unit_code, action=f"{entity}.create", entity=entity, entity_id=record.id,
                 summary=summary, details={"changes": diff({}, {k: v for k, v in values.items()
                                                                if k != "section_id"}), "row_token": write.token}
                 | source)
    return record.version


# ---- the marked copies -----------------------------------------------------------------------

MAX_MARKED_SIZE = 4 << 20  # openpyxl loads a whole workbook to mark it: 2 MB (10,000 materials) takes 160 MB


def write_problem_copies(*, preview: ImportPreview, folder: Path,
                         failures: list[str] | None = None) -> tuple[Path, ...]:
    """For each read file with problems, a copy with the bad cells marked, to send back (``<name>-can-sua.xlsx``).

    The rows that become new records get their new id in column A and their token and values in the origin
    cell, so that the corrected copy, when it comes back, updates those records instead of creating them again.
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
        names = {s.key: s.name for s in file.sheets}
        created = [CreatedRowMark(names[w.sheet], w.row, w.record_id,
                                  origin_text(SHEETS[w.sheet], w.origin, version=NEW_VERSION, token=w.token,
                                              keys=file.origin_columns.get(w.sheet)))
                   for w in file.writes if w.is_new and w.sheet in names]
        try:
            written.append(write_marked_copy(file.path, dest, problems,
                                             {s.name: s.header_row for s in file.sheets}, created))
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


def with_changes_removed(preview: ImportPreview) -> ImportPreview:
    """The same preview without writes (what a dry run shows has nothing to apply)."""
    return replace(preview, files=tuple(replace(f, writes=(), conflict_writes=()) for f in preview.files))
