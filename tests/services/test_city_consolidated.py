"""The city's consolidated report of a period at real size: 30 districts and 126 wards and communes, one unit
missing and one late; each unit's figures from its package of exactly that period.

Every unit reports the hand-built workspace whose Q3 figures are worked out in ``test_period_figures.py``,
so the city's totals are those figures times the number of units that reported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kehoach_desktop import cli
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.report_data import flows_from_json, stocks_from_json
from kehoach_desktop.services import city_reports
from kehoach_desktop.services.session import open_workspace
from tests.exchange.pdf_readers import ink_in_margins, needs_readers, page_sizes, run, text
from tests.services.city_scale import PERIOD, ScaledCity, build_scaled_city
from tests.services.period_workspace import M
from tests.services.test_period_figures import FLOWS, STOCKS


@pytest.fixture(scope="module", params=[30, 126], ids=["30-districts", "126-wards"])
def scaled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaledCity]:
    built = build_scaled_city(tmp_path_factory.mktemp(f"city{request.param}"), request.param)
    try:
        yield built
    finally:
        built.city.close()


def dots(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def flat(value: str) -> str:
    return " ".join(value.split())


def test_each_unit_has_its_package_figures_and_the_totals_leave_the_missing_unit_out(scaled: ScaledCity) -> None:
    data = city_reports.get_city_data(uow_factory=scaled.city.uow_factory, period=PERIOD, today=scaled.city.today())
    count = len(scaled.template.reporting_units)
    assert len(data.units) == count
    by_code = {u.code: u for u in data.units}
    missing, late = by_code[scaled.missing], by_code[scaled.late]
    assert (missing.status, missing.flows, missing.stocks) == ("missing", None, None)
    assert late.status == "late" and late.flows == FLOWS[PERIOD]
    assert sum(1 for u in data.units if u.status == "reported") == count - 2
    for unit in data.units:
        if unit.status != "missing":
            assert (unit.flows, unit.stocks, unit.source) == (FLOWS[PERIOD], STOCKS[PERIOD], "package")
    reported = count - 1
    assert data.totals_flows.money_spent == reported * 18 * M
    assert data.totals_stocks.money_spent_to_date == reported * 28 * M
    assert data.totals_flows.materials_installed == reported * 102
    assert data.totals_stocks.tasks_done == reported * 2 and data.totals_stocks.tasks_total == reported * 5
    assert dict((code, (installed, standing)) for code, _l, installed, standing in data.material_types) == {
        "panel": (reported * 2, reported * 2), "poster": (reported * 100, reported * 100)}


@needs_readers
def test_cli_report_city_exits_0_and_prints_what_its_json_says(scaled: ScaledCity, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = scaled.city.path
    assert path is not None
    scaled.city.close()  # the command opens the workspace itself
    try:
        pdf, data_out = tmp_path / "city.pdf", tmp_path / "city.json"
        assert cli.main(["report", "city", "--workspace", str(path), "--period", PERIOD, "--out", str(pdf),
                         "--data-out", str(data_out)]) == cli.EXIT_OK
    finally:
        scaled.city = open_workspace(path)
    assert "kỳ báo cáo: quý III/2021" in capsys.readouterr().out  # the period in words, not its code
    data = json.loads(data_out.read_bytes())
    count = len(scaled.template.reporting_units)
    reported = count - 1
    assert (data["period"], data["as_of"], data["units_reported"], data["units_late"], data["units_missing"]) == (
        PERIOD, "2021-09-30", reported, 1, 1)
    statuses = {u["code"]: u["status"] for u in data["units"]}
    assert statuses[scaled.missing] == "missing" and statuses[scaled.late] == "late"
    assert next(u for u in data["units"] if u["code"] == scaled.missing)["flows"] is None
    assert flows_from_json(data["totals"]["flows"]).money_spent == sum(
        u["flows"]["money_spent"] for u in data["units"] if u["flows"])
    assert stocks_from_json(data["totals"]["stocks"]).money_spent_to_date == reported * 28 * M
    words = flat(text(pdf))
    missing_name = next(u.display_name for u in scaled.template.reporting_units if u.code == scaled.missing)
    late_name = next(u.display_name for u in scaled.template.reporting_units if u.code == scaled.late)
    for printed in (f"{reported}/{count} đơn vị đã gửi báo cáo ({reported - 1} đúng hạn, 1 nộp chậm); 1 đơn vị "
                    "chưa nộp báo cáo", f"Các đơn vị nộp báo cáo chậm: {late_name} (02/10/2021)",
                    f"kinh phí sử dụng {dots(reported * 18 * M)} đồng",
                    f"Tổng cộng ({reported} đơn vị đã báo cáo)", f"{reported * 2}/{reported * 5}",
                    "Chưa nộp", "Nộp chậm"):
        assert printed in words, printed
    assert missing_name in flat(text(pdf, 1, 8))  # section IV lists it
    sizes = page_sizes(pdf)
    appendix = [n for n, (w, h) in enumerate(sizes, start=1) if w > h]
    for number in appendix:  # the appendix tables repeat their header on every page
        page = flat(text(pdf, number, number))
        assert "Đơn vị" in page and ("Kinh phí lũy kế (đồng)" in page or "Chi tiết" in page), number
    assert ink_in_margins(pdf) == []
    assert run("qpdf", "--check", pdf).returncode == 0


@needs_readers
def test_the_units_chart_is_split_into_pages_that_fit(scaled: ScaledCity, tmp_path: Path) -> None:
    done = city_reports.generate_city_report(uow_factory=scaled.city.uow_factory, period=PERIOD,
                                             out=tmp_path / "c.pdf", today=scaled.city.today())
    words = flat(text(done.path))
    charts = words.count("Nhiệm vụ của các đơn vị đến hết kỳ")
    count = len(scaled.template.reporting_units)
    assert charts >= (1 if count <= 30 else 4)
    named = [u.display_name for u in scaled.template.reporting_units if u.code != scaled.missing]
    first_pages = flat(text(done.path, 2, 1 + charts))
    assert all(name in first_pages for name in named[:3] + named[-3:])  # whole names, on the chart pages


@needs_readers
def test_a_period_no_unit_reported_says_so_and_prints_no_figures(scaled: ScaledCity, tmp_path: Path) -> None:
    """Every package is of Q3: for the first half, every unit is missing and there is nothing to add up."""
    done = city_reports.generate_city_report(uow_factory=scaled.city.uow_factory, period="2021-H1",
                                             out=tmp_path / "h1.pdf", today=scaled.city.today())
    words = flat(text(done.path))
    count = len(scaled.template.reporting_units)
    assert f"0/{count} đơn vị đã gửi báo cáo (0 đúng hạn, 0 nộp chậm); {count} đơn vị chưa nộp báo cáo" in words
    assert "Chưa có đơn vị nào nộp báo cáo 6 tháng đầu năm 2021; chưa có số liệu để tổng hợp." in words
    assert "Trong kỳ, các đơn vị đã báo cáo" not in words and "Nhiệm vụ của các đơn vị đến hết kỳ" not in words
    assert "Tổng cộng (0 đơn vị đã báo cáo)" in words  # the appendix: every row "Chưa nộp", no figures
    assert ink_in_margins(done.path) == []


def test_a_period_not_begun_on_the_report_day_is_refused(scaled: ScaledCity, vietnamese: None) -> None:
    with pytest.raises(ValidationError, match=r"Kỳ quý III/2021 chưa bắt đầu \(bắt đầu từ ngày 01/07/2021\)"):
        city_reports.get_city_data(uow_factory=scaled.city.uow_factory, period=PERIOD, today=dt.date(2021, 6, 15))
