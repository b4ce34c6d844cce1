"""The city's consolidated report (PDF, real readers, signed), its workbook, the reminders, the CLI."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kehoach_desktop import cli
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.services import city_reports, reports
from kehoach_desktop.services.city_board import get_completeness_board
from kehoach_desktop.services.deviations import budget_bounds, get_deviations
from tests.exchange.certs import Pki, make_pki
from tests.exchange.pdf_readers import fonts, needs_readers, run, text
from tests.services.city_fixtures import DISTRICTS, PERIOD, CityWithDistricts, build_city, set_received_on


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CityWithDistricts]:
    built = build_city(tmp_path_factory.mktemp("city"))
    set_received_on(built.city, dt.date(2021, 3, 20))
    set_received_on(built.city, dt.date(2021, 4, 2), "271")
    try:
        yield built
    finally:
        built.city.close()


@needs_readers
def test_the_consolidated_pdf_passes_the_real_readers_and_says_who_has_not_reported(
        city: CityWithDistricts, tmp_path: Path) -> None:
    out = tmp_path / "city.pdf"
    done = city_reports.generate_city_report(uow_factory=city.city.uow_factory, period=PERIOD, out=out,
                                             today=city.city.today(),
                                             options=city_reports.CityDocumentOptions(number="07"))
    assert done.pages >= 3 and not done.signed
    assert all(embedded for _name, embedded in fonts(out)) and fonts(out)
    assert run("qpdf", "--check", out).returncode == 0
    words = " ".join(text(out).split())
    for expected in ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 07/BC-STTTT", "BÁO CÁO", "quý I/2021",
                     "Kính gửi: Ủy ban nhân dân Thành phố Hà Nội",
                     "3/30 đơn vị đã gửi báo cáo (2 đúng hạn, 1 nộp chậm)", "Quận Đống Đa", "Huyện Ba Vì",
                     "Toàn Thành phố", "DANH SÁCH ĐƠN VỊ CHƯA NỘP BÁO CÁO", "Quận Hoàn Kiếm", "PHỤ LỤC I"):
        assert expected in words, expected
    board = get_completeness_board(uow_factory=city.city.uow_factory, today=city.city.today())
    total = f"{board.totals.tasks_done}/{board.totals.tasks_total}"
    assert total in words


@needs_readers
def test_the_consolidated_pdf_is_signed_like_any_report(city: CityWithDistricts, tmp_path: Path) -> None:
    (tmp_path / "pki").mkdir()
    pki: Pki = make_pki(tmp_path / "pki")
    out = tmp_path / "signed.pdf"
    done = city_reports.generate_city_report(
        uow_factory=city.city.uow_factory, period=PERIOD, out=out, today=city.city.today(),
        credentials=reports.P12Credentials(pki.signer_p12, pki.password))
    assert done.signed
    pdfsig = run("pdfsig", out)
    assert pdfsig.returncode == 0 and "Signature is Valid." in pdfsig.stdout, pdfsig.stdout + pdfsig.stderr


def test_the_workbook_has_one_sheet_per_measure_and_one_row_per_unit(city: CityWithDistricts,
                                                                     tmp_path: Path) -> None:
    out = city_reports.export_city_workbook(uow_factory=city.city.uow_factory, period=PERIOD,
                                            out=tmp_path / "city.xlsx", today=city.city.today())
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["Báo cáo", "Kế hoạch", "Nhiệm vụ", "Chỉ tiêu", "Sản phẩm theo loại",
                               "Sản phẩm theo trạng thái", "Sự kiện", "Kinh phí"]
    board = get_completeness_board(uow_factory=city.city.uow_factory, today=city.city.today())
    rows = list(book["Sự kiện"].iter_rows(values_only=True))
    assert len(rows) == 1 + 30 + 1  # header, units, total
    by_code = {r[0]: r for r in rows[1:-1]}
    for code in DISTRICTS:
        f = board.row(code).figures
        assert by_code[code][2:6] == (f.events_total, f.events_held, f.participants, f.events_cost)
    assert rows[-1][4] == board.totals.participants
    budget = list(book["Kinh phí"].iter_rows(values_only=True))
    assert budget[-1][2:4] == (board.totals.budget_planned, board.totals.budget_spent)


@needs_readers
def test_reminders_one_per_unit_or_one_to_all(city: CityWithDistricts, tmp_path: Path) -> None:
    today = dt.date(2021, 9, 20)
    each = city_reports.write_reminders(uow_factory=city.city.uow_factory, period=PERIOD, folder=tmp_path / "each",
                                        today=today, combined=False)
    assert len(each) == 27 and not any(p.name.endswith(f"-{code}.pdf") for p in each for code in DISTRICTS)
    [one] = city_reports.write_reminders(uow_factory=city.city.uow_factory, period=PERIOD, folder=tmp_path / "all",
                                         today=today, combined=True)
    words = " ".join(text(one).split())
    assert "V/v đôn đốc gửi báo cáo" in words and "UBND quận Hoàn Kiếm" in words and "Số:" in words
    assert "UBND quận Đống Đa" not in words
    assert all(embedded for _name, embedded in fonts(one))
    with pytest.raises(ValidationError):
        city_reports.generate_city_report(uow_factory=city.city.uow_factory, period="2021-Q2",
                                          out=tmp_path / "x.pdf", today=today)


def test_deviations_flag_budgets_far_from_peers_and_unused_forms(city: CityWithDistricts) -> None:
    assert budget_bounds([1, 2, 3]) is None
    low, high = budget_bounds([100, 110, 120, 130, 1000])  # type: ignore[misc]
    assert low <= 100 and high < 1000
    found = {u.unit_code: u for u in get_deviations(uow_factory=city.city.uow_factory)}
    assert set(found) == set(DISTRICTS)
    assert all(d.kind != "locked_text" for u in found.values() for d in u.deviations)


def test_cli_city_report_and_workbook(city: CityWithDistricts, tmp_path: Path) -> None:
    path = city.city.path
    city.city.close()  # the CLI opens the workspace itself (one instance per workspace)
    try:
        assert cli.main(["report", "city", "--workspace", str(path), "--out", str(tmp_path / "c.pdf"),
                         "--period", PERIOD]) == cli.EXIT_OK
        assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
        assert cli.main(["excel", "export-city", "--workspace", str(path), "--out", str(tmp_path / "c.xlsx"),
                         "--period", PERIOD]) == cli.EXIT_OK
        assert cli.main(["report", "city", "--workspace", str(path), "--out", str(tmp_path / "d.pdf")]) \
            == cli.EXIT_REFUSED
        assert cli.main(["template", "export", "--workspace", str(path), "--out",
                         str(tmp_path / "t.khtemplate")]) == cli.EXIT_OK
    finally:
        from kehoach_desktop.services.session import open_workspace

        city.city = open_workspace(path)
    assert os.path.exists(tmp_path / "t.khtemplate")
