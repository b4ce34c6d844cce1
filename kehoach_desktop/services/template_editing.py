"""The city edits a template of themes for a new year: copy, read, validate and save its JSON document.

Templates shipped with the application ("builtin") or received signed ("imported") are never changed;
the city edits a copy (origin "edited"). The document is the JSON of ``docs/formats.md`` and every save
goes through :func:`parse_template`, so a saved template is always one districts can import.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import TemplateError, ValidationError
from kehoach_desktop.domain.template import parse_template
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.storage.models import TemplateRecord, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

EDITED = "edited"
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
        return TemplateDocument(code=record.code, origin=record.origin, document=copy.deepcopy(record.content))


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


def _shift_year(text: str, year: int) -> str:
    return text.replace(str(year), str(year + 1))


def copy_template_for_new_year(*, uow_factory: UnitOfWorkFactory, source_code: str | None = None,
                               new_code: str | None = None) -> TemplateWrite:
    """Copy a template (the workspace's own by default) as next year's, editable: year + 1, periods moved on."""
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        if info.mode != WorkspaceMode.CITY.value:
            raise ValidationError(_("Only a city workspace edits templates."))
        source = _record(s, source_code or info.template_code)
        document = copy.deepcopy(source.content)
        year = source.year
        code = nfc(new_code or "").strip() or _next_code(source.code, year)
        _check_code(code)
        if s.scalar(select(TemplateRecord).where(TemplateRecord.code == code)) is not None:
            raise ValidationError(_("The workspace already has a template with the code {code}.").format(code=code))
        document["code"] = code
        document["year"] = year + 1
        document["summary"] = _shift_year(document.get("summary", ""), year)
        document["source"] = _("Copied from {code}").format(code=source.code)
        for period in document.get("reporting_periods", []):
            period["period"] = _shift_year(period.get("period", ""), year)
            try:
                deadline = dt.date.fromisoformat(period.get("deadline", ""))
                period["deadline"] = deadline.replace(year=deadline.year + 1).isoformat()
            except ValueError:  # 29 February, or not a date: leave it for the editor to fix
                pass
        parse_template(document, origin=code)
        s.add(_new_record(code, document))
        audit.record(s, unit_code=info.unit_code, action="template.copy", entity="template", entity_id=code,
                     summary=code, details={"from": source.code, "year": year + 1})
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
        if document.get("code") != code:
            raise ValidationError(_("The template's code cannot be changed (it is {code}).").format(code=code))
        template = parse_template(document, origin=code)
        normalised = json.loads(json.dumps(document, ensure_ascii=False))
        record.content = normalised
        record.year = template.year
        record.summary = template.summary
        record.sha256 = _digest(normalised)
        audit.record(s, unit_code=info.unit_code, action="template.edit", entity="template", entity_id=code,
                     summary=code, details={"year": template.year, "sections": len(template.all_sections()),
                                            "units": len(template.reporting_units)})
        uow.commit()
    return TemplateWrite(code=code, changes=Changes(workspace=True))


def _record(session: Any, code: str) -> TemplateRecord:
    record = session.scalar(select(TemplateRecord).where(TemplateRecord.code == code))
    if record is None:
        raise ValidationError(_("This workspace has no template with the code {code}.").format(code=code))
    return record


def _next_code(code: str, year: int) -> str:
    return _shift_year(code, year) if str(year) in code else f"{code}-{year + 1}"


def _check_code(code: str) -> None:
    if not _CODE_RE.match(code):
        raise ValidationError(_("A template code is written in lower-case letters, digits, dots and dashes, "
                                "such as hanoi-2022."))


def _digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _new_record(code: str, document: dict[str, Any]) -> TemplateRecord:
    return TemplateRecord(code=code, year=document["year"], summary=document.get("summary", ""), origin=EDITED,
                          content=document, sha256=_digest(document))
