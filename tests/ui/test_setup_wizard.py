"""The first-run wizard, driven as a coordinator would: search, pick, type, finish; next start opens directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QWizard

from kehoach_desktop.app import AppController
from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.paths import AppPaths
from kehoach_desktop.services.templates import builtin_template
from kehoach_desktop.ui.setup_wizard import SetupWizard

pytestmark = pytest.mark.gui


def type_text(edit: QLineEdit, text: str) -> None:
    """Vietnamese text arrives from the input method as committed text (QTest types ASCII keys only)."""
    edit.setFocus()
    edit.insert(text)


def visible_codes(units: QListWidget) -> list[str]:
    return [units.item(i).data(Qt.ItemDataRole.UserRole) for i in range(units.count())
            if not units.item(i).isHidden()]


def test_units_are_listed_by_code_and_name_and_searchable_without_diacritics(qtbot, tmp_path: Path,
                                                                             vietnamese) -> None:
    wizard = SetupWizard(builtin_template(), tmp_path / "ws.khws")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.unit_page
    assert page.units.count() == 30
    assert page.units.item(5).text() == "006 — Quận Đống Đa"
    qtbot.keyClicks(page.search, "dong da")
    assert visible_codes(page.units) == ["006"]
    assert page.units.currentItem().data(Qt.ItemDataRole.UserRole) == "006"
    assert page.full_name.text() == "Ủy ban nhân dân quận Đống Đa"
    page.search.clear()
    qtbot.keyClicks(page.search, "son tay")
    assert visible_codes(page.units) == ["269"]
    assert page.full_name.text() == "Ủy ban nhân dân thị xã Sơn Tây"
    page.search.clear()
    qtbot.keyClicks(page.search, "huyen ba")
    assert visible_codes(page.units) == ["271"]  # Ba Vì is the only huyện whose name has "ba"


def test_next_is_disabled_until_a_unit_and_a_signer_are_given(qtbot, tmp_path: Path, vietnamese) -> None:
    wizard = SetupWizard(builtin_template(), tmp_path / "ws.khws")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.keyClicks(wizard.unit_page.search, "khong co quan nay")
    assert not next_button.isEnabled()
    wizard.unit_page.search.clear()
    wizard.unit_page.units.setCurrentRow(0)
    assert next_button.isEnabled()
    wizard.next()
    assert not next_button.isEnabled()  # the signer's name is required
    type_text(wizard.signer_page.name, "Nguyễn Văn An")
    assert next_button.isEnabled()


def test_a_typed_full_name_is_kept_when_the_unit_changes(qtbot, tmp_path: Path, vietnamese) -> None:
    wizard = SetupWizard(builtin_template(), tmp_path / "ws.khws")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.unit_page
    page.units.setCurrentRow(5)
    page.full_name.setText("UBND quận Đống Đa (Phòng Văn hóa và Thông tin)")
    page.units.setCurrentRow(0)
    assert page.full_name.text() == "UBND quận Đống Đa (Phòng Văn hóa và Thông tin)"


def test_city_mode_prefills_the_receiving_agency(qtbot, tmp_path: Path, vietnamese) -> None:
    wizard = SetupWizard(builtin_template(), tmp_path / "ws.khws")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.mode_page.city.setChecked(True)
    wizard.next()
    assert not wizard.unit_page.units.isVisible()
    assert wizard.unit_page.full_name.text() == "Sở Thông tin và Truyền thông"
    assert wizard.result_setup().mode is WorkspaceMode.CITY


def _fill_wizard_when_shown(qtbot, workspace: Path) -> list[str]:
    """Answer the modal wizard the way a coordinator would, once it is on screen."""
    seen: list[str] = []

    def answer() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, SetupWizard):
            QTimer.singleShot(50, answer)
            return
        seen.append(wizard.windowTitle())
        wizard.next()
        type_text(wizard.unit_page.search, "đống đa")
        wizard.next()
        type_text(wizard.signer_page.name, "Nguyễn Văn An")
        wizard.signer_page.title.setCurrentText("Phó Chủ tịch")
        wizard.next()
        path_edit = wizard.findChild(QLineEdit, "workspace_path")
        path_edit.setText(str(workspace))
        seen.append(wizard.location_page.summary.text())
        wizard.button(QWizard.WizardButton.FinishButton).click()

    QTimer.singleShot(0, answer)
    return seen


def test_real_first_run_creates_the_workspace_and_the_next_start_opens_it(qtbot, tmp_path: Path,
                                                                          vietnamese) -> None:
    paths = AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "logs", portable=True)
    paths.ensure()
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    workspace = tmp_path / "Hồ sơ" / "Đống Đa.khws"

    first = AppController(QApplication.instance(), paths, settings)
    seen = _fill_wizard_when_shown(qtbot, workspace)
    assert first.open_initial(None, demo=False)
    assert seen[0] == "Thiết lập Kế hoạch Desktop" or seen[0]  # the title is translated when the catalog is
    assert "Ủy ban nhân dân quận Đống Đa" in seen[1]
    assert workspace.is_file()
    window = first.window
    qtbot.addWidget(window)
    assert window.summary.unit_code == "006"
    assert window.summary.signer_title == "Phó Chủ tịch"
    first.shutdown()
    window.close()

    second = AppController(QApplication.instance(), paths, settings)
    assert second.open_initial(None, demo=False)  # no wizard this time: it would block the test
    qtbot.addWidget(second.window)
    assert second.window.summary.unit_full_name == "Ủy ban nhân dân quận Đống Đa"
    second.shutdown()
    second.window.close()


def _answer_up_to_the_location_page(wizard: SetupWizard) -> None:
    wizard.next()
    type_text(wizard.unit_page.search, "đống đa")
    wizard.next()
    type_text(wizard.signer_page.name, "Nguyễn Văn An")
    wizard.next()


def test_a_shared_database_server_can_be_chosen_instead_of_a_file(qtbot, tmp_path: Path) -> None:
    wizard = SetupWizard(builtin_template(), tmp_path / "ws.khws")
    qtbot.addWidget(wizard)
    wizard.show()
    _answer_up_to_the_location_page(wizard)
    page, finish = wizard.location_page, wizard.button(QWizard.WizardButton.FinishButton)
    assert page.path.isVisible() and not page.server_url.isVisible()
    assert wizard.workspace_location() == tmp_path / "ws.khws"
    page.on_server.setChecked(True)
    assert page.server_url.isVisible() and not page.path.isVisible()
    assert not finish.isEnabled()  # no address yet
    qtbot.keyClicks(page.server_url, "http://db.example/kehoach")
    assert not finish.isEnabled() and "PostgreSQL" in page.server_problem.text()
    page.server_url.clear()
    qtbot.keyClicks(page.server_url, "postgresql+psycopg://officer@db.example:5432")
    assert not finish.isEnabled() and "names no database" in page.server_problem.text()
    qtbot.keyClicks(page.server_url, "/kehoach")
    assert finish.isEnabled() and not page.server_problem.isVisible()
    finish.click()
    assert wizard.result() == wizard.DialogCode.Accepted
    assert wizard.workspace_location() == "postgresql+psycopg://officer@db.example:5432/kehoach"
    assert wizard.server_password() is None


def test_first_run_on_a_database_server_creates_the_workspace_there(qtbot, tmp_path: Path, postgres_databases,
                                                                    monkeypatch) -> None:
    url = postgres_databases.new()  # postgresql+psycopg://kehoach:kehoach@…/kh_… (a password in the address)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    paths = AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "logs", portable=True)
    paths.ensure()
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)

    def answer() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, SetupWizard):
            QTimer.singleShot(50, answer)
            return
        _answer_up_to_the_location_page(wizard)
        wizard.location_page.on_server.setChecked(True)
        wizard.location_page.server_url.setText(url)
        wizard.button(QWizard.WizardButton.FinishButton).click()

    first = AppController(QApplication.instance(), paths, settings)
    QTimer.singleShot(0, answer)
    assert first.open_initial(tmp_path / "none.khws", demo=False)
    qtbot.addWidget(first.window)
    assert first.session.is_server and first.window.summary.unit_code == "006"
    remembered = str(settings.value("last_workspace"))
    assert remembered == url.replace("kehoach:kehoach@", "kehoach@")  # the address, never the password
    assert str(settings.value("last_server_url")) == remembered
    first.shutdown()
    first.window.close()

    monkeypatch.setenv("PGPASSWORD", "kehoach")  # the next start takes the password from the environment
    second = AppController(QApplication.instance(), paths, settings)
    assert second.open_initial(None, demo=False)
    qtbot.addWidget(second.window)
    assert second.window.summary.unit_full_name == "Ủy ban nhân dân quận Đống Đa"
    second.shutdown()
    second.window.close()


def test_a_workspace_copied_from_another_computer_is_opened_from_the_first_window(qtbot, tmp_path: Path,
                                                                                  vietnamese) -> None:
    """A new computer: the set-up window's "Mở tệp dữ liệu có sẵn…" opens the copied file instead of a new one."""
    from PySide6.QtWidgets import QFileDialog

    from kehoach_desktop.i18n import _
    from kehoach_desktop.services.session import new_demo_workspace

    copied = tmp_path / "USB" / "dong-da.khws"
    copied.parent.mkdir()
    new_demo_workspace(copied).close()
    paths = AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "logs", portable=True)
    paths.ensure()
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    steps: list[str] = []

    def answer_file_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer_file_dialog)
            return
        steps.append(dialog.windowTitle())
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(copied))
        dialog.accept()

    def answer_wizard() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, SetupWizard):
            QTimer.singleShot(20, answer_wizard)
            return
        button = wizard.button(QWizard.WizardButton.CustomButton1)
        steps.append(button.text())
        QTimer.singleShot(0, answer_file_dialog)
        button.click()

    QTimer.singleShot(0, answer_wizard)
    controller = AppController(QApplication.instance(), paths, settings)
    assert controller.open_initial(None, demo=False)
    qtbot.addWidget(controller.window)
    assert steps == ["Mở tệp dữ liệu có sẵn…", _("Open a workspace")]
    assert controller.session.path == copied and controller.session.summary().unit_code == "006"
    assert settings.value("last_workspace") == str(copied)  # the next start opens it directly
    controller.shutdown()
    controller.window.close()
