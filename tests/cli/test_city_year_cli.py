"""The city's 2026, from the command line: a template of the 126 wards and communes, a ward's package,
its return with a reason that reaches the ward, reminders and the consolidated report — and 2021 as before."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.test_cli import assert_clean_refusal, kehoach

REASON = "Thiếu kết quả tuyên truyền trực quan quý I"


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def fingerprint_in(text: str) -> str:
    match = re.search(r"((?:[0-9A-F]{4} ){7}[0-9A-F]{4})", text)
    assert match, text
    return match.group(1)


def test_the_city_s_2026_end_to_end_from_the_command_line(tmp_path: Path) -> None:
    city, ward = tmp_path / "city.khws", tmp_path / "ward.khws"
    ok(kehoach("init", "--workspace", city, "--city", "--signer-name", "Lê Văn Bình", "--signer-title", "Giám đốc"))
    made = ok(kehoach("template", "new-year", "--workspace", city, "--year", "2026", "--units", "official-2025"))
    assert "hanoi-2026" in made and "126" in made
    listed = ok(kehoach("template", "list", "--workspace", city)).splitlines()
    assert [line.split("\t")[0] for line in listed] == ["  hanoi-2021", "* hanoi-2026"]
    city_key = fingerprint_in(ok(kehoach("template", "export", "--workspace", city, "--out",
                                         tmp_path / "hanoi-2026.khtemplate")))

    # the ward starts from the city's template package; --district stays an alias of --unit
    created = ok(kehoach("init", "--workspace", ward, "--district", "00070", "--template",
                         tmp_path / "hanoi-2026.khtemplate", "--signer-name", "Trần Thị Hoa",
                         "--signer-title", "Phó Chủ tịch"))
    assert "Phường Hoàn Kiếm".lower() in created.lower() and city_key in created
    ward_key = fingerprint_in(created.split(city_key)[-1])
    dump = json.loads(ok(kehoach("dump", "--workspace", ward)))
    assert dump["workspace"]["template_code"] == "hanoi-2026"
    assert "Thường trực Đảng ủy phường;" in dump["plans"][0]["recipients"]

    refused = kehoach("package", "export", "--workspace", ward, "--out", tmp_path / "x.khsync", "--period", "2099")
    assert_clean_refusal(refused)
    assert "2099" in refused.stderr and "2026-Q1" in refused.stderr and not (tmp_path / "x.khsync").exists()
    ok(kehoach("package", "export", "--workspace", ward, "--out", tmp_path / "w.khsync", "--period", "2026-Q1"))

    imported = ok(kehoach("package", "import", "--workspace", city, "--trust-new-keys", tmp_path / "w.khsync"))
    assert "00070" in imported and ward_key in imported  # the key accepted, with its fingerprint

    assert_clean_refusal(kehoach("review", "return", "--workspace", city, "--unit", "00070", "--period", "2026-Q1"))
    assert_clean_refusal(kehoach("review", "accept", "--workspace", city, "--unit", "00004", "--period", "2026-Q1"))
    ok(kehoach("review", "return", "--workspace", city, "--unit", "00070", "--period", "2026-Q1", "--reason", REASON,
               "--receipt-out", tmp_path / "r.khreceipt"))
    ok(kehoach("package", "import", "--workspace", ward, tmp_path / "r.khreceipt"))
    dump = json.loads(ok(kehoach("dump", "--workspace", ward)))
    receipt = dump["received_packages"][-1]
    assert (receipt["kind"], receipt["status"], receipt["decision_reason"]) == ("receipt", "returned", REASON)

    letters = tmp_path / "letters"
    ok(kehoach("reminders", "--workspace", city, "--period", "2026-Q1", "--out", letters, "--one-letter"))
    [letter] = list(letters.iterdir())
    text = subprocess.run(["pdftotext", letter, "-"], capture_output=True, text=True, check=True).stdout
    assert "Phường Hoàn Kiếm" in text and "Hà Nội, ngày" in text and "STTTT-TTCS" in text
    assert " ".join(REASON.split()) in " ".join(text.split())

    ok(kehoach("report", "city", "--workspace", city, "--period", "2026-Q1", "--out", tmp_path / "city.pdf"))
    text = " ".join(subprocess.run(["pdftotext", tmp_path / "city.pdf", "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "126 phường, xã" in text and "BC-STTTT" in text and "Phường Hoàn Kiếm" in text
    ok(kehoach("excel", "export-city", "--workspace", city, "--period", "2026-Q1", "--out", tmp_path / "city.xlsx"))
    sheet = load_workbook(tmp_path / "city.xlsx", read_only=True)["Báo cáo"]
    codes = [row[0] for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).isdigit()]
    assert len(codes) == 126 and "00070" in codes

    # 2021 is still the city's to view
    ok(kehoach("template", "use", "--workspace", city, "--code", "hanoi-2021"))
    assert json.loads(ok(kehoach("dump", "--workspace", city)))["workspace"]["template_code"] == "hanoi-2021"


def test_a_2021_district_works_as_before(tmp_path: Path) -> None:
    district = tmp_path / "d.khws"
    ok(kehoach("init", "--workspace", district, "--unit", "006", "--signer-name", "Nguyễn Văn An"))
    ok(kehoach("package", "export", "--workspace", district, "--out", tmp_path / "p.khsync", "--period", "2021-Q1"))
    city = tmp_path / "city.khws"
    ok(kehoach("init", "--workspace", city, "--city"))
    ok(kehoach("package", "import", "--workspace", city, "--trust-new-keys", tmp_path / "p.khsync"))
    ok(kehoach("review", "accept", "--workspace", city, "--unit", "006", "--period", "2021-Q1"))
    dump = json.loads(ok(kehoach("dump", "--workspace", city)))
    assert [(p["unit_code"], p["status"]) for p in dump["received_packages"]] == [("006", "accepted")]
    assert_clean_refusal(kehoach("init", "--workspace", tmp_path / "x.khws", "--unit", "00070"))
    assert_clean_refusal(kehoach("init", "--workspace", tmp_path / "y.khws", "--unit", "006", "--template",
                                 "hanoi-2030"))
