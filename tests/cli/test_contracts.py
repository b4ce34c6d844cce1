"""Issue 18, contracts: exit codes with a line per file, read-only commands that change nothing, failures in words.

Real processes (``kehoach …``), real read-only media and full disks (a small tmpfs; root ignores mode bits).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from kehoach_desktop.domain.errors import TemplateError
from kehoach_desktop.domain.template import load_template
from tests.cli.test_cli import kehoach
from tests.services import hostile_workbooks as hostile
from tests.services.excel_support import header_columns
from tests.services.hostile_templates import builtin_template, nested_template_text

TASKS = "Nhiệm vụ"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(path: Path) -> list[str]:
    """What SQLite would leave beside a file it opened (and our lock, if a release failed)."""
    return sorted(p.name for p in path.parent.iterdir()
                  if p.name in {path.name + s for s in ("-wal", "-shm", "-journal", ".lock")})


def no_crash(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "không mong muốn" not in result.stderr, result.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("contracts") / "demo.khws"
    assert kehoach("demo", "--workspace", path).returncode == 0
    return path


@pytest.fixture
def workspace(demo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "quan.khws"
    shutil.copy(demo, path)
    return path


def _mount(point: Path, size: str = "16m") -> bool:
    point.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
                          capture_output=True).returncode == 0


@pytest.fixture
def medium(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 16 MB (remount it read-only to make a write-protected USB stick)."""
    point = tmp_path / "usb"
    if not _mount(point):
        pytest.skip("mounting a tmpfs needs root and a mount namespace, which this machine does not give")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def read_only(point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)


# ---- exit code 3: some files applied, some refused -----------------------------------------------

def test_an_excel_import_of_a_good_and_a_bad_file_exits_3_and_names_each(workspace: Path, tmp_path: Path) -> None:
    """Was: exit 1 (“nothing changed”) although the good file was applied."""
    good = tmp_path / "tot.xlsx"
    assert kehoach("excel", "export", "--workspace", workspace, "--out", good, "--sheets", "tasks").returncode == 0
    book = openpyxl.load_workbook(good)
    book[TASKS].cell(row=3, column=header_columns(book[TASKS])["Tỷ lệ hoàn thành"], value="90%")
    book.save(good)
    bad = tmp_path / "hong.xlsx"
    bad.write_text("không phải bảng tính", encoding="utf-8")
    result = kehoach("--lang", "en", "excel", "import", "--workspace", workspace, good, bad)
    no_crash(result)
    assert result.returncode == 3, result.stderr
    assert "tot.xlsx: applied" in result.stdout and "hong.xlsx: refused, nothing of it changed" in result.stderr
    dumped = json.loads(kehoach("dump", "--workspace", workspace).stdout)
    assert 90 in {t["percent_done"] for plan in dumped["plans"] for t in plan["tasks"]}


def test_a_package_import_of_a_good_and_a_bad_file_exits_3(demo: Path, tmp_path: Path) -> None:
    package = tmp_path / "q1.khsync"
    district = tmp_path / "quan.khws"
    shutil.copy(demo, district)
    assert kehoach("package", "export", "--workspace", district, "--out", package, "--period", "2021-Q1"
                   ).returncode == 0
    city = tmp_path / "tp.khws"
    assert kehoach("init", "--workspace", city, "--city").returncode == 0
    broken = tmp_path / "hong.khsync"
    broken.write_bytes(package.read_bytes()[:5000])
    result = kehoach("--lang", "en", "package", "import", "--workspace", city, "--trust-new-keys", package, broken)
    no_crash(result)
    assert result.returncode == 3
    assert "q1.khsync: applied" in result.stdout and "hong.khsync: refused" in result.stderr
    again = kehoach("--lang", "en", "package", "import", "--workspace", city, package, broken)
    assert again.returncode == 1  # nothing changed this time: the good one was imported already


# ---- read-only commands ---------------------------------------------------------------------------

