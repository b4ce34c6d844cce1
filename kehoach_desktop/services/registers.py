"""What the materials and events registers share: totals, paging by key, search, choices, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, select, tuple_
from sqlalchemy.orm import Session

from kehoach_desktop.domain.errors import ConcurrentEditError, ValidationError
from kehoach_desktop.domain.lifecycle import StepCheck
from kehoach_desktop.domain.text import fold
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services import audit
from kehoach_desktop.services.unit_view import workspace_unit
from kehoach_desktop.services.years import current_plan_id
from kehoach_desktop.storage.models import AuditEntry, PlanSection, ResponsibleUnit, Task, utcnow
from kehoach_desktop.storage.uow import UnitOfWorkFactory

PAGE_SIZE = 200
THEME_KINDS = ("theme", "form", "theme_group", "form_group", "content")


@dataclass(frozen=True)
class Totals:
    count: int
    quantity: int
    cost: int


@dataclass(frozen=True)
class SortSpec:
    key: str
    descending: bool = False


@dataclass(frozen=True)
class Page:
    rows: tuple[Any, ...]
    after: tuple[Any, Any] | None  # the key of the last row, to ask for the next page; None at the end


@dataclass(frozen=True)
class ThemeChoice:
    id: str
    number: str
    title: str
    depth: int

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class TaskChoice:
    id: str
    section_id: str
    content: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    os_user: str  # kept for the record; the screen names the officer
    action: str
    summary: str
    changes: tuple[tuple[str, str, str], ...]  # (field, before, after); the ids of records replaced by their names
    officer: str = ""  # the officer in charge when the change was made (the workspace's settings)


class LifecycleSkipError(ValidationError):
    """A step that skips another (or goes back) and was not confirmed."""

    def __init__(self, message: str, checks: dict[str, StepCheck]) -> None:
        super().__init__(message)
        self.checks = checks


def search_condition(column: Any, text: str) -> ColumnElement[bool] | None:
    """Every word of ``text`` (folded: case and diacritics ignored) occurs in the folded ``column``."""
    words = fold(text).split()
    if not words:
        return None
    return and_(*(column.like(f"%{_escape_like(word)}%", escape="\\") for word in words))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# How a page of a big register is found on SQLite (DESIGN P6). SQLite's planner does not weigh
# LIMIT: asked for 200 rows in cost order it may walk an index of 300,000 rows with a lookup per
# row rather than scan the table once. The register knows better: it has just counted the rows.
WALK = "walk"  # step along an index in the sort order until the page is full
NARROW = "narrow"  # find the few matching rows through an index, then sort them
SCAN = "scan"  # read the table once, keeping the top rows (a bounded sort)
WALK_VISITS = 20_000  # rows a walk may step over to fill one page
NARROW_ROWS = 20_000  # rows found through an index, one lookup each, then sorted


def page_plan(*, sort_indexed: bool, matching: int, unit_rows: int, covered: bool) -> str:
    """Which way finds a page of ``matching`` rows among the ``unit_rows`` live rows of the unit.

    A walk steps over about ``PAGE_SIZE * unit_rows / matching`` rows. ``covered``: every
    condition of the filter is answered by the register index, so only matching rows are looked up.
    """
    if sort_indexed and matching * WALK_VISITS >= PAGE_SIZE * unit_rows:
        return WALK
    if unit_rows <= NARROW_ROWS or (covered and matching <= NARROW_ROWS):
        return NARROW
    return SCAN


def hidden(column: Any) -> Any:
    """``column`` with the same value, but out of the planner's reach (no index is used for it)."""
    return func.coalesce(column, column)


def keyset(sort_expr: Any, id_column: Any, descending: bool, after: tuple[Any, Any] | None) -> list[Any]:
    """ORDER BY and the WHERE condition that continues after the row ``after`` (sort value, id).

    The key is bound with the columns' own types: an aware UTC timestamp bound untyped would reach
    PostgreSQL as ``timestamptz`` and be compared in the server's time zone (pages shifted by hours).
    """
    continued = (tuple_(literal(after[0], type_=sort_expr.type), literal(after[1], type_=id_column.type))
                 if after is not None else None)
    if descending:
        order = [sort_expr.desc(), id_column.desc()]
        condition = tuple_(sort_expr, id_column) < continued if continued is not None else None
    else:
        order = [sort_expr.asc(), id_column.asc()]
        condition = tuple_(sort_expr, id_column) > continued if continued is not None else None
    return [order, condition]


