"""Task progress: the read model of the Nhiệm vụ page, its filters and totals, and progress updates.

Progress (status, % done, indicator achieved, spent, result) is not a change of the plan: it
is allowed on an issued plan. What the page shows as the status is the *effective* status of
``domain.rules``: an open task past its due date is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select

from kehoach_desktop.domain.enums import TaskStatus
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT, effective_task_status, is_task_due_soon
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.edit_guards import PROGRESS_FIELDS, control_problems, label_of, refuse_if_changed
from kehoach_desktop.services.plan_dto import (
    ProgressBoard,
    ProgressFilter,
    ProgressTotal,
    ProgressUpdate,
    TaskProgressRow,
)
from kehoach_desktop.services.plan_editing import current_plan
from kehoach_desktop.services.unit_view import workspace_unit
from kehoach_desktop.storage.models import Plan, PlanSection, ResponsibleUnit, Task, utcnow
from kehoach_desktop.storage.uow import UnitOfWorkFactory

EDITABLE_STATUSES = (TaskStatus.NOT_STARTED.value, TaskStatus.IN_PROGRESS.value, TaskStatus.DONE.value,
                     TaskStatus.CANCELLED.value)
DUE_FILTERS = ("overdue", "7days", "30days", "none")
OPEN = "open"
_CLOSED = (TaskStatus.DONE.value, TaskStatus.CANCELLED.value)


def get_progress_board(*, uow_factory: UnitOfWorkFactory, today: dt.date) -> ProgressBoard:
    """Every live task of the current plan with its effective status, in plan order."""
    with uow_factory() as uow:
        s = uow.session
        plan = current_plan(s)
        if plan is None:
            return ProgressBoard(today=today, plan_id=None, plan_status=None, plan_revision=0, rows=())
        sections = {sid: (number, title, position) for sid, number, title, position in s.execute(
            select(PlanSection.id, PlanSection.number, PlanSection.title, PlanSection.position)
            .where(PlanSection.plan_id == plan.id))}
        names = dict(s.execute(select(ResponsibleUnit.id, ResponsibleUnit.name)
                               .where(ResponsibleUnit.unit_code == plan.unit_code)).all())
        columns = (Task.id, Task.section_id, Task.position, Task.content, Task.form, Task.lead_unit_id,
                   Task.start_date, Task.due_date, Task.budget, Task.indicator_unit, Task.indicator_target,
                   Task.status, Task.percent_done, Task.indicator_achieved, Task.spent, Task.result_text,
                   Task.progress_updated_on, Task.version)
        rows = []
        for (task_id, section_id, position, content, form, lead, start, due, budget, ind_unit, target, status,
             percent, achieved, spent, result, updated, version) in s.execute(
                select(*columns).where(Task.plan_id == plan.id, Task.deleted_at.is_(None))):
            number, title, section_position = sections.get(section_id, ("", "", -1))
            shown = effective_task_status(status, due, today)
            rows.append(TaskProgressRow(
                id=task_id, section_id=section_id, section_number=number, section_title=title,
                section_position=section_position, position=position, content=content, form=form,
                lead_unit_id=lead, lead_unit_name=names.get(lead or "", ""), start_date=start, due_date=due,
                budget=budget, indicator_unit=ind_unit, indicator_target=target, stored_status=status,
                status=shown, due_soon=shown != TaskStatus.OVERDUE.value and is_task_due_soon(status, due, today),
                days_left=(due - today).days if due else None, percent_done=percent, indicator_achieved=achieved,
                spent=spent, result_text=result, progress_updated_on=updated, version=version,
                search_key=" " + fold(" ".join((content, number, title, names.get(lead or "", ""), result,
                                                ind_unit)))))
        rows.sort(key=lambda r: (r.section_position, r.position))
        themes = tuple(dict.fromkeys((r.section_id, r.section_label) for r in rows))
        units = tuple(sorted({(r.lead_unit_id, r.lead_unit_name) for r in rows if r.lead_unit_id},
                             key=lambda u: fold(u[1])))
        return ProgressBoard(today=today, plan_id=plan.id, plan_status=plan.status, plan_revision=plan.revision,
                             rows=tuple(rows), themes=themes, units=units)


def row_matches(row: TaskProgressRow, flt: ProgressFilter, *, folded_query: list[str] | None = None) -> bool:
    if flt.section_id and row.section_id != flt.section_id:
        return False
    if flt.lead_unit_id and row.lead_unit_id != flt.lead_unit_id:
        return False
    if flt.status == OPEN:
        if row.status in _CLOSED:
            return False
    elif flt.status and row.status != flt.status:
        return False
    if flt.due == "overdue" and row.status != TaskStatus.OVERDUE.value:
        return False
    if flt.due in ("7days", "30days"):
        limit = 7 if flt.due == "7days" else 30
        if row.status in _CLOSED or row.days_left is None or not 0 <= row.days_left <= limit:
            return False
    if flt.due == "none" and row.due_date is not None:
        return False
    if folded_query:
        haystack = row.search_key or " " + fold(" ".join((row.content, row.section_number, row.section_title,
                                                         row.lead_unit_name, row.result_text, row.indicator_unit)))
        return all(" " + term in haystack for term in folded_query)
    return True


def filter_progress(rows: tuple[TaskProgressRow, ...] | list[TaskProgressRow], flt: ProgressFilter
                    ) -> list[TaskProgressRow]:
    """The rows that pass every filter.

    The search ignores case and diacritics (“dong da” finds “Đống Đa”). Vietnamese writes one
    syllable per word, so loose word matching would find “dong” in every “hoạt động”: each term
    is matched as a phrase from the start of a word, and several terms are separated by commas.
    """
    terms = [fold(term) for term in flt.search.split(",") if fold(term)]
    return [row for row in rows if row_matches(row, flt, folded_query=terms)]


def progress_totals(rows: list[TaskProgressRow] | tuple[TaskProgressRow, ...]
                    ) -> tuple[tuple[ProgressTotal, ...], tuple[ProgressTotal, ...]]:
    """Totals per theme (in plan order) and per lead unit (by name): tasks, done, overdue, budget, spent."""
    def totals(key_of, label_of) -> tuple[ProgressTotal, ...]:  # type: ignore[no-untyped-def]
        acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        labels: dict[str, str] = {}
        for row in rows:
            key = key_of(row)
            labels[key] = label_of(row)
            item = acc[key]
            item[0] += 1
            item[1] += row.status == TaskStatus.DONE.value
            item[2] += row.status == TaskStatus.OVERDUE.value
            item[3] += row.budget
            item[4] += row.spent
        return tuple(ProgressTotal(k, labels[k], *v) for k, v in acc.items())

    by_theme = totals(lambda r: r.section_id, lambda r: r.section_label)
    by_unit = totals(lambda r: r.lead_unit_id or "", lambda r: r.lead_unit_name or _("(no lead unit)"))
    return by_theme, tuple(sorted(by_unit, key=lambda t: (t.key == "", fold(t.label))))


def validate_progress(update: ProgressUpdate) -> list[str]:
    problems = []
    if update.status not in EDITABLE_STATUSES:
        problems.append(_("Choose a status: not started, in progress, done or cancelled."))
    if not 0 <= update.percent_done <= 100:
        problems.append(_("The percentage done is between 0 and 100."))
    if update.indicator_achieved is not None and update.indicator_achieved < 0:
        problems.append(_("The indicator achieved cannot be negative."))
    elif update.indicator_achieved is not None and update.indicator_achieved > MAX_COUNT:
        problems.append(_("This number is too large; check the number of zeros."))
    if update.spent < 0:
        problems.append(_("The amount spent cannot be negative."))
    elif update.spent > MAX_AMOUNT_VND:
        problems.append(_("This amount is too large; check the number of zeros."))
    if update.status == TaskStatus.DONE.value and update.percent_done != 100:
        problems.append(_("A task marked done has all its work done (100 per cent)."))
    problems += control_problems({"result_text": update.result_text}, PROGRESS_FIELDS)
    return problems


def update_task_progress(*, uow_factory: UnitOfWorkFactory, task_id: str, update: ProgressUpdate,
                         expected_version: int | None = None) -> Changes:
    """Save the progress dialog; ``expected_version`` (the task's, as the dialog was filled) refuses to
    overwrite progress someone else saved meanwhile."""
    problems = validate_progress(update)
    if problems:
        raise ValidationError(problems[0], details=problems[1:])
    with uow_factory() as uow:
        s = uow.session
        task = s.get(Task, task_id)
        unit_code = workspace_unit(s)
        if task is None or task.deleted_at is not None:
            raise ValidationError(_("This task no longer exists in the plan."))
        plan = s.get(Plan, task.plan_id)
        if plan is None or plan.unit_code != unit_code:
            raise ValidationError(_("This task belongs to another unit and can only be read here."))
        values = {"status": update.status, "percent_done": update.percent_done,
                  "indicator_achieved": update.indicator_achieved, "spent": update.spent,
                  "result_text": nfc(update.result_text), "progress_updated_on": update.updated_on}
        refuse_if_changed(what=task.content, stored_version=task.version, expected_version=expected_version,
                          stored={k: getattr(task, k) for k in values}, submitted=values, labels=PROGRESS_FIELDS,
                          shown={"status": label_of(TaskStatus, task.status)})
        changed = {k: [getattr(task, k), v] for k, v in values.items() if getattr(task, k) != v}
        if not changed:
            return Changes()
        for key, value in values.items():
            setattr(task, key, value)
        task.version += 1
        task.updated_at = utcnow()
        audit.record(s, unit_code=unit_code, action="task.progress", entity="task", entity_id=task.id,
                     summary=task.content[:200],
                     details={k: [v[0].isoformat() if isinstance(v[0], dt.date) else v[0],
                                  v[1].isoformat() if isinstance(v[1], dt.date) else v[1]]
                              for k, v in changed.items()})
        uow.commit()
    return Changes(tasks=True)
