"""The main window on a demo workspace: every navigation entry reachable, real figures shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QPlainTextEdit, QTableView, QTreeWidget

from kehoach_desktop import i18n
from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.services.dto import ThemeProgress
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.main_window import CITY_AREAS, DISTRICT_AREAS, MainWindow
from kehoach_desktop.ui.pages.overview_page import theme_progress_columns
from kehoach_desktop.ui.table_model import DtoTableModel

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.khws"
    new_demo_workspace(path).close()
    return path


@pytest.fixture
def demo_session(demo_file: Path):  # type: ignore[no-untyped-def]
    from kehoach_desktop.services.session import open_workspace

    session = open_workspace(demo_file)
    yield session
    session.close()


def make_window(qtbot, session: WorkspaceSession, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, log_file=tmp_path / "kehoach.log")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_every_navigation_entry_is_reachable(qtbot, demo_session, tmp_path: Path, vietnamese) -> None:
    window = make_window(qtbot, demo_session, tmp_path)
    navigation = window.findChild(QListWidget, "navigation")
    assert [navigation.item(i).text() for i in range(navigation.count())] == [
        "Tổng quan", "Kế hoạch", "Nhiệm vụ", "Tuyên truyền cổ động trực quan", "Sự kiện", "Báo cáo", "Gửi báo cáo",
        i18n._("Backups")]  # "Sao lưu" once the catalog has it
    for row, area in enumerate(DISTRICT_AREAS):
        rect = navigation.visualItemRect(navigation.item(row))
        qtbot.mouseClick(navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.current_area() == area.key
        assert window.pages.currentWidget().objectName() == f"page_{area.key}"
        if area.coming:
            message = window.pages.currentWidget().findChild(QLabel, "placeholder_message")
            assert message.text() == window.tr(message.text())  # shown as given
            assert message.text()


def test_keyboard_shortcuts_switch_pages(qtbot, demo_session, tmp_path: Path) -> None:
    window = make_window(qtbot, demo_session, tmp_path)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "plan"
    qtbot.keyClick(window.navigation, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "events"


def test_overview_shows_the_workspace_figures(qtbot, demo_session, tmp_path: Path) -> None:
    window = make_window(qtbot, demo_session, tmp_path)
    overview = demo_session.overview()
    page = window.page_by_key["overview"]
    assert page.tasks_card.value.text() == str(overview.tasks_total)
    assert page.materials_card.value.text() == f"{overview.materials_total:,}".replace(",", ".")
    assert overview.tasks_total >= 40 and overview.materials_total >= 200
    table = page.findChild(QTableView, "theme_progress_table")
    assert table.model().rowCount() == len(overview.theme_progress) > 0
    attention = page.findChild(QListWidget, "attention_list")
    assert attention.count() >= 1


def test_plan_page_shows_the_template_outline_with_full_text(qtbot, demo_session, tmp_path: Path) -> None:
    window = make_window(qtbot, demo_session, tmp_path)
    window.show_area("plan")
    tree = window.findChild(QTreeWidget, "plan_outline_tree")
    labels = []
    iterator = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while iterator:
        item = iterator.pop(0)
        labels.append(item.text(0))
        iterator[:0] = [item.child(i) for i in range(item.childCount())]
    assert labels[0] == "I. MỤC ĐÍCH, YÊU CẦU"
    assert "1.2. Về phát triển kinh tế" in labels
    assert any(label.startswith("2.3. Tuyên truyền cổ động trực quan") for label in labels)
    tree.setCurrentItem(tree.findItems("1.2. Về phát triển kinh tế", Qt.MatchFlag.MatchRecursive)[0])
    text = window.findChild(QPlainTextEdit, "section_text_edit").toPlainText()
    assert "“mục tiêu kép” - vừa phòng, chống dịch bệnh, vừa phục hồi và phát triển kinh tế" in text


def test_status_bar_names_the_unit_and_the_file(qtbot, demo_session, tmp_path: Path) -> None:
    window = make_window(qtbot, demo_session, tmp_path)
    assert "Ủy ban nhân dân quận Đống Đa" in window.unit_status.text()
    assert window.file_status.text() == str(demo_session.path)


def test_window_geometry_is_remembered(qtbot, demo_session, tmp_path: Path) -> None:
    window = make_window(qtbot, demo_session, tmp_path)
    window.resize(1011, 707)
    window.close()
    again = make_window(qtbot, demo_session, tmp_path)
    assert (again.width(), again.height()) == (1011, 707)


def test_city_workspace_shows_the_city_areas(qtbot, tmp_path: Path, vietnamese) -> None:
    session = new_workspace(tmp_path / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    try:
        window = make_window(qtbot, session, tmp_path)
        navigation = window.findChild(QListWidget, "navigation")
        assert navigation.count() == len(CITY_AREAS)
        assert navigation.item(1).text() == "Tình hình nộp báo cáo"
        for area in CITY_AREAS:
            window.show_area(area.key)
            assert window.current_area() == area.key
        window.close()
    finally:
        session.close()


def test_theme_progress_model_passes_the_model_tester(qtmodeltester, demo_session) -> None:
    model: DtoTableModel[ThemeProgress] = DtoTableModel(theme_progress_columns())
    model.set_rows(demo_session.overview().theme_progress)
    qtmodeltester.check(model, force_py=True)