def list_themes(*, uow_factory: UnitOfWorkFactory) -> tuple[ThemeChoice, ...]:
    """The sections of the current plan a material or an event can belong to, in plan order."""
    with uow_factory() as uow:
        s = uow.session
        plan_id = current_plan_id(s, workspace_unit(s))
        if plan_id is None:
            return ()
        return tuple(ThemeChoice(sec.id, sec.number, sec.title, sec.depth) for sec in s.scalars(
            select(PlanSection).where(PlanSection.plan_id == plan_id, PlanSection.deleted_at.is_(None),
                                      PlanSection.kind.in_(THEME_KINDS)).order_by(PlanSection.position)))


def list_tasks(*, uow_factory: UnitOfWorkFactory) -> tuple[TaskChoice, ...]:
    with uow_factory() as uow:
        s = uow.session
        plan_id = current_plan_id(s, workspace_unit(s))
        if plan_id is None:
            return ()
        return tuple(TaskChoice(t.id, t.section_id, t.content) for t in s.scalars(
            select(Task).where(Task.plan_id == plan_id, Task.deleted_at.is_(None))
            .order_by(Task.section_id, Task.position)))


def check_links(session: Session, section_id: str | None, task_id: str | None) -> None:
    """The theme and the task exist, and the task belongs to the theme."""
    if section_id is not None and session.get(PlanSection, section_id) is None:
        raise ValidationError(_("The chosen theme no longer exists in the plan."))
    if task_id is not None:
        task = session.get(Task, task_id)
        if task is None or task.deleted_at is not None:
            raise ValidationError(_("The chosen task no longer exists in the plan."))
        if section_id is not None and task.section_id != section_id:
            raise ValidationError(_("The chosen task belongs to another theme."))


def distinct_values(session: Session, column: Any, *conditions: Any) -> tuple[str, ...]:
    values = session.scalars(select(column).where(*conditions, column != "").distinct()).all()
    return tuple(sorted(values, key=fold))


def get_history(*, uow_factory: UnitOfWorkFactory, entity_id: str) -> tuple[HistoryEntry, ...]:
    """Every audit entry of a record, newest first, with the fields it changed.

    Values that are the id of another record (a theme, a task, a responsible unit) are given as that
    record's name, so that a history never shows a UUID.
    """
    with uow_factory() as uow:
        entries = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == entity_id)
                                      .order_by(AuditEntry.id.desc())).all()
        changed = [(e, _changed_fields(e)) for e in entries]
        names = _names_of(uow.session, {value for _e, pairs in changed for name, pair in pairs.items()
                                        if name in ID_FIELDS for value in _ids_in(pair)})

        def shown(name: str, value: Any) -> str:
            if value is None:
                return ""
            if name in ID_FIELDS:
                return "; ".join(names.get(v, v) for v in _ids_in([value]))
            return str(value)

        return tuple(HistoryEntry(
            at=e.at, os_user=e.os_user, action=e.action, summary=e.summary, officer=e.signer_profile,
            changes=tuple((name, shown(name, pair[0]), shown(name, pair[1])) for name, pair in sorted(pairs.items())))
            for e, pairs in changed)


ID_FIELDS = frozenset({"section_id", "task_id", "lead_unit_id", "supporting_unit_ids"})
_NOT_FIELDS = frozenset({"section", "from", "to", "bulk", "reverted", "source", "file", "sheet", "row"})


