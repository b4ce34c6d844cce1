"""Files where people find them: the documents folder, the folder last used per kind, "Open the folder";
the officer in charge in the settings and in histories; the unit's wards offered by the forms.

Every dialog is answered through the dialog that opens (file dialogs included); "Open the folder" is
caught by a URL handler for ``file:`` (QDesktopServices), so no file manager starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QPushButton, QTreeWidget, QWidget

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.paths import DOCUMENTS_FOLDER_NAME, AppPaths, app_paths
from kehoach_desktop.services.materials import create_material, get_material, update_material
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, new_workspace
from kehoach_desktop.services.templates import builtin_template
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.dialogs.workspace_settings_dialog import WorkspaceSettingsDialog
from kehoach_desktop.ui.folders import DocumentFolders, FileKind
from kehoach_desktop.ui.main_window import MainWindow
from tests.services.register_fixtures import banner

pytestmark = pytest.mark.gui


class OpenedUrls(QObject):
    """Receives what QDesktopServices.openUrl is asked to open for ``file:`` URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.folders: list[Path] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.folders.append(Path(url.toLocalFile()))


@pytest.fixture
def opened() -> Iterator[OpenedUrls]:
    catcher = OpenedUrls()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    yield catcher
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def district(tmp_path: Path) -> Iterator[WorkspaceSession]:
    session = new_workspace(tmp_path / "ws" / "dongda.khws", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    yield session
    session.close()


def make_window(qtbot, session: WorkspaceSession, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, log_file=tmp_path / "kehoach.log")
    qtbot.addWidget(window)
    window.resize(1366, 698)
    window.show()
    qtbot.waitExposed(window)
    return window


def type_vietnamese(widget: QWidget, text: str) -> None:
    """Text as an input method (Unikey, ibus-bamboo) commits it; QTest's key clicks know ASCII only."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def when_modal(kind: type, answer: Callable[[QDialog], None]) -> list[QDialog]:
    """Answer the next modal dialog of ``kind`` with ``answer`` (the dialogs answered are listed)."""
    seen: list[QDialog] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        answer(dialog)

    QTimer.singleShot(0, look)
    return seen


def test_the_default_documents_folder_is_visible_and_made_when_first_used(district: WorkspaceSession) -> None:
    paths = app_paths()
    assert paths.portable  # the tests' KEHOACH_PORTABLE: never the real home
    assert paths.documents_dir == paths.data_dir / DOCUMENTS_FOLDER_NAME
    assert paths.default_workspace.parent == paths.documents_dir  # new workspaces go there, not to a hidden folder
    unportable = AppPaths(Path("/x/data"), Path("/x/config"), Path("/x/logs"), portable=False,
                          documents_root=Path("/home/an/Documents") / DOCUMENTS_FOLDER_NAME)
    assert unportable.default_workspace == Path("/home/an/Documents/Kế hoạch Desktop/ke-hoach.khws")
    folders = DocumentFolders(district)
    if paths.documents_dir.exists():
        paths.documents_dir.rmdir()  # left empty by an earlier test of this session
    assert folders.root() == paths.documents_dir and paths.documents_dir.is_dir()


def test_an_export_starts_in_the_documents_folder_then_in_the_last_one_and_offers_to_open_it(
        qtbot, district: WorkspaceSession, tmp_path: Path, opened: OpenedUrls, english) -> None:
    create_material(uow_factory=district.uow_factory, values=banner("Chào mừng Đại hội"))
    window = make_window(qtbot, district, tmp_path)
    window.show_area("materials")
    page = window.page_by_key["materials"]
    documents = DocumentFolders(district).root()
    chosen = tmp_path / "cho đơn vị"
    chosen.mkdir()
    started: list[Path] = []

    def save_into(folder: Path) -> Callable[[QDialog], None]:
        def answer(dialog: QDialog) -> None:
            assert isinstance(dialog, QFileDialog)
            started.append(Path(dialog.directory().absolutePath()))
            dialog.selectFile(str(folder / "so-theo-doi.xlsx"))
            dialog.accept()
        return answer

    when_modal(QFileDialog, save_into(chosen))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.done_notice.isVisible(), timeout=20_000)
    assert started == [documents]
    assert (chosen / "so-theo-doi.xlsx").is_file()
    assert str(chosen / "so-theo-doi.xlsx") in page.done_notice.text()
    qtbot.mouseClick(page.done_notice.open_button, Qt.MouseButton.LeftButton)
    assert opened.folders == [chosen]

    seen = when_modal(QFileDialog, lambda dialog: (started.append(Path(dialog.directory().absolutePath())),
                                                   dialog.reject()))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert started[-1] == chosen  # the last folder of this kind, remembered
    # another kind of file still starts in the documents folder
    assert DocumentFolders(district).start(FileKind.PACKAGES) == documents


def test_the_settings_name_the_officer_and_the_documents_folder(qtbot, district: WorkspaceSession,
                                                                 tmp_path: Path, vietnamese) -> None:
    window = make_window(qtbot, district, tmp_path)
    elsewhere = tmp_path / "Tài liệu khác"

    window.settings_action.trigger()  # File → Workspace settings… opens the dialog over the window
    dialog = window.findChild(WorkspaceSettingsDialog)
    assert dialog.isVisible() and dialog.folder.text() == str(app_paths().documents_dir)
    type_vietnamese(dialog.officer, "Trần Thị Bình")
    dialog.folder.selectAll()
    type_vietnamese(dialog.folder, str(elsewhere))
    with qtbot.waitSignal(dialog.changed):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    summary = district.summary()
    assert (summary.officer_name, summary.export_folder) == ("Trần Thị Bình", str(elsewhere))
    assert not elsewhere.exists()  # made when first used
    assert DocumentFolders(district).start(FileKind.REPORTS) == elsewhere and elsewhere.is_dir()


def test_a_history_names_the_officer_and_shows_labels_names_and_money(qtbot, district: WorkspaceSession,
                                                                        tmp_path: Path, vietnamese) -> None:
    from kehoach_desktop.services.registers import list_themes
    from kehoach_desktop.services.workspace import update_workspace_settings

    update_workspace_settings(uow_factory=district.uow_factory, officer_name="Trần Thị Bình", documents_folder="")
    themes = list_themes(uow_factory=district.uow_factory)
    first, second = themes[1], themes[2]
    material_id, _changes = create_material(uow_factory=district.uow_factory,
                                            values=banner(section_id=first.id, cost=4_500_000))
    before = get_material(uow_factory=district.uow_factory, material_id=material_id).as_input()
    update_material(uow_factory=district.uow_factory, material_id=material_id, values=replace(
        before, cost=6_000_000, section_id=second.id, status="produced", produced_on=dt.date(2021, 5, 3)))
    window = make_window(qtbot, district, tmp_path)
    window.show_area("materials")
    page = window.page_by_key["materials"]
    page.table.selectRow(0)
    rows: dict[str, tuple[str, str]] = {}
    whats: list[str] = []

    def read(dialog: QDialog) -> None:
        dialog.tabs.setCurrentIndex(2)
        tree = dialog.findChild(QTreeWidget, "history_tree")
        update = tree.topLevelItem(0)
        whats.extend(tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount()))
        for i in range(update.childCount()):
            child = update.child(i)
            rows[child.text(1)] = (child.text(2), child.text(3))
        dialog.reject()

    seen = when_modal(QDialog, read)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert whats[0] == "Đã sửa (người thực hiện: Trần Thị Bình)" and all("root" not in w for w in whats)
    assert rows["Chi phí (đồng)"] == ("4.500.000 đồng", "6.000.000 đồng")
    assert rows["Trạng thái"] == ("Dự kiến", "Đã sản xuất")
    assert rows["Chủ đề"] == (first.label, second.label)
    assert rows["Ngày sản xuất"] == ("", "03/05/2021")
    assert not any(len(value) == 36 and value.count("-") == 4 for pair in rows.values() for value in pair)  # no UUID


def test_the_material_and_event_forms_offer_the_units_wards(qtbot, district: WorkspaceSession, tmp_path: Path,
                                                           vietnamese) -> None:
    wards = [place.name for place in builtin_template().unit("006").places]
    assert len(wards) == 21  # Đống Đa's 21 wards in the template
    window = make_window(qtbot, district, tmp_path)
    for area in ("materials", "events"):
        window.show_area(area)
        page = window.page_by_key[area]
        offered: list[str] = []

        def read(dialog: QDialog, offered: list[str] = offered) -> None:
            offered.extend(dialog.ward.itemText(i) for i in range(dialog.ward.count()))
            dialog.reject()

        seen = when_modal(QDialog, read)
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda seen=seen: bool(seen))
        assert [w for w in offered if w] == wards, area  # a new workspace: every ward, in the official order


def test_photos_are_added_from_the_documents_folder_first(qtbot, tmp_path: Path, english) -> None:
    session = new_demo_workspace(tmp_path / "demo.khws")
    try:
        window = make_window(qtbot, session, tmp_path)
        window.show_area("materials")
        page = window.page_by_key["materials"]
        page.table.selectRow(0)
        started: list[Path] = []

        def open_photos(dialog: QDialog) -> None:
            dialog.tabs.setCurrentIndex(1)
            when_modal(QFileDialog, lambda files: (started.append(Path(files.directory().absolutePath())),
                                                   files.reject(), dialog.reject()))
            dialog.findChild(QPushButton, "add_photos").click()

        seen = when_modal(QDialog, open_photos)
        qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(seen) and bool(started))
        assert started == [DocumentFolders(session).root()]
    finally:
        session.close()


def test_a_new_workspace_is_proposed_in_the_documents_folder_with_its_officer(qtbot, tmp_path: Path,
                                                                              vietnamese) -> None:
    from PySide6.QtWidgets import QWizard

    from kehoach_desktop.app import AppController
    from kehoach_desktop.ui.setup_wizard import SetupWizard

    paths = AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "logs", portable=True)
    paths.ensure()
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    proposed: list[tuple[str, str]] = []

    def answer(wizard: QDialog) -> None:
        assert isinstance(wizard, SetupWizard)
        proposed.append((wizard.location_page.path.text(), wizard.location_page.export_folder.text()))
        wizard.next()
        type_vietnamese(wizard.unit_page.search, "đống đa")
        wizard.next()
        type_vietnamese(wizard.signer_page.name, "Nguyễn Văn An")
        type_vietnamese(wizard.signer_page.officer, "Trần Thị Bình")
        wizard.next()
        wizard.button(QWizard.WizardButton.FinishButton).click()

    when_modal(SetupWizard, answer)
    controller = AppController(QApplication.instance(), paths, settings)
    assert controller.open_initial(None, demo=False)
    qtbot.addWidget(controller.window)
    assert proposed == [(str(paths.documents_dir / "ke-hoach.khws"), str(paths.documents_dir))]
    assert controller.session.path == paths.documents_dir / "ke-hoach.khws"  # a visible place, not data_dir
    summary = controller.session.summary()
    assert summary.officer_name == "Trần Thị Bình" and summary.export_folder == str(paths.documents_dir)
    controller.shutdown()
    controller.window.close()


def test_a_workspace_made_by_an_earlier_version_stays_where_it_is_and_is_backed_up_at_exit(
        qtbot, tmp_path: Path) -> None:
    from kehoach_desktop.app import AppController
    from kehoach_desktop.services.backups import list_backups
    from kehoach_desktop.services.workspace import update_workspace_settings

    paths = AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "logs", portable=True)
    paths.ensure()
    new_demo_workspace(paths.legacy_workspace).close()  # data/workspace.khws, the earlier default
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    controller = AppController(QApplication.instance(), paths, settings)
    assert controller.open_initial(None, demo=False)  # opened, no wizard
    qtbot.addWidget(controller.window)
    assert controller.session.path == paths.legacy_workspace
    controller._wait_for_backups()  # the day's first start made the daily backup
    assert [b.reason for b in list_backups(workspace=paths.legacy_workspace)] == ["daily"]
    update_workspace_settings(uow_factory=controller.session.uow_factory, officer_name="Trần Thị Bình",
                              documents_folder="")
    window = controller.window
    controller.shutdown()  # what quitting does once the window is closed
    window.close()
    assert [b.reason for b in list_backups(workspace=paths.legacy_workspace)] == ["at-exit", "daily"]
