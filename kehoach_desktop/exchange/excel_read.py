"""Read returned progress workbooks: refuse hostile files, then read values tolerantly.

The file is read by ``exchange/xlsx_reader.py``: one streaming XML parse over the ZIP's parts
that checks the container (a ZIP, not an encrypted or old ``.xls`` file; bounded sizes; no DTD),
the structure (unique sheet names, cells in order, no far or broken references) and the limits
(rows, cells, text) while it reads the values, so that the checks and the reader can never
disagree. Cells holding a formula or an error (``#REF!``) come back marked, never as their cached
value; text holding a control character is a problem of its cell.

Reading tolerates what people do: headers in any order, case and diacritics, in Vietnamese or
English; extra columns; blank rows; NFD text; dates as dates, text or serial numbers; percents
as ``50%``, ``50``, ``0,5`` or ``0.5``; money as ``1.500.000``, ``1,500,000`` or ``1500000``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kehoach_desktop.domain.text import control_character, fold, nfc, visible_controls
from kehoach_desktop.exchange.excel_format import (
    CHOICE,
    CHOICES,
    DATE,
    HEADER_ROW,
    ID,
    INTEGER,
    LISTS_SHEET,
    META_IDS_FIRST_COLUMN,
    META_SHEET,
    MONEY,
    PERCENT,
    SHEET_KEYS,
    SHEETS,
    THEME,
    ColumnSpec,
    SheetSpec,
    choice_lookup,
    header_key,
    header_lookup,
    sheet_for_name,
)
from kehoach_desktop.exchange.xlsx_reader import (
    DEFAULT_LIMITS,
    FORMULA,
    ImportCancelled,
    SheetRow,
    WorkbookRefused,
    XlsxLimits,
    XlsxReader,
    column_letter,
    refusal,
)
from kehoach_desktop.i18n import _

__all__ = ["FORMULA", "CellProblem", "CellValueError", "ImportCancelled", "RawRow", "RawSheet", "RawWorkbook",
           "WorkbookRefused", "column_letter", "parse_value", "read_progress_workbook", "shown"]

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_INT_TEXT = re.compile(r"^[+-]?\d+$")
_GROUPED = (re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$"), re.compile(r"^[+-]?\d{1,3}(,\d{3})+$"),
            re.compile(r"^[+-]?\d{1,3}( \d{3})+$"))
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_CURRENCY = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ)\s*$", re.IGNORECASE)


class CellValueError(ValueError):
    """A value that does not fit its column; ``expected`` says what would."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


@dataclass(frozen=True)
class CellProblem:
    """A problem at a place of a returned file, in words the sender understands."""

    sheet: str  # the sheet's name in the file ("" for the whole file)
    row: int  # Excel row number (0: the whole sheet)
    column: str  # the column's title ("" for the whole row)
    letter: str  # the column's letter ("" for the whole row)
    found: str
    expected: str
    blocking: bool = True  # blocking: the row (or sheet) is not applied; otherwise only a warning


class RowValues(Mapping[str, Any]):
    """A row's values by column key, kept as a tuple (a dict per row would double a 100,000-row workbook's memory)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[Any, ...]) -> None:
        self._index = index  # shared by every row of a sheet
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[self._index[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@dataclass
class RawRow:
    number: int  # Excel row number
    values: Mapping[str, Any]  # column key -> value as read (str, float, date, datetime, bool, None)
    bad: dict[str, str] = field(default_factory=dict)  # column key -> why the cell cannot be used


@dataclass
class RawSheet:
    spec: SheetSpec
    name: str
    columns: dict[str, int]  # column key -> 0-based index in the file
    rows: list[RawRow]
    header_row: int = HEADER_ROW  # Excel row number of the header

    def letter(self, key: str) -> str:
        index = self.columns.get(key)
        return "" if index is None else column_letter(index)


@dataclass
class RawWorkbook:
    path: Path
    sha256: str
    meta: dict[str, str]
    exported_ids: dict[str, list[str]]
    sheets: list[RawSheet]
    problems: list[CellProblem]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- values ----------------------------------------------------------------------------------

def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    text = nfc(str(value))
    found = control_character(text)
    if found is not None:
        raise CellValueError(_("text without invisible control characters (this cell holds U+{code:04X} at "
                               "character {position}; delete it and type the text again)").format(
            code=ord(found[1]), position=found[0]))
    return text


def _whole_number(value: Any, expected: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, (bool, dt.date | dt.time | dt.timedelta)):
        raise CellValueError(expected)
    if isinstance(value, float | int):
        if float(value).is_integer():
            return int(value)
        raise CellValueError(expected)
    text = _CURRENCY.sub("", nfc(str(value)).replace("\u00a0", " ")).strip()
    if not text:
        return None
    if _INT_TEXT.match(text):
        return int(text)
    for pattern in _GROUPED:
        if pattern.match(text):
            return int(re.sub(r"[., ]", "", text))
    raise CellValueError(expected)


def parse_integer(value: Any) -> int | None:
    return _whole_number(value, _("a whole number such as 120"))


def parse_money(value: Any) -> int | None:
    return _whole_number(value, _("an amount in đồng such as 1.500.000"))


def parse_percent(value: Any) -> int | None:
    """``50%``, ``50``, ``0,5``, ``0.5`` and a percent cell's 0.5 all give 50."""
    expected = _("a percentage from 0 to 100, such as 50%")
    if value is None or value == "":
        return None
    if isinstance(value, (bool, dt.date | dt.time | dt.timedelta)):
        raise CellValueError(expected)
    if isinstance(value, float | int):
        number = float(value) * 100 if 0 <= value <= 1 else float(value)
    else:
        text = nfc(str(value)).replace(" ", "").replace("\u00a0", "")
        percent_sign = text.endswith("%")
        text = text.rstrip("%").replace(",", ".")
        try:
            number = float(text)
        except ValueError as exc:
            raise CellValueError(expected) from exc
        if not percent_sign and "." in text and 0 <= number <= 1:
            number *= 100
    if not 0 <= number <= 100:
        raise CellValueError(expected)
    return round(number)


