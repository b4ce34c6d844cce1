"""The consolidated workbook of the city: one sheet per measure, one row per reporting unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_HEAD_FILL = PatternFill("solid", fgColor="1F2A37")
_HEAD_FONT = Font(bold=True, color="FFFFFF")
_TOTAL_FONT = Font(bold=True)


@dataclass(frozen=True)
class Measure:
    """One sheet: its title, its column titles (after the unit's code and name), and a row per unit."""

    sheet: str  # at most 31 characters
    columns: tuple[str, ...]
    rows: tuple[tuple[str, str, tuple[int | str | None, ...]], ...]  # (code, name, values)
    money: tuple[int, ...] = ()  # indexes of the columns that are VND
    total: bool = True  # add a total row (numbers only)


def _safe(value: int | str | None) -> int | str | None:
    """Text that a spreadsheet would take for a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_city_workbook(path: Path, measures: Sequence[Measure], *, title: str) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for measure in measures:
        sheet = workbook.create_sheet(measure.sheet[:31])
        sheet.append(["Mã", "Đơn vị", *measure.columns])
        for cell in sheet[1]:
            cell.fill, cell.font = _HEAD_FILL, _HEAD_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for code, name, values in measure.rows:
            sheet.append([code, _safe(name), *(_safe(v) for v in values)])
        if measure.total and measure.rows:
            totals: list[object] = ["", "Tổng cộng"]
            for index in range(len(measure.columns)):  # an empty cell (a unit without figures) adds nothing
                numbers = [v[index] for _c, _n, v in measure.rows if v[index] is not None]
                numeric = bool(numbers) and all(isinstance(n, int) for n in numbers)
                totals.append(sum(numbers) if numeric else "")  # type: ignore[arg-type]
            sheet.append(totals)
            for cell in sheet[sheet.max_row]:
                cell.font = _TOTAL_FONT
        for index in measure.money:
            letter = get_column_letter(index + 3)
            for row in range(2, sheet.max_row + 1):
                sheet[f"{letter}{row}"].number_format = "#,##0"
        sheet.freeze_panes = "C2"
        sheet.column_dimensions["A"].width = 8
        sheet.column_dimensions["B"].width = 24
        for index in range(len(measure.columns)):
            sheet.column_dimensions[get_column_letter(index + 3)].width = 16
    workbook.properties.title = title
    partial = path.with_name(path.name + ".partial")
    workbook.save(partial)
    partial.replace(path)
