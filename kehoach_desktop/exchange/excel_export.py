"""Write the Excel progress workbook (format in ``excel_format``), streaming with openpyxl write-only.

Each data sheet has a title line, a frozen and styled header, the record's id in a locked
first column, the editable cells unlocked under sheet protection (so are the empty rows below,
for new records), drop-down lists of Vietnamese labels (kept in a hidden ``_lists`` sheet, since
labels may hold commas), date, money and percent formats, and an A4 landscape print set-up.
A hidden ``_meta`` sheet says whose workbook it is. Text is always written as text: a value
beginning with ``=``, ``+``, ``-`` or ``@`` never becomes a formula.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kehoach_desktop.exchange.excel_format import (
    CHOICE,
    CHOICES,
    DATE,
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_ROW,
    ID,
    INTEGER,
    INTEGER_FORMAT,
    LISTS_SHEET,
    META_IDS_FIRST_COLUMN,
    META_SHEET,
    MONEY,
    MONEY_FORMAT,
    PERCENT,
    PERCENT_FORMAT,
    SHEET_KEYS,
    THEME,
    ColumnSpec,
    SheetSpec,
)
from kehoach_desktop.exchange.excel_scope import SCOPE_CHECK, seal

MAX_LINES = 4  # a row grows to at most four lines of text (the cell holds it all)
NEW_ROWS = 300  # empty rows below the data that keep the drop-downs and formats, for new records
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}  # characters XML 1.0 cannot hold


class ExportCancelled(Exception):
    """The user cancelled a long export; the partial file was removed."""


@dataclass(frozen=True)
class SheetContent:
    spec: SheetSpec
    rows: Iterable[Sequence[Any]]  # values in the order of spec.columns; percents as whole numbers 0–100


@dataclass(frozen=True)
class WorkbookContent:
    meta: dict[str, str]
    sheets: Sequence[SheetContent]
    subtitle: str = ""  # the unit and the date, after the heading of each sheet
    themes: Sequence[str] = ()  # labels of the plan's themes, for the theme drop-down
    scope_key: bytes = b""  # the workspace's secret sealing the ids sent (exchange/excel_scope.py)


@dataclass(frozen=True)
class WrittenWorkbook:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)  # sheet key -> rows written


def clean_text(text: str) -> str:
    """Text as a cell can hold it (no control characters XML 1.0 forbids)."""
    return text.translate(_ILLEGAL)


def write_progress_workbook(path: Path, content: WorkbookContent, *,
                            should_stop: Callable[[], bool] | None = None) -> WrittenWorkbook:
    """Write ``content`` to ``path`` (through a partial file, replaced at the end)."""
    from openpyxl import Workbook

    partial = path.with_name(path.name + ".partial")
    workbook = Workbook(write_only=True)
    lists_ranges = _list_ranges(content.themes)
    written: dict[str, int] = {}
    ids: dict[str, list[str]] = {}
    try:
        for sheet in content.sheets:
            written[sheet.spec.key], ids[sheet.spec.key] = _write_sheet(
                workbook, sheet, content, lists_ranges, should_stop)
        _write_lists(workbook, content.themes)
        meta = dict(content.meta)
        if content.scope_key:
            meta[SCOPE_CHECK] = seal(content.scope_key, meta, {k: v for k, v in ids.items() if v})
        _write_meta(workbook, meta, ids)
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(partial)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        _discard(workbook)
        raise
    return WrittenWorkbook(path, written)


def _discard(workbook: Any) -> None:
    """Close the sheets' row streams of a workbook that will not be saved (else each prints a traceback when it is
    collected, on the user's terminal)."""
    for sheet in workbook.worksheets:
        if not sheet.closed:
            with contextlib.suppress(Exception):
                sheet.close()


# ---- styles ----------------------------------------------------------------------------------

