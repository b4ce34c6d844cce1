"""The register of visual campaign materials: queries with filters and paging in SQL, writes, life cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import MaterialStatus, MaterialType
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.lifecycle import (
    DATE_FIELDS,
    STEP_DATE_FIELD,
    UP_STATUSES,
    check_step,
    dates_after_step,
    material_date_problems,
)
from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.edit_guards import MATERIAL_FIELDS, label_of, length_problems, refuse_if_changed
from kehoach_desktop.services.registers import (
    NARROW,
    PAGE_SIZE,
    SCAN,
    WALK,
    LifecycleSkipError,
    Page,
    SortSpec,
    Totals,
    bring_back,
    check_links,
    count_and_sums,
    current_plan_id,
    diff,
    distinct_values,
    hidden,
    ids_or_refuse,
    keyset,
    mark_deleted,
    page_plan,
    refuse_if_any_changed,
    search_condition,
    workspace_unit,
)
from kehoach_desktop.services.units import places_of, ward_choices
from kehoach_desktop.storage.models import Material, PlanSection
from kehoach_desktop.storage.uow import UnitOfWorkFactory

CHANGED = Changes(materials=True)
_NO_DATE = dt.date(1, 1, 1)


@dataclass(frozen=True)
class MaterialInput:
    """What the coordinator enters for a material (one item or a batch)."""

    type: str
    content: str
    quantity: int = 1
    size: str = ""
    ward: str = ""
    address: str = ""
    section_id: str | None = None
    task_id: str | None = None
    status: str = MaterialStatus.PLANNED.value
    planned_on: dt.date | None = None
    produced_on: dt.date | None = None
    installed_on: dt.date | None = None
    removed_on: dt.date | None = None
    damaged_on: dt.date | None = None
    replaced_on: dt.date | None = None
    planned_removal_on: dt.date | None = None
    cost: int = 0
    supplier: str = ""
    notes: str = ""


INPUT_FIELDS = tuple(f.name for f in fields(MaterialInput))


@dataclass(frozen=True)
class MaterialRecord(MaterialInput):
    id: str = ""
    unit_code: str = ""
    version: int = 1
    updated_at: dt.datetime | None = None

    @property
    def status_date(self) -> dt.date | None:
        return getattr(self, STEP_DATE_FIELD[MaterialStatus(self.status)])

    def as_input(self) -> MaterialInput:
        return MaterialInput(**{name: getattr(self, name) for name in INPUT_FIELDS})


@dataclass(frozen=True)
class MaterialFilter:
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    section_id: str | None = None
    ward: str = ""
    date_from: dt.date | None = None  # on the date of the current step
    date_to: dt.date | None = None
    search: str = ""
    removal_overdue_on: dt.date | None = None  # only items up past their planned removal date
    all_units: bool = False  # a city workspace sees every unit's records


def search_key_of(values: MaterialInput) -> str:
    return fold(" ".join((values.content, values.ward, values.address, values.supplier, values.size,
                          values.notes)))


def _status_date_expr() -> Any:
    return case(*((Material.status == status.value, getattr(Material, name))
                  for status, name in STEP_DATE_FIELD.items()), else_=None)


def _sort_expr(key: str, *, hide: bool = False) -> Any:
    """The SQL value a sort key orders by; ``hide``: keep a plain column's index out of the plan."""
    simple = {"type": Material.type, "status": Material.status, "quantity": Material.quantity,
              "size": Material.size, "ward": Material.ward, "address": Material.address, "cost": Material.cost,
              "supplier": Material.supplier, "content": Material.search_key, "updated_at": Material.updated_at}
    if key in simple:
        return hidden(simple[key]) if hide else simple[key]
    if key == "status_date":
        return func.coalesce(_status_date_expr(), literal(_NO_DATE))
    if key == "planned_removal_on":
        return func.coalesce(Material.planned_removal_on, literal(_NO_DATE))
    if key == "theme":
        position = select(PlanSection.position).where(PlanSection.id == Material.section_id).scalar_subquery()
        return func.coalesce(position, -1)
    raise ValueError(f"unknown sort key {key!r}")


