"""Where each unit's plan departs from the city's template.

Locked texts changed (the editor forbids it, so any hit means a tampered or foreign package),
themes without a local task, forms of propaganda never used, and budgets far from the peers'.

A budget is far from its peers when it is less than half, or more than twice, the median budget of
the *other* units that have a plan. The rule needs at least :data:`MIN_UNITS` units with a plan (each
then has three or more peers); it holds for small groups, where a spread such as the interquartile
range shrinks to nothing and flags units a few per cent off.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from sqlalchemy import func, select

from kehoach_desktop.domain.enums import PropagandaForm, SectionKind
from kehoach_desktop.formats import format_vnd
from kehoach_desktop.i18n import N_, _, in_vietnamese
from kehoach_desktop.services.city_board import require_city
from kehoach_desktop.services.city_dto import Deviation, UnitDeviations
from kehoach_desktop.services.years import current_template, plans_of_year
from kehoach_desktop.storage.models import PlanSection, Task
from kehoach_desktop.storage.uow import UnitOfWorkFactory

LOCKED_TEXT = "locked_text"
THEME_WITHOUT_TASK = "theme_without_task"
FORM_UNUSED = "form_unused"
BUDGET_OUTLIER = "budget_outlier"
DEVIATION_LABELS = {LOCKED_TEXT: N_("Locked text changed"), THEME_WITHOUT_TASK: N_("Theme without a local task"),
                    FORM_UNUSED: N_("Form of propaganda never used"), BUDGET_OUTLIER: N_("Budget far from peers")}
DEVIATION_LABELS_VI = {kind: in_vietnamese(label) for kind, label in DEVIATION_LABELS.items()}  # the PDF's words
_IGNORED_FORMS = {PropagandaForm.OTHER.value}


MIN_UNITS = 4
FAR_FACTOR = 2


def budget_outliers(budgets: dict[str, int]) -> dict[str, int] | None:
    """The units whose budget is less than half or more than twice the median of the others', each with that
    median; None when fewer than :data:`MIN_UNITS` units can be compared."""
    if len(budgets) < MIN_UNITS:
        return None
    far = {}
    for unit, budget in budgets.items():
        median = statistics.median(v for u, v in budgets.items() if u != unit)
        if median > 0 and not median / FAR_FACTOR <= budget <= median * FAR_FACTOR:
            far[unit] = round(median)
    return far


def get_deviations(*, uow_factory: UnitOfWorkFactory) -> tuple[UnitDeviations, ...]:
    with uow_factory() as uow:
        s = uow.session
        require_city(s)
        template = current_template(s)
        units = {u.code: u for u in template.reporting_units}
        plans = plans_of_year(s, list(units))
        plan_ids = [p.id for p in plans.values()]
        found: dict[str, list[Deviation]] = defaultdict(list)
        if plan_ids:
            for unit, number, title in s.execute(
                    select(PlanSection.unit_code, PlanSection.number, PlanSection.title)
                    .where(PlanSection.plan_id.in_(plan_ids), PlanSection.deleted_at.is_(None),
                           PlanSection.locked.is_(True), PlanSection.text != PlanSection.template_text)
                    .order_by(PlanSection.unit_code, PlanSection.position)):
                found[unit].append(Deviation(unit, LOCKED_TEXT, f"{number} {title}".strip(),
                                             _("the city's locked wording was changed")))
            with_tasks = (select(Task.section_id).where(Task.deleted_at.is_(None), Task.plan_id.in_(plan_ids))
                          .distinct())
            for unit, number, title in s.execute(
                    select(PlanSection.unit_code, PlanSection.number, PlanSection.title)
                    .where(PlanSection.plan_id.in_(plan_ids), PlanSection.deleted_at.is_(None),
                           PlanSection.kind == SectionKind.THEME.value, PlanSection.id.not_in(with_tasks))
                    .order_by(PlanSection.unit_code, PlanSection.position)):
                found[unit].append(Deviation(unit, THEME_WITHOUT_TASK, f"{number} {title}".strip(),
                                             _("no local task under this theme")))
            used: dict[str, set[str]] = defaultdict(set)
            budgets: dict[str, int] = {}
            for unit, form, budget in s.execute(
                    select(Task.unit_code, Task.form, func.sum(Task.budget))
                    .where(Task.plan_id.in_(plan_ids), Task.deleted_at.is_(None)).group_by(Task.unit_code, Task.form)):
                used[unit].add(form)
                budgets[unit] = budgets.get(unit, 0) + int(budget or 0)
            for unit in plans:
                for form in PropagandaForm:
                    if form.value not in _IGNORED_FORMS and form.value not in used[unit]:
                        found[unit].append(Deviation(unit, FORM_UNUSED, form.label, _("no task uses this form")))
            far = budget_outliers({unit: budgets.get(unit, 0) for unit in plans}) or {}
            for unit, median in far.items():
                budget = budgets.get(unit, 0)
                found[unit].append(Deviation(unit, BUDGET_OUTLIER, format_vnd(budget), _(
                    "less than half or more than twice the median budget of the other units ({median})").format(
                    median=format_vnd(median)), amount=budget, reference=median))
        return tuple(UnitDeviations(code, unit.display_name, code in plans, tuple(found.get(code, ())))
                     for code, unit in units.items() if code in plans)
