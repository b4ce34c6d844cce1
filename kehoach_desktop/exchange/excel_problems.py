"""A copy of a returned workbook with its problems marked, to send back to the unit that filled it in.

Each bad cell is highlighted (red: the row was not imported; amber: a note, such as a read-only cell typed
over) and carries a comment saying what was found and what is expected; each affected row gets the list
of its problems in a column added after the last one. The rows that become new records get their new id
in column A (pale green, with a comment) and their token and values in the hidden origin cell, so that
the corrected copy updates those records when it comes back. The print area takes in column A and the
problems column, and rows grow to fit the problems' text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kehoach_desktop.exchange.excel_format import FONT_NAME, FONT_SIZE, header_key, header_lookup, sheet_for_name
from kehoach_desktop.exchange.excel_layout import TextFit, row_points
from kehoach_desktop.exchange.excel_read import CellProblem
from kehoach_desktop.i18n import _

PROBLEMS_TITLE = "Lỗi cần sửa"  # the added column's title: data of the returned file, not an interface string
PROBLEMS_WIDTH = 60
_BLOCKING_FILL = "FCA5A5"
_NOTE_FILL = "FDE68A"
_NEW_FILL = "BBF7D0"


@dataclass(frozen=True)
class CreatedRowMark:
    """A row that the import turns into a new record: where it is, the id it gets, its new origin cell."""

    sheet: str
    row: int
    record_id: str
    origin: str


def marked_copy_name(source: Path) -> str:
    return f"{source.stem}-can-sua{source.suffix or '.xlsx'}"


def _comment_text(problem: CellProblem) -> str:
    if not problem.found and not problem.letter and not problem.column:  # a sentence of its own
        return problem.expected[:1].upper() + problem.expected[1:]
    found = problem.found or _("(empty)")
    return _("Found: {found}\nExpected: {expected}").format(found=found, expected=problem.expected)


def write_marked_copy(source: Path, dest: Path, problems: Sequence[CellProblem], header_rows: dict[str, int],
                      created: Sequence[CreatedRowMark] = ()) -> Path:
    """Write ``dest``: ``source`` with ``problems`` marked (``header_rows``: sheet name → its header row)."""
    from openpyxl import load_workbook

    workbook = load_workbook(source)
    by_sheet: dict[str, list[CellProblem]] = defaultdict(list)
    for problem in problems:
        if problem.sheet in workbook.sheetnames:
            by_sheet[problem.sheet].append(problem)
    new_rows: dict[str, list[CreatedRowMark]] = defaultdict(list)
    for mark in created:
        if mark.sheet in workbook.sheetnames:
            new_rows[mark.sheet].append(mark)
    for name in sorted(set(by_sheet) | set(new_rows), key=workbook.sheetnames.index):
        sheet = workbook[name]
        header_row = header_rows.get(name, 1)
        columns = _columns(sheet, header_row)
        _mark_new_rows(sheet, new_rows.get(name, []), columns)
        if by_sheet.get(name):
            _mark_problems(sheet, by_sheet[name], header_row, _last_filled_row(sheet, columns.get("origin")))
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    try:
        workbook.save(partial)
        partial.replace(dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dest


def _columns(sheet: Any, header_row: int) -> dict[str, int]:
    """Column key → column number, found by the header titles (one lookup for the whole format)."""
    spec = sheet_for_name(sheet.title)
    if spec is None:
        return {}
    lookup = header_lookup(spec)
    found: dict[str, int] = {}
    for cell in sheet[header_row]:
        if isinstance(cell.value, str):
            key = lookup.get(header_key(cell.value))
            if key is not None:
                found.setdefault(key, cell.column)
    return found


def _mark_new_rows(sheet: Any, marks: Sequence[CreatedRowMark], columns: dict[str, int]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    if "id" not in columns:
        return
    note = _("The code of the new record made from this row. Keep it: when the file comes back, the row "
             "updates that record instead of adding it again.")
    for mark in marks:
        cell = sheet.cell(row=mark.row, column=columns["id"], value=mark.record_id)
        cell.fill = PatternFill("solid", fgColor=_NEW_FILL)
        comment = Comment(note, "Kế hoạch Desktop")
        comment.width, comment.height = 320, 90
        cell.comment = comment
        if "origin" in columns:
            origin = sheet.cell(row=mark.row, column=columns["origin"], value=mark.origin)
            origin.data_type = "s"


def _last_filled_row(sheet: Any, origin_column: int | None) -> int:
    """The last row with something typed in (the prepared empty rows below hold only their origin cell)."""
    for row in range(sheet.max_row, 0, -1):
        if any(cell.value not in (None, "") for cell in sheet[row] if cell.column != origin_column):
            return row
    return 1


def _mark_problems(sheet: Any, found: Sequence[CellProblem], header_row: int, last_row: int) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    notes_column = sheet.max_column + 1
    title = sheet.cell(row=header_row, column=notes_column, value=PROBLEMS_TITLE)
    title.font = Font(name=FONT_NAME, sz=FONT_SIZE, bold=True, color="FFFFFF")
    title.fill = PatternFill("solid", fgColor="B91C1C")
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.column_dimensions[title.column_letter].width = PROBLEMS_WIDTH
    sheet.column_dimensions[title.column_letter].hidden = False
    per_row: dict[int, list[str]] = defaultdict(list)
    for problem in found:
        row = problem.row or header_row
        text = _comment_text(problem)
        if problem.letter and ":" not in problem.letter:
            cell = sheet[f"{problem.letter}{row}"]
            if type(cell).__name__ != "MergedCell":
                cell.fill = PatternFill("solid", fgColor=_BLOCKING_FILL if problem.blocking else _NOTE_FILL)
                previous = cell.comment.text + "\n\n" if cell.comment is not None else ""
                comment = Comment(previous + text, "Kế hoạch Desktop")
                comment.width, comment.height = 320, 120
                cell.comment = comment
        where = f"{problem.column}: " if problem.column else ""
        per_row[row].append(where + text.replace("\n", " — "))
    fit = TextFit()
    for row, lines in per_row.items():
        text = "\n".join(lines)
        cell = sheet.cell(row=row, column=notes_column, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(name=FONT_NAME, sz=FONT_SIZE, color="991B1B")
        cell.data_type = "s"
        if row != header_row:
            height = row_points(fit.lines(text, PROBLEMS_WIDTH))
            dimension = sheet.row_dimensions[row]
            dimension.height = max(dimension.height or 0, height)
    # the print area takes in column A (problems are marked there too) and the problems column
    sheet.print_area = f"A1:{title.column_letter}{max(last_row, header_row + 1)}"