def _styles(sheet: Any) -> dict[str, Any]:
    """Style arrays shared by the cells of a sheet (copying one is much faster than styling each cell)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="C9CED6")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    formats = {DATE: DATE_FORMAT, MONEY: MONEY_FORMAT, INTEGER: INTEGER_FORMAT, PERCENT: PERCENT_FORMAT}

    def make(*, locked: bool, kind: str = "", fill: str | None = None, font: Any = None, wrap: bool = False,
             header: bool = False) -> Any:
        cell = WriteOnlyCell(sheet)
        cell.protection = Protection(locked=locked)
        cell.border = border
        if kind in formats:
            cell.number_format = formats[kind]
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        if font is not None:
            cell.font = font
        if header:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        else:
            cell.alignment = Alignment(vertical="top", wrap_text=wrap)
        return cell._style

    styles: dict[str, Any] = {
        "title": _title_style(sheet),
        "header": make(locked=True, fill="1F2A37", font=Font(bold=True, color="FFFFFF"), header=True),
        "header_edit": make(locked=True, fill="1D4ED8", font=Font(bold=True, color="FFFFFF"), header=True),
        "id": make(locked=True, fill="F3F4F6", font=Font(size=8, color="6B7280")),
    }
    for kind in (ID, "text", INTEGER, MONEY, PERCENT, DATE, CHOICE, THEME):
        styles[f"ro:{kind}"] = make(locked=True, kind=kind, fill="F3F4F6", wrap=kind == "text")
        styles[f"rw:{kind}"] = make(locked=False, kind=kind, fill="FFFDF0", wrap=kind == "text")
    return styles


def _title_style(sheet: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet)
    cell.font = Font(bold=True, size=13, color="1F2A37")
    return cell._style


def _column_style_key(column: ColumnSpec) -> str:
    if column.kind == ID:
        return "id"
    return f"{'rw' if column.editable else 'ro'}:{column.kind}"


# ---- sheets ----------------------------------------------------------------------------------

def _list_ranges(themes: Sequence[str]) -> dict[str, str]:
    ranges = {}
    for index, key in enumerate(CHOICES, start=1):
        letter = _letter(index)
        ranges[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${1 + len(CHOICES[key])}"
    letter = _letter(len(CHOICES) + 1)
    ranges["theme"] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${1 + max(1, len(themes))}"
    return ranges


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _write_sheet(workbook: Any, content: SheetContent, whole: WorkbookContent, list_ranges: dict[str, str],
                 should_stop: Callable[[], bool] | None) -> tuple[int, list[str]]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.protection import SheetProtection

    spec = content.spec
    sheet = workbook.create_sheet(spec.title)
    styles = _styles(sheet)
    columns = spec.columns
    last_letter = _letter(len(columns))
    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[_letter(index)]
        dimension.width = column.width
        if column.editable and column.kind != ID:  # empty cells below the data: editable, formatted
            dimension.protection = Protection(locked=False)
            fmt = {DATE: DATE_FORMAT, MONEY: MONEY_FORMAT, INTEGER: INTEGER_FORMAT,
                   PERCENT: PERCENT_FORMAT}.get(column.kind)
            if fmt:
                dimension.number_format = fmt
    sheet.freeze_panes = "D3"  # the id, the type or theme and the content stay in view
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.gridLines = False
    sheet.oddFooter.center.text = "&P / &N"
    sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, autoFilter=False,
                                       sort=False, selectLockedCells=False, selectUnlockedCells=False)

    title = WriteOnlyCell(sheet, value=clean_text(" — ".join(x for x in (spec.heading, whole.subtitle) if x)))
    title._style = styles["title"]
    title.data_type = "s"
    sheet.append([None, title])
    sheet.row_dimensions[HEADER_ROW].height = 45
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell._style = styles["header_edit" if column.editable and column.kind != ID else "header"]
        header.append(cell)
    sheet.append(header)

    _prepared_cells(sheet, [styles[_column_style_key(c)] for c in columns])
    percent_at = {i for i, c in enumerate(columns) if c.kind == PERCENT}
    # LibreOffice and Excel do not grow rows for wrapped text on opening: give long texts their lines
    line_chars = [(i, max(8, int(c.width * 1.2))) for i, c in enumerate(columns) if c.kind == "text"]
    ids: list[str] = []
    count = 0
    for row in content.rows:
        if count % 500 == 0 and should_stop is not None and should_stop():
            raise ExportCancelled()
        lines = 1
        for index, chars in line_chars:
            text = row[index]
            if text and (len(text) > chars or "\n" in text):
                lines = max(lines, sum(len(part) // chars + 1 for part in text.split("\n")))
        if lines > 1:
            sheet.row_dimensions[FIRST_DATA_ROW + count].height = 15 * min(lines, MAX_LINES)
        values = list(row)
        for index in percent_at:
            if values[index] is not None:
                values[index] = values[index] / 100
        ids.append(row[0])
        sheet.append(values)
        count += 1

    last_row = HEADER_ROW + count + (NEW_ROWS if spec.allows_new_rows else 0)
    if last_row >= FIRST_DATA_ROW:
        for index, column in enumerate(columns, start=1):
            if not column.editable or column.kind not in (CHOICE, THEME):
                continue
            source = list_ranges["theme" if column.kind == THEME else column.choices]
            validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True,
                                        showErrorMessage=column.kind == CHOICE, showInputMessage=False)
            validation.errorTitle = "Giá trị không có trong danh sách"
            validation.error = "Chọn một giá trị trong danh sách thả xuống."
            validation.add(f"{_letter(index)}{FIRST_DATA_ROW}:{_letter(index)}{last_row}")
            sheet.data_validations.append(validation)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{max(HEADER_ROW + count, FIRST_DATA_ROW)}"
    sheet.print_area = f"B1:{last_letter}{max(HEADER_ROW + count, FIRST_DATA_ROW)}"
    return count, ids


def _prepared_cells(sheet: Any, style_arrays: list[Any]) -> None:
    """Stream the data rows with one prepared, styled cell per column, reused from row to row.

    openpyxl's write-only ``append`` styles a cell only when given a ``Cell`` object, and then
    re-binds, re-types and re-hashes its style for every cell, which costs more than writing it
    (DESIGN P2). The sheet's ``_values_to_row`` (openpyxl 3.1) is replaced for this sheet by a
    generator that sets the value and the type directly and gives the style id computed once.
    Text is always typed as text, so "=…", "+…", "-…", "@…" never become formulas.
    """
    from openpyxl.cell.cell import Cell

    class PreparedCell(Cell):
        __slots__ = ("_style_id",)

        @property
        def style_id(self) -> int:  # type: ignore[override]
            return self._style_id

        @property
        def has_style(self) -> bool:  # type: ignore[override]
            return True

    cells = []
    for style in style_arrays:
        cell = PreparedCell(sheet)
        cell._style = style
        cell._style_id = sheet.parent._cell_styles.add(style)
        cells.append(cell)
    number, date = (int, float), (dt.date, dt.datetime)

    def values_to_row(values: Sequence[Any], row_idx: int) -> Any:
        for col_idx, value in enumerate(values, 1):
            cell = cells[col_idx - 1]
            if isinstance(value, str):
                cell._value = clean_text(value) if not value.isprintable() else value
                cell.data_type = "s"
            elif isinstance(value, bool):
                cell._value, cell.data_type = value, "b"
            elif isinstance(value, number):
                cell._value, cell.data_type = value, "n"
            elif isinstance(value, date):
                cell._value, cell.data_type = value, "d"
            else:
                cell._value, cell.data_type = None, "n"
            cell.row, cell.column = row_idx, col_idx
            yield cell

    sheet._values_to_row = values_to_row


def _write_lists(workbook: Any, themes: Sequence[str]) -> None:
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    columns = [[c.vietnamese for c in CHOICES[key]] for key in CHOICES] + [[clean_text(t) for t in themes] or [""]]
    sheet.append([*list(CHOICES), "theme"])
    for index in range(max(len(c) for c in columns)):
        sheet.append([c[index] if index < len(c) else None for c in columns])


def _write_meta(workbook: Any, meta: dict[str, str], ids: dict[str, list[str]]) -> None:
    """Keys and values in A:B; the ids exported in each sheet in D, E, F (to report rows missing on return)."""
    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "hidden"
    pairs = [("key", "value")] + [(k, str(v)) for k, v in meta.items()]
    id_columns = [[key, *ids.get(key, [])] for key in SHEET_KEYS]
    height = max(len(pairs), *(len(c) for c in id_columns))
    pad = [None] * (META_IDS_FIRST_COLUMN - 3)
    for index in range(height):
        pair = list(pairs[index]) if index < len(pairs) else [None, None]
        sheet.append(pair + pad + [c[index] if index < len(c) else None for c in id_columns])


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