def parse_date(value: Any) -> dt.date | None:
    expected = _("a date such as 15/03/2021")
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bool, dt.time | dt.timedelta)):
        raise CellValueError(expected)
    if isinstance(value, float | int):
        if not 1 <= value < 2958466 or not float(value).is_integer():
            raise CellValueError(expected)
        serial = int(value)
        return _EXCEL_EPOCH + dt.timedelta(days=serial if serial > 60 else serial + 1)
    text = nfc(str(value))
    try:
        found = _DATE_TEXT.match(text)
        if found:
            day, month, year = (int(x) for x in found.groups())
            if len(found.group(3)) == 2:
                year += 2000
            return dt.date(year, month, day)
        found = _ISO_DATE.match(text)
        if found:
            year, month, day = (int(x) for x in found.groups())
            return dt.date(year, month, day)
        if _INT_TEXT.match(text):
            return parse_date(int(text))
    except ValueError as exc:
        raise CellValueError(expected) from exc
    raise CellValueError(expected)


_LOOKUPS: dict[str, dict[str, str]] = {}


def parse_choice(list_key: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    table = _LOOKUPS.get(list_key)
    if table is None:
        table = _LOOKUPS[list_key] = choice_lookup(list_key)
    code = table.get(fold(parse_text(value)))
    if code is None:
        raise CellValueError(_("one of the values of the drop-down list: {values}").format(
            values=", ".join(c.vietnamese for c in CHOICES[list_key])))
    return code


def parse_value(column: ColumnSpec, value: Any) -> Any:
    """The value of a cell as its column wants it; raises :class:`CellValueError`."""
    if column.kind == DATE:
        return parse_date(value)
    if column.kind == MONEY:
        return parse_money(value)
    if column.kind == INTEGER:
        return parse_integer(value)
    if column.kind == PERCENT:
        return parse_percent(value)
    if column.kind == CHOICE:
        return parse_choice(column.choices, value)
    if column.kind == ID:
        text = parse_text(value)
        if not text:
            return None
        try:
            return str(uuid.UUID(text))
        except ValueError as exc:
            raise CellValueError(_("the code written by the application (leave it as it is)")) from exc
    if column.kind == THEME:
        return parse_text(value)
    return parse_text(value)


def shown(value: Any) -> str:
    """A value as found in the file, for a problem report."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return parse_text(value)
    return visible_controls(str(value))


# ---- the workbook ----------------------------------------------------------------------------

_HEADER_ROWS = 10  # the header is looked for in the first ten rows
_HEADER_COLUMNS = 256  # and in their first 256 columns
_META_COLUMNS = META_IDS_FIRST_COLUMN - 1 + len(SHEET_KEYS)


def read_progress_workbook(path: Path, *, should_stop: Callable[[], bool] | None = None,
                           limits: XlsxLimits = DEFAULT_LIMITS) -> RawWorkbook:
    """Check and read a returned workbook; raises :class:`WorkbookRefused` for a file that cannot be used.

    One streaming parse (``exchange/xlsx_reader.py``) gives the structure, the checks and the values.
    """
    with XlsxReader(path, limits=limits, should_stop=should_stop) as reader:
        if META_SHEET not in reader.sheets:
            raise refusal(path, _("this workbook was not exported by Kế hoạch Desktop (its hidden sheet “_meta” "
                                  "is missing), so it cannot be matched to this workspace. Export a progress "
                                  "workbook from the application and have it filled in."))
        meta, exported = _read_meta(path, reader.rows(META_SHEET, max_column=_META_COLUMNS))
        problems: list[CellProblem] = []
        sheets: list[RawSheet] = []
        for name in reader.sheets:
            if name in (META_SHEET, LISTS_SHEET):
                continue
            raw = _read_sheet(reader, name, problems)
            if raw is not None:
                sheets.append(raw)
    return RawWorkbook(path=path, sha256=file_sha256(path), meta=meta, exported_ids=exported, sheets=sheets,
                       problems=problems)


def _read_meta(path: Path, rows: Iterable[SheetRow]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Keys and values in A:B (from row 2), the ids exported in each sheet in D, E, F (under their keys in row 1)."""
    meta: dict[str, str] = {}
    exported: dict[str, list[str]] = {key: [] for key in SHEET_KEYS}
    first = META_IDS_FIRST_COLUMN - 1
    id_keys: dict[int, str] = {}
    altered = refusal(path, _("the hidden sheet “_meta” of this workbook was altered (it holds values the "
                              "application never writes there). Export the workbook again."))
    for row in rows:
        if row.bad:
            raise altered
        try:
            values = {column: parse_text(value) for column, value in row.values.items()}
        except CellValueError:
            raise altered from None
        if row.number == 1:
            id_keys = {column: values[column] for column in range(first, first + len(SHEET_KEYS))
                       if values.get(column) in SHEET_KEYS}
            continue
        if values.get(0):
            meta[values[0]] = values.get(1, "")
        for column, key in id_keys.items():
            if values.get(column):
                exported[key].append(values[column])
    return meta, exported


def _find_header(rows: list[list[Any]], spec: SheetSpec | None) -> tuple[SheetSpec, int, dict[str, int]] | None:
    """The spec, the header row's index and the columns found, from the best-matching row of the first ten."""
    best: tuple[int, SheetSpec, int, dict[str, int]] | None = None
    candidates = [spec] if spec is not None else list(SHEETS.values())
    for candidate in candidates:
        lookup = header_lookup(candidate)
        for index, row in enumerate(rows[:_HEADER_ROWS]):
            found: dict[str, int] = {}
            for col, value in enumerate(row):
                if isinstance(value, str) and value.strip():
                    key = lookup.get(header_key(value))
                    if key is not None and key not in found:
                        found[key] = col
            score = len(found)
            if score >= 3 and (best is None or score > best[0]):
                best = (score, candidate, index, found)
    return None if best is None else best[1:]


def _read_sheet(reader: XlsxReader, name: str, problems: list[CellProblem]) -> RawSheet | None:
    """The header among the first ten rows, then the cells of its columns only, row by row."""
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    stream = reader.rows(name, merged=merged)
    head: list[SheetRow] = []
    rest: list[SheetRow] = []
    for row in stream:
        (head if row.number <= _HEADER_ROWS else rest).append(row)
        if row.number > _HEADER_ROWS:
            break
    dense = [[None] * _HEADER_COLUMNS for _ in range(_HEADER_ROWS)]
    for row in head:
        for column, value in row.values.items():
            if column < _HEADER_COLUMNS:
                dense[row.number - 1][column] = value
    named = sheet_for_name(name)
    header = _find_header(dense, named)
    if header is None:
        for _row in stream:  # the whole sheet is still checked (limits, damaged cells)
            pass
        if named is not None:
            problems.append(CellProblem(name, 0, "", "", "", _(
                "the header row of the sheet (the column titles as exported); the sheet was not read")))
        return None
    spec, header_index, columns = header
    if "id" not in columns:
        for _row in stream:
            pass
        problems.append(CellProblem(name, header_index + 1, spec.column("id").title, "", "", _(
            "the column “{column}” as exported; without it no row can be matched, so the sheet was not "
            "read").format(column=spec.column("id").title)))
        return None
    for column in spec.columns:
        if column.key not in columns and column.editable and column.kind != ID:
            problems.append(CellProblem(name, header_index + 1, column.title, "", "", _(
                "the column “{column}”; it was not found, so its values are kept as they are").format(
                column=column.title), blocking=False))
    header_row = header_index + 1
    wanted = list(columns.items())
    index = {key: position for position, (key, _col) in enumerate(wanted)}
    raw_rows = []
    for row in itertools.chain(head, rest, stream):
        if row.number <= header_row:
            continue
        values = tuple(row.values.get(col) for _key, col in wanted)
        bad = {key: row.bad[col] for key, col in wanted if col in row.bad} if row.bad else {}
        if not bad and all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # blank row
        raw_rows.append(RawRow(row.number, RowValues(index, values), bad))
    merged_rows: set[int] = set()
    for (top, left), (bottom, right) in merged:
        if bottom >= header_row:
            merged_rows.update(range(max(top, header_row) + 1, bottom + 2))
            problems.append(CellProblem(name, top + 1, "", f"{column_letter(left)}:{column_letter(right)}",
                                        f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}", _(
                "separate cells: merged cells hide values; unmerge them (the rows they cover were not read)")))
    if merged_rows:
        raw_rows = [row for row in raw_rows if row.number not in merged_rows]
    return RawSheet(spec=spec, name=name, columns=columns, rows=raw_rows, header_row=header_row)
