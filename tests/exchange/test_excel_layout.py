"""Row heights that fit wrapped text, measured where it shows: the workbook printed to PDF by LibreOffice.

Every material's content, address and notes, and every task's result, start and end with a marker word;
their lengths make cells of one to seven lines. In the PDF (``pdftotext -bbox``) the last line of every
cell must end above the first line of the next row: a row too short for its text either loses its last
lines (LibreOffice does not draw them) or lets them run into the next row. The same check on a copy with
one row made too short must find that row, so the check can fail.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from kehoach_desktop.exchange.excel_format import EVENTS_SHEET, FONT_NAME, MATERIALS_SHEET, TASKS_SHEET
from kehoach_desktop.exchange.excel_layout import TextFit, line_points
from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.session import new_demo_workspace
from kehoach_desktop.storage.models import Material, Task
from tests.exchange.pdf_readers import fonts, needs_readers, run
from tests.services.excel_support import header_columns, libreoffice_convert

SENTENCE = ("Tuyên truyền kỷ niệm ngày thành lập Đảng Cộng sản Việt Nam, chào mừng thành công Đại hội đại biểu "
            "toàn quốc lần thứ XIII của Đảng; bầu cử đại biểu Quốc hội khóa XV và đại biểu Hội đồng nhân dân các "
            "cấp nhiệm kỳ 2021 - 2026 trên các tuyến phố chính, khu dân cư và trụ sở Ủy ban nhân dân phường")
WORDS = SENTENCE.split(" ")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def marked(tag: str, length: int) -> str:
    """``K12A … K12Z``: Vietnamese words between two markers, ``length`` words in all."""
    body = " ".join(WORDS[(i * 7) % len(WORDS)] for i in range(length))
    return f"{tag}A {body} {tag}Z"


def page_words(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, every word as (top, bottom, text)."""
    out = run("pdftotext", "-bbox", "-enc", "UTF-8", pdf, "-").stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([(float(m[2]), float(m[4]), html.unescape(m[5])) for m in _WORD.finditer(page)])
    return pages


def cut_rows(pdf: Path, tags: list[list[str]]) -> list[str]:
    """The rows (``tags[i]``: the markers of row i's cells) whose text is cut or runs into the next row."""
    where: dict[str, tuple[int, float, float]] = {}
    for number, words in enumerate(page_words(pdf)):
        for top, bottom, text in words:
            where.setdefault(text, (number, top, bottom))
    problems = []
    for index, row in enumerate(tags):
        missing = [t for tag in row for t in (tag + "A", tag + "Z") if t not in where]
        if missing:
            problems.append(f"{row}: not printed {missing}")
            continue
        if index + 1 == len(tags):
            break
        page = where[row[0] + "A"][0]
        bottom = max(where[tag + "Z"][2] for tag in row)
        nxt = [where[tag + "A"] for tag in tags[index + 1] if tag + "A" in where]
        top = min((t for p, t, _b in nxt if p == page), default=None)
        if top is not None and bottom > top:
            problems.append(f"{row}: ends at {bottom:.1f}, the next row starts at {top:.1f}")
    return problems


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]], list[list[str]]]:
    folder = tmp_path_factory.mktemp("layout")
    session = new_demo_workspace(folder / "demo.khws")
    material_tags, task_tags = [], []
    try:
        with session.uow_factory() as uow:
            s = uow.session
            for i, material in enumerate(s.scalars(select(Material).order_by(Material.created_at, Material.id))):
                tags = [f"C{i}", f"D{i}", f"N{i}"]
                material.content = marked(tags[0], 3 + (i * 5) % 31)
                material.address = marked(tags[1], 2 + (i * 3) % 17)
                material.notes = marked(tags[2], 1 + (i * 11) % 23)
                material_tags.append(tags)
            for i, task in enumerate(s.scalars(select(Task))):
                task.result_text = marked(f"R{i}", 2 + (i * 7) % 37)
            uow.commit()
        out = folder / "tien-do.xlsx"
        export_progress_workbook(uow_factory=session.uow_factory, out=out, today=session.today())
    finally:
        session.close()
    sheet = openpyxl.load_workbook(out, read_only=True)[TASKS_SHEET.title]
    result = header_columns(openpyxl.load_workbook(out)[TASKS_SHEET.title])["Kết quả thực hiện"]
    for (value,) in sheet.iter_rows(min_row=3, min_col=result, max_col=result, values_only=True):
        task_tags.append([value.split(" ")[0][:-1]])
    return out, material_tags, task_tags


@needs_readers
def test_no_wrapped_line_is_cut_when_libreoffice_prints_the_workbook(workbook, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, material_tags, task_tags = workbook
    fit = TextFit()
    widths = {c.key: c.width for c in MATERIALS_SHEET.columns}
    counts = {fit.lines(marked(f"C{i}", 3 + (i * 5) % 31), widths["content"]) for i in range(200)}
    assert {1, 2, 3, 4} <= counts  # the third line, and more, are there to be cut
    pdf = libreoffice_convert(path, tmp_path / "pdf", "pdf")
    used = {name for name, _embedded in fonts(pdf)}
    assert any("LiberationSerif" in name for name in used), used  # Times New Roman's metric twin, not a guess
    # LibreOffice prints the sheets in order, one table after the other: the markers are unique words
    assert cut_rows(pdf, task_tags) == []
    assert cut_rows(pdf, material_tags) == []


@needs_readers
def test_the_check_finds_a_row_made_too_short(workbook, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, material_tags, _task_tags = workbook
    book = openpyxl.load_workbook(path)
    sheet = book[MATERIALS_SHEET.title]
    tallest = max(range(3, 203), key=lambda r: sheet.row_dimensions[r].height or 0)
    lines = round(sheet.row_dimensions[tallest].height / line_points())
    assert lines >= 3
    sheet.row_dimensions[tallest].height = line_points() * 2  # two lines for a cell of three or more
    short = tmp_path / "ngan.xlsx"
    book.save(short)
    pdf = libreoffice_convert(short, tmp_path / "pdf", "pdf")
    found = cut_rows(pdf, material_tags)
    assert [p.split(":")[0] for p in found] == [str(material_tags[tallest - 3])]


def test_the_workbook_is_set_in_times_new_roman_with_wrapped_themes_and_tolerant_lists(workbook) -> None:  # type: ignore[no-untyped-def]
    path, _m, _t = workbook
    book = openpyxl.load_workbook(path)
    assert book._fonts[0].name == FONT_NAME  # the default font: column widths are measured in it
    for spec, lists in ((MATERIALS_SHEET, 3), (EVENTS_SHEET, 3), (TASKS_SHEET, 1)):
        sheet = book[spec.title]
        columns = header_columns(sheet)
        theme = sheet.cell(row=3, column=columns["Chủ đề"])
        assert theme.alignment.wrap_text, spec.title
        if spec is not TASKS_SHEET:  # "1.1. Hoạt động lãnh đạo…" on two or three lines, not cut at 12
            assert sheet.column_dimensions[theme.column_letter].width >= 24, spec.title
        origin = sheet.column_dimensions[openpyxl.utils.get_column_letter(columns["Dữ liệu khi xuất (không sửa)"])]
        assert origin.hidden
        styles = defaultdict(set)
        for validation in sheet.data_validations.dataValidation:
            styles[validation.errorStyle].add(str(validation.sqref).split(":")[0])
        # type, theme, status (tasks: status): all warn, none stops a label typed without diacritics
        assert set(styles) == {"warning"} and len(styles["warning"]) == lists, (spec.title, styles)
        assert all(v.showErrorMessage for v in sheet.data_validations.dataValidation)
