"""What the workspace remembers of the progress workbooks it imported, read back from its audit log.

Each import writes one ``excel.import`` entry per file (``apply_excel_import``). Besides the file's name
and SHA-256, its details keep:

- ``content``: a fingerprint of the cells as read, so that a copy re-saved without a change (other bytes,
  the same cells) is recognised as already imported;
- ``export_id``, ``exported_at``, ``unit_filter_code``: the export the file is a copy of (a marked copy, a
  corrected copy, a re-saved copy and an older or later copy all keep the ``_meta`` of their export), and
  ``saved_at``, when that copy was last saved (it orders the copies of one export);
- ``versions``: record id → the record's version right after this file changed it. A copy of the same
  export saved no earlier than this one saw that change: for it, the record "changed since" only if its
  version moved further. An older copy did not see it: for it the record changed since its export;
- ``rows``: row token → the sheet, the id, the version and the typed cells of each record the file
  created, so that the row is recognised, and never created again, when the same export comes back.

Kept in the audit log rather than in a table of its own: it is the history of what was imported, it is
backed up and restored with the records it describes, and it needs no schema change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.storage.models import AuditEntry

ACTION = "excel.import"


@dataclass(frozen=True)
class ImportedFile:
    sha256: str
    name: str
    at: dt.datetime  # when it was imported (UTC)
    export_id: str
    exported_at: str  # ISO UTC, as in the file's _meta
    unit_filter_code: str
    saved_at: str = ""  # ISO UTC, when that copy was last saved ("" unknown)
    content: str = ""
    conflicts_left: int = 0  # conflicts not settled by that import: the same file may still settle them
    times: int = 1  # how many times these bytes were imported
    versions: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CreatedRow:
    sheet: str
    record_id: str
    version: int | None
    values: dict[str, Any]  # the cells it was created from, as typed (column key -> value)
    file: ImportedFile


@dataclass
class ImportMemory:
    files: dict[str, ImportedFile] = field(default_factory=dict)  # sha256 -> file (its latest import)
    contents: dict[str, ImportedFile] = field(default_factory=dict)  # content fingerprint -> file
    rows: dict[str, CreatedRow] = field(default_factory=dict)  # row token -> record created from it

    def copies_of(self, export_id: str) -> list[ImportedFile]:
        """The imported copies of one export, in the order they were imported."""
        return sorted((f for f in self.files.values() if export_id and f.export_id == export_id), key=lambda f: f.at)

    def baseline_version(self, export_id: str, record_id: str, saved_at: str, at_export: int | None) -> int | None:
        """The record's version as a copy saved at ``saved_at`` knew it: after the last change made by a copy
        of the same export saved no later than it, else at export."""
        best = at_export
        if not saved_at:
            return best
        for copy in self.copies_of(export_id):
            version = copy.versions.get(record_id)
            if version is not None and copy.saved_at and copy.saved_at <= saved_at and (best is None or version > best):
                best = version
        return best

    def later_copies(self, export_id: str, saved_at: str) -> list[ImportedFile]:
        """Copies of the same export saved after this one and already imported (this one is an older copy)."""
        return [f for f in self.copies_of(export_id) if f.saved_at and (not saved_at or f.saved_at > saved_at)]

    def later_exports_imported(self, *, exported_at: str, unit_filter_code: str) -> list[ImportedFile]:
        """Files of a later export for the same unit (or for everyone) already imported, oldest first."""
        return sorted((f for f in self.files.values() if f.exported_at > exported_at
                       and f.unit_filter_code == unit_filter_code), key=lambda f: f.exported_at)


def _int_map(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, int)}


def load_import_memory(session: Session) -> ImportMemory:
    memory = ImportMemory()
    for at, details, summary in session.execute(select(AuditEntry.at, AuditEntry.details, AuditEntry.summary)
                                                .where(AuditEntry.action == ACTION).order_by(AuditEntry.id)):
        details = details or {}
        sha = details.get("sha256")
        if not isinstance(sha, str):
            continue
        left = details.get("conflicts_left")
        previous = memory.files.get(sha)
        file = ImportedFile(
            sha, str(details.get("file") or summary or ""), at, str(details.get("export_id") or ""),
            str(details.get("exported_at") or ""), str(details.get("unit_filter_code") or ""),
            str(details.get("saved_at") or ""), str(details.get("content") or ""),
            left if isinstance(left, int) else 0, previous.times + 1 if previous else 1,
            (previous.versions if previous else {}) | _int_map(details.get("versions")))
        memory.files[sha] = file
        if file.content:
            memory.contents[file.content] = file
        rows = details.get("rows")
        if isinstance(rows, dict):
            for token, row in rows.items():
                if isinstance(row, dict) and isinstance(row.get("id"), str):
                    version = row.get("ver")
                    memory.rows.setdefault(token, CreatedRow(
                        str(row.get("sheet", "")), row["id"], version if isinstance(version, int) else None,
                        dict(row.get("v") or {}), file))
    return memory