def _conditions(session: Session, flt: MaterialFilter, *, plan: str | None = None) -> list[Any]:
    """The filter as SQL, shaped for the page ``plan`` (None: as it is, for the covering index)."""
    def col(column: Any) -> Any:
        return hidden(column) if plan in (WALK, SCAN) else column

    unit_col = hidden(Material.unit_code) if plan == SCAN else Material.unit_code
    conditions: list[Any] = [Material.deleted_at.is_(None)]
    if not flt.all_units:
        conditions.append(unit_col == workspace_unit(session))
    if flt.types:
        conditions.append(col(Material.type).in_(flt.types))
    if flt.statuses:
        conditions.append(col(Material.status).in_(flt.statuses))
    if flt.section_id:
        conditions.append(col(Material.section_id) == flt.section_id)
    if flt.ward:
        conditions.append(col(Material.ward) == nfc(flt.ward))
    if flt.date_from or flt.date_to:
        step_date = _status_date_expr()
        if flt.date_from:
            conditions.append(step_date >= flt.date_from)
        if flt.date_to:
            conditions.append(step_date <= flt.date_to)
    if flt.removal_overdue_on:
        conditions += [col(Material.status).in_(UP_STATUSES),
                       col(Material.planned_removal_on) < flt.removal_overdue_on]
    found = search_condition(Material.search_key, flt.search)
    if found is not None:
        conditions.append(found)
    return conditions


