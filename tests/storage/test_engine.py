"""The workspace store on real SQLite files: pragmas, migrations, unit of work, lock, bad files."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from kehoach_desktop.domain.errors import WorkspaceError, WorkspaceLockedError, WorkspaceTooNewError
from kehoach_desktop.storage.engine import create_store, open_store
from kehoach_desktop.storage.migrate import head_revision
from kehoach_desktop.storage.models import Base, Setting
from kehoach_desktop.storage.schema import SCHEMA_HEAD


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "ws.khws"
    create_store(path).close()
    return path


def test_pragmas_in_force(store_path: Path) -> None:
    with open_store(store_path) as store, store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_foreign_keys_are_enforced(store_path: Path) -> None:
    from sqlalchemy.exc import IntegrityError

    with open_store(store_path) as store, store.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(text(
            "INSERT INTO plan_sections (id, unit_code, created_at, updated_at, version, plan_id, position, depth,"
            " number, title, kind, locked, inferred, template_text, text, local_text) VALUES ('s', '006',"
            " '2021-01-01', '2021-01-01', 1, 'no-such-plan', 0, 0, '', 't', 'theme', 0, 0, '', '', '')"))


def test_schema_head_constant_matches_migrations() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_migrations_from_empty_build_exactly_the_models(store_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with open_store(store_path) as store, store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_unit_of_work_commits(store_path: Path) -> None:
    with open_store(store_path) as store:
        with store.uow() as uow:
            uow.session.add(Setting(key="k", value="v"))
            uow.commit()
        with store.uow() as uow:
            assert uow.session.get(Setting, "k").value == "v"


def test_unit_of_work_rolls_back_when_left_without_commit(store_path: Path) -> None:
    with open_store(store_path) as store:
        with store.uow() as uow:
            uow.session.add(Setting(key="k", value="v"))
            uow.session.flush()
        with store.uow() as uow:
            assert uow.session.scalars(select(Setting)).all() == []


def test_unit_of_work_rolls_back_on_exception(store_path: Path) -> None:
    with open_store(store_path) as store:
        with pytest.raises(RuntimeError), store.uow() as uow:
            uow.session.add(Setting(key="k", value="v"))
            uow.session.flush()
            raise RuntimeError("boom")
        with store.uow() as uow:
            assert uow.session.get(Setting, "k") is None


def test_second_open_in_the_same_process_is_refused(store_path: Path) -> None:
    with open_store(store_path), pytest.raises(WorkspaceLockedError):
        open_store(store_path)
    open_store(store_path).close()  # released on close


def test_second_instance_in_another_process_is_refused(store_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from kehoach_desktop.storage.engine import open_store\n"
            "from kehoach_desktop.domain.errors import WorkspaceLockedError\n"
            "try:\n    open_store(Path(sys.argv[1]))\nexcept WorkspaceLockedError as e:\n"
            "    print(e); sys.exit(3)\n")
    with open_store(store_path):
        result = subprocess.run([sys.executable, "-c", code, str(store_path)], capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 3, result.stderr
    assert "already open" in result.stdout


def test_lock_is_released_when_the_holder_dies(store_path: Path) -> None:
    code = ("import os, sys; from pathlib import Path; from kehoach_desktop.storage.engine import open_store\n"
            "open_store(Path(sys.argv[1])); os._exit(0)\n")
    subprocess.run([sys.executable, "-c", code, str(store_path)], check=True, timeout=60)
    open_store(store_path).close()


def test_not_a_sqlite_file_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.khws"
    path.write_text("Báo cáo tháng 3 — không phải workspace", encoding="utf-8")
    before = digest(path)
    with pytest.raises(WorkspaceError, match="not a Kế hoạch Desktop workspace"):
        open_store(path)
    assert digest(path) == before


def test_foreign_sqlite_database_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.khws"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    before = digest(path)
    with pytest.raises(WorkspaceError, match="not a Kế hoạch Desktop workspace"):
        open_store(path)
    assert digest(path) == before


def test_workspace_from_a_newer_version_is_refused_and_unchanged(store_path: Path) -> None:
    with sqlite3.connect(store_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    before = digest(store_path)
    with pytest.raises(WorkspaceTooNewError, match="newer version"):
        open_store(store_path)
    assert digest(store_path) == before
    assert not list(store_path.parent.glob("*-backups"))


def test_corrupt_workspace_is_refused_and_unchanged(store_path: Path) -> None:
    data = bytearray(store_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    store_path.write_bytes(bytes(data))
    before = digest(store_path)
    with pytest.raises(WorkspaceError, match="damaged"):
        open_store(store_path)
    assert digest(store_path) == before


def test_missing_workspace_is_reported(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="does not exist"):
        open_store(tmp_path / "nope.khws")


def test_create_refuses_to_overwrite(store_path: Path) -> None:
    before = digest(store_path)
    with pytest.raises(WorkspaceError, match="already exists"):
        create_store(store_path)
    assert digest(store_path) == before


@pytest.fixture
def read_only_folder(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real read-only file system (a tmpfs remounted read-only); root ignores mode bits."""
    mount_point = tmp_path / "usb"
    mount_point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root and a mount namespace, which this machine does not give")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_workspace_in_read_only_folder_is_refused_clearly(read_only_folder: Path) -> None:
    path = read_only_folder / "ws.khws"
    create_store(path).close()
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_folder)], check=True)
    before = digest(path)
    with pytest.raises(WorkspaceError, match=r"read-only|cannot be written"):
        open_store(path)
    assert digest(path) == before


def test_new_workspace_in_read_only_folder_is_refused(read_only_folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_folder)], check=True)
    with pytest.raises(WorkspaceError, match=r"read-only|cannot be written"):
        create_store(read_only_folder / "ws.khws")
