"""A copy of a returned workbook with its problems marked, to send back to the unit that filled it in.

Each bad cell is highlighted (red: the row was not imported; amber: a note) and carries a
comment saying what was found and what is expected; each affected row gets the list of its
problems in a column added after the last one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from kehoach_desktop.exchange.excel_read import CellProblem
from kehoach_desktop.i18n import _

PROBLEMS_TITLE = "Lỗi cần sửa"  # the added column's title: data of the returned file, not an interface string
_BLOCKING_FILL = "FCA5A5"
_NOTE_FILL = "FDE68A"


def marked_copy_name(source: Path) -> str:
    return f"{source.stem}-can-sua{source.suffix or '.xlsx'}"


def _comment_text(problem: CellProblem) -> str:
    found = problem.found or _("(empty)")
    return _("Found: {found}\nExpected: {expected}").format(found=found, expected=problem.expected)


def write_marked_copy(source: Path, dest: Path, problems: Sequence[CellProblem],
                      header_rows: dict[str, int]) -> Path:
    """Write ``dest``: ``source`` with ``problems`` marked (``header_rows``: sheet name → its header row)."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = load_workbook(source)
    by_sheet: dict[str, list[CellProblem]] = defaultdict(list)
    for problem in problems:
        if problem.sheet in workbook.sheetnames:
            by_sheet[problem.sheet].append(problem)
    for name, found in by_sheet.items():
        sheet = workbook[name]
        header_row = header_rows.get(name, 1)
        notes_column = sheet.max_column + 1
        title = sheet.cell(row=header_row, column=notes_column, value=PROBLEMS_TITLE)
        title.font = Font(bold=True, color="FFFFFF")
        title.fill = PatternFill("solid", fgColor="B91C1C")
        title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[title.column_letter].width = 60
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
        for row, lines in per_row.items():
            cell = sheet.cell(row=row, column=notes_column, value="\n".join(lines))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(color="991B1B")
            cell.data_type = "s"
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    try:
        workbook.save(partial)
        partial.replace(dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dest
