"""Helpers of the Excel workbook tests: a filled workspace, editing a workbook as a ward would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl

from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace


def demo(path: Path) -> WorkspaceSession:
    return new_demo_workspace(path)


def content_dump(session: WorkspaceSession) -> str:
    """The workspace without its audit trail, as canonical text."""
    data = dump_workspace(uow_factory=session.uow_factory)
    data.pop("audit", None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def header_columns(sheet: Any, header_row: int = 2) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[header_row] if cell.value}


def set_cells(path: Path, sheet_name: str, edits: dict[tuple[int, str], Any], out: Path | None = None) -> Path:
    """Set cells by (row, Vietnamese column title), as a ward would in Excel, and save."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[sheet_name]
    columns = header_columns(sheet)
    for (row, title), value in edits.items():
        sheet.cell(row=row, column=columns[title], value=value)
    target = out or path
    workbook.save(target)
    return target


def rows_by_id(path: Path, sheet_name: str) -> Iterator[tuple[int, str]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    for index, row in enumerate(workbook[sheet_name].iter_rows(min_row=3, max_col=1, values_only=True), start=3):
        if row[0]:
            yield index, row[0]
    workbook.close()


def largest_workspace(path: Path) -> Path:
    """A district workspace with 100,000 materials, the most one workbook holds (``MAX_DATA_ROWS``).

    The demo of the largest real district (10,000 materials) with every material copied nine times under a new id:
    building 100,000 through the services would take many minutes.
    """
    import sqlite3
    import uuid

    new_demo_workspace(path, scale=50).close()
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(materials)")]
        rows = connection.execute(f"SELECT {', '.join(columns)} FROM materials").fetchall()
        at = columns.index("id")
        copies = [tuple(str(uuid.uuid4()) if i == at else v for i, v in enumerate(row)) for row in rows
                  for _ in range(9)]
        connection.executemany(f"INSERT INTO materials ({', '.join(columns)}) VALUES "
                               f"({', '.join('?' * len(columns))})", copies)
    connection.close()
    return path
