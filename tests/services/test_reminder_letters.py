"""Reminder letters from the command line: numbered through the register, one unit or several (wording to
match), "Lưu" naming the symbol's drafting unit, signed like the reports; and the city report's appendices,
attached to the report by its number and date and numbered on their own."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kehoach_desktop import cli
from kehoach_desktop.domain.periods import parse_period
from kehoach_desktop.services import city_reports
from kehoach_desktop.services.city_reports import CityDocumentOptions, drafting_unit
from kehoach_desktop.services.documents import list_register
from kehoach_desktop.services.session import open_workspace
from tests.exchange.certs import make_pki
from tests.exchange.pdf_readers import needs_readers, run, text
from tests.services.city_fixtures import PERIOD, CityWithDistricts, build_city

pytestmark = needs_readers


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CityWithDistricts]:
    built = build_city(tmp_path_factory.mktemp("city"))
    built.city.close()  # the command line opens the workspace itself
    yield built


def words(path: Path) -> str:
    return " ".join(text(path).split())


def kehoach(*args: object) -> int:
    return cli.main([str(a) for a in args])


def test_drafting_unit_follows_the_symbol() -> None:
    assert drafting_unit("STTTT-TTCS", "STTTT") == "TTCS"
    assert drafting_unit("BC-STTTT-TTBC", "STTTT") == "TTBC"
    assert drafting_unit("STTTT", "STTTT") == ""


def test_reminders_are_numbered_worded_for_one_or_several_and_signed(city: CityWithDistricts, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = city.city.path
    one = tmp_path / "one.pdf"
    assert kehoach("report", "reminders", "--workspace", path, "--period", PERIOD, "--out", one,
                   "--unit", "002") == cli.EXIT_OK
    content = words(one)
    assert "Số: 01/STTTT-TTCS" in content
    assert "Kính gửi: UBND quận Hoàn Kiếm." in content
    assert f"Theo kế hoạch, đơn vị gửi báo cáo {parse_period(PERIOD).vietnamese} về" in content
    assert "chưa nhận được báo cáo của UBND quận Hoàn Kiếm:" in content
    assert "đề nghị UBND quận Hoàn Kiếm khẩn trương" in content
    assert "các đơn vị" not in content and "- Lưu: VT, TTCS." in content and "DỰ THẢO" not in content

    # a unit that has reported needs no reminder: refused, and no number is used
    assert kehoach("report", "reminders", "--workspace", path, "--period", PERIOD, "--out", tmp_path / "x.pdf",
                   "--unit", "001") == cli.EXIT_REFUSED
    assert not (tmp_path / "x.pdf").exists()
    # a wrong password: nothing written, no number used
    (tmp_path / "pki").mkdir()
    pki = make_pki(tmp_path / "pki", signer="Nguyễn Văn An", organisation="Sở Thông tin và Truyền thông")
    signed = tmp_path / "all.pdf"
    env = {"KH_TEST_PASSWORD": "sai"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        assert kehoach("report", "reminders", "--workspace", path, "--period", PERIOD, "--out", signed,
                       "--sign-p12", pki.signer_p12, "--password-env", "KH_TEST_PASSWORD") != cli.EXIT_OK
        assert not signed.exists()
        patch.setenv("KH_TEST_PASSWORD", pki.password)
        assert kehoach("report", "reminders", "--workspace", path, "--period", PERIOD, "--out", signed,
                       "--sign-p12", pki.signer_p12, "--password-env", "KH_TEST_PASSWORD") == cli.EXIT_OK
    content = words(signed)
    late = 30 - 3  # the template's 30 units, three of which reported
    assert "Số: 02/STTTT-TTCS" in content and "đầy đủ báo cáo của các đơn vị sau:" in content
    assert "đề nghị các đơn vị khẩn trương" in content and content.count("- UBND ") == late
    pdfsig = run("pdfsig", signed)
    assert pdfsig.returncode == 0 and "Signature is Valid." in pdfsig.stdout, pdfsig.stdout + pdfsig.stderr

    assert kehoach("report", "register", "--workspace", path, "--year", "2021") == cli.EXIT_OK
    listed = capsys.readouterr().out.splitlines()[-2:]
    assert [line.split("\t")[:4] for line in listed] == [
        ["01/STTTT-TTCS", "20/09/2021", "Công văn đôn đốc", "quý I/2021"],
        ["02/STTTT-TTCS", "20/09/2021", "Công văn đôn đốc", "quý I/2021"]]
    session = open_workspace(path)
    try:
        register = list_register(uow_factory=session.uow_factory)
    finally:
        session.close()
    assert [(e.kind, e.number_symbol, e.period) for e in register] == [
        ("reminder", "01/STTTT-TTCS", PERIOD), ("reminder", "02/STTTT-TTCS", PERIOD)]
    assert register[0].recipient == "UBND quận Hoàn Kiếm"
    assert register[1].recipients == ("Như trên;", "Lưu: VT, TTCS.")


def test_the_city_reports_appendices_name_the_report_and_count_their_own_pages(city: CityWithDistricts,
                                                                                tmp_path: Path) -> None:
    session = open_workspace(city.city.path)
    out = tmp_path / "city.pdf"
    try:
        city_reports.generate_city_report(
            uow_factory=session.uow_factory, period=PERIOD, out=out, today=session.today(),
            options=CityDocumentOptions(number="12", date=dt.date(2021, 4, 10)))
    finally:
        session.close()
    pages = int(next(line.split()[-1] for line in run("pdfinfo", out).stdout.splitlines()
                     if line.startswith("Pages:")))
    tops = []
    for page in range(1, pages + 1):
        lines = [line.strip() for line in subprocess.run(
            ["pdftotext", "-layout", "-f", str(page), "-l", str(page), out, "-"], capture_output=True, text=True,
            check=True).stdout.splitlines() if line.strip()]
        tops.append(lines[0])
    first_i = next(i for i, top in enumerate(tops) if top == "PHỤ LỤC I")
    first_ii = next(i for i, top in enumerate(tops) if top == "PHỤ LỤC II")
    assert tops[1:first_i] == [str(n) for n in range(2, first_i + 1)]  # the report: 2, 3, …
    assert tops[first_i + 1:first_ii] == [str(n) for n in range(2, first_ii - first_i + 1)]  # appendix I from 2
    assert all(not top.isdigit() for top in tops[first_ii:first_ii + 1])  # appendix II starts again, unnumbered
    content = words(out)
    assert content.count("(Kèm theo Báo cáo số 12/BC-STTTT ngày 10/04/2021)") == 2
