"""Issued revisions of the plan: their snapshots, reading them, and comparing two of them.

A snapshot is the JSON kept in ``PlanRevision.snapshot`` when a revision is issued:
``{"plan": {details…, "revision", "issue_date"}, "sections": [...], "tasks": [...],
"units": {id: name}}`` (the demo writes the same shape, without ``units``). Comparisons
match sections by their template key and tasks by their id, so a task edited between two
revisions shows field by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.budget_sources import SOURCE_LABELS
from kehoach_desktop.domain.enums import PropagandaForm
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.formats import format_date, format_number, format_vnd
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.plan_dto import (
    FieldChange,
    PlanDetails,
    RevisionComparison,
    RevisionInfo,
    RevisionView,
    SectionChange,
    TaskChange,
    TaskSummary,
)
from kehoach_desktop.services.unit_view import workspace_unit
from kehoach_desktop.storage.models import Plan, PlanRevision, PlanSection, ResponsibleUnit, Task
from kehoach_desktop.storage.uow import UnitOfWorkFactory

PLAN_FIELDS = {
    "number": N_("Number"), "symbol": N_("Symbol"), "place": N_("Place"), "issue_date": N_("Date of issue"),
    "summary": N_("Summary line"), "superior_agency": N_("Superior agency"), "issuing_agency": N_("Issuing agency"),
    "legal_bases": N_("Legal bases"), "preamble": N_("Opening paragraph"), "closing": N_("Closing paragraph"),
    "signer_authority": N_("Signing authority"), "signer_deputy": N_("Deputy line"),
    "signer_title": N_("Signer's title"), "signer_name": N_("Signer's name"), "recipients": N_("Recipients"),
}
SECTION_FIELDS = {"title": N_("Heading"), "text": N_("Text"), "local_text": N_("The unit's additions")}
TASK_FIELDS = {
    "section": N_("Theme"), "content": N_("Content"), "form": N_("Form of propaganda"),
    "lead_unit_id": N_("Lead unit"), "supporting_unit_ids": N_("Supporting units"),
    "start_date": N_("Start"), "due_date": N_("Due"), "budget": N_("Budget"),
    "indicator_unit": N_("Indicator unit"), "indicator_target": N_("Target"), "budget_source": N_("Budget source"),
}
_TASK_KEYS = ("id", "section_id", "position", "content", "form", "lead_unit_id", "supporting_unit_ids",
              "start_date", "due_date", "budget", "budget_source", "indicator_unit", "indicator_target")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def build_snapshot(session: Session, plan: Plan) -> dict[str, Any]:
    """The plan as it stands, in the snapshot shape (JSON-ready)."""
    sections = list(session.scalars(select(PlanSection).where(
        PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)).order_by(PlanSection.position)))
    tasks = list(session.scalars(select(Task).where(Task.plan_id == plan.id, Task.deleted_at.is_(None))))
    order = {s.id: s.position for s in sections}
    tasks.sort(key=lambda t: (order.get(t.section_id, -1), t.position))
    used = {t.lead_unit_id for t in tasks if t.lead_unit_id} | {u for t in tasks for u in t.supporting_unit_ids or ()}
    units = dict(session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name).where(
        ResponsibleUnit.id.in_(used))).all()) if used else {}
    plan_part = {key: getattr(plan, key) for key in (
        "id", "year", "title", "summary", "number", "symbol", "place", "superior_agency", "issuing_agency",
        "legal_bases", "preamble", "closing", "signer_authority", "signer_deputy", "signer_title",
        "signer_name", "recipients")}
    plan_part |= {"issue_date": _iso(plan.issue_date), "revision": plan.revision,
                  "legal_bases": list(plan.legal_bases or []), "recipients": list(plan.recipients or [])}
    return {
        "plan": plan_part,
        "sections": [{"id": s.id, "template_key": s.template_key, "number": s.number, "title": s.title,
                      "kind": s.kind, "locked": s.locked, "text": s.text, "local_text": s.local_text}
                     for s in sections],
        "tasks": [{key: _iso(v) if isinstance(v, dt.date) else v
                   for key, v in ((k, getattr(t, k)) for k in _TASK_KEYS)} for t in tasks],
        "units": units,
    }


def _plan(session: Session) -> Plan:
    from kehoach_desktop.services.plan_editing import current_plan

    plan = current_plan(session)
    if plan is None:
        raise ValidationError(_("This workspace has no plan."))
    return plan


def _info(revision: PlanRevision) -> RevisionInfo:
    plan = revision.snapshot.get("plan", {})
    number = f"{plan.get('number', '')}/{plan.get('symbol', '')}" if plan.get("number") else ""
    issue_date = dt.date.fromisoformat(plan["issue_date"]) if plan.get("issue_date") else None
    return RevisionInfo(number=revision.number, reason=revision.reason, issued_at=revision.issued_at,
                        issued_by=revision.issued_by, plan_number=number, issue_date=issue_date,
                        tasks=len(revision.snapshot.get("tasks", ())))


def list_revisions(*, uow_factory: UnitOfWorkFactory) -> tuple[RevisionInfo, ...]:
    """The issued revisions of the current plan, oldest first."""
    with uow_factory() as uow:
        plan = _plan(uow.session)
        return tuple(_info(r) for r in uow.session.scalars(
            select(PlanRevision).where(PlanRevision.plan_id == plan.id).order_by(PlanRevision.number)))


def _snapshot(session: Session, plan: Plan, number: int | None) -> tuple[dict[str, Any], PlanRevision | None]:
    if number is None:
        return build_snapshot(session, plan), None
    revision = session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id,
                                                         PlanRevision.number == number))
    if revision is None:
        raise ValidationError(_("The plan has no issued revision {number}.").format(number=number))
    return revision.snapshot, revision


def _unit_names(session: Session, *snapshots: dict[str, Any]) -> dict[str, str]:
    unit_code = workspace_unit(session)
    names = dict(session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name).where(
        ResponsibleUnit.unit_code == unit_code)).all())
    for snap in snapshots:
        names.update(snap.get("units") or {})
    return names


class _Shower:
    """Shows snapshot values the way the coordinator reads them."""

    def __init__(self, units: dict[str, str], sections: dict[str, str]) -> None:
        self.units = units
        self.sections = sections

    def __call__(self, key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return ""
        if key in ("start_date", "due_date", "issue_date"):
            return format_date(dt.date.fromisoformat(value))
        if key == "budget":
            return format_vnd(int(value))
        if key == "indicator_target":
            return format_number(int(value))
        if key == "budget_source":
            return _(SOURCE_LABELS[value]) if value in SOURCE_LABELS else str(value)
        if key == "form":
            try:
                return PropagandaForm(value).label
            except ValueError:
                return str(value)
        if key == "lead_unit_id":
            return self.units.get(value, _("(unit removed)"))
        if key == "supporting_unit_ids":
            return "; ".join(self.units.get(u, _("(unit removed)")) for u in value)
        if key == "section":
            return self.sections.get(value, "")
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return str(value)


def _section_label(section: dict[str, Any]) -> str:
    return f"{section.get('number', '')} {section.get('title', '')}".strip()


def _label(number: int | None, current_revision: int) -> str:
    if number is None:
        return _("Revision {number} (current draft)").format(number=current_revision)
    return _("Revision {number}").format(number=number)


def compare_revisions(*, uow_factory: UnitOfWorkFactory, before: int, after: int | None) -> RevisionComparison:
    """What changed from revision ``before`` to revision ``after`` (``None``: the plan as it stands now)."""
    with uow_factory() as uow:
        s = uow.session
        plan = _plan(s)
        old, _rev_old = _snapshot(s, plan, before)
        new, _rev_new = _snapshot(s, plan, after)
        old_sections = {sec.get("template_key") or sec["id"]: sec for sec in old.get("sections", ())}
        new_sections = {sec.get("template_key") or sec["id"]: sec for sec in new.get("sections", ())}
        section_labels = {sec["id"]: _section_label(sec) for sec in (*old.get("sections", ()),
                                                                     *new.get("sections", ()))}
        show = _Shower(_unit_names(s, old, new), section_labels)

        plan_changes = tuple(
            FieldChange(key, _(label), show(key, old["plan"].get(key)), show(key, new["plan"].get(key)))
            for key, label in PLAN_FIELDS.items()
            if show(key, old["plan"].get(key)) != show(key, new["plan"].get(key)))

        section_changes = []
        for key, sec in new_sections.items():
            previous = old_sections.get(key, {})
            changes = tuple(FieldChange(f, _(label), previous.get(f) or "", sec.get(f) or "")
                            for f, label in SECTION_FIELDS.items() if (previous.get(f) or "") != (sec.get(f) or ""))
            if changes:
                section_changes.append(SectionChange(key, _section_label(sec), changes))

        old_tasks = {t["id"]: t for t in old.get("tasks", ())}
        new_tasks = {t["id"]: t for t in new.get("tasks", ())}

        def summary(task: dict[str, Any]) -> TaskSummary:
            return TaskSummary(task["id"], section_labels.get(task["section_id"], ""), task.get("content", ""))

        changed = []
        for task_id, task in new_tasks.items():
            previous = old_tasks.get(task_id)
            if previous is None:
                continue
            field_changes = []
            for key, label in TASK_FIELDS.items():
                source = "section_id" if key == "section" else key
                shown_before, shown_after = show(key, previous.get(source)), show(key, task.get(source))
                if shown_before != shown_after:
                    field_changes.append(FieldChange(key, _(label), shown_before, shown_after))
            if field_changes:
                changed.append(TaskChange(task_id, section_labels.get(task["section_id"], ""),
                                          task.get("content", ""), tuple(field_changes)))
        return RevisionComparison(
            before_label=_label(before, plan.revision), after_label=_label(after, plan.revision),
            plan_changes=plan_changes, section_changes=tuple(section_changes),
            tasks_added=tuple(summary(t) for i, t in new_tasks.items() if i not in old_tasks),
            tasks_removed=tuple(summary(t) for i, t in old_tasks.items() if i not in new_tasks),
            tasks_changed=tuple(changed))


def get_revision(*, uow_factory: UnitOfWorkFactory, number: int) -> RevisionView:
    """An issued revision as it was issued: details, section texts and tasks."""
    with uow_factory() as uow:
        s = uow.session
        plan = _plan(s)
        snap, revision = _snapshot(s, plan, number)
        assert revision is not None
        p = snap.get("plan", {})
        details = PlanDetails(
            number=p.get("number", ""), symbol=p.get("symbol", ""), place=p.get("place", ""),
            issue_date=dt.date.fromisoformat(p["issue_date"]) if p.get("issue_date") else None,
            summary=p.get("summary", ""), superior_agency=p.get("superior_agency", ""),
            issuing_agency=p.get("issuing_agency", ""), legal_bases=tuple(p.get("legal_bases") or ()),
            preamble=p.get("preamble", ""), closing=p.get("closing", ""),
            signer_authority=p.get("signer_authority", ""), signer_deputy=p.get("signer_deputy", ""),
            signer_title=p.get("signer_title", ""), signer_name=p.get("signer_name", ""),
            recipients=tuple(p.get("recipients") or ()))
        labels = {sec["id"]: _section_label(sec) for sec in snap.get("sections", ())}
        show = _Shower(_unit_names(s, snap), labels)
        tasks = tuple(
            (labels.get(t["section_id"], ""), t.get("content", ""),
             " · ".join(x for x in (show("form", t.get("form")), show("lead_unit_id", t.get("lead_unit_id")),
                                    " – ".join(x for x in (show("start_date", t.get("start_date")),
                                                           show("due_date", t.get("due_date"))) if x),
                                    show("budget", t.get("budget")) if t.get("budget") else "") if x))
            for t in snap.get("tasks", ()))
        return RevisionView(
            info=_info(revision), details=details,
            sections=tuple((_section_label(sec), sec.get("text", ""), sec.get("local_text", ""))
                           for sec in snap.get("sections", ())),
            tasks=tasks)
