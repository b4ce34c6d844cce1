"""The city's consolidated report (PDF, real readers, signed), its workbook, the reminders, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kehoach_desktop import cli
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.report_data import flows_json
from kehoach_desktop.services import city_reports, reports
from kehoach_desktop.services.deviations import budget_outliers, get_deviations
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
                     "3/30 đơn vị đã gửi báo cáo (2 đúng hạn, 1 nộp chậm)",
                     "Các đơn vị nộp báo cáo chậm: Huyện Ba Vì (02/04/2021)", "Quận Đống Đa",
                     "Tổng cộng (3 đơn vị đã báo cáo)", "DANH SÁCH ĐƠN VỊ CHƯA NỘP BÁO CÁO", "Quận Hoàn Kiếm",
                     "PHỤ LỤC I",
                     "Có 3 đơn vị đã gửi kế hoạch: chưa đủ 4 đơn vị để so sánh kinh phí giữa các đơn vị."):
        assert expected in words, expected
    # each district's row is its own Q1 report: the figures of its package, computed as of 31/03/2021
    data = city_reports.get_city_data(uow_factory=city.city.uow_factory, period=PERIOD, today=city.city.today())
    own = {code: json.loads(zipfile.ZipFile(city.packages[code]).read("data/report.json")) for code in DISTRICTS}
    for line in data.units:
        if line.code in DISTRICTS:
            assert flows_json(line.flows) == own[line.code]["flows"], line.code  # type: ignore[arg-type]
            assert line.as_of == dt.date(2021, 3, 31)
    done = sum(o["stocks"]["tasks_done"] for o in own.values())
    total = sum(o["stocks"]["tasks_total"] for o in own.values())
    assert f"{done}/{total}" in words


@needs_readers
def test_the_consolidated_pdf_is_signed_like_any_report(city: CityWithDistricts, tmp_path: Path) -> None:
    (tmp_path / "pki").mkdir()
    pki: Pki = make_pki(tmp_path / "pki", signer="Nguyễn Văn An", organisation="Sở TT&TT Hà Nội")
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
    assert book.sheetnames == ["Báo cáo", "Kế hoạch", "Nhiệm vụ", "Chỉ tiêu", "Sản phẩm trực quan", "Sự kiện",
                               "Kinh phí"]
    data = city_reports.get_city_data(uow_factory=city.city.uow_factory, period=PERIOD, today=city.city.today())
    rows = list(book["Sự kiện"].iter_rows(values_only=True))
    assert len(rows) == 1 + 30 + 1  # header, units, total
    by_code = {r[0]: r for r in rows[1:-1]}
    for line in data.units:
        if line.flows is None:
            assert by_code[line.code][2:] == (None,) * 6  # a unit that has not reported has no figures
            continue
        f, s = line.flows, line.stocks
        assert s is not None
        assert by_code[line.code][2:] == (f.events_held, f.event_participants, f.events_cost, s.events_held_to_date,
                                          s.event_participants_to_date, s.events_cost_to_date)
    assert rows[-1][3] == data.totals_flows.event_participants
    budget = list(book["Kinh phí"].iter_rows(values_only=True))
    assert budget[-1][2:5] == (data.totals_stocks.budget_planned, data.totals_flows.money_spent,
                               data.totals_stocks.money_spent_to_date)
    status = {r[0]: r[2] for r in book["Báo cáo"].iter_rows(min_row=2, values_only=True)}
    assert (status["006"], status["271"], status["002"]) == ("Đúng hạn", "Nộp chậm", "Chưa nộp")


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
    assert budget_outliers({"a": 1, "b": 2, "c": 3}) is None  # too few units to compare
    # four units a few per cent apart: none is far from the others (an interquartile range would flag one)
    assert budget_outliers({"a": 100_000, "b": 101_000, "c": 102_000, "d": 103_500}) == {}
    assert budget_outliers({"a": 100, "b": 110, "c": 120, "d": 130, "e": 1000}) == {"e": 115}
    assert budget_outliers({"a": 40, "b": 110, "c": 120, "d": 130, "e": 125}) == {"a": 122}  # less than half
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
