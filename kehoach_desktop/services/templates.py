"""Templates of themes: the built-in 2021 template and the ones stored in a workspace."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.template import Template, load_template, parse_template, template_to_json
from kehoach_desktop.resources import template_path
from kehoach_desktop.storage.models import TemplateRecord

BUILTIN_TEMPLATE_FILE = "hanoi-2021.json"


@cache
def builtin_template() -> Template:
    """The 2021 Hanoi template shipped with the application (validated on load)."""
    return load_template(template_path(BUILTIN_TEMPLATE_FILE))


def store_template(session: Session, template: Template, *, origin: str) -> TemplateRecord:
    """Add ``template`` to the workspace, or return the stored record with the same code."""
    existing = session.scalar(select(TemplateRecord).where(TemplateRecord.code == template.code))
    if existing is not None:
        return existing
    document = template_to_json(template)
    digest = hashlib.sha256(json.dumps(document, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    record = TemplateRecord(code=template.code, year=template.year, summary=template.summary,
                            origin=origin, content=document, sha256=digest)
    session.add(record)
    session.flush()
    return record


def template_of(record: TemplateRecord) -> Template:
    return parse_template(record.content, origin=record.code)
