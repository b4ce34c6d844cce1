"""The Backups page and the controller's restore: list, back up now, copy to a folder, restore, damaged file."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from kehoach_desktop.app import AppController
from kehoach_desktop.paths import AppPaths
from kehoach_desktop.services import backups
from kehoach_desktop.services.materials import delete_materials
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, open_workspace
from kehoach_desktop.ui.pages.backups_page import LAST_FOLDER_KEY, BackupsPage, backup_columns
from kehoach_desktop.ui.table_model import DtoTableModel
from tests.ui.clicking import answering, choose_file

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.khws"
    new_demo_workspace(path).close()
    return path


@pytest.fixture
def workspace(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "work" / "quan.khws"
    path.parent.mkdir()
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def session(workspace: Path) -> Iterator[WorkspaceSession]:
    opened = open_workspace(workspace)
    yield opened
    opened.close()


def answer(dialog_name: str, button_text: str, seen: list[str]) -> QTimer:
    """Click ``button_text`` in the modal box named ``dialog_name`` as soon as it shows; note its text."""
    timer = QTimer()

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == dialog_name:
            seen.append(box.text() + "\n" + box.informativeText())
            timer.stop()
            for button in box.findChildren(QPushButton):
                if button.text().replace("&", "") == button_text:
                    button.click()
                    return
            raise AssertionError(f"no button {button_text!r} in {dialog_name}")

    timer.timeout.connect(poll)
    timer.start(20)
    return timer


def make_page(qtbot, session: WorkspaceSession, tmp_path: Path) -> tuple[BackupsPage, QSettings]:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    page = BackupsPage(session, settings)
    qtbot.addWidget(page)
    page.resize(1100, 500)
    page.show()
    page.refresh()
    return page, settings


def test_backups_table_model(qtmodeltester, session: WorkspaceSession) -> None:
    backups.make_backup(uow_factory=session.uow_factory, reason="daily")
    backups.make_backup(uow_factory=session.uow_factory, reason="before-excel-import")
    model: DtoTableModel[backups.BackupInfo] = DtoTableModel(backup_columns())
    model.set_rows(backups.list_backups(workspace=session.path))
    qtmodeltester.check(model)


def test_back_up_now_lists_a_good_backup_with_date_size_and_reason(qtbot, session: WorkspaceSession,
                                                                  tmp_path: Path, english) -> None:
    page, _settings = make_page(qtbot, session, tmp_path)
    assert page.model.rowCount() == 0
    assert not page.restore_button.isEnabled()
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    page.runner.wait()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    cells = [page.proxy.index(0, c).data() for c in range(page.proxy.columnCount())]
    assert cells[1].endswith(("KB", "MB")) and cells[2] == "Backed up by hand" and cells[3] == "Good"
    assert "checked and good" in page.done_notice.text()
    page.table.selectRow(0)
    assert page.restore_button.isEnabled()
    (tmp_path / "shots").mkdir(exist_ok=True)
    page.grab().save(str(tmp_path / "shots" / "backups.png"))


def test_back_up_to_a_folder_remembers_the_folder(qtbot, session: WorkspaceSession, tmp_path: Path) -> None:
    page, settings = make_page(qtbot, session, tmp_path)
    usb = tmp_path / "USB"
    usb.mkdir()
    with answering(qtbot, choose_file(usb)):
        qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(list(usb.glob("*.khws"))) == 1 and not page.runner.busy)  # copied and said
    assert settings.value(LAST_FOLDER_KEY) == str(usb)
    assert page.model.rowCount() == 0  # a copy elsewhere is not one of the workspace's rotating backups


def test_restore_asks_first_and_cancel_changes_nothing(qtbot, session: WorkspaceSession, tmp_path: Path,
                                                       english) -> None:
    backups.make_backup(uow_factory=session.uow_factory, reason="daily")
    page, _settings = make_page(qtbot, session, tmp_path)
    requested: list[Path] = []
    page.restore_requested.connect(requested.append)
    page.table.selectRow(0)
    seen: list[str] = []
    timer = answer("confirm_restore", "Cancel", seen)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    timer.stop()
    assert seen and "Everything changed since then will be replaced" in seen[0]
    assert requested == []
    timer = answer("confirm_restore", "Restore", seen)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    timer.stop()
    assert requested == [page.selected_backup().path]


# --- the controller: restore closes the workspace, replaces it and opens it again -------------------------


@pytest.fixture
def controller(qapp, tmp_path: Path) -> Iterator[AppController]:  # type: ignore[no-untyped-def]
    paths = AppPaths(data_dir=tmp_path / "data", config_dir=tmp_path / "config", log_dir=tmp_path / "logs",
                     portable=True)
    paths.ensure()
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    made = AppController(qapp, paths, settings)
    yield made
    if made.window is not None:
        made.window.close()
    made.shutdown()


def material_count(session: WorkspaceSession) -> int:
    return session.overview().materials_total


def run_soon(action: Callable[[], object]) -> None:
    QTimer.singleShot(0, action)


def test_restore_through_the_controller_reopens_the_restored_workspace(qtbot, controller: AppController,
                                                                      workspace: Path, english) -> None:
    assert controller._open(workspace)
    controller._wait_for_backups()
    daily = backups.list_backups(workspace=workspace)
    assert [b.reason for b in daily] == ["daily"]  # the day's first start made one, in the background
    before = material_count(controller.session)
    ids = _material_ids(controller.session)[:3]
    delete_materials(uow_factory=controller.session.uow_factory, material_ids=ids)
    assert material_count(controller.session) == before - 3
    old_window = controller.window
    page = old_window.page_by_key["backups"]
    old_window.show_area("backups")
    page.table.selectRow(0)
    seen: list[str] = []
    confirm = answer("confirm_restore", "Restore", seen)
    done = answer("restore_done", "OK", seen)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    confirm.stop()
    done.stop()
    assert controller.window is not old_window and controller.session is not None
    assert material_count(controller.session) == before
    assert "restored from" in seen[-1] and "backed up as" in seen[-1]
    reasons = sorted(b.reason for b in backups.list_backups(workspace=workspace))
    assert reasons == ["before-restore", "daily"]


def _material_ids(session: WorkspaceSession) -> list[str]:
    from kehoach_desktop.services.dump import dump_workspace

    return [m["id"] for m in dump_workspace(uow_factory=session.uow_factory)["materials"] if not m["deleted_at"]]


def test_a_damaged_workspace_offers_the_newest_good_backup(qtbot, controller: AppController, workspace: Path,
                                                          english) -> None:
    session = open_workspace(workspace)
    expected = material_count(session)
    backups.make_backup(uow_factory=session.uow_factory, reason="daily")
    session.close()
    data = bytearray(workspace.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    workspace.write_bytes(bytes(data))
    seen: list[str] = []
    timer = answer("offer_restore", "Restore this backup", seen)
    assert controller._open(workspace)
    timer.stop()
    assert "damaged" in seen[0] and "newest good backup" in seen[0]
    assert material_count(controller.session) == expected
    damaged = [b for b in backups.list_backups(workspace=workspace) if b.reason == "damaged"]
    assert len(damaged) == 1 and damaged[0].path.read_bytes() == bytes(data)


def test_a_workspace_whose_records_are_garbled_offers_the_newest_good_backup(qtbot, controller: AppController,
                                                                            demo_template: Path, tmp_path: Path,
                                                                            english) -> None:
    """The header and schema are fine, a text value is not UTF-8 any more (found by tests/fuzz)."""
    from kehoach_desktop.storage.backup import backup_workspace

    regressions = Path(__file__).resolve().parents[1] / "fuzz" / "regressions"
    damaged = regressions / "workspace-file" / "garbled-text-column.khws"
    workspace = tmp_path / "garbled" / "quan.khws"
    workspace.parent.mkdir()
    shutil.copy(damaged, workspace)
    backup_workspace(demo_template, "daily", workspace.parent / "quan-backups")
    seen: list[str] = []
    timer = answer("offer_restore", "Restore this backup", seen)
    assert controller._open(workspace)
    timer.stop()
    assert "is damaged" in seen[0]
    assert controller.session.summary().unit_code == "006"
