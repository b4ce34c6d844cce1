"""A table as the user sees it, written to an Excel workbook: styled and frozen header,
real dates and numbers with their formats, and user text never taken for a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEXT, INTEGER, MONEY, DATE = "text", "integer", "money", "date"
DATE_FORMAT = "dd/mm/yyyy"
INTEGER_FORMAT = "#,##0"
MONEY_FORMAT = '#,##0" ₫"'
_FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class ViewColumn:
    title: str
    kind: str = TEXT  # TEXT, INTEGER, MONEY or DATE
    width: float = 16


def write_view(path: Path, *, sheet_title: str, heading: str, columns: Sequence[ViewColumn],
               rows: Iterable[Sequence[Any]], totals: Sequence[Any] | None = None) -> int:
    """Write ``rows`` under a heading line and a header row; returns the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(sheet_title))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A3"

    title_cell = WriteOnlyCell(sheet, value=heading)
    title_cell.font = Font(bold=True, size=13)
    title_cell.data_type = "s"
    sheet.append([title_cell])
    thin = Side(style="thin", color="9CA3AF")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.data_type = "s"
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F2A37")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        header.append(cell)
    sheet.append(header)

    count = 0
    for row in rows:
        sheet.append([_cell(sheet, WriteOnlyCell, column, value) for column, value in zip(columns, row, strict=True)])
        count += 1
    if totals is not None:
        cells = [_cell(sheet, WriteOnlyCell, column, value) for column, value in zip(columns, totals, strict=True)]
        for cell in cells:
            cell.font = Font(bold=True)
        sheet.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return count


def _cell(sheet: Any, cell_type: Any, column: ViewColumn, value: Any) -> Any:
    cell = cell_type(sheet, value=value)
    if value is None:
        return cell
    if column.kind == DATE and isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif column.kind == INTEGER and isinstance(value, int):
        cell.number_format = INTEGER_FORMAT
    elif column.kind == MONEY and isinstance(value, int):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # "=…", "+…", "-…", "@…" stay text, never a formula
    return cell


def _sheet_name(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]


def is_formula_like(text: str) -> bool:
    return text.startswith(_FORMULA_STARTS)