def _changed_fields(entry: AuditEntry) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` of an entry: the registers' ``changes``, or a task's own fields."""
    details = entry.details or {}
    if isinstance(details.get("changes"), dict):
        return {k: list(v) for k, v in details["changes"].items() if isinstance(v, list | tuple) and len(v) == 2}
    if not entry.action.startswith("task."):
        return {}
    pairs: dict[str, list[Any]] = {}
    for key, value in details.items():
        if key in _NOT_FIELDS:
            continue
        if entry.action == "task.create":
            pairs[key] = [None, value]
        elif isinstance(value, list | tuple) and len(value) == 2:
            pairs[key] = list(value)
    return pairs


def _ids_in(values: Sequence[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        if isinstance(value, list | tuple):
            found.extend(str(v) for v in value if v)
        elif value:
            found.append(str(value))
    return found


def _names_of(session: Session, ids: set[str]) -> dict[str, str]:
    """The name of each record among ``ids``: a section's number and title, a task's content, a unit's name."""
    if not ids:
        return {}
    wanted = list(ids)
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for sid, number, title in session.execute(
                select(PlanSection.id, PlanSection.number, PlanSection.title).where(PlanSection.id.in_(chunk))):
            names[sid] = f"{number} {title}".strip()
        for tid, content in session.execute(select(Task.id, Task.content).where(Task.id.in_(chunk))):
            names[tid] = content if len(content) <= 80 else content[:79] + "…"
        for uid, name in session.execute(
                select(ResponsibleUnit.id, ResponsibleUnit.name).where(ResponsibleUnit.id.in_(chunk))):
            names[uid] = name
    return names


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as JSON-friendly ``[before, after]`` pairs."""
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    return {name: [plain(before.get(name)), plain(value)] for name, value in after.items()
            if before.get(name) != value}


def refuse_if_any_changed(records: Sequence[Any], expected_versions: Mapping[str, int] | None,
                          name_of: Callable[[Any], str]) -> None:
    """Raise :class:`ConcurrentEditError` when a chosen row moved past the version the list showed.

    ``expected_versions`` (id → version shown) comes from the rows the coordinator selected;
    None (an undo or redo replaying its own values, a script) skips the check.
    """
    if expected_versions is None:
        return
    moved = [r for r in records if r.id in expected_versions and r.version != expected_versions[r.id]]
    if not moved:
        return
    names = "; ".join(f"“{name[:60]}”" for name in (name_of(r) for r in moved[:5]))
    raise ConcurrentEditError(ngettext(
        "{n} of the chosen rows was changed by someone else since the list was shown: {names}. Nothing was "
        "changed; check the newer values and choose again.",
        "{n} of the chosen rows were changed by someone else since the list was shown: {names}. Nothing was "
        "changed; check the newer values and choose again.", len(moved)).format(n=len(moved), names=names))


def mark_deleted(session: Session, records: Sequence[Any], *, entity: str, title_of: Callable[[Any], str]) -> None:
    """Soft-delete ``records`` (a material or an event register's rows), each audited."""
    now = utcnow()
    for record in records:
        record.deleted_at = now
        record.version += 1
        audit.record(session, unit_code=record.unit_code, action=f"{entity}.delete", entity=entity,
                     entity_id=record.id, summary=title_of(record)[:200])


def bring_back(session: Session, model: type, ids: Sequence[str], *, entity: str, missing: str,
               title_of: Callable[[Any], str]) -> None:
    """Undo a soft delete of the rows ``ids`` of ``model``, each audited; ``missing``: the refusal."""
    for record_id in ids_or_refuse(ids):
        record = session.get(model, record_id)
        if record is None:
            raise ValidationError(missing)
        record.deleted_at = None
        record.version += 1
        audit.record(session, unit_code=record.unit_code, action=f"{entity}.undelete", entity=entity,
                     entity_id=record.id, summary=title_of(record)[:200])


def ids_or_refuse(ids: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise ValidationError(_("Choose at least one row first."))
    return unique


def count_and_sums(session: Session, table: Any, conditions: list[Any], quantity: Any, cost: Any) -> Totals:
    count, total_quantity, total_cost = session.execute(select(
        func.count(), func.coalesce(func.sum(quantity), 0), func.coalesce(func.sum(cost), 0)
    ).select_from(table).where(*conditions)).one()
    return Totals(int(count), int(total_quantity), int(total_cost))