def test_dump_and_a_dry_run_read_a_workspace_on_a_write_protected_medium(demo: Path, medium: Path,
                                                                         tmp_path: Path) -> None:
    """Was: both refused a read-only file; dump switched a file to WAL, a refusal left -wal and -shm."""
    path = medium / "quan.khws"
    shutil.copy(demo, path)
    workbook = tmp_path / "tien-do.xlsx"
    assert kehoach("excel", "export", "--workspace", path, "--out", workbook).returncode == 0
    read_only(medium)
    before = digest(path)
    dumped = kehoach("dump", "--workspace", path)
    no_crash(dumped)
    assert dumped.returncode == 0 and len(json.loads(dumped.stdout)["materials"]) == 200
    dry = kehoach("excel", "import", "--workspace", path, "--dry-run", workbook)
    no_crash(dry)
    assert dry.returncode == 0 and "Chạy thử" in dry.stdout
    assert digest(path) == before and leftovers(path) == []


def test_dump_of_a_read_only_file_and_of_a_backup_changes_no_byte_and_leaves_nothing(workspace: Path) -> None:
    workspace.chmod(0o444)
    before = digest(workspace)
    assert kehoach("dump", "--workspace", workspace).returncode == 0
    assert digest(workspace) == before and leftovers(workspace) == []
    workspace.chmod(0o644)
    from kehoach_desktop.services.backups import make_backup
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(workspace)
    backup = make_backup(uow_factory=session.uow_factory, reason="manual").path
    session.close()
    before = digest(backup)
    result = kehoach("dump", "--workspace", backup)
    assert result.returncode == 0, result.stderr
    assert digest(backup) == before and leftovers(backup) == []  # was: switched to WAL


def test_dump_reads_a_workspace_open_in_another_window(workspace: Path) -> None:
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(workspace)
    try:
        result = kehoach("dump", "--workspace", workspace)
        assert result.returncode == 0 and json.loads(result.stdout)["materials"], result.stderr
    finally:
        session.close()
    assert leftovers(workspace) == []


def test_refusing_a_newer_or_damaged_workspace_leaves_it_and_its_folder_as_they_were(workspace: Path) -> None:
    connection = sqlite3.connect(workspace)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    connection.commit()
    connection.close()
    before = digest(workspace)
    for command in (["dump"], ["excel", "export", "--out", str(workspace.with_suffix(".xlsx"))]):
        result = kehoach(*command[:1], *command[1:2], "--workspace", workspace, *command[2:])
        no_crash(result)
        assert result.returncode == 1 and "phiên bản mới hơn" in result.stderr, result.stderr
        assert digest(workspace) == before and leftovers(workspace) == []  # was: empty -wal and -shm


# ---- failures in words -----------------------------------------------------------------------------

def test_init_and_demo_on_a_full_disk_say_so_and_leave_nothing(medium: Path) -> None:
    (medium / "day.bin").write_bytes(b"\0" * (shutil.disk_usage(medium).free - 200 * 1024))
    for command in (["init", "--district", "006"], ["demo"]):
        result = kehoach(command[0], "--workspace", medium / "quan.khws", *command[1:])
        no_crash(result)
        assert result.returncode == 1 and "đã đầy" in result.stderr, result.stderr
        assert sorted(p.name for p in medium.iterdir()) == ["day.bin"]


def test_a_folder_that_cannot_be_made_is_named_in_vietnamese(medium: Path) -> None:
    read_only(medium)
    result = kehoach("init", "--workspace", medium / "moi" / "quan.khws", "--district", "006")
    no_crash(result)
    assert result.returncode == 1
    assert "Không tạo được thư mục" in result.stderr and "chỉ cho phép đọc" in result.stderr
    assert "“Read-only file system”" in result.stderr  # the system's own words only as a quote


