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
    FONT_NAME,
    FONT_SIZE,
    HEADER_ROW,
    ID,
    INTEGER,
    INTEGER_FORMAT,
    LISTS_SHEET,
    META_IDS_FIRST_COLUMN,
    META_SHEET,
    MONEY,
    MONEY_FORMAT,
    NEW_ROWS,
    ORIGIN,
    PERCENT,
    PERCENT_FORMAT,
    SHEET_KEYS,
    TEXT,
    THEME,
    ColumnSpec,
    SheetSpec,
)
from kehoach_desktop.exchange.excel_layout import TextFit, row_points
from kehoach_desktop.exchange.excel_origin import encode_origin, origin_columns_meta, origin_keys
from kehoach_desktop.exchange.excel_scope import SCOPE_CHECK, seal

WRAPPED = (TEXT, THEME, CHOICE)  # the kinds of column whose cells wrap their text (labels too)
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}  # characters XML 1.0 cannot hold


class ExportCancelled(Exception):
    """The user cancelled a long export; the partial file was removed."""


@dataclass(frozen=True)
class SheetContent:
    """``rows``: values in the order of ``spec.columns``, percents as whole numbers 0–100, and in the place of
    the origin column the record's version (the writer makes the origin cell from it and the row's cells)."""

    spec: SheetSpec
    rows: Iterable[Sequence[Any]]


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
    set_default_font(workbook)
    lists_ranges = _list_ranges(content.themes)
    written: dict[str, int] = {}
    ids: dict[str, list[str]] = {}
    try:
        for sheet in content.sheets:
            written[sheet.spec.key], ids[sheet.spec.key] = _write_sheet(
                workbook, sheet, content, lists_ranges, should_stop)
        _write_lists(workbook, content.themes)
        meta = dict(content.meta) | dict(origin_columns_meta(s.spec) for s in content.sheets)
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


def set_default_font(workbook: Any) -> None:
    """Make Times New Roman 11 the workbook's default font (openpyxl starts with Calibri, which LibreOffice
    replaces on Linux by a wider font: the column widths and row heights would not hold)."""
    from openpyxl.styles import Font
    from openpyxl.styles.named_styles import NamedStyle, NamedStyleList
    from openpyxl.utils.indexed_list import IndexedList

    font = Font(name=FONT_NAME, sz=FONT_SIZE, family=1)
    workbook._fonts = IndexedList([font])
    workbook._named_styles = NamedStyleList()
    workbook.add_named_style(NamedStyle(name="Normal", font=font, builtinId=0))


def new_row_token(export_id: str, sheet_key: str, slot: int) -> str:
    """The token of an empty row left for a new record (kept in its origin cell)."""
    return f"{export_id}:{sheet_key}:{slot}"


# ---- styles ----------------------------------------------------------------------------------

