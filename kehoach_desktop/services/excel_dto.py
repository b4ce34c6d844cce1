"""What a preview of returned progress workbooks holds: per file and sheet, the changes, the new records,
the conflicts, the rows missing and every problem; and what applying it did."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kehoach_desktop.exchange.excel_read import CellProblem
from kehoach_desktop.services.changes import Changes

OK, REFUSED, ALREADY = "ok", "refused", "already_imported"


@dataclass(frozen=True)
class FieldChange:
    column: str  # the column's title in the workbook
    old: str
    new: str


@dataclass(frozen=True)
class RecordChange:
    row: int
    record_id: str
    label: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class NewRecord:
    row: int
    label: str
    fields: tuple[FieldChange, ...]
    record_id: str = ""  # the id the record will have (written into the marked copy)


@dataclass(frozen=True)
class MissingRow:
    record_id: str
    label: str


@dataclass(frozen=True)
class ConflictField:
    column: str
    at_export: str
    now: str
    in_file: str


@dataclass(frozen=True)
class Conflict:
    """A record changed in the workspace since the export and changed in the file: not applied unless chosen."""

    key: str  # names the conflict when the officer chooses the file's values
    row: int
    record_id: str
    label: str
    fields: tuple[ConflictField, ...]


@dataclass(frozen=True)
class SheetPreview:
    key: str
    name: str  # as in the file
    changes: tuple[RecordChange, ...]
    new_records: tuple[NewRecord, ...]
    missing: tuple[MissingRow, ...]
    unchanged: int
    problems: tuple[CellProblem, ...]
    header_row: int = 2
    conflicts: tuple[Conflict, ...] = ()
    recognised: int = 0  # rows without an id recognised as records an earlier import created from them


@dataclass(frozen=True)
class RowWrite:
    sheet: str
    record_id: str  # for a new record, the id it is created with
    version: int | None  # the version read at preview (None: a new record)
    values: dict[str, Any]  # field -> new value (every field for a new record)
    before: dict[str, Any]
    row: int
    token: str = ""  # a new record: the row's token, remembered so that the row is never created again
    origin: dict[str, Any] = field(default_factory=dict)  # a new record: its values as the cells hold them
    conflict: str = ""  # the key of the conflict this write settles (applied only when chosen)

    @property
    def is_new(self) -> bool:
        return self.version is None


@dataclass(frozen=True)
class FilePreview:
    path: Path
    sha256: str
    status: str  # OK, REFUSED, ALREADY
    message: str  # why it was refused, or when it was imported before
    unit_filter: str  # the responsible unit the file was exported for ("" for everyone)
    sheets: tuple[SheetPreview, ...] = ()
    problems: tuple[CellProblem, ...] = ()  # problems of the whole file (sheets not read…)
    writes: tuple[RowWrite, ...] = field(default=(), repr=False)
    conflict_writes: tuple[RowWrite, ...] = field(default=(), repr=False)
    imported_before: int = 0  # times these very bytes were imported (only to settle conflicts left then)
    export_id: str = ""  # the export the file comes from (its copies share it)
    exported_at: str = ""
    unit_filter_code: str = ""
    saved_at: str = ""  # when this copy was last saved, as the file says
    content: str = ""  # fingerprint of its cells
    origin_columns: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)  # sheet -> its origin's

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def all_problems(self) -> tuple[CellProblem, ...]:
        return self.problems + tuple(p for s in self.sheets for p in s.problems)

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return tuple(c for s in self.sheets for c in s.conflicts)

    @property
    def change_count(self) -> int:
        return sum(len(s.changes) + len(s.new_records) for s in self.sheets)


@dataclass(frozen=True)
class ImportPreview:
    files: tuple[FilePreview, ...]
    today: dt.date

    @property
    def refused(self) -> tuple[FilePreview, ...]:
        return tuple(f for f in self.files if f.status == REFUSED)

    @property
    def change_count(self) -> int:
        return sum(f.change_count for f in self.files if f.status == OK)

    @property
    def problem_count(self) -> int:
        return sum(len(f.all_problems) for f in self.files)

    @property
    def error_count(self) -> int:
        """The problems that leave a row (or a file) out; the others are notes."""
        return sum(1 for f in self.files for p in f.all_problems if p.blocking)

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return tuple(c for f in self.files if f.status == OK for c in f.conflicts)

    @property
    def has_writes(self) -> bool:
        return any(f.writes for f in self.files if f.status == OK)


@dataclass(frozen=True)
class ImportOutcome:
    changes: Changes
    updated: int
    created: int
    files: int  # files recorded as imported
    backup: Path | None
    conflicts_taken: int = 0
    conflicts_left: int = 0
