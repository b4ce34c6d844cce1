"""Life cycles of the registers: a material's steps and their dates, an event's dates.

A material goes planned → produced → installed → removed; an installed item may be
damaged → replaced (and later removed). Moving to a step records that step's date and
nothing else: a step that skips another leaves the skipped step's date empty, and a
step back (a correction) clears the dates of the steps that come after it.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from kehoach_desktop.domain.enums import MaterialStatus
from kehoach_desktop.i18n import _

S = MaterialStatus

STEP_DATE_FIELD: dict[MaterialStatus, str] = {
    S.PLANNED: "planned_on",
    S.PRODUCED: "produced_on",
    S.INSTALLED: "installed_on",
    S.REMOVED: "removed_on",
    S.DAMAGED: "damaged_on",
    S.REPLACED: "replaced_on",
}
DATE_FIELDS: tuple[str, ...] = tuple(STEP_DATE_FIELD.values())

NEXT_STEPS: dict[MaterialStatus, tuple[MaterialStatus, ...]] = {
    S.PLANNED: (S.PRODUCED,),
    S.PRODUCED: (S.INSTALLED,),
    S.INSTALLED: (S.REMOVED, S.DAMAGED),
    S.DAMAGED: (S.REPLACED, S.REMOVED),
    S.REPLACED: (S.REMOVED, S.DAMAGED),
    S.REMOVED: (),
}

# Steps in which the item is up in a public place (a removal can fall due).
UP_STATUSES = (S.INSTALLED.value, S.REPLACED.value)


@dataclass(frozen=True)
class StepCheck:
    """How a move from one status to another relates to the life cycle."""

    kind: str  # "same", "next", "skip" or "back"
    skipped: tuple[MaterialStatus, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return self.kind in ("skip", "back")


def _path(start: MaterialStatus, goal: MaterialStatus) -> list[MaterialStatus] | None:
    """The shortest forward path from ``start`` to ``goal`` (both included), or None."""
    queue: deque[list[MaterialStatus]] = deque([[start]])
    seen = {start}
    while queue:
        path = queue.popleft()
        if path[-1] == goal:
            return path
        for step in NEXT_STEPS[path[-1]]:
            if step not in seen:
                seen.add(step)
                queue.append([*path, step])
    return None


def check_step(current: str, target: str) -> StepCheck:
    """``next`` for a regular step, ``skip`` (with the steps left out) or ``back`` for a correction."""
    start, goal = MaterialStatus(current), MaterialStatus(target)
    if start == goal:
        return StepCheck("same")
    path = _path(start, goal)
    if path is None:
        return StepCheck("back")
    if len(path) == 2:
        return StepCheck("next")
    return StepCheck("skip", tuple(path[1:-1]))


def _later_steps(status: MaterialStatus) -> set[MaterialStatus]:
    seen: set[MaterialStatus] = set()
    todo = list(NEXT_STEPS[status])
    while todo:
        step = todo.pop()
        if step not in seen and step != status:
            seen.add(step)
            todo.extend(NEXT_STEPS[step])
    return seen


def dates_after_step(dates: Mapping[str, dt.date | None], current: str, target: str,
                     on: dt.date | None) -> dict[str, dt.date | None]:
    """The step dates once the item moves from ``current`` to ``target`` on the day ``on``.

    Only the target's date is filled; skipped steps stay empty; a step back clears the
    dates of the steps after the target.
    """
    result = {name: dates.get(name) for name in DATE_FIELDS}
    goal = MaterialStatus(target)
    if check_step(current, target).kind == "back":
        for later in _later_steps(goal):
            result[STEP_DATE_FIELD[later]] = None
    if on is not None:
        result[STEP_DATE_FIELD[goal]] = on
    return result


def _d(value: dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def material_date_problems(dates: Mapping[str, dt.date | None],
                           planned_removal_on: dt.date | None) -> list[str]:
    """Reasons the step dates cannot be right (empty when they are consistent)."""
    produced, installed = dates.get("produced_on"), dates.get("installed_on")
    removed, damaged, replaced = dates.get("removed_on"), dates.get("damaged_on"), dates.get("replaced_on")
    problems = []
    if produced and installed and installed < produced:
        problems.append(_("The installation date {installed} is before the production date {produced}.").format(
            installed=_d(installed), produced=_d(produced)))
    if installed and removed and removed < installed:
        problems.append(_("The removal date {removed} is before the installation date {installed}.").format(
            removed=_d(removed), installed=_d(installed)))
    if installed and planned_removal_on and planned_removal_on < installed:
        problems.append(_("The planned removal date {planned} is before the installation date {installed}.").format(
            planned=_d(planned_removal_on), installed=_d(installed)))
    if installed and damaged and damaged < installed:
        problems.append(_("The date the damage was found, {damaged}, is before the installation date "
                          "{installed}.").format(damaged=_d(damaged), installed=_d(installed)))
    if damaged and replaced and replaced < damaged:
        problems.append(_("The replacement date {replaced} is before the date the damage was found, "
                          "{damaged}.").format(replaced=_d(replaced), damaged=_d(damaged)))
    return problems


def is_removal_overdue(status: str, planned_removal_on: dt.date | None, today: dt.date) -> bool:
    """Up in a public place and past the planned removal date (the removal day itself is not overdue)."""
    return status in UP_STATUSES and planned_removal_on is not None and planned_removal_on < today


def event_date_problems(starts_on: dt.date | None, ends_on: dt.date | None) -> list[str]:
    if starts_on is None:
        return [_("An event needs its start date.")]
    if ends_on is not None and ends_on < starts_on:
        return [_("The end date {ends} is before the start date {starts}.").format(
            ends=_d(ends_on), starts=_d(starts_on))]
    return []