def _styles(sheet: Any) -> dict[str, Any]:
    """Style arrays shared by the cells of a sheet (copying one is much faster than styling each cell)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="C9CED6")
    bold_white = Font(name=FONT_NAME, sz=FONT_SIZE, bold=True, color="FFFFFF")
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
        "header": make(locked=True, fill="1F2A37", font=bold_white, header=True),
        "header_edit": make(locked=True, fill="1D4ED8", font=bold_white, header=True),
        "id": make(locked=True, fill="F3F4F6", font=Font(name=FONT_NAME, sz=8, color="6B7280")),
        "origin": make(locked=True, font=Font(name=FONT_NAME, sz=8, color="6B7280")),
    }
    for kind in (ID, "text", INTEGER, MONEY, PERCENT, DATE, CHOICE, THEME):
        styles[f"ro:{kind}"] = make(locked=True, kind=kind, fill="F3F4F6", wrap=kind in WRAPPED)
        styles[f"rw:{kind}"] = make(locked=False, kind=kind, fill="FFFDF0", wrap=kind in WRAPPED)
    return styles


def _title_style(sheet: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet)
    cell.font = Font(name=FONT_NAME, bold=True, size=13, color="1F2A37")
    return cell._style


def _column_style_key(column: ColumnSpec) -> str:
    if column.kind in (ID, ORIGIN):
        return column.kind
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

    spec = content.spec
    sheet = workbook.create_sheet(spec.title)
    styles = _styles(sheet)
    columns = spec.columns
    _set_up_sheet(sheet, spec)

    title = WriteOnlyCell(sheet, value=clean_text(" — ".join(x for x in (spec.heading, whole.subtitle) if x)))
    title._style = styles["title"]
    title.data_type = "s"
    sheet.append([None, title])
    header_fit = TextFit(bold=True)
    sheet.row_dimensions[HEADER_ROW].height = row_points(max(
        header_fit.lines(c.title, c.width) for c in columns if not c.hidden))
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell._style = styles["header_edit" if column.editable and column.kind != ID else "header"]
        header.append(cell)
    sheet.append(header)

    skip_empty = _prepared_cells(sheet, [styles[_column_style_key(c)] for c in columns])
    percent_at = [i for i, c in enumerate(columns) if c.kind == PERCENT]
    origin_column = next(i for i, c in enumerate(columns) if c.kind == ORIGIN)
    index = {c.key: i for i, c in enumerate(columns)}
    origin_at = [index[key] for key in origin_keys(spec)]  # the columns of the origin list, in order
    fit = TextFit()
    wrapped = [(i, c.width) for i, c in enumerate(columns) if c.kind in WRAPPED]
    ids: list[str] = []
    count = 0
    for row in content.rows:
        if count % 500 == 0 and should_stop is not None and should_stop():
            raise ExportCancelled()
        lines = max(fit.lines(row[i], width) if row[i] else 1 for i, width in wrapped)
        if lines > 1:  # the row element's attributes as such: openpyxl's RowDimension costs more than the row
            sheet.row_dimensions[FIRST_DATA_ROW + count] = {"ht": f"{row_points(lines):g}", "customHeight": "1"}
        values = list(row)
        for index in percent_at:
            if values[index] is not None:
                values[index] = values[index] / 100
        values[origin_column] = encode_origin([None if values[i] == "" else values[i] for i in origin_at],
                                              version=row[origin_column])
        ids.append(row[0])
        sheet.append(values)
        count += 1
    export_id = whole.meta.get("export_id", "")
    empty = [None] * len(columns)
    skip_empty[0] = True  # the prepared rows hold their token only; their empty cells take the column's style
    for slot in range(1, (NEW_ROWS if spec.allows_new_rows else 0) + 1):  # rows for new records, each with a token
        empty[origin_column] = encode_origin(None, token=new_row_token(export_id, spec.key, slot))
        sheet.append(empty)

    last_row = HEADER_ROW + count + (NEW_ROWS if spec.allows_new_rows else 0)
    _add_validations(sheet, spec, list_ranges, last_row)
    last_letter = _letter(len(columns))
    last_shown = _letter(max(i for i, c in enumerate(columns, start=1) if not c.hidden))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{max(HEADER_ROW + count, FIRST_DATA_ROW)}"
    sheet.print_area = f"B1:{last_shown}{max(HEADER_ROW + count, FIRST_DATA_ROW)}"
    return count, ids


def _set_up_sheet(sheet: Any, spec: SheetSpec) -> None:
    """Column widths and formats, frozen panes, protection and the print set-up of a data sheet."""
    from openpyxl.styles import Protection
    from openpyxl.worksheet.protection import SheetProtection

    for index, column in enumerate(spec.columns, start=1):
        dimension = sheet.column_dimensions[_letter(index)]
        dimension.width = column.width
        dimension.hidden = column.hidden
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


def _add_validations(sheet: Any, spec: SheetSpec, list_ranges: dict[str, str], last_row: int) -> None:
    """Drop-down lists of labels. Warning style, not stop: a label typed without diacritics ("hoan thanh") is
    let through after a question, and the import folds it to its label; a value it does not know is reported."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if last_row < FIRST_DATA_ROW:
        return
    for index, column in enumerate(spec.columns, start=1):
        if not column.editable or column.kind not in (CHOICE, THEME):
            continue
        source = list_ranges["theme" if column.kind == THEME else column.choices]
        validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True, errorStyle="warning",
                                    showErrorMessage=True, showInputMessage=False)
        validation.errorTitle = "Giá trị không có trong danh sách"
        validation.error = ("Giá trị này không có trong danh sách thả xuống. Nhãn gõ không dấu (ví dụ "
                            "“hoan thanh”) vẫn được nhận khi nhập: chọn Có (Yes) để giữ, Không (No) để gõ lại.")
        validation.add(f"{_letter(index)}{FIRST_DATA_ROW}:{_letter(index)}{last_row}")
        sheet.data_validations.append(validation)


def _prepared_cells(sheet: Any, style_arrays: list[Any]) -> list[bool]:
    """Stream the data rows with one prepared, styled cell per column, reused from row to row.

    openpyxl's write-only ``append`` styles a cell only when given a ``Cell`` object, and then
    re-binds, re-types and re-hashes its style for every cell, which costs more than writing it
    (DESIGN P2). The sheet's ``_values_to_row`` (openpyxl 3.1) is replaced for this sheet by a
    generator that sets the value and the type directly and gives the style id computed once.
    Text is always typed as text, so "=…", "+…", "-…", "@…" never become formulas. Returns a switch:
    set its one item to True to leave empty cells out of the rows appended after.
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
    skip_empty = [False]

    def values_to_row(values: Sequence[Any], row_idx: int) -> Any:
        for col_idx, value in enumerate(values, 1):
            if value is None and skip_empty[0]:
                continue
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
    return skip_empty


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
    return iso_utc(dt.datetime.now(dt.UTC))


def iso_utc(moment: dt.datetime) -> str:
    """``2021-09-20T07:05:00Z`` (a naive time is taken as UTC, as the workspace stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
