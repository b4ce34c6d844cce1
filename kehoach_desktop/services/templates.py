"""Templates of themes: the ones shipped with the application and the ones stored in a workspace."""

from __future__ import annotations

import copy
import hashlib
import json
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.template import Template, load_template, parse_template, template_to_json
from kehoach_desktop.resources import resources_dir, template_path
from kehoach_desktop.storage.models import TemplateRecord

BUILTIN_TEMPLATE_FILE = "hanoi-2021.json"
BUILTIN = "builtin"
IMPORTED = "imported"
EDITED = "edited"


@cache
def builtin_template() -> Template:
    """The template a new workspace starts from unless another is chosen (validated on load)."""
    return load_template(template_path(BUILTIN_TEMPLATE_FILE))


@cache
def builtin_templates() -> dict[str, Template]:
    """Every template shipped in ``resources/templates``, by code."""
    found = {}
    for path in sorted((resources_dir() / "templates").glob("*.json")):
        template = builtin_template() if path.name == BUILTIN_TEMPLATE_FILE else load_template(path)
        found[template.code] = template
    return found


def document_digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def store_template(session: Session, template: Template, *, origin: str) -> TemplateRecord:
    """Add ``template`` to the workspace, or return the stored record with the same code."""
    existing = session.scalar(select(TemplateRecord).where(TemplateRecord.code == template.code))
    if existing is not None:
        return existing
    document = template_to_json(template)
    record = TemplateRecord(code=template.code, year=template.year, summary=template.summary,
                            origin=origin, content=document, sha256=document_digest(document))
    session.add(record)
    session.flush()
    return record


def template_document(record: TemplateRecord) -> dict[str, Any]:
    """The document of a stored template (a copy the caller may change).

    A built-in template is the application's own: a copy stored by an older version lacks the fields
    added since (the units' places, their plans' wording), so the shipped file of that code is used.
    """
    if record.origin == BUILTIN and record.code in builtin_templates():
        return template_to_json(builtin_templates()[record.code])
    return copy.deepcopy(record.content)


def template_of(record: TemplateRecord) -> Template:
    if record.origin == BUILTIN and record.code in builtin_templates():
        return builtin_templates()[record.code]
    return _parsed(record.code, record.sha256, json.dumps(record.content, ensure_ascii=False, sort_keys=True))


@lru_cache(maxsize=16)
def _parsed(code: str, sha256: str, content: str) -> Template:
    """A stored template is parsed once per content: an import, the board and the reports ask for it often."""
    return parse_template(json.loads(content), origin=code)
