"""At the real size: a city of Hanoi's 126 wards and communes, each with its signed package for 2026-Q1.

Import, board, review, reminders, the consolidated PDF and workbook — figures checked against sums
worked out by hand from what each ward's package holds (``ward_fixtures.new_ward``): 2 tasks with a
budget of 5 and 10 million đồng, materials of 10 + 20 + 30 items, one event held with 300 people.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kehoach_desktop.services import sync
from kehoach_desktop.services.city_board import get_completeness_board, units_to_remind
from kehoach_desktop.services.city_reports import export_city_workbook, generate_city_report, write_reminders
from kehoach_desktop.services.review import review_report
from kehoach_desktop.services.session import WorkspaceSession
from tests.services.ward_fixtures import PERIOD, TODAY, WARD, WardsCity, build_wards_city, import_all

UNITS = 126


@pytest.fixture(scope="module")
def wards(tmp_path_factory: pytest.TempPathFactory) -> WardsCity:
    return build_wards_city(tmp_path_factory.mktemp("wards"), UNITS)


@pytest.fixture(scope="module")
def city(wards: WardsCity) -> Iterator[WorkspaceSession]:
    session = import_all(wards)
    try:
        yield session
    finally:
        session.close()


def test_126_ward_packages_fill_the_board(wards: WardsCity, city: WorkspaceSession) -> None:
    assert len(wards.packages) == UNITS and len(set(wards.fingerprints.values())) == UNITS
    board = get_completeness_board(uow_factory=city.uow_factory, today=TODAY)
    assert len(board.rows) == UNITS and board.unit_term == "phường, xã"
    assert {row.cell(PERIOD).sequence for row in board.rows} == {1}
    assert sorted(board.kinds) == ["phường", "xã"]
    t = board.totals
    assert (t.tasks_total, t.budget_planned) == (UNITS * 2, UNITS * 15_000_000)
    assert (t.materials_total, t.materials_quantity, t.materials_cost) == (UNITS * 3, UNITS * 60, UNITS * 3_000_000)
    assert (t.events_total, t.events_held, t.participants) == (UNITS, UNITS, UNITS * 300)
    assert t.tasks_overdue == UNITS * 2  # due 20 March, not done by 10 April
    again = sync.import_package(uow_factory=city.uow_factory, path=wards.packages[WARD])
    assert not again.imported  # the same package twice changes nothing


def test_review_reminders_and_reports_at_126(wards: WardsCity, city: WorkspaceSession, tmp_path: Path) -> None:
    review_report(uow_factory=city.uow_factory, unit_code=WARD, period=PERIOD, decision="returned",
                  reason="Thiếu ảnh băng rôn", receipt_out=tmp_path / "r.khreceipt")
    review_report(uow_factory=city.uow_factory, unit_code="00004", period=PERIOD, decision="accepted")
    board = get_completeness_board(uow_factory=city.uow_factory, today=TODAY)
    assert [r.code for r in units_to_remind(board, PERIOD)] == [WARD]
    assert board.row("00004").cell(PERIOD).decision == "accepted"

    [letter] = write_reminders(uow_factory=city.uow_factory, period=PERIOD, folder=tmp_path / "letters", today=TODAY,
                               combined=True)
    text = " ".join(subprocess.run(["pdftotext", letter, "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "UBND phường Hoàn Kiếm" in text and "Thiếu ảnh băng rôn" in text

    report = generate_city_report(uow_factory=city.uow_factory, period=PERIOD, out=tmp_path / "city.pdf", today=TODAY)
    text = " ".join(subprocess.run(["pdftotext", tmp_path / "city.pdf", "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "tổng hợp báo cáo của 126 phường, xã quý I/2026" in text
    assert "126/126 đơn vị đã gửi báo cáo" not in text  # the returned one does not count as sent
    charts = re.findall(r"Nhiệm vụ của các đơn vị đến hết kỳ \((\d+)/(\d+)\)", text)
    assert len(charts) >= 4 and charts[-1][0] == charts[-1][1]  # the chart of 125 units is split over pages
    fonts = subprocess.run(["pdffonts", tmp_path / "city.pdf"], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())  # all embedded
    assert report.pages > 5

    export_city_workbook(uow_factory=city.uow_factory, period=PERIOD, out=tmp_path / "city.xlsx", today=TODAY)
    sheet = load_workbook(tmp_path / "city.xlsx", read_only=True)["Sự kiện"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).isdigit()]
    # participants in the period; the returned ward has no figures (its report is not counted)
    assert len(rows) == UNITS and sum(row[3] or 0 for row in rows) == (UNITS - 1) * 300
