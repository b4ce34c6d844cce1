"""The export of a view: header, formats, and text that looks like a formula kept as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from kehoach_desktop.exchange.excel_view import DATE, INTEGER, MONEY, ViewColumn, write_view


def test_a_view_is_written_with_formats_and_no_formula(tmp_path: Path) -> None:
    path = tmp_path / "view.xlsx"
    columns = [ViewColumn("Nội dung"), ViewColumn("Số lượng", INTEGER), ViewColumn("Ngày", DATE),
               ViewColumn("Kinh phí", MONEY)]
    rows = [["=SUM(A1:A3)", 10, dt.date(2021, 3, 5), 1_500_000], ["+84 912", 2, None, 0], ["@user", 1, None, 0],
            ["-giảm", 1, None, 0]]
    assert write_view(path, sheet_title="Sản phẩm: 2021", heading="Tuyên truyền cổ động trực quan", columns=columns,
                      rows=rows, totals=["Tổng", 14, None, 1_500_000]) == 4
    sheet = load_workbook(path).active
    assert sheet.title == "Sản phẩm  2021" and sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]] == ["Nội dung", "Số lượng", "Ngày", "Kinh phí"]
    assert sheet["A2"].font.bold
    assert [sheet.cell(row=r, column=1).value for r in range(3, 7)] == ["=SUM(A1:A3)", "+84 912", "@user", "-giảm"]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(3, 7))
    assert sheet["C3"].value == dt.datetime(2021, 3, 5) and sheet["C3"].number_format == "dd/mm/yyyy"
    assert sheet["D3"].value == 1_500_000 and "#,##0" in sheet["D3"].number_format
    assert sheet["B7"].value == 14 and sheet["B7"].font.bold
