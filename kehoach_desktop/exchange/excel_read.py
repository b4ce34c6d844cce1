"""Read returned progress workbooks: refuse hostile files early, then read values tolerantly.

What a file must pass before any value is read: a ZIP (not an encrypted or old ``.xls``
compound file), an Excel workbook inside, bounded sizes (no zip bomb), no DTD in any XML part
(no entity bomb), at most :data:`MAX_DATA_ROWS` rows per sheet (counted while streaming, so a
million-row sheet is refused without being read). Values are then read with python-calamine
(about 10× faster than openpyxl); cells holding a formula or an error (``#REF!``), which
calamine gives back as plain or empty values, are found in the sheet XML and reported.

Reading tolerates what people do: headers in any order, case and diacritics, in Vietnamese or
English; extra columns; blank rows; NFD text; dates as dates, text or serial numbers; percents
as ``50%``, ``50``, ``0,5`` or ``0.5``; money as ``1.500.000``, ``1,500,000`` or ``1500000``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.exchange.excel_format import (
    CHOICE,
    CHOICES,
    DATE,
    HEADER_ROW,
    ID,
    INTEGER,
    LISTS_SHEET,
    MAX_DATA_ROWS,
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
from kehoach_desktop.i18n import _

MAX_UNCOMPRESSED = 400 * 1024 * 1024  # the whole workbook, unpacked
MAX_RATIO = 200  # a part that unpacks to more than 200× its packed size (and more than 20 MB) is a bomb
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# what reading a damaged entry of the ZIP raises (bad CRC, broken deflate data, bad header, bad XML)
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError, KeyError,
            SyntaxError)
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ERROR_TYPE = re.compile(rb"""\st=["']e["']""")
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s+ref=["'][A-Z]+\d+:?[A-Z]*(\d*)["']""")
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_ATTR = re.compile(rb"""(\w+)=["']([^"']*)["']""")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)<")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_REF_ATTR = re.compile(rb"""\sr=["']([A-Za-z]{1,4})(\d{1,12})["']""")
# calamine allocates every cell up to the farthest one: a single cell at ZZZ9999999 asks for terabytes and
# aborts the whole process (found by tests/fuzz). 4 million cells is 100,000 rows of 40 columns.
MAX_SHEET_CELLS = 4_000_000
_INT_TEXT = re.compile(r"^[+-]?\d+$")
_GROUPED = (re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$"), re.compile(r"^[+-]?\d{1,3}(,\d{3})+$"),
            re.compile(r"^[+-]?\d{1,3}( \d{3})+$"))
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_CURRENCY = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ)\s*$", re.IGNORECASE)


class WorkbookRefused(UserFacingError):
    """The whole file cannot be read: nothing of it is used."""


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


@dataclass
class RawRow:
    number: int  # Excel row number
    values: dict[str, Any]  # column key -> value as read (str, float, date, datetime, bool, None)
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


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ord(ch) - 64
    return value - 1


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- the container ---------------------------------------------------------------------------

def _refuse(path: Path, message: str) -> WorkbookRefused:
    return WorkbookRefused(_("{name}: {message}").format(name=path.name, message=message))


def _check_container(path: Path) -> tuple[zipfile.ZipFile, dict[str, str]]:
    """The open ZIP and the part of each sheet by name; refuses what is not a sound workbook."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _refuse(path, _("the file cannot be read ({reason}).").format(reason=exc.strerror or exc)) from exc
    if head.startswith(_OLE_MAGIC):
        with path.open("rb") as handle:
            if _ENCRYPTED_MARK in handle.read(4 * 1024 * 1024):
                raise _refuse(path, _("the workbook is protected with a password. Open it in Excel, remove the "
                                      "password (File → Info → Protect Workbook → Encrypt with Password), save it "
                                      "and import it again."))
        raise _refuse(path, _("this is an old Excel 97–2003 file (.xls). Open it in Excel or LibreOffice, save it "
                              "as an Excel workbook (.xlsx) and import that file."))
    if not head.startswith(b"PK"):
        raise _refuse(path, _("this is not an Excel workbook (.xlsx). Import the progress workbooks exported by "
                              "Kế hoạch Desktop, filled in and saved as .xlsx."))
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(path, _("the file is damaged or incomplete (it is not a readable .xlsx). Ask the sender "
                              "for the file again.")) from exc
    try:
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            hint = _(" It looks like a LibreOffice (.ods) file: save it as .xlsx.") if "mimetype" in names else ""
            raise _refuse(path, _("this ZIP file is not an Excel workbook.") + hint)
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED or any(
                info.file_size > 20 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
                for info in infos):
            raise _refuse(path, _("the workbook unpacks to far more data than a progress workbook holds; it was "
                                  "refused to protect this computer."))
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    if _DOCTYPE.search(part.read(4096)):
                        raise _refuse(path, _("the workbook contains a document type declaration (a way to "
                                              "attack the reading program); it was refused."))
        return archive, _sheet_parts(archive)
    except WorkbookRefused:
        archive.close()
        raise
    except _DAMAGED as exc:  # found by tests/fuzz: a damaged part must be a refusal, not a crash
        archive.close()
        raise _damaged(path) from exc
    except BaseException:
        archive.close()
        raise


def _damaged(path: Path) -> WorkbookRefused:
    return _refuse(path, _("the file is damaged or incomplete (it is not a readable .xlsx). Ask the sender for the "
                           "file again."))


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    from defusedxml.ElementTree import fromstring

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    workbook = fromstring(archive.read("xl/workbook.xml"))
    try:
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = path
    parts = {}
    for sheet in workbook.iter(f"{ns_main}sheet"):
        rel_id = sheet.get(f"{ns_rel}id")
        if rel_id in targets:
            parts[sheet.get("name", "")] = targets[rel_id]
    return parts


@dataclass
class _SheetScan:
    bad_cells: dict[tuple[int, int], str]  # (row number, column index) -> "formula" or the error text


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _scan_sheet(path: Path, archive: zipfile.ZipFile, part: str, sheet_name: str) -> _SheetScan:
    """Count rows while streaming (refuse beyond the cap) and find formulas and error cells."""
    try:
        info = archive.getinfo(part)
    except KeyError:
        return _SheetScan({})
    limit = MAX_DATA_ROWS + HEADER_ROW + 10
    too_many = _refuse(path, _("the sheet “{sheet}” has more than {limit} rows; a progress workbook has far fewer. "
                               "Split the file or remove the empty rows at its end.").format(
        sheet=sheet_name, limit=f"{MAX_DATA_ROWS:,}".replace(",", ".")))
    rows = far_row = far_column = 0
    flagged = False
    tail = b""
    with archive.open(info) as stream:
        first = True
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            if first:
                first = False
                found = _DIMENSION.search(chunk[:8192])
                if found and found.group(1) and int(found.group(1)) > limit:
                    raise too_many
            window = tail + chunk
            rows += len(_ROW_TAG.findall(chunk))
            if rows > limit:
                raise too_many
            for letters, digits in _REF_ATTR.findall(window):
                far_row, far_column = max(far_row, int(digits)), max(far_column, _column_number(letters))
            if far_row * far_column > MAX_SHEET_CELLS:
                raise _refuse(path, _("the sheet “{sheet}” has a cell far beyond the table (row {row}, column "
                                      "{column}). Delete the rows and columns after the table, save and import "
                                      "again.").format(sheet=sheet_name, row=far_row, column=far_column))
            if not flagged and (_FORMULA_TAG.search(window) or _ERROR_TYPE.search(window)):
                flagged = True
            tail = chunk[-64:]
    if not flagged:
        return _SheetScan({})
    bad: dict[tuple[int, int], str] = {}
    xml = archive.read(info)
    for match in _CELL.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(1)))
        body = match.group(2) or b""
        is_error = attrs.get(b"t") == b"e"
        if not is_error and not _FORMULA_TAG.search(body):
            continue
        ref = _CELL_REF.match(attrs.get(b"r", b"").decode("ascii", "replace"))
        if ref is None:
            continue
        if is_error:
            value = _VALUE.search(body)
            bad[(int(ref.group(2)), _column_index(ref.group(1)))] = (
                value.group(1).decode("utf-8", "replace") if value else "#ERROR")
        else:
            bad[(int(ref.group(2)), _column_index(ref.group(1)))] = "formula"
    return _SheetScan(bad)


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
    return nfc(str(value)).replace("\r\n", "\n")


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
    return str(value)


# ---- the workbook ----------------------------------------------------------------------------

def read_progress_workbook(path: Path, *, should_stop: Callable[[], bool] | None = None) -> RawWorkbook:
    """Check and read a returned workbook; raises :class:`WorkbookRefused` for a file that cannot be used."""
    from python_calamine import CalamineWorkbook

    archive, parts = _check_container(path)
    try:
        sha256 = file_sha256(path)
        names = list(parts)
        scans = {}
        for name in names:  # the hidden sheets too: calamine reads _meta, and a far cell there would abort it
            scans[name] = _scan_sheet(path, archive, parts[name], name)
            if should_stop is not None and should_stop():
                raise ImportCancelled()
    except _DAMAGED as exc:
        raise _damaged(path) from exc
    finally:
        archive.close()
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own errors are not all subclasses of one class
        raise _refuse(path, _("the workbook cannot be read ({reason}). Open it in Excel or LibreOffice, save it "
                              "again as .xlsx and import it again.").format(reason=str(exc)[:200])) from exc
    with workbook:
        if META_SHEET not in workbook.sheet_names:
            raise _refuse(path, _("this workbook was not exported by Kế hoạch Desktop (its hidden sheet “_meta” "
                                  "is missing), so it cannot be matched to this workspace. Export a progress "
                                  "workbook from the application and have it filled in."))
        meta, exported = _read_meta(_calamine_sheet(path, workbook, META_SHEET)[0])
        problems: list[CellProblem] = []
        sheets: list[RawSheet] = []
        for name in workbook.sheet_names:
            if name in (META_SHEET, LISTS_SHEET):
                continue
            if should_stop is not None and should_stop():
                raise ImportCancelled()
            rows, merged = _calamine_sheet(path, workbook, name)
            raw = _read_sheet(name, rows, merged, scans.get(name, _SheetScan({})), problems)
            if raw is not None:
                sheets.append(raw)
    return RawWorkbook(path=path, sha256=sha256, meta=meta, exported_ids=exported, sheets=sheets, problems=problems)


def _calamine_sheet(path: Path, workbook: Any, name: str) -> tuple[list[list[Any]], list[Any]]:
    """The cells and merged ranges of one sheet; a sheet calamine cannot read is a refusal (found by tests/fuzz)."""
    try:
        sheet = workbook.get_sheet_by_name(name)
        return sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []
    except Exception as exc:  # calamine's own errors (missing part, bad XML) share no base class
        raise _refuse(path, _("the sheet “{sheet}” cannot be read ({reason}). Open the file in Excel or LibreOffice, "
                              "save it again as .xlsx and import it again.").format(
            sheet=name, reason=str(exc)[:200])) from exc


class ImportCancelled(Exception):
    """The user cancelled a long import before anything was written."""


def _read_meta(rows: list[list[Any]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    meta: dict[str, str] = {}
    exported: dict[str, list[str]] = {key: [] for key in SHEET_KEYS}
    first = META_IDS_FIRST_COLUMN - 1
    id_keys: list[str | None] = []
    for index, row in enumerate(rows):
        if len(row) >= 2 and index > 0 and row[0] not in (None, ""):
            meta[str(row[0])] = parse_text(row[1])
        if index == 0:
            id_keys = [str(v) if v in SHEET_KEYS else None for v in row[first:first + len(SHEET_KEYS)]]
            continue
        for offset, key in enumerate(id_keys):
            if key and first + offset < len(row) and row[first + offset] not in (None, ""):
                exported[key].append(str(row[first + offset]))
    return meta, exported


def _find_header(rows: list[list[Any]], spec: SheetSpec | None) -> tuple[SheetSpec, int, dict[str, int]] | None:
    """The spec, the header row's index and the columns found, from the best-matching row of the first ten."""
    best: tuple[int, SheetSpec, int, dict[str, int]] | None = None
    candidates = [spec] if spec is not None else list(SHEETS.values())
    for candidate in candidates:
        lookup = header_lookup(candidate)
        for index, row in enumerate(rows[:10]):
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


def _read_sheet(name: str, rows: list[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]],
                scan: _SheetScan, problems: list[CellProblem]) -> RawSheet | None:
    named = sheet_for_name(name)
    header = _find_header(rows, named)
    if header is None:
        if named is not None:
            problems.append(CellProblem(name, 0, "", "", "", _(
                "the header row of the sheet (the column titles as exported); the sheet was not read")))
        return None
    spec, header_index, columns = header
    if "id" not in columns:
        problems.append(CellProblem(name, header_index + 1, spec.column("id").title, "", "", _(
            "the column “{column}” as exported; without it no row can be matched, so the sheet was not "
            "read").format(column=spec.column("id").title)))
        return None
    for column in spec.columns:
        if column.key not in columns and column.editable and column.kind != ID:
            problems.append(CellProblem(name, header_index + 1, column.title, "", "", _(
                "the column “{column}”; it was not found, so its values are kept as they are").format(
                column=column.title), blocking=False))
    merged_rows: set[int] = set()
    for (top, left), (bottom, right) in merged:
        if bottom > header_index:
            for row_index in range(max(top, header_index + 1), bottom + 1):
                merged_rows.add(row_index)
            problems.append(CellProblem(name, top + 1, "", f"{column_letter(left)}:{column_letter(right)}",
                                        f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}", _(
                "separate cells: merged cells hide values; unmerge them (the rows they cover were not read)")))
    raw_rows = []
    wanted = list(columns.items())
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        number = index + 1
        if index in merged_rows:
            continue
        values = {key: (row[col] if col < len(row) else None) for key, col in wanted}
        bad = {}
        for key, col in wanted:
            reason = scan.bad_cells.get((number, col))
            if reason is not None:
                bad[key] = reason
                values[key] = None
        if not bad and all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue  # blank row
        raw_rows.append(RawRow(number, values, bad))
    return RawSheet(spec=spec, name=name, columns=columns, rows=raw_rows, header_row=header_index + 1)
