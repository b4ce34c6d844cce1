"""A clear word for every failure while writing: disk full, file locked, read-only, numbers out of range.

Each failure leaves the workspace intact (``integrity_check``) and holding the state before.
A full disk is simulated two ways: SQLite's ``max_page_count`` set on the test's own engine
(a connect listener added here, not in the application), and a small tmpfs where the
machine lets us mount one.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text

from kehoach_desktop.domain.errors import DiskFullError, UserFacingError, WorkspaceError
from kehoach_desktop.services import backups
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.materials import MaterialInput, create_material, set_materials_status
from kehoach_desktop.services.session import new_demo_workspace, open_workspace
from kehoach_desktop.storage.engine import open_store
from kehoach_desktop.storage.models import Material


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.khws"
    new_demo_workspace(path).close()
    return path


def content(path: Path) -> dict[str, Any]:
    session = open_workspace(path)
    try:
        dump = dump_workspace(uow_factory=session.uow_factory)
    finally:
        session.close()
    dump.pop("audit")
    return dump


def integrity(path: Path) -> str:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def _all_material_ids(store) -> list[str]:  # type: ignore[no-untyped-def]
    with store.uow() as uow:
        return list(uow.session.scalars(select(Material.id).where(Material.deleted_at.is_(None))))


def test_disk_full_during_a_bulk_write_max_page_count(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "ws.khws"
    shutil.copy(demo_template, path)
    before = content(path)
    store = open_store(path)
    try:
        with store.engine.connect() as connection:
            pages = connection.execute(text("PRAGMA page_count")).scalar()

        def _cap(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count={pages + 2}")

        event.listen(store.engine, "connect", _cap)
        store.engine.dispose()  # new connections get the cap
        ids = _all_material_ids(store)
        with pytest.raises(DiskFullError) as caught:
            set_materials_status(uow_factory=store.uow, material_ids=ids, status="removed", on=None,
                                 confirm_step=True)
        assert "is full" in caught.value.message and "Free some space" in caught.value.message
        assert path.name in caught.value.message
    finally:
        store.close()
    assert integrity(path) == "ok"
    assert content(path) == before


def test_database_locked_by_another_program_is_named(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "ws.khws"
    shutil.copy(demo_template, path)
    before = content(path)
    other = sqlite3.connect(path, isolation_level=None)
    store = open_store(path)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(WorkspaceError, match="another program") as caught, store.uow() as uow:
            uow.session.execute(text("PRAGMA busy_timeout=50"))
            uow.session.execute(text("UPDATE materials SET notes = 'x'"))
            uow.commit()
        assert not isinstance(caught.value, DiskFullError)
        other.execute("ROLLBACK")
    finally:
        other.close()
        store.close()
    assert content(path) == before


def test_a_number_out_of_range_is_refused_in_words(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "ws.khws"
    shutil.copy(demo_template, path)
    before = content(path)
    session = open_workspace(path)
    try:
        with pytest.raises(UserFacingError, match="too large"):
            create_material(uow_factory=session.uow_factory,
                            values=MaterialInput(type="panel", content="Pano", cost=10**30))
    finally:
        session.close()
    assert content(path) == before


# --- a real full disk and a real read-only disk: a small tmpfs ---------------------------------------


def _mount(point: Path, size: str) -> bool:
    point.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
                          capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    point = tmp_path / "disk"
    if not _mount(point, "2m"):
        pytest.skip("mounting a tmpfs needs root and a mount namespace, which this machine does not give")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    free = shutil.disk_usage(folder).free - leave
    if free > 0:
        with open(folder / "filler.bin", "wb") as handle:
            handle.write(b"\0" * free)


def test_disk_full_during_a_bulk_write_on_a_full_disk(small_disk: Path, demo_template: Path) -> None:
    path = small_disk / "ws.khws"
    shutil.copy(demo_template, path)
    before = content(path)
    session = open_workspace(path)
    try:
        ids = _all_material_ids(session._store)
        _fill(small_disk, leave=16 * 1024)
        with pytest.raises(DiskFullError, match="is full"):
            set_materials_status(uow_factory=session.uow_factory, material_ids=ids, status="removed", on=None,
                                 confirm_step=True)
        # and the workspace stays usable for reading
        assert len(_all_material_ids(session._store)) == len(ids)
    finally:
        session.close()
    (small_disk / "filler.bin").unlink()
    assert integrity(path) == "ok"
    assert content(path) == before


def test_disk_full_during_a_backup_to_a_usb_stick(tmp_path: Path, small_disk: Path, demo_template: Path) -> None:
    path = tmp_path / "ws.khws"
    shutil.copy(demo_template, path)
    before = content(path)
    _fill(small_disk, leave=64 * 1024)
    session = open_workspace(path)
    try:
        with pytest.raises(DiskFullError, match="disk is full") as caught:
            backups.backup_now_to(uow_factory=session.uow_factory, folder=small_disk)
        assert str(small_disk) in caught.value.message and "was not changed" in caught.value.message
    finally:
        session.close()
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler.bin"]  # no partial copy left
    assert content(path) == before


def test_disk_full_during_an_automatic_backup_leaves_nothing_half_written(small_disk: Path,
                                                                          demo_template: Path) -> None:
    path = small_disk / "ws.khws"
    shutil.copy(demo_template, path)
    before = content(path)
    session = open_workspace(path)
    try:
        _fill(small_disk, leave=64 * 1024)
        with pytest.raises(DiskFullError):
            backups.make_backup(uow_factory=session.uow_factory, reason="before-import")
    finally:
        session.close()
    assert list((small_disk / "ws-backups").iterdir()) == []
    (small_disk / "filler.bin").unlink()
    assert content(path) == before


def test_a_workspace_that_became_read_only_is_named(tmp_path: Path, demo_template: Path) -> None:
    """SQLite answers SQLITE_READONLY (a write-protected stick, a file marked read-only while open)."""
    path = tmp_path / "ws.khws"
    shutil.copy(demo_template, path)
    before = content(path)
    store = open_store(path)
    try:
        with pytest.raises(WorkspaceError, match="read-only") as caught, store.uow() as uow:
            uow.session.execute(text("PRAGMA query_only=1"))  # the same result code as a read-only file
            uow.session.execute(text("UPDATE materials SET notes = 'x'"))
            uow.commit()
        assert "was not saved" in caught.value.message
    finally:
        store.close()
    assert content(path) == before


def test_disk_full_during_a_package_import(small_disk: Path, tmp_path: Path) -> None:
    from kehoach_desktop.domain.enums import WorkspaceMode
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.session import new_workspace
    from kehoach_desktop.services.workspace import WorkspaceSetup

    district = new_demo_workspace(tmp_path / "district.khws")
    package = tmp_path / "q1.khsync"
    sync.export_sync_package(uow_factory=district.uow_factory, out=package, period="2021-Q1")
    district.close()
    city_path = small_disk / "city.khws"
    new_workspace(city_path, WorkspaceSetup(mode=WorkspaceMode.CITY)).close()
    before = content(city_path)
    city = open_workspace(city_path)
    try:
        _fill(small_disk, leave=8 * 1024)
        with pytest.raises(DiskFullError, match="is full"):
            sync.import_package(uow_factory=city.uow_factory, path=package, trust_new_keys=True)
    finally:
        city.close()
    (small_disk / "filler.bin").unlink()
    assert integrity(city_path) == "ok"
    assert content(city_path) == before