def _plan_for(session: Session, flt: MaterialFilter, sort_key: str, matching: int | None) -> str | None:
    """The way to find a page on SQLite (see :func:`page_plan`); None on a server database."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    live = [Material.deleted_at.is_(None)]
    if not flt.all_units:
        live.append(Material.unit_code == workspace_unit(session))
    unit_rows = session.scalar(select(func.count()).select_from(Material).where(*live)) or 0
    covered = not (flt.search.strip() or flt.date_from or flt.date_to)
    in_index_order = sort_key == "updated_at" and not flt.all_units  # ix_materials_recent begins with the unit
    return page_plan(sort_indexed=in_index_order, matching=unit_rows if matching is None else matching,
                     unit_rows=unit_rows, covered=covered)


def _record(m: Material) -> MaterialRecord:
    return MaterialRecord(**{name: getattr(m, name) for name in INPUT_FIELDS}, id=m.id, unit_code=m.unit_code,
                          version=m.version, updated_at=m.updated_at)


def page_query(session: Session, flt: MaterialFilter, sort: SortSpec, after: tuple[Any, Any] | None,
               limit: int, plan: str | None) -> Select[Any]:
    """The SELECT of one page (materials with their sort value), shaped for ``plan``."""
    sort_expr = _sort_expr(sort.key, hide=plan in (NARROW, SCAN))
    order, continue_after = keyset(sort_expr, Material.id, sort.descending, after)
    query = select(Material, sort_expr.label("sort_value")).where(*_conditions(session, flt, plan=plan))
    if continue_after is not None:
        query = query.where(continue_after)
    return query.order_by(*order).limit(limit)


def query_materials(*, uow_factory: UnitOfWorkFactory, flt: MaterialFilter, sort: SortSpec,
                    after: tuple[Any, Any] | None = None, limit: int = PAGE_SIZE,
                    matching: int | None = None) -> Page:
    """One page of the filtered, sorted register, continuing after the row ``after``.

    ``matching``: how many rows the filter matches, when the caller has counted them (the page
    shows the totals anyway); it lets a page of 300,000 rows be found the quick way.
    """
    with uow_factory() as uow:
        s = uow.session
        plan = _plan_for(s, flt, sort.key, matching)
        rows = s.execute(page_query(s, flt, sort, after, limit, plan)).all()
        records = tuple(_record(m) for m, _value in rows)
        last = (rows[-1][1], rows[-1][0].id) if len(rows) == limit else None
        return Page(records, last)


def iter_materials(*, uow_factory: UnitOfWorkFactory, flt: MaterialFilter, sort: SortSpec,
                   block: int = 2000) -> Iterator[MaterialRecord]:
    """Every row of the view in order, in one query read ``block`` rows at a time (for exports)."""
    with uow_factory() as uow:
        s = uow.session
        sort_expr = _sort_expr(sort.key)
        order, _after = keyset(sort_expr, Material.id, sort.descending, None)
        query = select(Material).where(*_conditions(s, flt)).order_by(*order).execution_options(yield_per=block)
        for material in s.scalars(query):
            yield _record(material)


def material_totals(*, uow_factory: UnitOfWorkFactory, flt: MaterialFilter) -> Totals:
    with uow_factory() as uow:
        return count_and_sums(uow.session, Material, _conditions(uow.session, flt), Material.quantity, Material.cost)


def get_material(*, uow_factory: UnitOfWorkFactory, material_id: str) -> MaterialRecord:
    with uow_factory() as uow:
        return _record(_live(uow.session, material_id))


def get_materials(*, uow_factory: UnitOfWorkFactory, material_ids: Sequence[str]) -> list[MaterialRecord]:
    """Several records at once, in the order asked (for undo of a bulk change)."""
    with uow_factory() as uow:
        found: dict[str, MaterialRecord] = {}
        ids = list(material_ids)
        for start in range(0, len(ids), 500):
            for m in uow.session.scalars(select(Material).where(Material.id.in_(ids[start:start + 500]))):
                found[m.id] = _record(m)
        return [found[i] for i in ids if i in found]


def material_wards(*, uow_factory: UnitOfWorkFactory) -> tuple[str, ...]:
    with uow_factory() as uow:
        s = uow.session
        return distinct_values(s, Material.ward, Material.unit_code == workspace_unit(s),
                               Material.deleted_at.is_(None))


def material_ward_choices(*, uow_factory: UnitOfWorkFactory) -> tuple[str, ...]:
    """What the material form's ward list offers: the unit's places (its template's), then others already used."""
    with uow_factory() as uow:
        places = places_of(uow.session, workspace_unit(uow.session))
    return ward_choices(places, material_wards(uow_factory=uow_factory))


def _live(session: Session, material_id: str) -> Material:
    material = session.get(Material, material_id)
    if material is None or material.deleted_at is not None:
        raise ValidationError(_("This material no longer exists (it may have been deleted)."))
    return material


def _clean(values: MaterialInput) -> MaterialInput:
    """NFC text, and every rule a material must keep; raises with the reasons."""
    cleaned = replace(values, content=nfc(values.content), size=nfc(values.size), ward=nfc(values.ward),
                      address=nfc(values.address), supplier=nfc(values.supplier), notes=nfc(values.notes))
    problems = []
    if cleaned.type not in {t.value for t in MaterialType}:
        problems.append(_("Choose the type of the material."))
    if cleaned.status not in {s.value for s in MaterialStatus}:
        problems.append(_("Choose the status of the material."))
    if not cleaned.content:
        problems.append(_("Write the content or slogan of the material."))
    if cleaned.quantity < 1:
        problems.append(_("The quantity must be at least 1."))
    elif cleaned.quantity > MAX_COUNT:
        problems.append(_("This number is too large; check the number of zeros."))
    if cleaned.cost < 0:
        problems.append(_("The cost cannot be negative."))
    elif cleaned.cost > MAX_AMOUNT_VND:
        problems.append(_("This amount is too large; check the number of zeros."))
    problems += material_date_problems(asdict(cleaned), cleaned.planned_removal_on)
    problems += length_problems(Material, {"size": cleaned.size, "ward": cleaned.ward, "supplier": cleaned.supplier},
                                MATERIAL_FIELDS)
    if problems:
        raise ValidationError(problems[0], details=problems[1:])
    return cleaned


def _skip_message(checks: dict[str, Any], target: str) -> str:
    skipping = [c for c in checks.values() if c.kind == "skip"]
    back = [c for c in checks.values() if c.kind == "back"]
    label = MaterialStatus(target).label
    parts = []
    if skipping:
        steps = ", ".join(dict.fromkeys(step.label for c in skipping for step in c.skipped))
        parts.append(ngettext("{n} material would go to “{status}”, skipping: {steps}.",
                              "{n} materials would go to “{status}”, skipping: {steps}.",
                              len(skipping)).format(n=len(skipping), status=label, steps=steps))
    if back:
        parts.append(ngettext("{n} material would go back to “{status}”; the dates of later steps are cleared.",
                              "{n} materials would go back to “{status}”; the dates of later steps are cleared.",
                              len(back)).format(n=len(back), status=label))
    return " ".join(parts)


def _apply(m: Material, values: MaterialInput) -> dict[str, list[Any]]:
    """Write the changed fields; nothing at all when none changed (any UPDATE would move the row's version)."""
    before = {name: getattr(m, name) for name in INPUT_FIELDS}
    changed = diff(before, {name: getattr(values, name) for name in INPUT_FIELDS})
    if changed:
        for name in INPUT_FIELDS:
            setattr(m, name, getattr(values, name))
        m.search_key = search_key_of(values)
    return changed


def create_material(*, uow_factory: UnitOfWorkFactory, values: MaterialInput) -> tuple[str, Changes]:
    cleaned = _clean(values)
    with uow_factory() as uow:
        s = uow.session
        unit_code = workspace_unit(s)
        check_links(s, cleaned.section_id, cleaned.task_id)
        material = Material(unit_code=unit_code, plan_id=current_plan_id(s, unit_code), type=cleaned.type,
                            content=cleaned.content)
        s.add(material)
        changes = _apply(material, cleaned)
        material.search_key = search_key_of(cleaned)
        s.flush()
        audit.record(s, unit_code=unit_code, action="material.create", entity="material", entity_id=material.id,
                     summary=cleaned.content[:200], details={"changes": changes})
        uow.commit()
        return material.id, CHANGED


def update_material(*, uow_factory: UnitOfWorkFactory, material_id: str, values: MaterialInput,
                    confirm_step: bool = False, expected_version: int | None = None) -> Changes:
    """Save the form; a status that skips a step or goes back needs ``confirm_step``.

    ``expected_version``: the version the form was filled from; a record saved by someone else
    since is not overwritten (:class:`ConcurrentEditError` with the newer values).
    """
    cleaned = _clean(values)
    with uow_factory() as uow:
        s = uow.session
        material = _live(s, material_id)
        stored = _record(material)
        refuse_if_changed(what=material.content, stored_version=material.version, expected_version=expected_version,
                          stored=asdict(stored), submitted=asdict(cleaned), labels=MATERIAL_FIELDS,
                          shown={"type": label_of(MaterialType, stored.type),
                                 "status": label_of(MaterialStatus, stored.status)})
        check = check_step(material.status, cleaned.status)
        if check.needs_confirmation and not confirm_step:
            raise LifecycleSkipError(_skip_message({material.id: check}, cleaned.status), {material.id: check})
        check_links(s, cleaned.section_id, cleaned.task_id)
        changes = _apply(material, cleaned)
        if changes:
            material.version += 1
            audit.record(s, unit_code=material.unit_code, action="material.update", entity="material",
                         entity_id=material.id, summary=cleaned.content[:200], details={"changes": changes})
        uow.commit()
        return CHANGED if changes else Changes()


def set_materials_status(*, uow_factory: UnitOfWorkFactory, material_ids: Sequence[str], status: str,
                         on: dt.date | None, confirm_step: bool = False,
                         expected_versions: Mapping[str, int] | None = None) -> Changes:
    """Move many items to ``status`` on the day ``on``, in one transaction (all or nothing).

    ``expected_versions``: the versions the list showed; a row changed since is refused (see
    :func:`refuse_if_any_changed`).
    """
    ids = ids_or_refuse(material_ids)
    target = MaterialStatus(status).value
    with uow_factory() as uow:
        s = uow.session
        materials = [_live(s, material_id) for material_id in ids]
        refuse_if_any_changed(materials, expected_versions, lambda m: m.content)
        checks = {m.id: check_step(m.status, target) for m in materials}
        if not confirm_step and any(c.needs_confirmation for c in checks.values()):
            raise LifecycleSkipError(_skip_message(checks, target), checks)
        problems = []
        for m in materials:
            if checks[m.id].kind == "same" and (on is None or getattr(m, STEP_DATE_FIELD[MaterialStatus(target)])):
                continue
            dates = dates_after_step({name: getattr(m, name) for name in DATE_FIELDS}, m.status, target, on)
            values = replace(_record(m).as_input(), status=target, **dates)
            reasons = material_date_problems(dates, m.planned_removal_on)
            if reasons:
                problems.append(f"{m.content[:60]}: {reasons[0]}")
                continue
            changes = _apply(m, values)
            m.version += 1
            audit.record(s, unit_code=m.unit_code, action="material.status", entity="material", entity_id=m.id,
                         summary=_("Status: {status}").format(status=MaterialStatus(target).label),
                         details={"changes": changes, "bulk": len(ids)})
        if problems:
            raise ValidationError(ngettext("{n} material cannot take this date:",
                                           "{n} materials cannot take this date:", len(problems)).format(
                                               n=len(problems)), details=problems[:20])
        uow.commit()
        return CHANGED


def restore_materials(*, uow_factory: UnitOfWorkFactory, items: Sequence[tuple[str, MaterialInput]]) -> Changes:
    """Put items back exactly as they were (undo of an edit or a bulk change), in one transaction."""
    with uow_factory() as uow:
        s = uow.session
        for material_id, values in items:
            material = s.get(Material, material_id)
            if material is None:
                raise ValidationError(_("This material no longer exists (it may have been deleted)."))
            material.deleted_at = None
            changes = _apply(material, values)
            if changes:
                material.version += 1
                audit.record(s, unit_code=material.unit_code, action="material.restore", entity="material",
                             entity_id=material.id, summary=_("Undone"), details={"changes": changes})
        uow.commit()
        return CHANGED


def delete_materials(*, uow_factory: UnitOfWorkFactory, material_ids: Sequence[str],
                     expected_versions: Mapping[str, int] | None = None) -> Changes:
    ids = ids_or_refuse(material_ids)
    with uow_factory() as uow:
        s = uow.session
        materials = [_live(s, material_id) for material_id in ids]
        refuse_if_any_changed(materials, expected_versions, lambda m: m.content)
        mark_deleted(s, materials, entity="material", title_of=lambda m: m.content)
        uow.commit()
        return CHANGED


def undelete_materials(*, uow_factory: UnitOfWorkFactory, material_ids: Sequence[str]) -> Changes:
    with uow_factory() as uow:
        bring_back(uow.session, Material, material_ids, entity="material", title_of=lambda m: m.content,
                   missing=_("This material no longer exists (it may have been deleted)."))
        uow.commit()
        return CHANGED
