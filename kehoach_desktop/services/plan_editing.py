"""Editing the district plan: details, section texts, tasks; issuing it and opening revisions.

Every function is one transaction (autosave: nothing typed is lost when the app is killed),
records an audit entry and returns a :class:`Changes`. An issued plan refuses every edit
here; progress of its tasks is edited through :mod:`services.progress` instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.backups import BackupReason
from kehoach_desktop.domain.budget_sources import BY_LEAD
from kehoach_desktop.domain.budget_sources import CODES as SOURCE_CODES
from kehoach_desktop.domain.enums import PlanStatus, PropagandaForm, SectionKind
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT, effective_task_status
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services import audit
from kehoach_desktop.services.backups import backup_after
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.documents import KIND_PLAN, IssueDetails, holder_of, record_issue
from kehoach_desktop.services.edit_guards import control_problems, label_of, length_problems, refuse_if_changed
from kehoach_desktop.services.plan_assignments import source_choices
from kehoach_desktop.services.plan_dto import (
    EditorSection,
    EditorTask,
    FieldProblem,
    PlanDetails,
    PlanEditorState,
    TaskInput,
    UnitChoice,
)
from kehoach_desktop.services.plan_revisions import PLAN_FIELDS, SECTION_FIELDS, TASK_FIELDS, build_snapshot
from kehoach_desktop.services.unit_view import workspace_unit
from kehoach_desktop.services.years import current_plan
from kehoach_desktop.storage.models import (
    Plan,
    PlanRevision,
    PlanSection,
    ResponsibleUnit,
    Setting,
    Task,
    utcnow,
)
from kehoach_desktop.storage.uow import UnitOfWorkFactory

TASK_SECTION_KINDS = (SectionKind.THEME.value, SectionKind.FORM.value)


@dataclass(frozen=True)
class Created:
    """A write that made a record: its id, and what changed."""

    id: str
    changes: Changes


def _pending_reason_key(plan_id: str) -> str:
    return f"plan.{plan_id}.revision_reason"


# ---- reading ---------------------------------------------------------------------------------


def details_of(plan: Plan) -> PlanDetails:
    return PlanDetails(
        number=plan.number, symbol=plan.symbol, place=plan.place, issue_date=plan.issue_date, summary=plan.summary,
        superior_agency=plan.superior_agency, issuing_agency=plan.issuing_agency,
        legal_bases=tuple(plan.legal_bases or ()), preamble=plan.preamble, closing=plan.closing,
        signer_authority=plan.signer_authority, signer_deputy=plan.signer_deputy, signer_title=plan.signer_title,
        signer_name=plan.signer_name, recipients=tuple(plan.recipients or ()))


def task_input_of(task: Task) -> TaskInput:
    return TaskInput(
        content=task.content, form=task.form, lead_unit_id=task.lead_unit_id,
        supporting_unit_ids=tuple(task.supporting_unit_ids or ()), start_date=task.start_date,
        due_date=task.due_date, budget=task.budget, indicator_unit=task.indicator_unit,
        indicator_target=task.indicator_target, budget_source=task.budget_source or "")


def get_plan_editor(*, uow_factory: UnitOfWorkFactory, today: dt.date) -> PlanEditorState | None:
    """The current plan as the editor shows it: details, sections in order with their tasks, units."""
    with uow_factory() as uow:
        s = uow.session
        plan = current_plan(s)
        if plan is None:
            return None
        units = tuple(UnitChoice(id=u.id, code=u.code, name=u.name, kind=u.kind, active=u.active)
                      for u in s.scalars(select(ResponsibleUnit).where(
                          ResponsibleUnit.unit_code == plan.unit_code, ResponsibleUnit.deleted_at.is_(None))
                          .order_by(ResponsibleUnit.position, ResponsibleUnit.name)))
        names = {u.id: u.name for u in units}
        tasks: dict[str, list[EditorTask]] = {}
        for task in s.scalars(select(Task).where(Task.plan_id == plan.id, Task.deleted_at.is_(None))
                              .order_by(Task.section_id, Task.position)):
            tasks.setdefault(task.section_id, []).append(EditorTask(
                id=task.id, section_id=task.section_id, position=task.position, fields=task_input_of(task),
                lead_unit_name=names.get(task.lead_unit_id or "", ""),
                status=effective_task_status(task.status, task.due_date, today), version=task.version))
        sections = tuple(
            EditorSection(
                id=sec.id, parent_id=sec.parent_id, template_key=sec.template_key, number=sec.number,
                title=sec.title, kind=sec.kind, depth=sec.depth, locked=sec.locked, inferred=sec.inferred,
                template_text=sec.template_text, text=sec.text, local_text=sec.local_text,
                accepts_tasks=sec.kind in TASK_SECTION_KINDS, tasks=tuple(tasks.get(sec.id, ())),
                version=sec.version)
            for sec in s.scalars(select(PlanSection).where(
                PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)).order_by(PlanSection.position)))
        issued = s.scalar(select(func.count()).select_from(PlanRevision).where(PlanRevision.plan_id == plan.id))
        reason = s.get(Setting, _pending_reason_key(plan.id))
        return PlanEditorState(
            plan_id=plan.id, year=plan.year, status=plan.status, revision=plan.revision, title=plan.title,
            details=details_of(plan), sections=sections, units=units, revisions_issued=issued or 0,
            pending_reason=reason.value if reason is not None else "", plan_version=plan.version,
            budget_sources=source_choices(s, plan.unit_code))


# ---- guards ----------------------------------------------------------------------------------


def _own_plan(session: Session, plan_id: str) -> Plan:
    plan = session.get(Plan, plan_id)
    unit_code = workspace_unit(session)
    if plan is None or plan.deleted_at is not None:
        raise ValidationError(_("The plan no longer exists in this workspace."))
    if plan.unit_code != unit_code:
        raise ValidationError(_("This plan belongs to another unit and can only be read here."))
    return plan


def _draft_plan(session: Session, plan_id: str) -> Plan:
    plan = _own_plan(session, plan_id)
    if plan.status != PlanStatus.DRAFT.value:
        raise ValidationError(_("The plan is issued and locked. To change it, open a new revision "
                                "(Revise…) and give the reason."))
    return plan


def _section(session: Session, section_id: str) -> tuple[PlanSection, Plan]:
    section = session.get(PlanSection, section_id)
    if section is None or section.deleted_at is not None:
        raise ValidationError(_("This section no longer exists in the plan."))
    return section, _draft_plan(session, section.plan_id)


def _task(session: Session, task_id: str, *, deleted: bool = False) -> tuple[Task, Plan]:
    task = session.get(Task, task_id)
    if task is None or (task.deleted_at is not None) != deleted:
        raise ValidationError(_("This task no longer exists in the plan."))
    return task, _draft_plan(session, task.plan_id)


def _touch(record: Any) -> None:
    record.version = (record.version or 0) + 1
    record.updated_at = utcnow()


# ---- plan details ----------------------------------------------------------------------------

def _refuse_control_characters(values: dict[str, str], labels: dict[str, str]) -> None:
    problems = control_problems(values, labels)
    if problems:
        raise ValidationError(problems[0], details=problems[1:])


_DETAIL_TEXTS = ("number", "symbol", "place", "summary", "superior_agency", "issuing_agency", "preamble",
                 "closing", "signer_authority", "signer_deputy", "signer_title", "signer_name")


def _clean_lines(lines: tuple[str, ...]) -> list[str]:
    return [cleaned for cleaned in (nfc(line) for line in lines) if cleaned]


def update_plan_details(*, uow_factory: UnitOfWorkFactory, plan_id: str, details: PlanDetails,
                        expected_version: int | None = None) -> Changes:
    """Save the details dialog; ``expected_version`` (the plan's, as the dialog was filled) refuses to
    overwrite details someone else saved meanwhile."""
    with uow_factory() as uow:
        plan = _draft_plan(uow.session, plan_id)
        values: dict[str, Any] = {name: nfc(getattr(details, name)) for name in _DETAIL_TEXTS}
        values["legal_bases"] = _clean_lines(details.legal_bases)
        values["recipients"] = _clean_lines(details.recipients)
        values["issue_date"] = details.issue_date
        refuse_if_changed(what=plan.summary, stored_version=plan.version, expected_version=expected_version,
                          stored={k: getattr(plan, k) for k in values}, submitted=values, labels=PLAN_FIELDS)
        too_long = length_problems(Plan, {k: values[k] for k in _DETAIL_TEXTS if k not in ("summary", "preamble",
                                                                                            "closing")}, PLAN_FIELDS)
        too_long += control_problems({k: values[k] for k in _DETAIL_TEXTS}, PLAN_FIELDS)
        too_long += control_problems({k: "\n".join(values[k]) for k in ("legal_bases", "recipients")}, PLAN_FIELDS)
        if too_long:
            raise ValidationError(too_long[0], details=too_long[1:])
        if not values["summary"]:
            raise ValidationError(_("The summary line of the plan cannot be empty."))
        if not values["symbol"]:
            raise ValidationError(_("The symbol cannot be empty (for example KH-UBND)."))
        if details.issue_date is not None and details.issue_date.year not in (plan.year - 1, plan.year):
            raise ValidationError(_("The date of issue {date} is not in {year} or the year before.").format(
                date=details.issue_date.strftime("%d/%m/%Y"), year=plan.year))
        changed = {k: [_jsonable(getattr(plan, k)), _jsonable(v)] for k, v in values.items() if getattr(plan, k) != v}
        if not changed:
            return Changes()
        for key, value in values.items():
            setattr(plan, key, value)
        _touch(plan)
        audit.record(uow.session, unit_code=plan.unit_code, action="plan.update", entity="plan", entity_id=plan.id,
                     summary=", ".join(sorted(changed)), details=changed)
        uow.commit()
    return Changes(plan=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


# ---- section texts ---------------------------------------------------------------------------


def _refuse_stale_section(section: PlanSection, expected_version: int | None, key: str, value: str) -> None:
    refuse_if_changed(what=f"{section.number} {section.title}".strip(), stored_version=section.version,
                      expected_version=expected_version, stored={key: getattr(section, key)}, submitted={key: value},
                      labels=SECTION_FIELDS)


def set_section_text(*, uow_factory: UnitOfWorkFactory, section_id: str, text: str,
                     expected_version: int | None = None) -> Changes:
    """Change the district's text of a section; refused for the city's locked wording.

    ``expected_version``: the section's version the editor showed (see ``update_task``).
    """
    with uow_factory() as uow:
        section, plan = _section(uow.session, section_id)
        value = nfc(text)
        _refuse_control_characters({"text": value}, SECTION_FIELDS)
        _refuse_stale_section(section, expected_version, "text", value)
        if section.locked and value != section.text:
            raise ValidationError(_("“{section}” is the city's wording and is locked: it cannot be changed. "
                                    "Write the unit's own text in “The unit's additions” beside it.").format(
                section=f"{section.number} {section.title}".strip()))
        if value == section.text:
            return Changes()
        audit.record(uow.session, unit_code=plan.unit_code, action="section.text", entity="plan_section",
                     entity_id=section.id, summary=f"{section.number} {section.title}".strip(),
                     details={"text": [section.text, value], "reverted": value == section.template_text})
        section.text = value
        _touch(section)
        uow.commit()
    return Changes(plan=True)


def set_section_local_text(*, uow_factory: UnitOfWorkFactory, section_id: str, text: str,
                           expected_version: int | None = None) -> Changes:
    """The district's additions beside a section's text (allowed on locked sections too)."""
    with uow_factory() as uow:
        section, plan = _section(uow.session, section_id)
        value = nfc(text)
        _refuse_control_characters({"local_text": value}, SECTION_FIELDS)
        _refuse_stale_section(section, expected_version, "local_text", value)
        if value == section.local_text:
            return Changes()
        audit.record(uow.session, unit_code=plan.unit_code, action="section.local_text", entity="plan_section",
                     entity_id=section.id, summary=f"{section.number} {section.title}".strip(),
                     details={"local_text": [section.local_text, value]})
        section.local_text = value
        _touch(section)
        uow.commit()
    return Changes(plan=True)


# ---- tasks -----------------------------------------------------------------------------------


def validate_task(fields_: TaskInput, *, year: int) -> tuple[FieldProblem, ...]:
    """The problems of a task's fields, as the editor shows them while typing.

    Blocking: no content, an unknown form, negative budget or target, a due date before the
    start. Warnings only: dates outside the plan's year.
    """
    problems: list[FieldProblem] = []
    if not nfc(fields_.content):
        problems.append(FieldProblem("content", _("Describe the task.")))
    if fields_.form not in {f.value for f in PropagandaForm}:
        problems.append(FieldProblem("form", _("Choose the form of propaganda.")))
    if fields_.budget < 0:
        problems.append(FieldProblem("budget", _("The budget cannot be negative.")))
    elif fields_.budget > MAX_AMOUNT_VND:
        problems.append(FieldProblem("budget", _("This budget is too large; check the number of zeros.")))
    if fields_.budget_source not in (BY_LEAD, *SOURCE_CODES):
        problems.append(FieldProblem("budget", _("Choose the budget that pays for the task.")))
    if fields_.indicator_target is not None and fields_.indicator_target < 0:
        problems.append(FieldProblem("indicator_target", _("The target cannot be negative.")))
    elif fields_.indicator_target is not None and fields_.indicator_target > MAX_COUNT:
        problems.append(FieldProblem("indicator_target", _("This number is too large; check the number of zeros.")))
    # shown under the indicator row, where the unit is typed too
    problems += [FieldProblem("indicator_target", message)
                 for message in length_problems(Task, {"indicator_unit": nfc(fields_.indicator_unit)}, TASK_FIELDS)]
    for name in ("content", "indicator_unit"):
        problems += [FieldProblem("indicator_target" if name == "indicator_unit" else name, message)
                     for message in control_problems({name: nfc(getattr(fields_, name))}, TASK_FIELDS)]
    if fields_.start_date and fields_.due_date and fields_.due_date < fields_.start_date:
        problems.append(FieldProblem("due_date", _("The due date is before the start date.")))
    for name, value in (("start_date", fields_.start_date), ("due_date", fields_.due_date)):
        if value is not None and value.year != year:
            problems.append(FieldProblem(name, _("Outside the plan's year {year}.").format(year=year),
                                         blocking=False))
    return tuple(problems)


def _check_task(session: Session, plan: Plan, fields_: TaskInput) -> dict[str, Any]:
    blocking = [p for p in validate_task(fields_, year=plan.year) if p.blocking]
    if blocking:
        raise ValidationError(blocking[0].message, details=[p.message for p in blocking[1:]])
    unit_ids = [fields_.lead_unit_id] if fields_.lead_unit_id else []
    unit_ids += list(fields_.supporting_unit_ids)
    if unit_ids:
        known = set(session.scalars(select(ResponsibleUnit.id).where(
            ResponsibleUnit.id.in_(unit_ids), ResponsibleUnit.unit_code == plan.unit_code,
            ResponsibleUnit.deleted_at.is_(None))))
        if set(unit_ids) - known:
            raise ValidationError(_("A unit chosen for the task is not in the directory of responsible units."))
    supporting = list(dict.fromkeys(u for u in fields_.supporting_unit_ids if u != fields_.lead_unit_id))
    return {
        "content": nfc(fields_.content), "form": fields_.form, "lead_unit_id": fields_.lead_unit_id,
        "supporting_unit_ids": supporting, "start_date": fields_.start_date, "due_date": fields_.due_date,
        "budget": int(fields_.budget), "indicator_unit": nfc(fields_.indicator_unit),
        "indicator_target": fields_.indicator_target, "budget_source": fields_.budget_source,
    }


def _task_audit(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in values.items()}


def create_task(*, uow_factory: UnitOfWorkFactory, section_id: str, fields: TaskInput,
                after_task_id: str | None = None) -> Created:
    """Add a task under a theme or form, at the end or right after ``after_task_id``."""
    with uow_factory() as uow:
        s = uow.session
        section, plan = _section(s, section_id)
        if section.kind not in TASK_SECTION_KINDS:
            raise ValidationError(_("Tasks go under a theme or a form of propaganda, not under “{section}”.").format(
                section=f"{section.number} {section.title}".strip()))
        values = _check_task(s, plan, fields)
        position = _insert_position(s, section.id, after_task_id)
        task = Task(unit_code=plan.unit_code, plan_id=plan.id, section_id=section.id, position=position, **values)
        s.add(task)
        s.flush()
        audit.record(s, unit_code=plan.unit_code, action="task.create", entity="task", entity_id=task.id,
                     summary=task.content[:200], details=_task_audit(values) | {"section": section.template_key})
        uow.commit()
        return Created(task.id, Changes(tasks=True))


def _live_tasks(session: Session, section_id: str) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.section_id == section_id, Task.deleted_at.is_(None))
                                .order_by(Task.position, Task.created_at)))


def _insert_position(session: Session, section_id: str, after_task_id: str | None) -> int:
    """Free a position right after ``after_task_id`` (or the end) and return it."""
    tasks = _live_tasks(session, section_id)
    index = next((i + 1 for i, t in enumerate(tasks) if t.id == after_task_id), len(tasks))
    for offset, task in enumerate(tasks):  # renumber densely, leaving a gap at index
        wanted = offset if offset < index else offset + 1
        if task.position != wanted:
            task.position = wanted
    return index


def update_task(*, uow_factory: UnitOfWorkFactory, task_id: str, fields: TaskInput,
                expected_version: int | None = None) -> Changes:
    """Save the task's fields. ``expected_version``, the version the editor was showing, refuses to
    overwrite a task someone else saved meanwhile (undo passes none: it replays its own values)."""
    with uow_factory() as uow:
        task, plan = _task(uow.session, task_id)
        values = _check_task(uow.session, plan, fields)
        refuse_if_changed(what=task.content, stored_version=task.version, expected_version=expected_version,
                          stored={k: getattr(task, k) for k in values}, submitted=values, labels=TASK_FIELDS,
                          shown={"form": label_of(PropagandaForm, task.form)})
        changed = {k: [_jsonable(getattr(task, k)), _jsonable(v)] for k, v in values.items()
                   if getattr(task, k) != v}
        if not changed:
            return Changes()
        for key, value in values.items():
            setattr(task, key, value)
        _touch(task)
        audit.record(uow.session, unit_code=plan.unit_code, action="task.update", entity="task", entity_id=task.id,
                     summary=task.content[:200], details=changed)
        uow.commit()
    return Changes(tasks=True)


def delete_task(*, uow_factory: UnitOfWorkFactory, task_id: str) -> Changes:
    """Remove a task from the draft (soft delete: kept for audit, and for undo)."""
    with uow_factory() as uow:
        task, plan = _task(uow.session, task_id)
        task.deleted_at = utcnow()
        _touch(task)
        audit.record(uow.session, unit_code=plan.unit_code, action="task.delete", entity="task", entity_id=task.id,
                     summary=task.content[:200])
        uow.commit()
    return Changes(tasks=True)


def restore_task(*, uow_factory: UnitOfWorkFactory, task_id: str) -> Changes:
    """Bring back a removed task at its former place (undo of a removal or of an addition's undo)."""
    with uow_factory() as uow:
        s = uow.session
        task, plan = _task(s, task_id, deleted=True)
        others = _live_tasks(s, task.section_id)
        for other in others:
            if other.position >= task.position:
                other.position += 1
        task.deleted_at = None
        _touch(task)
        audit.record(s, unit_code=plan.unit_code, action="task.restore", entity="task", entity_id=task.id,
                     summary=task.content[:200])
        uow.commit()
    return Changes(tasks=True)


def move_task(*, uow_factory: UnitOfWorkFactory, task_id: str, offset: int) -> Changes:
    """Move a task up (``offset < 0``) or down among the tasks of its section."""
    with uow_factory() as uow:
        s = uow.session
        task, plan = _task(s, task_id)
        tasks = _live_tasks(s, task.section_id)
        index = next(i for i, t in enumerate(tasks) if t.id == task.id)
        target = max(0, min(len(tasks) - 1, index + offset))
        if target == index:
            return Changes()
        tasks.insert(target, tasks.pop(index))
        for position, item in enumerate(tasks):
            item.position = position
        _touch(task)
        audit.record(s, unit_code=plan.unit_code, action="task.move", entity="task", entity_id=task.id,
                     summary=task.content[:200], details={"from": index, "to": target})
        uow.commit()
    return Changes(tasks=True)


def duplicate_task(*, uow_factory: UnitOfWorkFactory, task_id: str) -> Created:
    """A copy of the task's plan fields (not its progress), right after it."""
    with uow_factory() as uow:
        s = uow.session
        task, plan = _task(s, task_id)
        values = {f: getattr(task, f) for f in ("content", "form", "lead_unit_id", "start_date", "due_date",
                                                 "budget", "budget_source", "indicator_unit", "indicator_target")}
        position = _insert_position(s, task.section_id, task.id)
        copy = Task(unit_code=plan.unit_code, plan_id=plan.id, section_id=task.section_id, position=position,
                    supporting_unit_ids=list(task.supporting_unit_ids or []), **values)
        s.add(copy)
        s.flush()
        audit.record(s, unit_code=plan.unit_code, action="task.duplicate", entity="task", entity_id=copy.id,
                     summary=copy.content[:200], details={"from": task.id})
        uow.commit()
        return Created(copy.id, Changes(tasks=True))


# ---- issue and revise ------------------------------------------------------------------------


def issue_plan(*, uow_factory: UnitOfWorkFactory, plan_id: str, number: str, issue_date: dt.date,
               issued_by: str = "", reason: str | None = None) -> Changes:
    """Draft → Issued: the plan is locked and its state kept as revision N (a snapshot)."""
    with uow_factory() as uow:
        s = uow.session
        plan = _draft_plan(s, plan_id)
        number = nfc(number)
        _refuse_control_characters({"number": number, "issued_by": nfc(issued_by), "reason": nfc(reason or "")},
                                   {**PLAN_FIELDS, "issued_by": N_("Signer's name"), "reason": N_("Reason")})
        if not number:
            raise ValidationError(_("Give the plan its number before issuing it (for example 05)."))
        if issue_date.year not in (plan.year - 1, plan.year):
            raise ValidationError(_("The date of issue {date} is not in {year} or the year before.").format(
                date=issue_date.strftime("%d/%m/%Y"), year=plan.year))
        revision = (s.scalar(select(func.max(PlanRevision.number)).where(PlanRevision.plan_id == plan.id)) or 0) + 1
        pending = s.get(Setting, _pending_reason_key(plan.id))
        if reason is None:
            reason = pending.value if pending is not None else ""
        if pending is not None:
            s.delete(pending)
        _register_plan(s, plan, number, issue_date)
        plan.number = number
        plan.issue_date = issue_date
        plan.status = PlanStatus.ISSUED.value
        plan.revision = revision
        _touch(plan)
        s.flush()
        issued_by = nfc(issued_by) or plan.signer_name
        s.add(PlanRevision(plan_id=plan.id, unit_code=plan.unit_code, number=revision, reason=nfc(reason),
                           issued_by=issued_by, snapshot=build_snapshot(s, plan)))
        audit.record(s, unit_code=plan.unit_code, action="plan.issue", entity="plan", entity_id=plan.id,
                     summary=f"{number}/{plan.symbol}", details={"revision": revision, "reason": nfc(reason),
                                                                  "issue_date": issue_date.isoformat()})
        uow.commit()
    backup_after(uow_factory=uow_factory, reason=BackupReason.AFTER_ISSUE)  # the issued state, kept apart
    return Changes(workspace=True, plan=True, tasks=True)


def _register_plan(session: Session, plan: Plan, number: str, issue_date: dt.date) -> None:
    """Enter the issued plan in the register of documents (a revision issued under the same number keeps it)."""
    if not number.isdigit():
        return  # a number written by hand in another form ("05a") is kept on the plan only
    symbol = plan.symbol or "KH-UBND"
    details = IssueDetails(number=int(number), issue_date=issue_date, recipients=tuple(plan.recipients or ()),
                           signer_title=plan.signer_title, signer_name=plan.signer_name)
    mine = holder_of(session, unit_code=plan.unit_code, year=issue_date.year, symbol=symbol, number=int(number))
    if mine is not None and (mine.kind != KIND_PLAN or mine.period != str(plan.year)):
        mine = None  # another document holds the number: record_issue refuses it
    record_issue(session, unit_code=plan.unit_code, kind=KIND_PLAN, period=str(plan.year), symbol=symbol,
                 summary=plan.summary, details=details, row=mine, audited=False)


def revise_plan(*, uow_factory: UnitOfWorkFactory, plan_id: str, reason: str) -> Changes:
    """Open revision N+1 of an issued plan as a draft; the reason is kept for its issue."""
    reason = nfc(reason)
    _refuse_control_characters({"reason": reason}, {"reason": N_("Reason")})
    if not reason:
        raise ValidationError(_("Say why the plan is being revised; the reason is kept with the revision."))
    with uow_factory() as uow:
        s = uow.session
        plan = _own_plan(s, plan_id)
        if plan.status != PlanStatus.ISSUED.value:
            raise ValidationError(_("The plan is already a draft: edit it, then issue it."))
        plan.status = PlanStatus.DRAFT.value
        plan.revision += 1
        _touch(plan)
        s.merge(Setting(key=_pending_reason_key(plan.id), value=reason))
        audit.record(s, unit_code=plan.unit_code, action="plan.revise", entity="plan", entity_id=plan.id,
                     summary=reason[:200], details={"revision": plan.revision, "reason": reason})
        uow.commit()
    backup_after(uow_factory=uow_factory, reason=BackupReason.AFTER_REVISION)
    return Changes(workspace=True, plan=True, tasks=True)


def task_input_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(TaskInput))
