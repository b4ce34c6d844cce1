"""Backups of a real workspace file: made, verified, listed, rotated, copied away, restored."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kehoach_desktop.domain.errors import (
    WorkspaceCorruptError,
    WorkspaceError,
    WorkspaceLockedError,
    WorkspaceTooNewError,
)
from kehoach_desktop.services import backups
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, open_workspace
from kehoach_desktop.storage.backup import backups_dir_for, sidecar_of


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.khws"
    new_demo_workspace(path).close()
    return path


@pytest.fixture
def workspace(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "Đống Đa 2021.khws"  # spaces and Vietnamese letters in the name
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def session(workspace: Path) -> Iterator[WorkspaceSession]:
    opened = open_workspace(workspace)
    yield opened
    opened.close()


def content(path: Path) -> dict[str, Any]:
    opened = open_workspace(path)
    try:
        dump = dump_workspace(uow_factory=opened.uow_factory)
    finally:
        opened.close()
    dump.pop("audit")
    return dump


def integrity(path: Path) -> str:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def test_make_backup_writes_a_verified_self_contained_copy(session: WorkspaceSession, workspace: Path) -> None:
    made = backups.make_backup(uow_factory=session.uow_factory, reason="before-excel-import")
    assert made is not None
    assert made.path.parent == backups_dir_for(workspace)
    assert made.verified and made.reason == "before-excel-import" and made.size == made.path.stat().st_size
    assert made.reason_label == "Before an Excel import"
    assert not made.path.with_name(made.path.name + "-wal").exists()
    assert integrity(made.path) == "ok"
    assert backups.list_backups(workspace=workspace) == (made,)
    expected = dump_workspace(uow_factory=session.uow_factory)
    session.close()
    copy = made.path.with_name("copy.khws")
    shutil.copy(made.path, copy)
    restored = content(copy)
    expected.pop("audit")
    assert restored == expected


def test_a_backup_without_its_sidecar_is_listed_but_not_verified(session: WorkspaceSession, workspace: Path) -> None:
    made = backups.make_backup(uow_factory=session.uow_factory, reason="manual")
    sidecar_of(made.path).unlink()
    (listed,) = backups.list_backups(workspace=workspace)
    assert listed.path == made.path and not listed.verified and listed.reason == "manual"
    assert listed.taken_at == made.taken_at  # read from the name


def test_rotation_keeps_ten_newest_and_one_per_month(session: WorkspaceSession, workspace: Path) -> None:
    start = dt.datetime(2021, 1, 1, 8, 0)
    for day in range(0, 75, 3):  # 25 backups over Jan–Mar 2021
        backups.make_backup(uow_factory=session.uow_factory, reason="daily", now=start + dt.timedelta(days=day))
    kept = backups.list_backups(workspace=workspace)
    dates = sorted(b.taken_at.date() for b in kept)
    assert len(kept) == 12
    assert dates[:2] == [dt.date(2021, 1, 1), dt.date(2021, 2, 3)]  # the first of January and of February
    assert dates[2:] == [(start + dt.timedelta(days=d)).date() for d in range(45, 75, 3)]
    assert sorted(p.name for p in backups_dir_for(workspace).iterdir()) == sorted(
        [b.path.name for b in kept] + [sidecar_of(b.path).name for b in kept])


def test_rotation_leaves_files_put_there_by_hand(session: WorkspaceSession, workspace: Path) -> None:
    folder = backups_dir_for(workspace)
    folder.mkdir()
    kept_by_hand = folder / "bản sao trước khi nộp báo cáo.khws"
    shutil.copy(workspace, kept_by_hand)
    for day in range(15):
        backups.make_backup(uow_factory=session.uow_factory, reason="daily",
                            now=dt.datetime(2021, 6, 1) + dt.timedelta(days=day))
    assert kept_by_hand.exists()
    assert len(backups.list_backups(workspace=workspace)) == 12  # 10 newest + 1 June + the file kept by hand


def test_daily_backup_once_a_day(session: WorkspaceSession, workspace: Path) -> None:
    morning = dt.datetime(2021, 9, 20, 8, 0)
    first = backups.daily_backup_if_due(uow_factory=session.uow_factory, now=morning)
    assert first is not None and first.reason == "daily"
    assert backups.daily_backup_if_due(uow_factory=session.uow_factory, now=morning.replace(hour=17)) is None
    assert backups.daily_backup_if_due(uow_factory=session.uow_factory, now=morning + dt.timedelta(days=1))
    assert len(backups.list_backups(workspace=workspace)) == 2


def test_backup_now_to_another_folder_is_not_rotated(session: WorkspaceSession, tmp_path: Path) -> None:
    usb = tmp_path / "USB DISK"
    usb.mkdir()
    for day in range(12):
        backups.backup_now_to(uow_factory=session.uow_factory, folder=usb,
                              now=dt.datetime(2021, 5, 1) + dt.timedelta(days=day))
    assert len(list(usb.glob("*.khws"))) == 12
    assert all(integrity(p) == "ok" for p in usb.glob("*.khws"))


def test_restore_brings_back_the_backup_and_keeps_the_state_it_replaced(workspace: Path) -> None:
    from kehoach_desktop.services.materials import delete_materials

    before = content(workspace)
    session = open_workspace(workspace)
    made = backups.make_backup(uow_factory=session.uow_factory, reason="manual")
    ids = [m["id"] for m in before["materials"][:5]]
    delete_materials(uow_factory=session.uow_factory, material_ids=ids)
    session.close()
    changed = content(workspace)
    assert changed != before

    outcome = backups.restore_backup(workspace=workspace, backup=made.path)

    assert content(workspace) == before
    assert outcome.previous_state is not None and not outcome.previous_was_damaged
    previous = outcome.previous_state.with_name("previous.khws")
    shutil.copy(outcome.previous_state, previous)
    assert content(previous) == changed  # nothing lost: the replaced state is a backup
    session = open_workspace(workspace)
    try:
        audit = dump_workspace(uow_factory=session.uow_factory)["audit"]
    finally:
        session.close()
    assert audit[-1]["action"] == "workspace.restore" and audit[-1]["summary"] == made.path.name


def test_restore_is_refused_while_the_workspace_is_open(session: WorkspaceSession, workspace: Path) -> None:
    made = backups.make_backup(uow_factory=session.uow_factory, reason="manual")
    with pytest.raises(WorkspaceLockedError):
        backups.restore_backup(workspace=workspace, backup=made.path)


def test_a_damaged_workspace_is_set_aside_and_replaced(workspace: Path) -> None:
    before = content(workspace)
    session = open_workspace(workspace)
    made = backups.make_backup(uow_factory=session.uow_factory, reason="daily")
    session.close()
    data = bytearray(workspace.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    workspace.write_bytes(bytes(data))
    with pytest.raises(WorkspaceCorruptError):
        open_workspace(workspace)
    assert backups.newest_good_backup(workspace=workspace) == backups.list_backups(workspace=workspace)[0]

    outcome = backups.restore_backup(workspace=workspace, backup=made.path)

    assert outcome.previous_was_damaged
    assert outcome.previous_state.read_bytes() == bytes(data)  # kept byte for byte
    assert content(workspace) == before
    assert backups.newest_good_backup(workspace=workspace).path == made.path  # never the damaged file


@pytest.mark.parametrize("case", ["damaged", "not a workspace", "newer version", "missing"])
def test_a_bad_backup_is_refused_and_the_workspace_unchanged(case: str, workspace: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.khws"
    if case == "damaged":
        session = open_workspace(workspace)
        made = backups.make_backup(uow_factory=session.uow_factory, reason="manual")
        session.close()
        data = bytearray(made.path.read_bytes())
        data[len(data) // 2:len(data) // 2 + 8192] = b"\x00\x13" * 4096
        bad.write_bytes(bytes(data))
        expected: type[Exception] = WorkspaceCorruptError
    elif case == "not a workspace":
        with sqlite3.connect(bad) as connection:
            connection.execute("CREATE TABLE notes (x)")
        expected = WorkspaceError
    elif case == "newer version":
        shutil.copy(workspace, bad)
        with sqlite3.connect(bad) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
        expected = WorkspaceTooNewError
    else:
        expected = WorkspaceError
    before = workspace.read_bytes()
    with pytest.raises(expected):
        backups.restore_backup(workspace=workspace, backup=bad)
    assert workspace.read_bytes() == before
    assert not list(workspace.parent.glob("*.restoring"))


def test_issuing_and_revising_the_plan_each_leave_a_verified_backup(session: WorkspaceSession,
                                                                     workspace: Path) -> None:
    from kehoach_desktop.services import plan_editing as edit

    state = edit.get_plan_editor(uow_factory=session.uow_factory, today=session.today())
    assert state is not None and not state.is_draft  # the demo's plan is issued
    edit.revise_plan(uow_factory=session.uow_factory, plan_id=state.plan_id, reason="Bổ sung nhiệm vụ quý IV")
    [revised] = backups.list_backups(workspace=workspace)
    assert revised.reason == "after-revision" and revised.verified
    edit.issue_plan(uow_factory=session.uow_factory, plan_id=state.plan_id, number="09",
                    issue_date=dt.date(2021, 9, 20))
    issued = backups.list_backups(workspace=workspace)[0]
    assert issued.reason == "after-issue" and issued.verified and integrity(issued.path) == "ok"
    copy = open_workspace(issued.path)  # the backup holds the issued revision itself
    try:
        again = edit.get_plan_editor(uow_factory=copy.uow_factory, today=session.today())
        assert not again.is_draft and again.details.number == "09" and again.revision == state.revision + 1
    finally:
        copy.close()


def test_a_backup_at_exit_only_when_something_changed_since_the_newest_one(session: WorkspaceSession,
                                                                           workspace: Path) -> None:
    from kehoach_desktop.services.workspace import update_workspace_settings

    backups.make_backup(uow_factory=session.uow_factory, reason="daily")
    assert backups.backup_if_changed(uow_factory=session.uow_factory) is None  # nothing changed since
    update_workspace_settings(uow_factory=session.uow_factory, officer_name="Trần Thị Bình", documents_folder="")
    made = backups.backup_if_changed(uow_factory=session.uow_factory)
    assert made is not None and made.reason == "at-exit" and made.verified
    assert backups.backup_if_changed(uow_factory=session.uow_factory) is None
    assert [b.reason for b in backups.list_backups(workspace=workspace)] == ["at-exit", "daily"]
