"""What the workspace remembers of the progress workbooks it imported, read back from its audit log.

Each import writes one ``excel.import`` entry per file (``apply_excel_import``). Besides the file's name
and SHA-256 (the same bytes again are "already imported"), its details keep:

- ``export_id``, ``exported_at``, ``unit_filter_code``: which export the file is a copy of (a marked copy,
  a corrected copy and a re-saved copy keep the ``_meta`` of the export, and so its id);
- ``versions``: record id → the record's version right after this file's change, so that a later copy of
  the same export can tell a record changed elsewhere since (a conflict) from one changed only by itself;
- ``rows``: row token → the sheet, the id and the cell values of each record the file created, so that the
  row is recognised, and never created again, when the same export comes back.

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


@dataclass(frozen=True)
class CreatedRow:
    sheet: str
    record_id: str
    values: dict[str, Any]  # the cell values it was created from (column key -> value)
    file: ImportedFile


@dataclass
class ImportMemory:
    files: dict[str, ImportedFile] = field(default_factory=dict)  # sha256 -> file
    versions: dict[str, dict[str, int]] = field(default_factory=dict)  # export id -> record id -> version
    rows: dict[str, CreatedRow] = field(default_factory=dict)  # row token -> record created from it

    def baseline_version(self, export_id: str, record_id: str, at_export: int | None) -> int | None:
        """The version the record had when this export last saw it: after its own last change, or at export."""
        return self.versions.get(export_id, {}).get(record_id, at_export)

    def later_exports_imported(self, *, exported_at: str, unit_filter_code: str) -> list[ImportedFile]:
        """Files of a later export for the same unit (or for everyone) already imported, oldest first."""
        return sorted((f for f in self.files.values() if f.exported_at > exported_at
                       and f.unit_filter_code == unit_filter_code), key=lambda f: f.exported_at)

    def imports_of(self, export_id: str) -> list[ImportedFile]:
        return sorted((f for f in self.files.values() if export_id and f.export_id == export_id), key=lambda f: f.at)


def load_import_memory(session: Session) -> ImportMemory:
    memory = ImportMemory()
    for at, details, summary in session.execute(select(AuditEntry.at, AuditEntry.details, AuditEntry.summary)
                                                .where(AuditEntry.action == ACTION).order_by(AuditEntry.id)):
        details = details or {}
        sha = details.get("sha256")
        if not isinstance(sha, str):
            continue
        file = ImportedFile(sha, str(details.get("file") or summary or ""), at, str(details.get("export_id") or ""),
                            str(details.get("exported_at") or ""), str(details.get("unit_filter_code") or ""))
        memory.files[sha] = file
        versions = details.get("versions")
        if file.export_id and isinstance(versions, dict):
            memory.versions.setdefault(file.export_id, {}).update(
                {k: v for k, v in versions.items() if isinstance(v, int)})
        rows = details.get("rows")
        if isinstance(rows, dict):
            for token, row in rows.items():
                if isinstance(row, dict) and isinstance(row.get("id"), str):
                    memory.rows.setdefault(token, CreatedRow(str(row.get("sheet", "")), row["id"],
                                                             dict(row.get("v") or {}), file))
    return memory
