"""The command line as people and scripts use it: real processes, real files, exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def kehoach(*args: str | Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kehoach_desktop", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)


def assert_clean_refusal(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip()
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture(scope="module")
def district_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "dong-da.khws"
    result = kehoach("init", "--workspace", path, "--district", "006", "--signer-name", "Nguyễn Văn An",
                     "--signer-title", "Phó Chủ tịch")
    assert result.returncode == 0, result.stderr
    return path


def test_init_creates_a_district_workspace(district_workspace: Path) -> None:
    assert district_workspace.is_file()
    dump = json.loads(kehoach("dump", "--workspace", district_workspace).stdout)
    assert dump["workspace"]["unit_code"] == "006"
    assert dump["workspace"]["unit_full_name"] == "Ủy ban nhân dân quận Đống Đa"
    assert dump["workspace"]["mode"] == "district"
    assert "signing_private_key" not in dump["workspace"]
    assert len(dump["plans"]) == 1
    assert [s["template_key"] for s in dump["plans"][0]["sections"]][:3] == ["I", "II", "II.1"]
    assert dump["plans"][0]["signer_deputy"] == "KT. CHỦ TỊCH"
    assert dump["plans"][0]["signer_title"] == "PHÓ CHỦ TỊCH"
    wards = [u for u in dump["responsible_units"] if u["kind"] == "ward"]
    assert len(wards) == 21


def test_init_city_workspace(tmp_path: Path) -> None:
    path = tmp_path / "so.khws"
    result = kehoach("init", "--workspace", path, "--city")
    assert result.returncode == 0, result.stderr
    dump = json.loads(kehoach("dump", "--workspace", path).stdout)
    assert dump["workspace"]["mode"] == "city"
    assert dump["workspace"]["unit_code"] == "STTTT"
    assert dump["plans"] == []


def test_init_refuses_an_existing_file_and_leaves_it(district_workspace: Path) -> None:
    before = district_workspace.read_bytes()
    result = kehoach("init", "--workspace", district_workspace, "--district", "001")
    assert_clean_refusal(result)
    assert district_workspace.read_bytes() == before


def test_init_refuses_an_unknown_unit_and_writes_nothing(tmp_path: Path) -> None:
    result = kehoach("init", "--workspace", tmp_path / "x.khws", "--district", "999")
    assert_clean_refusal(result)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [
    ("init", "--district", "006"),  # no --workspace
    ("init", "--workspace", "x.khws"),  # neither --district nor --city
    ("init", "--workspace", "x.khws", "--district", "006", "--city"),
    ("dump",),
    ("no-such-command",),
    ("--lang", "fr"),
])
def test_usage_errors_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kehoach_desktop", *args], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("cách dùng: kehoach") and "kehoach" in result.stderr.splitlines()[-1]
    assert ": lỗi: " in result.stderr.splitlines()[-1]
    assert not (tmp_path / "x.khws").exists()


def test_argparse_speaks_the_interface_language(tmp_path: Path) -> None:
    """Usage, headings and errors of the command line are Vietnamese too, English with --lang en."""
    vietnamese = kehoach("report")
    assert vietnamese.returncode == 2
    assert vietnamese.stderr.startswith("cách dùng: kehoach report")
    assert vietnamese.stderr.splitlines()[-1] == "kehoach report: lỗi: còn thiếu các tham số bắt buộc: KIND"
    helped = kehoach("excel", "--help").stdout
    assert "tham số vị trí:" in helped and "tùy chọn:" in helped and "hiện hướng dẫn này rồi thoát" in helped
    assert [word for word in ("usage:", "options:", "positional arguments", "show this help") if word in helped] == []
    assert "hiện số phiên bản của chương trình rồi thoát" in kehoach("--help").stdout
    invalid = kehoach("report", "nothing", "--out", tmp_path / "x.pdf")
    assert ("lựa chọn không hợp lệ: 'nothing' (chọn một trong 'plan', 'progress', 'city', 'reminders', "
            "'register', 'lookup')") in invalid.stderr
    english = kehoach("--lang", "en", "report")
    assert english.stderr.startswith("usage: kehoach report")
    assert english.stderr.splitlines()[-1] == "kehoach report: error: the following arguments are required: KIND"


def test_dump_is_canonical_and_stable(district_workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "dump.json"
    assert kehoach("dump", "--workspace", district_workspace, "--out", out).returncode == 0
    again = kehoach("dump", "--workspace", district_workspace).stdout
    assert out.read_text(encoding="utf-8") == again
    document = json.loads(again)
    assert again == json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert document["format"] == "kehoach-dump"
    assert [entry["action"] for entry in document["audit"]] == ["workspace.create", "plan.create"]


def test_dump_of_a_file_that_is_not_a_workspace_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bao-cao.khws"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    result = kehoach("dump", "--workspace", bogus)
    assert_clean_refusal(result)
    assert bogus.read_bytes() == b"PK\x03\x04 not a database"


def test_messages_are_vietnamese_by_default_and_english_on_request(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.khws"
    vietnamese = kehoach("dump", "--workspace", missing)
    english = kehoach("--lang", "en", "dump", "--workspace", missing)
    assert_clean_refusal(vietnamese)
    assert_clean_refusal(english)
    assert "does not exist" in english.stderr
    assert "không tồn tại" in vietnamese.stderr


def test_demo_creates_a_full_workspace(tmp_path: Path) -> None:
    path = tmp_path / "demo.khws"
    result = kehoach("demo", "--workspace", path, "--district", "006")
    assert result.returncode == 0, result.stderr
    dump = json.loads(kehoach("dump", "--workspace", path).stdout)
    assert len(dump["materials"]) >= 200
    assert len(dump["events"]) >= 20
    assert len(dump["plans"][0]["tasks"]) >= 40


def test_demo_scale_must_be_sensible(tmp_path: Path) -> None:
    assert_clean_refusal(kehoach("demo", "--workspace", tmp_path / "d.khws", "--scale", "0"))
    assert not (tmp_path / "d.khws").exists()


def test_self_test_passes() -> None:
    result = kehoach("self-test", timeout=180)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("self-test OK")


def test_version() -> None:
    from kehoach_desktop import __version__

    result = kehoach("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout
