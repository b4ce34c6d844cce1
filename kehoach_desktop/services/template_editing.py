"""The city edits a template of themes for a new year: copy, read, validate and save its JSON document.

Templates shipped with the application ("builtin") or received signed ("imported") are never changed;
the city edits a copy (origin "edited"). The document is the JSON of ``docs/formats.md`` and every save
goes through :func:`parse_template`, so a saved template is always one districts can import.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import TemplateError, ValidationError
from kehoach_desktop.domain.template import parse_template
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.i18n import _
from kehoach_desktop.resources import resources_dir
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.templates import EDITED, document_digest, template_document
from kehoach_desktop.services.years import follow_agency, set_template_in_use
from kehoach_desktop.storage.models import Plan, TemplateRecord, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class TemplateListItem:
    code: str
    year: int
    summary: str
    origin: str  # "builtin", "imported" or "edited"
    in_use: bool  # the workspace's own template

    @property
    def editable(self) -> bool:
        return self.origin == EDITED


@dataclass(frozen=True)
class TemplateDocument:
    code: str
    origin: str
    document: dict[str, Any]  # a deep copy: the caller may change it freely

    @property
    def editable(self) -> bool:
        return self.origin == EDITED


@dataclass(frozen=True)
class TemplateProblem:
    path: str  # where in the document, e.g. "$.reporting_units[3].code"; "$" for the whole
    message: str


@dataclass(frozen=True)
class TemplateWrite:
    code: str
    changes: Changes


def list_templates(*, uow_factory: UnitOfWorkFactory) -> list[TemplateListItem]:
    with uow_factory() as uow:
        in_use = uow.session.scalars(select(WorkspaceInfo)).one().template_code
        records = uow.session.scalars(select(TemplateRecord).order_by(TemplateRecord.year, TemplateRecord.code))
        return [TemplateListItem(code=r.code, year=r.year, summary=r.summary, origin=r.origin,
                                 in_use=r.code == in_use) for r in records]


def get_template_document(*, uow_factory: UnitOfWorkFactory, code: str) -> TemplateDocument:
    with uow_factory() as uow:
        record = _record(uow.session, code)
        return TemplateDocument(code=record.code, origin=record.origin, document=template_document(record))


def validate_template_document(document: Any) -> list[TemplateProblem]:
    """Every problem :func:`parse_template` finds, each with its path in the document (empty when valid)."""
    try:
        parse_template(document, origin=_("the edited template"))
    except TemplateError as exc:
        if not exc.details:
            return [TemplateProblem("$", exc.message)]
        problems = []
        for line in exc.details:
            path, _sep, message = line.partition(": ")
            problems.append(TemplateProblem(path, message) if message else TemplateProblem("$", line))
        return problems
    return []


def _shift_year(text: str, year: int, new_year: int) -> str:
    return text.replace(str(year), str(new_year))


@cache
def unit_sets() -> dict[str, dict[str, Any]]:
    """The lists of units a template can take in one step (``resources/reference/unit-sets.json``), by code."""
    data = json.loads((resources_dir() / "reference" / "unit-sets.json").read_text(encoding="utf-8"))
    return dict(data["sets"])


def official_units(code: str) -> tuple[str, list[dict[str, str]], dict[str, Any]]:
    """``(unit term, units, the level's unit_plan)`` of the unit set ``code`` (e.g. ``official-2025``)."""
    sets = unit_sets()
    if code not in sets:
        raise ValidationError(_("There is no list of units called {code}; known lists: {codes}.").format(
            code=code, codes=", ".join(sets)))
    unit_set = sets[code]
    units_file = json.loads((resources_dir() / "reference" / unit_set["units_file"]).read_text(encoding="utf-8"))
    units = [{"code": u["code"], "kind": u["kind"], "name": u["name"]} for u in units_file["units"]]
    return unit_set["unit_term"], units, copy.deepcopy(unit_set["unit_plan"])


def apply_unit_set(document: dict[str, Any], code: str) -> dict[str, Any]:
    """``document`` with the units of the set ``code``, their term and their level's wording.

    The old unit term in the template's own text (``UBND các {old term}``) becomes the new
    one; the section the units' organisation starts from stays the template's.
    """
    term, units, unit_plan = official_units(code)
    old_term = str(document.get("unit_term", ""))
    if old_term and old_term != term:
        document = _replace_text(document, old_term, term)
    responsibility = (document.get("unit_plan") or {}).get("responsibility", "")
    document["unit_term"] = term
    document["reporting_units"] = units
    document["unit_plan"] = {"responsibility": responsibility, **unit_plan}
    return document


def _replace_text(value: Any, old: str, new: str) -> Any:
    """Every text of a JSON value with ``old`` replaced (codes and keys are left alone)."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace_text(item, old, new) for item in value]
    if isinstance(value, dict):
        return {k: v if k in ("code", "key", "responsible_unit") else _replace_text(v, old, new)
                for k, v in value.items()}
    return value


def copy_template_for_new_year(*, uow_factory: UnitOfWorkFactory, source_code: str | None = None,
                               new_code: str | None = None, year: int | None = None, units: str | None = None,
                               use: bool = False) -> TemplateWrite:
    """Copy a template (the workspace's own by default) as the template of ``year`` (next year by default).

    Periods and deadlines move to that year; ``units`` names a list of units to take instead of the
    source's (``official-2025``). With ``use`` the new year becomes the one the board, reports and
    imports use. The copy is editable.
    """
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        if info.mode != WorkspaceMode.CITY.value:
            raise ValidationError(_("Only a city workspace edits templates."))
        source = _record(s, source_code or info.template_code)
        document = template_document(source)
        old_year = source.year
        new_year = year if year is not None else old_year + 1
        if not 2000 <= new_year <= 2100:
            raise ValidationError(_("The year must be between 2000 and 2100."))
        code = nfc(new_code or "").strip() or _next_code(source.code, old_year, new_year)
        _check_code(code)
        if s.scalar(select(TemplateRecord).where(TemplateRecord.code == code)) is not None:
            raise ValidationError(_("The workspace already has a template with the code {code}.").format(code=code))
        document["code"] = code
        document["year"] = new_year
        document["summary"] = _shift_year(document.get("summary", ""), old_year, new_year)
        document["source"] = _("Copied from {code}").format(code=source.code)
        for period in document.get("reporting_periods", []):
            period["period"] = _shift_year(period.get("period", ""), old_year, new_year)
            try:
                deadline = dt.date.fromisoformat(period.get("deadline", ""))
                period["deadline"] = deadline.replace(year=deadline.year + new_year - old_year).isoformat()
            except ValueError:  # 29 February, or not a date: leave it for the editor to fix
                pass
        if units:
            document = apply_unit_set(document, units)
        parse_template(document, origin=code)
        record = _new_record(code, document)
        s.add(record)
        s.flush()
        audit.record(s, unit_code=info.unit_code, action="template.copy", entity="template", entity_id=code,
                     summary=code, details={"from": source.code, "year": new_year, "units": units or ""})
        if use:
            set_template_in_use(s, record)
        uow.commit()
    return TemplateWrite(code=code, changes=Changes.everything() if use else Changes(workspace=True))


def delete_template(*, uow_factory: UnitOfWorkFactory, code: str) -> TemplateWrite:
    """Delete a template made here by mistake: only an edited one, not in use, that no plan was made from."""
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        record = _record(s, code)
        if record.origin != EDITED:
            raise ValidationError(_("The template {code} came with the application or from a package; it is kept."
                                    ).format(code=code))
        if info.template_code == code:
            raise ValidationError(_("The template {code} is the one in use; use another year first.").format(
                code=code))
        if s.scalar(select(Plan.id).where(Plan.template_id == record.id).limit(1)) is not None:
            raise ValidationError(_("Plans were made from the template {code}; it is kept.").format(code=code))
        s.delete(record)
        audit.record(s, unit_code=info.unit_code, action="template.delete", entity="template", entity_id=code,
                     summary=code, details={"year": record.year})
        uow.commit()
    return TemplateWrite(code=code, changes=Changes(workspace=True))


def save_template_document(*, uow_factory: UnitOfWorkFactory, code: str, document: dict[str, Any]) -> TemplateWrite:
    """Store an edited template; raises :class:`TemplateError` listing every problem when it is not valid."""
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        record = _record(s, code)
        if record.origin != EDITED:
            raise ValidationError(_("The template {code} came with the application or from a package and "
                                    "cannot be changed; make a new year from it and edit that.").format(code=code))
        template = parse_template(document, origin=code)
        new_code = template.code
        if new_code != code:
            _check_code(new_code)
            if s.scalar(select(TemplateRecord).where(TemplateRecord.code == new_code)) is not None:
                raise ValidationError(_("The workspace already has a template with the code {code}.").format(
                    code=new_code))
            if s.scalar(select(Plan.id).where(Plan.template_id == record.id).limit(1)) is not None:
                raise ValidationError(_("Plans were made from the template {code}: its code cannot change any "
                                        "more.").format(code=code))
        normalised = json.loads(json.dumps(document, ensure_ascii=False))
        record.code = new_code
        record.content = normalised
        record.year = template.year
        record.summary = template.summary
        record.sha256 = document_digest(normalised)
        if info.template_code == code:
            info.template_code = new_code
            follow_agency(s, info, template)
        audit.record(s, unit_code=info.unit_code, action="template.edit", entity="template", entity_id=new_code,
                     summary=new_code, details={"year": template.year, "sections": len(template.all_sections()),
                                                "units": len(template.reporting_units),
                                                **({"code_was": code} if new_code != code else {})})
        uow.commit()
    return TemplateWrite(code=new_code, changes=Changes.everything() if info.template_code == new_code
                         else Changes(workspace=True))


def _record(session: Any, code: str) -> TemplateRecord:
    record = session.scalar(select(TemplateRecord).where(TemplateRecord.code == code))
    if record is None:
        raise ValidationError(_("This workspace has no template with the code {code}.").format(code=code))
    return record


def _next_code(code: str, year: int, new_year: int) -> str:
    return _shift_year(code, year, new_year) if str(year) in code else f"{code}-{new_year}"


def _check_code(code: str) -> None:
    if not _CODE_RE.match(code):
        raise ValidationError(_("A template code is written in lower-case letters, digits, dots and dashes, "
                                "such as hanoi-2022."))


def _new_record(code: str, document: dict[str, Any]) -> TemplateRecord:
    return TemplateRecord(code=code, year=document["year"], summary=document.get("summary", ""), origin=EDITED,
                          content=document, sha256=document_digest(document))
