"""Guards shared by the services that save a form: a record changed meanwhile, text too long for its column.

An edit made from an open form names the ``version`` of the record the form was filled from. If
someone else (another window, another officer on the shared database) saved the record since,
the edit is refused with the newer values rather than silently overwriting them. The row lock
of the UPDATE (``version_id_col``, ``storage/uow.py``) catches the remaining race between this
check and the commit.

PostgreSQL enforces ``VARCHAR(n)`` lengths where SQLite does not, so text bound for such a
column is checked here, with the same message on both stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Any

from kehoach_desktop.domain.errors import ConcurrentEditError
from kehoach_desktop.formats import format_date, format_number
from kehoach_desktop.i18n import N_, _

MATERIAL_FIELDS = {
    "type": N_("Type"), "content": N_("Content / slogan"), "quantity": N_("Quantity"), "size": N_("Size"),
    "ward": N_("Locality"), "address": N_("Address"), "section_id": N_("Theme"), "task_id": N_("Task"),
    "status": N_("Status"), "planned_on": N_("Planned on"), "produced_on": N_("Produced on"),
    "installed_on": N_("Installed on"), "removed_on": N_("Removed on"), "damaged_on": N_("Damage found on"),
    "replaced_on": N_("Replaced on"), "planned_removal_on": N_("Planned removal"), "cost": N_("Cost (VND)"),
    "supplier": N_("Supplier"), "notes": N_("Notes"),
}
EVENT_FIELDS = {
    "type": N_("Type"), "title": N_("Title"), "starts_on": N_("Starts on"), "ends_on": N_("Ends on"),
    "venue": N_("Venue"), "ward": N_("Locality"), "organiser": N_("Organiser"), "section_id": N_("Theme"),
    "task_id": N_("Task"), "expected_participants": N_("Expected participants"),
    "actual_participants": N_("Actual participants"), "budget": N_("Budget (VND)"),
    "actual_cost": N_("Actual cost (VND)"), "status": N_("Status"), "result_notes": N_("Results"),
}
PROGRESS_FIELDS = {
    "status": N_("Status"), "percent_done": N_("Done (%)"), "indicator_achieved": N_("Indicator achieved"),
    "spent": N_("Spent (VND)"), "result_text": N_("Result"), "progress_updated_on": N_("Updated on"),
}
_ID_FIELDS = ("section_id", "task_id", "lead_unit_id", "supporting_unit_ids")


def shown_value(value: object) -> str:
    """A stored value as a coordinator reads it (dates dd/mm/yyyy, grouped numbers, labels of codes)."""
    if isinstance(value, Enum) and hasattr(value, "label"):
        text = str(value.label)
    elif isinstance(value, dt.date):
        text = format_date(value)
    elif isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif isinstance(value, int):
        text = format_number(value)
    elif isinstance(value, list | tuple):
        text = "; ".join(str(v) for v in value)
    else:
        text = "" if value is None else str(value)
    text = text or "—"
    return text if len(text) <= 120 else text[:119] + "…"


def label_of(enum: type[Enum], value: str) -> str:
    """The label of a stored code, or the code itself when it is not one of ``enum``'s."""
    try:
        return str(enum(value).label)  # type: ignore[attr-defined]
    except ValueError:
        return value


def refuse_if_changed(*, what: str, stored_version: int, expected_version: int | None,
                      stored: Mapping[str, Any], submitted: Mapping[str, Any], labels: Mapping[str, str],
                      shown: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`ConcurrentEditError` when the record moved past ``expected_version``.

    The message names the fields whose saved value now differs from what was being saved, with the
    saved value (``shown`` may give a readable form of some, e.g. a status's label).
    ``expected_version=None`` (an undo replaying its own values, a script) skips the check.
    """
    if expected_version is None or expected_version == stored_version:
        return
    shown = shown or {}
    parts = []
    for key in labels:
        if key not in stored or key not in submitted or stored[key] == submitted[key]:
            continue
        label = _(labels[key])
        if key in _ID_FIELDS and key not in shown:
            parts.append(_("{field} was changed").format(field=label))
        else:
            value = shown_value(shown.get(key, stored[key]))
            parts.append(_("{field} is now “{value}”").format(field=label, value=value))
    what = what if len(what) <= 80 else what[:79] + "…"
    if parts:
        message = _("“{what}” was changed by someone else since you opened it: {changes}. Your changes were not "
                    "saved (nothing was overwritten); check the newer values and make your change again.").format(
            what=what, changes="; ".join(parts))
    else:
        message = _("“{what}” was changed by someone else since you opened it. Your changes were not saved "
                    "(nothing was overwritten); check the newer values and make your change again.").format(what=what)
    raise ConcurrentEditError(message)


def length_problems(model: type, values: Mapping[str, str], labels: Mapping[str, str]) -> list[str]:
    """One message per text longer than its column allows (``String(n)`` of ``model``)."""
    problems = []
    for key, value in values.items():
        limit = getattr(model.__table__.c[key].type, "length", None)  # type: ignore[attr-defined]
        if limit is not None and value is not None and len(value) > limit:
            problems.append(_("{field} is too long: at most {n} characters ({count} typed).").format(
                field=_(labels[key]), n=format_number(limit), count=format_number(len(value))))
    return problems

