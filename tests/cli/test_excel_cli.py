"""``kehoach excel export`` and ``kehoach excel import`` as scripts use them: real processes, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_cli import assert_clean_refusal, kehoach


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("excel-cli") / "demo.khws"
    result = kehoach("demo", "--workspace", path)
    assert result.returncode == 0, result.stderr
    return path


def excel(*args: str | Path):  # type: ignore[no-untyped-def]
    return kehoach("--lang", "en", "excel", *args)


def content(workspace: Path) -> dict:
    data = json.loads(kehoach("dump", "--workspace", workspace).stdout)
    data.pop("audit")
    return data


def test_export_import_dry_run_then_apply(demo_workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "tien-do.xlsx"
    result = excel( "export", "--workspace", demo_workspace, "--out", out, "--sheets", "tasks,events")
    assert result.returncode == 0, result.stderr
    assert "40 tasks, 0 materials, 24 events" in result.stdout
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Nhiệm vụ", "Sự kiện", "_lists", "_meta"]
    sheet = workbook["Nhiệm vụ"]
    columns = {cell.value: cell.column for cell in sheet[2]}
    sheet.cell(row=3, column=columns["Kết quả thực hiện"], value="Đã xong theo kế hoạch")
    workbook.save(out)
    before = content(demo_workspace)

    dry = excel( "import", "--workspace", demo_workspace, "--dry-run", out)
    assert dry.returncode == 0, dry.stderr
    assert "1 record changes" in dry.stdout and "Đã xong theo kế hoạch" in dry.stdout
    assert "Dry run: nothing was written." in dry.stdout
    assert content(demo_workspace) == before

    applied = excel( "import", "--workspace", demo_workspace, out)
    assert applied.returncode == 0, applied.stderr
    assert "Applied: 1 records updated, 0 created, from 1 files." in applied.stdout
    assert content(demo_workspace) != before
    again = excel( "import", "--workspace", demo_workspace, out)
    assert again.returncode == 0 and "already imported" in again.stdout


def test_a_refused_file_exits_1_and_changes_nothing(demo_workspace: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    before = content(demo_workspace)
    result = excel( "import", "--workspace", demo_workspace, junk)
    assert_clean_refusal(result)
    assert "junk.xlsx" in result.stderr and "not an Excel workbook" in result.stderr
    assert content(demo_workspace) == before


def test_per_unit_export_and_usage_errors(demo_workspace: Path, tmp_path: Path) -> None:
    result = excel( "export", "--workspace", demo_workspace, "--out", tmp_path / "units", "--per-unit")
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "units").glob("tien-do-2021-*.xlsx"))
    assert len(files) == len(result.stdout.strip().splitlines()) > 10
    assert_clean_refusal(excel( "export", "--workspace", demo_workspace, "--out", tmp_path / "x.xlsx",
                                 "--sheets", "tasks,photos"))
    assert excel( "frobnicate").returncode == 2


def test_a_conflict_is_shown_in_vietnamese_and_taken_only_with_the_flag(demo_workspace: Path, tmp_path: Path) -> None:
    from tests.services.excel_support import set_saved_at

    newer, older = tmp_path / "tien-do.xlsx", tmp_path / "tien-do-ban-cu.xlsx"
    assert excel("export", "--workspace", demo_workspace, "--out", newer, "--sheets", "tasks").returncode == 0
    workbook = openpyxl.load_workbook(newer)
    sheet = workbook["Nhiệm vụ"]
    columns = {cell.value: cell.column for cell in sheet[2]}
    sheet.cell(row=10, column=columns["Tỷ lệ hoàn thành"], value="30%")
    workbook.save(older)
    set_saved_at(older, "2021-09-19T02:00:00Z")
    sheet.cell(row=10, column=columns["Tỷ lệ hoàn thành"], value="95%")
    workbook.save(newer)
    set_saved_at(newer, "2021-09-20T02:00:00Z")
    assert excel("import", "--workspace", demo_workspace, newer).returncode == 0
    task_id = sheet.cell(row=10, column=1).value

    def percent() -> int:
        tasks = [t for p in content(demo_workspace)["plans"] for t in p["tasks"]]
        return next(t["percent_done"] for t in tasks if t["id"] == task_id)

    late = kehoach("--lang", "vi", "excel", "import", "--workspace", demo_workspace, older)
    assert late.returncode == 0, late.stderr
    assert "1 xung đột" in late.stdout and "Tỷ lệ hoàn thành: khi xuất 85% · hiện nay 95% · trong tệp 30%" in \
        late.stdout
    assert "Tệp này là bản cũ hơn: được lưu lúc 19/09/2021" in late.stdout
    assert "1 xung đột được giữ nguyên: chạy lại lệnh nhập với --take-file-values" in late.stdout
    assert percent() == 95
    taken = excel("import", "--workspace", demo_workspace, "--take-file-values", older)
    assert taken.returncode == 0, taken.stderr
    assert "Applied: 1 records updated" in taken.stdout and percent() == 30
