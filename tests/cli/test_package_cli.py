"""`kehoach package …` and `kehoach template …` as people and scripts use them: real processes, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import assert_clean_refusal, kehoach


def test_a_district_package_travels_to_the_city_and_a_receipt_comes_back(tmp_path: Path) -> None:
    district, city = tmp_path / "quan.khws", tmp_path / "so.khws"
    assert kehoach("init", "--workspace", district, "--district", "006").returncode == 0
    assert kehoach("init", "--workspace", city, "--city").returncode == 0
    package = tmp_path / "006-2021-Q1.khsync"
    done = kehoach("--lang", "en", "package", "export", "--workspace", district, "--out", package,
                   "--period", "2021-Q1")
    assert done.returncode == 0, done.stderr
    assert "for quarter I/2021 to" in done.stdout and package.is_file()  # the period in words
    fingerprint = json.loads(kehoach("dump", "--workspace", district).stdout)["workspace"]["key_fingerprint"]

    refused = kehoach("--lang", "en", "package", "import", "--workspace", city, package)
    assert_clean_refusal(refused)
    assert fingerprint in refused.stderr and "--trust-new-keys" in refused.stderr
    imported = kehoach("--lang", "en", "package", "import", "--workspace", city, "--trust-new-keys", package)
    assert imported.returncode == 0, imported.stderr
    assert "was imported" in imported.stdout
    again = kehoach("--lang", "en", "package", "import", "--workspace", city, tmp_path)  # a folder
    assert again.returncode == 0 and "nothing changed" in again.stdout

    sha = json.loads(kehoach("dump", "--workspace", city).stdout)["received_packages"][0]["sha256"]
    receipt = tmp_path / "r.khreceipt"
    assert kehoach("package", "receipt", "--workspace", city, "--package", sha, "--out", receipt).returncode == 0
    back = kehoach("--lang", "en", "package", "import", "--workspace", district, "--trust-new-keys", receipt)
    assert back.returncode == 0, back.stderr
    assert "receipt" in back.stdout


def test_a_broken_file_is_refused_with_its_name(tmp_path: Path) -> None:
    city = tmp_path / "so.khws"
    assert kehoach("init", "--workspace", city, "--city").returncode == 0
    bad = tmp_path / "thư-gửi-sở.khsync"
    bad.write_text("not a package", encoding="utf-8")
    before = json.loads(kehoach("dump", "--workspace", city).stdout)
    result = kehoach("--lang", "en", "package", "import", "--workspace", city, bad)
    assert_clean_refusal(result)
    assert bad.name in result.stderr
    after = json.loads(kehoach("dump", "--workspace", city).stdout)
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert after["audit"][-1]["action"] == "package.refuse"


def test_template_export_and_import(tmp_path: Path) -> None:
    district, city = tmp_path / "quan.khws", tmp_path / "so.khws"
    assert kehoach("init", "--workspace", district, "--district", "006").returncode == 0
    assert kehoach("init", "--workspace", city, "--city").returncode == 0
    template = tmp_path / "hanoi-2021.khtemplate"
    assert kehoach("template", "export", "--workspace", city, "--out", template).returncode == 0
    assert_clean_refusal(kehoach("--lang", "en", "template", "import", "--workspace", district, template))
    # the district already holds the built-in hanoi-2021: refused with a clear message even after trust
    result = kehoach("--lang", "en", "template", "import", "--workspace", district, "--trust-new-keys", template)
    assert_clean_refusal(result)
    assert "already has a template with the code hanoi-2021" in result.stderr
    assert_clean_refusal(kehoach("template", "export", "--workspace", district, "--out", tmp_path / "x.khtemplate"))


@pytest.mark.parametrize("args", [
    ("package",),
    ("package", "export", "--workspace", "x.khws"),
    ("package", "import", "--workspace", "x.khws"),
    ("template", "import", "--workspace", "x.khws"),
])
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = subprocess.run([sys.executable, "-m", "kehoach_desktop", *args], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
