"""Workbooks already in circulation keep working: a workbook exported by version 0.1.0, with its old
sheet name, column titles and drop-down labels ("Ấn phẩm trực quan", "Cập nhật ngày", "Hoãn"…),
filled in by a ward, is imported by the current version into the workspace it came from.

The fixture and how it was made: ``tests/fixtures/excel/README.md``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kehoach_desktop.domain.text import fold
from kehoach_desktop.exchange.excel_format import (
    LEGACY_HEADERS,
    LEGACY_LABELS,
    LEGACY_SHEET_TITLES,
    SHEETS,
    choice_lookup,
    header_key,
    header_lookup,
    sheet_for_name,
)
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.session import open_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OLD_WORKBOOK = FIXTURES / "excel" / "tien-do-2021-phuong-lien-v0.1.0.xlsx"
WORKSPACE = FIXTURES / "workspaces" / "v0002.khws"  # the workspace the workbook was exported from

TASK = "d45c170d-a7f5-4e09-938a-a95d4806eabf"
MATERIAL = "f8caa78c-ae4c-447a-b6c0-a4af155cbe32"
EVENT = "73f0e5b7-4dea-47b8-9130-18f30c9af6b5"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "quan.khws"
    shutil.copyfile(WORKSPACE, path)
    open_workspace(path).close()  # the new version opens it once (migrated after a backup), as the officer's would
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kehoach_desktop", "--lang", "vi", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def test_the_fixture_speaks_the_old_words() -> None:
    """The fixture really is an old workbook: its sheet and headers are those of version 0.1.0."""
    book = openpyxl.load_workbook(OLD_WORKBOOK, read_only=True)
    try:
        assert book.sheetnames[:3] == ["Nhiệm vụ", "Ấn phẩm trực quan", "Sự kiện"]
        headers = {name: [c.value for c in next(book[name].iter_rows(min_row=2, max_row=2))]
                   for name in book.sheetnames[:3]}
    finally:
        book.close()
    assert "Cập nhật ngày" in headers["Nhiệm vụ"] and "Kinh phí giao (đồng)" in headers["Nhiệm vụ"]
    assert "Số người tham dự" in headers["Sự kiện"] and "Kinh phí dự kiến (đồng)" in headers["Sự kiện"]


def test_a_workbook_of_version_0_1_0_is_imported_with_its_old_headers_and_labels(workspace: Path,
                                                                                  tmp_path: Path) -> None:
    returned = tmp_path / OLD_WORKBOOK.name
    shutil.copyfile(OLD_WORKBOOK, returned)

    preview = run_cli("excel", "import", "--workspace", str(workspace), "--dry-run", str(returned))
    assert preview.returncode == 0, preview.stderr
    # every old column was recognised (none reported missing), every old label understood: the one note says the
    # rows were checked against the ward's records of today (version 0.1.0 did not seal its list of records)
    assert "3 mục thay đổi, 2 mục mới, thiếu 0 dòng" in preview.stdout, preview.stdout
    assert "được xuất từ phiên bản trước, nên các dòng được đối chiếu với các mục hiện có của UBND phường " \
           "Phương Liên" in " ".join(preview.stdout.split()), preview.stdout
    assert "Trang tính “Ấn phẩm trực quan”" in preview.stdout  # the sheet is named as the file names it

    applied = run_cli("excel", "import", "--workspace", str(workspace), str(returned))
    assert applied.returncode == 0, applied.stderr
    assert "Đã áp dụng: cập nhật 3 mục, tạo mới 2 mục, từ 1 tệp." in applied.stdout

    session = open_workspace(workspace)
    try:
        data = dump_workspace(uow_factory=session.uow_factory)
    finally:
        session.close()
    tasks = by_id([task for plan in data["plans"] for task in plan["tasks"]])
    materials, events = by_id(data["materials"]), by_id(data["events"])

    # "Kinh phí đã sử dụng (đồng)", "Kết quả thực hiện" and the old "Cập nhật ngày" of a task
    assert tasks[TASK]["spent"] == 56_200_000
    assert tasks[TASK]["result_text"] == "Đã treo 40 băng rôn và 120 cờ trên các tuyến phố chính."
    assert tasks[TASK]["progress_updated_on"] == "2021-09-18"
    # a material produced, on the old sheet "Ấn phẩm trực quan"
    assert (materials[MATERIAL]["status"], materials[MATERIAL]["produced_on"]) == ("produced", "2021-09-15")
    # a new material of the old type "Ấn phẩm khác", its cost in the old column "Kinh phí (đồng)"
    new_material = next(m for m in data["materials"] if m["content"].startswith("Bảng tin điện tử"))
    assert (new_material["type"], new_material["status"], new_material["quantity"]) == ("other", "planned", 2)
    assert (new_material["cost"], new_material["planned_on"]) == (12_000_000, "2021-10-01")
    # the old "Số người tham dự" of an event
    assert (events[EVENT]["actual_participants"], events[EVENT]["actual_cost"]) == (520, 39_000_000)
    # a new event of the old type "Sự kiện văn hóa", status "Hoãn", budget in "Kinh phí dự kiến (đồng)"
    new_event = next(e for e in data["events"] if e["title"].startswith("Hội diễn văn nghệ"))
    assert (new_event["type"], new_event["status"], new_event["starts_on"]) == ("cultural", "postponed",
                                                                              "2021-10-09")
    assert (new_event["expected_participants"], new_event["budget"]) == (300, 20_000_000)


def test_a_new_export_writes_the_new_words_and_reads_back(workspace: Path, tmp_path: Path) -> None:
    session = open_workspace(workspace)
    try:
        out = tmp_path / "moi.xlsx"
        export_progress_workbook(uow_factory=session.uow_factory, out=out, today=dt.date(2021, 9, 20))
    finally:
        session.close()
    book = openpyxl.load_workbook(out)
    try:
        assert book.sheetnames[:3] == ["Nhiệm vụ", "Tuyên truyền cổ động trực quan", "Sự kiện"]
        for spec in SHEETS.values():
            headers = [c.value for c in book[spec.title][2]]
            assert headers == [c.title for c in spec.columns]
            old = set(LEGACY_HEADERS.get(spec.key, {})) - {c.title for c in spec.columns}
            assert not old & set(headers)
        lists = book["_lists"]
        written = {cell.value for column in lists.iter_cols(min_row=2) for cell in column if cell.value}
    finally:
        book.close()
    assert {"Chưa triển khai", "Sản phẩm khác", "Hoạt động văn hóa", "Đã hoãn"} <= written
    assert not {label for labels in LEGACY_LABELS.values() for label in labels} & written


def test_old_and_new_words_lead_to_the_same_columns_and_codes() -> None:
    for key, titles in LEGACY_SHEET_TITLES.items():
        for title in titles:
            assert sheet_for_name(title) is SHEETS[key]
            assert sheet_for_name(title.upper()) is SHEETS[key]
    for key, headers in LEGACY_HEADERS.items():
        lookup = header_lookup(SHEETS[key])
        for old, column in headers.items():
            assert lookup[header_key(old)] == column, old
            # no current title of another column reads the same as an old title
            assert all(header_key(c.title) != header_key(old) for c in SHEETS[key].columns if c.key != column)
    for list_key, labels in LEGACY_LABELS.items():
        lookup = choice_lookup(list_key)
        for old, code in labels.items():
            assert lookup[fold(old)] == code
            assert lookup[fold(old.upper())] == code


def test_the_glossary_lists_every_old_word_the_importer_accepts() -> None:
    glossary = (Path(__file__).resolve().parents[2] / "docs" / "glossary.md").read_text(encoding="utf-8")
    listed = " ".join(glossary.split("## Excel workbooks in circulation", 1)[1].split())
    old = [*(t for titles in LEGACY_SHEET_TITLES.values() for t in titles),
           *(h for headers in LEGACY_HEADERS.values() for h in headers),
           *(label for labels in LEGACY_LABELS.values() for label in labels)]
    assert [word for word in old if f'"{word}"' not in listed] == []
