"""The last guard against control characters: no text column of a record an officer edits is written with one.

Every way in checks its own text first and names the cell or the field (the forms through the
services, the Excel import per cell, packages per record, templates per item); this guard, run
before every flush of the ORM, catches a way in that forgot, with a message that still names the
record and the field. It looks only at what is new or changed, so an old record holding such a
character (from before this guard) can still have its other fields edited or be deleted.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.labels import RECORD_KINDS, TEXT_FIELDS, record_name
from kehoach_desktop.domain.text import control_character_problem
from kehoach_desktop.i18n import _

GUARDED_TABLES = frozenset({"workspace", "responsible_units", "plans", "plan_revisions", "plan_sections", "tasks",
                            "materials", "events", "attachment_links"})
_UNGUARDED_COLUMNS = frozenset({"export_folder"})  # a path chosen in a file dialog, not text typed


_TEXT_COLUMNS: dict[Any, tuple[str, ...]] = {}  # mapper -> the keys of its text columns


def _text_columns(mapper: Any) -> tuple[str, ...]:
    found = _TEXT_COLUMNS.get(mapper)
    if found is None:
        found = _TEXT_COLUMNS[mapper] = tuple(
            attribute.key for attribute in mapper.column_attrs
            if isinstance(attribute.columns[0].type, String) and attribute.key not in _UNGUARDED_COLUMNS)
    return found


def refuse_control_characters(session: Session, _context: Any, _instances: Any) -> None:
    """``before_flush``: raise :class:`ValidationError` for a new or changed text holding a control character."""
    for obj in itertools.chain(session.new, session.dirty):
        state = inspect(obj)
        table = state.mapper.local_table.name
        if table not in GUARDED_TABLES:
            continue
        columns = _text_columns(state.mapper)
        changed = columns if state.key is None else [key for key in state.committed_state if key in columns]
        for key in changed:
            value = getattr(obj, key)
            if not isinstance(value, str) or (problem := control_character_problem(value)) is None:
                continue
            label = TEXT_FIELDS.get(key)
            field = _(label) if label else key
            name = record_name(table, obj)
            record = _(RECORD_KINDS[table]) + (f" “{name}”" if name else "")
            raise ValidationError(_("Nothing was saved: the field “{field}” of the {record} {problem}.").format(
                field=field, record=record, problem=problem))