def test_problems_dir_for_a_workbook_openpyxl_cannot_open(workspace: Path, tmp_path: Path) -> None:
    """Was: “unexpected error”. The file is read (by our reader) but openpyxl refuses its styles."""
    exported = tmp_path / "tien-do.xlsx"
    assert kehoach("excel", "export", "--workspace", workspace, "--out", exported).returncode == 0
    book = openpyxl.load_workbook(exported)
    book[TASKS].cell(row=3, column=header_columns(book[TASKS])["Tỷ lệ hoàn thành"], value="nhiều")
    book.save(exported)

    def edit(parts: hostile.Parts) -> None:
        parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(b'<sz val="', b'<sz val="x', 1)

    odd = hostile.rewrite(exported, tmp_path / "kieu-la.xlsx", edit)
    result = kehoach("excel", "import", "--workspace", workspace, "--dry-run", "--problems-dir", tmp_path / "sua",
                     odd)
    no_crash(result)
    assert result.returncode == 0
    assert "kieu-la.xlsx: không tạo bản đánh dấu" in result.stderr and "thư viện báo “" in result.stderr


def test_a_template_nested_490_deep_is_refused_in_words(tmp_path: Path) -> None:
    """Was: “unexpected error” (Python's recursion limit)."""
    path = tmp_path / "sau.json"
    path.write_text(nested_template_text(490), encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    # the JSON itself is 980 levels deep: within Python's recursion limit or not, depending on the caller's stack
    if refused.value.details:
        assert len(refused.value.details) == 1 and "nested at most 8 deep" in refused.value.details[0]
    else:
        assert "nested too deep" in refused.value.message
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(TemplateError, match="nested too deep"):
        load_template(path)


def test_a_template_with_a_huge_text_is_refused(tmp_path: Path) -> None:
    """Was: a 200 MB theme text accepted (1.5 GB used, a 353 MB workspace copied by every backup)."""
    document = builtin_template()
    document["sections"][0]["title"] = "Chủ đề " * 4000
    path = tmp_path / "dai.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    assert refused.value.details == ["$.sections[0].title: a text of at most 20.000 characters is allowed (this one "
                                     "has 28.000)"]
    path.write_bytes(b" " * (5 << 20))
    with pytest.raises(TemplateError, match="larger than a template can be"):
        load_template(path)


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_a_photo_with_an_absurd_camera_date_is_added_without_it(year: str, workspace: Path) -> None:
    """Was: “unexpected error” (the date overflowed when converted to UTC)."""
    from PIL import Image

    from kehoach_desktop.services.photos import add_photo, list_photos
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.storage.models import Material

    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0132] = f"{year}:12:31 23:59:59"  # DateTime
    exif.get_ifd(0x8769)[0x9003] = f"{year}:12:31 23:59:59"  # DateTimeOriginal
    exif.get_ifd(0x8769)[0x9011] = "-12:00" if year == "9999" else "+14:00"
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif)
    session = open_workspace(workspace)
    try:
        with session.uow_factory() as uow:
            material_id = uow.session.query(Material.id).first()[0]
        add_photo(uow_factory=session.uow_factory, owner_type="material", owner_id=material_id, data=data.getvalue())
        (photo,) = list_photos(uow_factory=session.uow_factory, owner_type="material", owner_id=material_id)
        assert photo.taken_at is None
    finally:
        session.close()


def test_exchange_files_are_written_as_ordinary_documents(workspace: Path, tmp_path: Path) -> None:
    """Was: .khsync and .khtemplate readable by their owner only (0600)."""
    previous = os.umask(0o022)
    try:
        package = tmp_path / "q1.khsync"
        assert kehoach("package", "export", "--workspace", workspace, "--out", package, "--period", "2021-Q1"
                       ).returncode == 0
        city = tmp_path / "tp.khws"
        assert kehoach("init", "--workspace", city, "--city").returncode == 0
        template = tmp_path / "mau.khtemplate"
        assert kehoach("template", "export", "--workspace", city, "--out", template).returncode == 0
    finally:
        os.umask(previous)
    assert package.stat().st_mode & 0o777 == 0o644
    assert template.stat().st_mode & 0o777 == 0o644
    with zipfile.ZipFile(package) as archive:
        assert archive.testzip() is None
