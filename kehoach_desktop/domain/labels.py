"""What an officer calls each kind of record and each field that holds typed text: for messages that name them.

Shared by the package validation (``exchange/package_schema.py``) and the storage's last guard
against control characters (``storage/text_guard.py``), so that both name a record the same way.
"""

from __future__ import annotations

from typing import Any

from kehoach_desktop.domain.text import visible_controls
from kehoach_desktop.i18n import N_

RECORD_KINDS = {"responsible_units": N_("responsible unit"), "plans": N_("plan"),
                "plan_revisions": N_("plan revision"), "plan_sections": N_("plan section"), "tasks": N_("task"),
                "materials": N_("visual material"), "events": N_("event"), "attachments": N_("photo"),
                "attachment_links": N_("photo of a record"), "audit": N_("audit entry"),
                "workspace": N_("workspace settings")}
NAMING_FIELD = {"responsible_units": "name", "plans": "title", "plan_sections": "title", "tasks": "content",
                "materials": "content", "events": "title", "attachment_links": "caption", "audit": "summary",
                "workspace": "unit_full_name"}
TEXT_FIELDS = {  # the fields that hold text an officer typed, by the names the forms give them
    "content": N_("Content"), "title": N_("Title"), "name": N_("Name"), "notes": N_("Notes"),
    "address": N_("Address"), "supplier": N_("Supplier"), "size": N_("Size"), "ward": N_("Locality"),
    "venue": N_("Venue"), "organiser": N_("Organiser"), "result_notes": N_("Results"), "result_text": N_("Result"),
    "indicator_unit": N_("Indicator"), "caption": N_("Caption"), "summary": N_("Summary"), "text": N_("Text"),
    "local_text": N_("Text"), "reason": N_("Reason"),
}


def record_name(kind: str, row: Any) -> str:
    """A record (a dict or an object) as an officer knows it: its content, title or name, shortened; else ""."""
    key = NAMING_FIELD.get(kind, "")
    text = row.get(key) if isinstance(row, dict) else getattr(row, key, None)
    if not isinstance(text, str) or not text.strip():
        return ""
    text = visible_controls(" ".join(text.split()))
    return text if len(text) <= 60 else text[:59] + "…"
