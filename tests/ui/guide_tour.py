"""The guide's tour: the real windows driven offscreen, as the guide tells an officer to, on demo workspaces.

It serves twice:

- ``packaging/guide_images.py`` runs it to make the guide's screenshots (``resources/guide/<lang>/images``);
- ``tests/ui/test_guide.py`` runs it without saving pictures, to collect every text the windows show (buttons,
  menus, pages, labels, keys) and check the guide's marks against them — and that every picture the guide
  shows is one the tour makes.

The tour acts as a user: it clicks buttons, triggers actions, types keys and answers the dialogs that open.
A newcomer's path comes first (the wizard, the first steps, a first issued plan, a first package), then a demo
unit's year in progress, then the city with the packages of a few units.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QDate, QLibraryInfo, QLocale, QPoint, QRect, QSettings, Qt, QTimer, QTranslator
from PySide6.QtGui import QAction, QImage, QInputMethodEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QTabBar,
    QToolButton,
    QTreeWidget,
    QWidget,
    QWizard,
    QWizardPage,
)

from kehoach_desktop.domain.guide import MENU_SEPARATOR, Guide, UiKind, interface_name

WINDOW_SIZE = (1024, 660)  # a small office screen: the pages reflow to it, the pictures stay readable at 1:1
MAX_WIDTH = 860  # wider pictures are scaled down to this
SIDE_BAR = "navigation"
CITY_UNITS = ("006", "001")  # the city receives the packages of two demo units


plain = interface_name  # a text as the guide writes it


@dataclass
class UiTexts:
    """What the windows of the tour showed, by the kind of mark that may name it."""

    pages: set[str] = field(default_factory=set)
    menus: set[str] = field(default_factory=set)  # "Menu > Entry"
    buttons: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)

    def knows(self, kind: str, name: str) -> bool:
        name = plain(name)
        if kind == UiKind.PAGE:
            return name in self.pages
        if kind == UiKind.MENU:
            return name in self.menus
        if kind == UiKind.BUTTON:
            return name in self.buttons
        if kind == UiKind.KEY:
            return name in self.keys
        every = self.labels | self.buttons | self.pages | {m.split(MENU_SEPARATOR)[-1] for m in self.menus}
        return name in every or name.rstrip(":") in {t.rstrip(":") for t in every}

    def collect(self, root: QWidget) -> None:
        """Every text ``root`` and its children show."""
        widgets = [root, *root.findChildren(QWidget)]
        for widget in widgets:
            if widget.isWindow() and widget.windowTitle():
                self.labels.add(plain(widget.windowTitle()))
            if isinstance(widget, QAbstractButton) and widget.text():
                self.buttons.add(plain(widget.text()))
            elif isinstance(widget, QLabel) and widget.text():
                self.labels.add(plain(_text_of(widget.text())))
                for line in widget.text().split("\n"):
                    if line.strip():
                        self.labels.add(plain(_text_of(line)))
            elif isinstance(widget, QGroupBox) and widget.title():
                self.labels.add(plain(widget.title()))
            elif isinstance(widget, QTabBar):
                self.labels.update(plain(widget.tabText(i)) for i in range(widget.count()))
            elif isinstance(widget, QComboBox):
                self.labels.update(plain(widget.itemText(i)) for i in range(widget.count()))
            elif isinstance(widget, QLineEdit) and widget.placeholderText():
                self.labels.add(plain(widget.placeholderText()))
            elif isinstance(widget, QHeaderView) and widget.model() is not None:
                model = widget.model()
                count = model.columnCount() if widget.orientation() == Qt.Orientation.Horizontal else 0
                for column in range(count):
                    header = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                    if header:
                        self.labels.add(plain(str(header)))
            elif isinstance(widget, QListWidget) and widget.objectName() == SIDE_BAR:
                self.pages.update(plain(widget.item(i).text()) for i in range(widget.count()))
            elif isinstance(widget, QTreeWidget):
                header = widget.headerItem()
                self.labels.update(plain(header.text(i)) for i in range(header.columnCount()) if header.text(i))
            if isinstance(widget, QWizard):
                for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton,
                              QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton):
                    self.buttons.add(plain(widget.buttonText(which)))
                page = widget.currentPage()
                if page is not None:
                    texts = (QWizardPage.title(page), QWizardPage.subTitle(page))  # a page may shadow title()
                    self.labels.update(plain(t) for t in texts if t)
        for action in root.findChildren(QAction):
            if action.text() and not action.isSeparator():
                self.buttons.add(plain(action.text()))
            self.keys.update(s.toString(QKeySequence.SequenceFormat.PortableText) for s in action.shortcuts())
        for shortcut in root.findChildren(QShortcut):
            self.keys.add(shortcut.key().toString(QKeySequence.SequenceFormat.PortableText))
        for button in root.findChildren(QAbstractButton):
            if not button.shortcut().isEmpty():
                self.keys.add(button.shortcut().toString(QKeySequence.SequenceFormat.PortableText))
        menu_bar = getattr(root, "menuBar", None)
        if callable(menu_bar) and root.isWindow() and hasattr(root, "navigation"):
            for menu_action in menu_bar().actions():
                menu = menu_action.menu()
                if menu is None:
                    continue
                title = plain(menu.title())
                self.labels.add(title)
                for action in menu.actions():
                    if action.text() and not action.isSeparator():
                        self.menus.add(f"{title}{MENU_SEPARATOR}{plain(action.text())}")
                    if action.menu() is not None:
                        for sub in action.menu().actions():
                            self.menus.add(f"{title}{MENU_SEPARATOR}{plain(action.text())}{MENU_SEPARATOR}"
                                           f"{plain(sub.text())}")


def names_not_shown(tour: Tour, guide: Guide) -> list[str]:
    """Each mark of ``guide`` that the windows of ``tour`` did not show as that kind, with the nearest they did show."""
    texts = tour.texts
    missing: list[str] = []
    for source, _chapter, span in guide.ui_names():
        if texts.knows(span.kind, span.text):
            continue
        shown = {UiKind.PAGE: texts.pages, UiKind.MENU: texts.menus, UiKind.BUTTON: texts.buttons,
                 UiKind.KEY: texts.keys}.get(UiKind(span.kind), texts.labels | texts.buttons)
        near = difflib.get_close_matches(plain(span.text), shown, n=2, cutoff=0.6)
        problem = (f"resources/guide/{source}: {{{span.kind}:{span.text}}} is not on screen as a {span.kind}"
                   + (f" (the windows show: {' / '.join(near)})" if near else ""))
        if problem not in missing:
            missing.append(problem)
    return missing


def _text_of(text: str) -> str:
    """A label's text without markup (rich-text labels)."""
    if "<" not in text:
        return text
    from PySide6.QtGui import QTextDocumentFragment

    return QTextDocumentFragment.fromHtml(text).toPlainText()


def settle(ms: int = 30) -> None:
    QApplication.processEvents()
    QTest.qWait(ms)


def wait_until(condition: Callable[[], bool], what: str, timeout_ms: int = 60_000) -> None:
    waited = 0
    while not condition():
        if waited > timeout_ms:
            raise TimeoutError(f"the tour waited {timeout_ms // 1000} s for {what}")
        QTest.qWait(25)
        waited += 25


def type_text(widget: QWidget, text: str) -> None:
    """Text as an input method (Unikey, ibus-bamboo) commits it; QTest's key clicks know ASCII only."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def click_item(view: QAbstractItemView, index) -> None:  # type: ignore[no-untyped-def]
    view.scrollTo(index)
    rect = view.visualRect(index)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle()


def find_action(root: QWidget, name: str) -> QAction:
    action = root.findChild(QAction, name)
    if action is None:
        raise LookupError(f"no action named {name!r} in {root.objectName() or type(root).__name__}")
    return action


def find(root: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    widget = root.findChild(kind, name)
    if widget is None:
        raise LookupError(f"no {kind.__name__} named {name!r} in {root.objectName() or type(root).__name__}")
    return widget


def tool_button_of(root: QWidget, action_name: str) -> QToolButton:
    for button in root.findChildren(QToolButton):
        if button.defaultAction() is not None and button.defaultAction().objectName() == action_name:
            return button
    raise LookupError(f"no tool button for the action {action_name!r}")


class Tour:
    """Drives the windows; ``shot(name, widget)`` saves a picture (when ``images`` is given) and collects texts."""

    def __init__(self, folder: Path, language: str, images: Path | None = None,
                 only: Iterable[str] = (), prebuilt: Path | None = None) -> None:
        self.folder = folder
        self.prebuilt = prebuilt  # a folder holding demo.khws and city.khws made by build_workspaces()
        self.language = language
        self.images = images
        self.only = set(only)
        self.texts = UiTexts()
        self.shots: list[str] = []

    # pictures and texts ----------------------------------------------------------------------
    def shot(self, name: str, widget: QWidget, area: QRect | None = None) -> None:
        settle(60 if self.images is not None else 5)  # a picture waits for the last paint
        self.texts.collect(widget)
        self.shots.append(name)
        if self.images is None or (self.only and name not in self.only):
            return
        image = (widget.grab(area) if area is not None else widget.grab()).toImage()
        save_picture(image, self.images / f"{name}.png")

    def window_area(self, window: QWidget) -> QRect:
        """The whole window but its status bar (which shows where the tour's files are)."""
        return QRect(0, 0, window.width(), window.statusBar().y())  # type: ignore[attr-defined]

    def page_area(self, window: QWidget) -> QRect:
        """The page beside the side bar, without the menu bar and the status bar."""
        pages = window.pages  # type: ignore[attr-defined]
        top_left = pages.mapTo(window, QPoint(0, 0))
        return QRect(top_left, pages.size())

    # dialogs ---------------------------------------------------------------------------------
    def through_dialog(self, open_it: Callable[[], None], answer: Callable[[QDialog], None],
                       kind: type = QDialog) -> None:
        """Do ``open_it`` (a click), then ``answer`` the dialog of ``kind`` that opens (modal or window-modal)."""
        answered: list[QDialog] = []

        def look() -> None:
            dialog = QApplication.activeModalWidget()
            if os.environ.get("TOUR_DEBUG"):
                print("looking for", kind.__name__, "found", type(dialog).__name__,
                      dialog.property("tour_answered") if dialog is not None else None, flush=True)
            if isinstance(dialog, kind) and dialog.isVisible() and not dialog.property("tour_answered"):
                dialog.setProperty("tour_answered", True)
                answered.append(dialog)
                settle()
                answer(dialog)
                return
            QTimer.singleShot(30, look)

        QTimer.singleShot(0, look)
        open_it()
        wait_until(lambda: bool(answered), f"a {kind.__name__} after a click")
        settle()

    def save_file_as(self, path: Path) -> Callable[[QDialog], None]:
        return self.open_files(path)

    def open_files(self, path: Path) -> Callable[[QDialog], None]:
        """Answer a file dialog by typing the file's whole path in its name field, then accepting."""
        def answer(dialog: QDialog) -> None:
            assert isinstance(dialog, QFileDialog)
            name = dialog.findChild(QLineEdit, "fileNameEdit")
            name.setText(str(path))
            dialog.accept()
        return answer

    def main_window(self, session, name: str):  # type: ignore[no-untyped-def]
        from kehoach_desktop.ui.main_window import MainWindow

        settings = QSettings(str(self.folder / f"{name}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(session, settings, log_file=self.folder / "kehoach.log",
                            on_open_other=lambda: None)  # the application's File menu offers it
        window.resize(*WINDOW_SIZE)
        window.show()
        settle(100)
        self.texts.collect(window)
        return window

    def show_page(self, window, key: str) -> QWidget:  # type: ignore[no-untyped-def]
        """Click the page's entry in the side bar."""
        keys = [area.key for area in window.areas]
        navigation = window.navigation
        click_item(navigation, navigation.model().index(keys.index(key), 0))
        settle(80 if self.images is not None else 10)
        page = window.page_by_key[key]
        self.texts.collect(page)
        return page

    # the tour ----------------------------------------------------------------------------------
    def run(self) -> None:
        from kehoach_desktop.services.session import new_demo_workspace, open_workspace

        session = self.newcomer()
        session.close()
        if self.prebuilt is not None:
            shutil.copy(self.prebuilt / "demo.khws", self.folder / "demo.khws")
            demo = open_workspace(self.folder / "demo.khws")
        else:
            demo = new_demo_workspace(self.folder / "demo.khws")
        try:
            self.demo_unit(demo)
        finally:
            demo.close()
        self.city()

    def newcomer(self):  # type: ignore[no-untyped-def]
        """The wizard, then every first step of a new unit's workspace, to its first package."""
        from kehoach_desktop.services.session import new_workspace
        from kehoach_desktop.services.templates import builtin_template
        from kehoach_desktop.ui.setup_wizard import SetupWizard

        wizard = SetupWizard(builtin_template(), self.folder / "ke-hoach.khws", documents_folder=self.folder / "docs")
        wizard.resize(760, 560)
        wizard.show()
        self.shot("wizard-mode", wizard)
        wizard.button(QWizard.WizardButton.NextButton).click()
        settle()
        search = wizard.unit_page.search
        search.setFocus()
        QTest.keyClicks(search, "dong da")
        self.shot("wizard-unit", wizard)
        wizard.button(QWizard.WizardButton.NextButton).click()
        settle()
        type_text(wizard.signer_page.name, "Nguyễn Văn An")
        type_text(wizard.signer_page.officer, "Trần Thị Bình")
        self.shot("wizard-signer", wizard)
        wizard.button(QWizard.WizardButton.NextButton).click()
        self.shot("wizard-location", wizard)
        wizard.button(QWizard.WizardButton.FinishButton).click()
        settle()
        session = new_workspace(wizard.workspace_location(), wizard.result_setup())  # what the application does
        wizard.deleteLater()

        window = self.main_window(session, "newcomer")
        overview = window.page_by_key["overview"]
        self.shot("first-steps", window, self.window_area(window))

        # 1. plan details, from the first steps
        def details(dialog: QDialog) -> None:
            self.shot("plan-details", dialog)
            recipients = dialog.recipients  # type: ignore[attr-defined]
            recipients.setFocus()
            recipients.moveCursor(QTextCursor.MoveOperation.End)
            QTest.keyClick(recipients, Qt.Key.Key_Return)
            type_text(recipients, "Đảng ủy, UBND các phường;")
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()  # type: ignore[attr-defined]

        self.through_dialog(overview.first_steps.buttons["plan_details"].click, details)
        plan = window.page_by_key["plan"]
        self.texts.collect(plan)
        # 2. the draft: a theme's text, then a task under it
        self.select_section(plan, 1, 1, 2)
        self.shot("plan-page", window, self.page_area(window))
        plan.tabs.tabBar().setCurrentIndex(1)
        settle()
        tool_button_of(plan, "task_add").click()
        settle()
        form = plan.task_form
        form.content.selectAll()
        type_text(form.content, "Phát thanh tuyên truyền trên hệ thống loa truyền thanh của 21 phường")
        form.lead.setCurrentIndex(max(1, form.lead.findText("Phòng Văn hóa và Thông tin")))
        form.budget.selectAll()
        QTest.keyClicks(form.budget, "12000000")
        form.target.selectAll()
        QTest.keyClicks(form.target, "120")
        type_text(form.indicator_unit, "buổi phát thanh")
        settle(form.SAVE_DELAY_MS + 200)
        self.shot("plan-task", window, self.page_area(window))
        # 3. the directory of responsible units
        window.show_area("overview")

        def units(dialog: QDialog) -> None:
            self.shot("units-dialog", dialog)
            dialog.new_button.click()  # type: ignore[attr-defined]
            type_text(dialog.name, "Phường Láng Thượng")  # type: ignore[attr-defined]
            dialog.save_button.click()  # type: ignore[attr-defined]
            settle()
            dialog.active_button.click()  # type: ignore[attr-defined]  # set aside: the button offers it back
            settle()
            self.texts.collect(dialog)
            dialog.active_button.click()  # type: ignore[attr-defined]
            settle()
            dialog.reject()

        self.through_dialog(overview.first_steps.buttons["responsible_units"].click, units)
        # 4. issue
        window.show_area("overview")

        def issue(dialog: QDialog) -> None:
            dialog.number.setFocus()  # type: ignore[attr-defined]
            QTest.keyClicks(dialog.number, "05")  # type: ignore[attr-defined]
            self.shot("issue-dialog", dialog)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]

        self.through_dialog(overview.first_steps.buttons["issued"].click, issue)
        self.shot("plan-issued", window, self.page_area(window))
        self.revise(window, plan)
        # 5. and 6. the registers, empty, then their first records
        materials = self.show_page(window, "materials")
        self.shot("materials-empty", window, self.page_area(window))

        def material(dialog: QDialog) -> None:
            type_text(dialog.content, "Nhiệt liệt chào mừng Đại hội đại biểu toàn quốc lần thứ XIII của Đảng")  # type: ignore[attr-defined]
            dialog.quantity.setValue(40)  # type: ignore[attr-defined]
            type_text(dialog.size, "0,8 x 10 m")  # type: ignore[attr-defined]
            self.shot("material-dialog", dialog)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()  # type: ignore[attr-defined]

        self.through_dialog(materials.add_button.click, material)
        events = self.show_page(window, "events")

        def event(dialog: QDialog) -> None:
            type_text(dialog.title, "Hội diễn văn nghệ quần chúng chào mừng Quốc khánh 2/9")  # type: ignore[attr-defined]
            self.shot("event-dialog", dialog)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()  # type: ignore[attr-defined]

        self.through_dialog(events.add_button.click, event)
        # 7. the units' workbooks
        window.show_area("overview")

        def export_workbooks(dialog: QDialog) -> None:
            self.shot("excel-export", dialog)
            self.through_dialog(dialog.export_button.click,  # type: ignore[attr-defined]
                                self.save_file_as(self.folder / "tien-do.xlsx"), QFileDialog)
            wait_until(lambda: (self.folder / "tien-do.xlsx").exists(), "the workbook")
            settle(200)
            wait_until(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), "the export's message")
            done = QApplication.activeModalWidget()
            self.texts.collect(done)
            done.accept()
            dialog.reject()

        self.through_dialog(overview.first_steps.buttons["workbooks"].click, export_workbooks)
        # 8. the first package
        overview.first_steps.buttons["package"].click()
        settle()
        sync = window.page_by_key["sync"]
        self.shot("sync-page", window, self.page_area(window))
        self.through_dialog(sync.export_button.click, self.save_file_as(self.folder / "goi.khsync"), QFileDialog)
        wait_until(lambda: sync.done_notice.isVisible(), "the package")
        self.shot("sync-exported", window, self.page_area(window))
        self.show_page(window, "overview")
        self.shot("overview-new", window, self.page_area(window))
        self.help_windows(window)
        window.close()
        window.deleteLater()
        settle()
        return session

    def revise(self, window, plan: QWidget) -> None:  # type: ignore[no-untyped-def]
        """A new revision: its reason, a changed budget, issued again, then compared with the first."""
        def reason(dialog: QDialog) -> None:
            type_text(dialog.reason, "Bổ sung kinh phí phát thanh quý III")  # type: ignore[attr-defined]
            self.shot("revise-dialog", dialog)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]

        self.through_dialog(lambda: find_action(plan, "plan_revise").trigger(), reason)
        self.select_section(plan, 1, 1, 2)
        plan.tabs.tabBar().setCurrentIndex(1)
        settle()
        form = plan.task_form
        form.budget.selectAll()
        QTest.keyClicks(form.budget, "15000000")
        settle(form.SAVE_DELAY_MS + 200)

        def issue_again(dialog: QDialog) -> None:
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]

        self.through_dialog(lambda: find_action(plan, "plan_issue").trigger(), issue_again)

        def compare(dialog: QDialog) -> None:
            dialog.resize(900, 560)
            after = dialog.after  # type: ignore[attr-defined]
            after.setCurrentIndex(after.count() - 1)
            self.shot("revisions-dialog", dialog)
            dialog.reject()

        self.through_dialog(lambda: find_action(plan, "plan_revisions").trigger(), compare)

    def select_section(self, plan: QWidget, *path: int) -> None:
        """Click the outline's item at ``path`` (indexes from the top, e.g. II → 1. → 1.2)."""
        tree: QTreeWidget = plan.tree  # type: ignore[attr-defined]
        item = tree.topLevelItem(path[0])
        for index in path[1:]:
            item.setExpanded(True)
            item = item.child(index - 1) if index - 1 < item.childCount() else item.child(0)
        click_item(tree, tree.indexFromItem(item))

    def help_windows(self, window) -> None:  # type: ignore[no-untyped-def]
        window.page_help_action.trigger()
        settle(100)
        guide = window.guide_window
        guide.resize(1000, 640)
        self.shot("guide-window", guide)
        guide.close()
        self.through_dialog(window.shortcuts_action.trigger, lambda d: (self.shot("shortcuts", d), d.reject()))

    def demo_unit(self, session) -> None:  # type: ignore[no-untyped-def]
        """A unit's year in progress: the figures, the progress, the registers, a report, the backups."""
        window = self.main_window(session, "demo")
        overview = window.page_by_key["overview"]
        if overview.first_steps.isVisible():  # a unit in the middle of its year: its figures matter now
            overview.first_steps.hide_button.click()
        self.shot("overview", window, self.window_area(window))
        self.show_page(window, "plan")

        tasks = self.show_page(window, "tasks")
        self.shot("tasks-page", window, self.page_area(window))
        click_item(tasks.table, tasks.proxy.index(0, 1))

        def progress(dialog: QDialog) -> None:
            self.shot("progress-dialog", dialog)
            dialog.reject()

        self.through_dialog(tasks.update_button.click, progress)

        materials = self.show_page(window, "materials")
        self.shot("materials-page", window, self.page_area(window))
        click_item(materials.table, materials.model.index(0, 1))

        def open_material(dialog: QDialog) -> None:
            self.shot("material-lifecycle", dialog)
            dialog.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
            photo = self.folder / "bang-ron.jpg"
            make_photo(photo)
            self.through_dialog(dialog.photos.add_button.click, self.open_files(photo), QFileDialog)  # type: ignore[attr-defined]
            self.shot("material-photos", dialog)
            dialog.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
            self.shot("material-history", dialog)
            dialog.reject()

        self.through_dialog(materials.edit_button.click, open_material)
        materials.table.selectRow(0)

        def bulk(dialog: QDialog) -> None:
            self.shot("bulk-status", dialog)
            dialog.reject()

        self.through_dialog(materials.status_button.click, bulk)

        self.show_page(window, "events")
        self.shot("events-page", window, self.page_area(window))

        self.excel_import(window)

        reports = self.show_page(window, "reports")
        reports.kind.setCurrentIndex(1)
        settle()
        reports.generate_button.click()
        wait_until(lambda: reports.current is not None and reports.document.pageCount() > 0, "the report")
        settle(300)
        self.shot("reports-page", window, self.page_area(window))

        def sign(dialog: QDialog) -> None:
            wait_until(lambda: dialog.search_button.isEnabled(), "the search for tokens")  # type: ignore[attr-defined]
            tokens = dialog.token_list  # type: ignore[attr-defined]
            if tokens.count():
                click_item(tokens, tokens.model().index(0, 0))
            self.shot("sign-dialog", dialog)
            dialog.reject()

        with plugged_token(self.folder):
            self.through_dialog(reports.sign_button.click, sign)
        self.show_page(window, "sync")
        backups = self.show_page(window, "backups")
        backups.backup_button.click()
        wait_until(lambda: backups.model.rowCount() > 0, "a backup")
        settle(200)
        self.shot("backups-page", window, self.page_area(window))

        def settings(dialog: QDialog) -> None:
            self.shot("workspace-settings", dialog)
            dialog.reject()

        self.through_dialog(window.settings_action.trigger, settings)
        window.close()
        window.deleteLater()
        settle()

    def excel_import(self, window) -> None:  # type: ignore[no-untyped-def]
        """A unit's workbook comes back with progress typed in, and one cell the import cannot read."""
        from kehoach_desktop.services.excel_export import export_progress_workbook, list_export_units

        session = window._session
        unit = list_export_units(uow_factory=session.uow_factory, today=session.today())[0]
        returned = self.folder / "tien-do-tra-ve.xlsx"
        export_progress_workbook(uow_factory=session.uow_factory, out=returned, today=session.today(),
                                 unit=unit.code)
        fill_returned_workbook(returned)

        def importing(dialog: QDialog) -> None:
            self.through_dialog(dialog.choose.click, self.open_files(returned), QFileDialog)  # type: ignore[attr-defined]
            wait_until(lambda: dialog.preview is not None, "the preview")  # type: ignore[attr-defined]
            dialog.resize(860, 360)
            settle(200)
            self.shot("excel-import", dialog)
            dialog.reject()

        self.through_dialog(window.excel_import_action.trigger, importing)

    def city(self) -> None:
        if self.prebuilt is not None:
            from kehoach_desktop.services.session import open_workspace

            shutil.copy(self.prebuilt / "city.khws", self.folder / "city.khws")
            city = open_workspace(self.folder / "city.khws")
        else:
            from tests.services.city_fixtures import build_city

            folder = self.folder / "city"
            folder.mkdir()
            city = build_city(folder, districts=CITY_UNITS).city
        try:
            window = self.main_window(city, "city")
            self.shot("city-overview", window, self.window_area(window))
            board = self.show_page(window, "board")
            click_item(board.table, board.table.model().index(0, 0))
            self.shot("city-board", window, self.page_area(window))

            def drill(dialog: QDialog) -> None:
                dialog.resize(1000, 640)
                self.shot("city-drilldown", dialog)
                dialog.reject()

            self.through_dialog(board.open_button.click, drill)
            self.show_page(window, "packages")
            self.shot("city-packages", window, self.page_area(window))
            self.show_page(window, "reports")
            self.shot("city-reports", window, self.page_area(window))
            self.show_page(window, "template")
            self.shot("city-template", window, self.page_area(window))
            self.show_page(window, "backups")
            window.close()
            window.deleteLater()
            settle()
        finally:
            city.close()


@contextlib.contextmanager
def plugged_token(folder: Path) -> Iterator[None]:
    """A USB token as a signer's, when SoftHSM is installed (a SoftHSM token with a certificate; else none)."""
    import pytest

    from tests.exchange.certs import make_pki
    from tests.exchange.softhsm import make_token

    (folder / "token").mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as environment:
        with contextlib.suppress(pytest.skip.Exception):  # no SoftHSM here: the dialog finds no token, as it would
            make_token(folder / "token", make_pki(folder / "token", signer="Nguyễn Văn An",
                                                  organisation="UBND quận Đống Đa"), environment, label="VNPT-CA")
        yield


def make_photo(path: Path) -> None:
    """A photo of a banner put up in a street, drawn (a JPEG as a phone takes it)."""
    from PySide6.QtGui import QColor, QFont, QPainter

    image = QImage(1200, 800, QImage.Format.Format_RGB32)
    image.fill(QColor("#9ca3af"))
    painter = QPainter(image)
    painter.fillRect(0, 560, 1200, 240, QColor("#4b5563"))  # the street
    painter.fillRect(120, 180, 960, 200, QColor("#b91c1c"))  # the banner
    painter.fillRect(100, 160, 12, 460, QColor("#374151"))
    painter.fillRect(1088, 160, 12, 460, QColor("#374151"))
    painter.setPen(QColor("#fde047"))
    font = QFont()
    font.setPixelSize(44)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRect(120, 180, 960, 200), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                     "NHIỆT LIỆT CHÀO MỪNG ĐẠI HỘI ĐẠI BIỂU TOÀN QUỐC LẦN THỨ XIII CỦA ĐẢNG")
    painter.end()
    image.save(str(path), "JPG", 85)


def fill_returned_workbook(path: Path) -> None:
    """What a unit's clerk types: progress of two tasks, and a date the import cannot read."""
    from openpyxl import load_workbook

    from kehoach_desktop.domain.text import fold

    book = load_workbook(path)
    sheet = book.worksheets[0]  # the tasks
    headers = {fold(str(cell.value or "")): cell.column for cell in sheet[2]}

    def column(*words: str) -> int:
        return next(c for title, c in headers.items() if all(w in title for w in words))

    done, updated = column("ty le", "hoan thanh"), column("cap nhat")
    for row, (share, day) in ((3, (0.6, "15/09/2021")), (4, (1.0, "31/02/2021"))):
        if sheet.cell(row, 1).value:
            sheet.cell(row, done).value = share
            sheet.cell(row, updated).value = day
    book.save(path)


def save_picture(image: QImage, path: Path) -> None:
    """A screenshot kept small: at most MAX_WIDTH wide, 64 colours, optimised PNG."""
    from PIL import Image

    image = image.convertToFormat(QImage.Format.Format_RGB888)
    if image.width() > MAX_WIDTH:
        image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
    width, height = image.width(), image.height()
    data = bytes(image.constBits())[: image.bytesPerLine() * height]
    picture = Image.frombuffer("RGB", (width, height), data, "raw", "RGB", image.bytesPerLine(), 1)
    palette = picture.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    palette.save(partial, "PNG", optimize=True)
    os.replace(partial, path)


def build_workspaces(folder: Path) -> Path:
    """The demo unit and the city the tour shows, made once (``prebuilt`` of :func:`run_tour`): ``folder``."""
    from kehoach_desktop.services.session import new_demo_workspace
    from tests.services.city_fixtures import build_city

    new_demo_workspace(folder / "demo.khws").close()
    (folder / "units").mkdir()
    build_city(folder / "units", districts=CITY_UNITS).city.close()
    shutil.copy(folder / "units" / "city.khws", folder / "city.khws")
    return folder


def run_tour(language: str, folder: Path, images: Path | None = None, only: Iterable[str] = (),
             prebuilt: Path | None = None) -> Tour:
    """The whole tour in ``language`` (the catalog and Qt's strings switched to it), in ``folder``."""
    from kehoach_desktop import i18n
    from kehoach_desktop.ui.qt_strings import qt_translator
    from kehoach_desktop.ui.style import STYLE_SHEET

    app = QApplication.instance() or QApplication([])
    previous = i18n.current_language()
    i18n.setup(language)
    translator: QTranslator = qt_translator(app) if language == "vi" else QTranslator()  # as app.py does
    if language != "vi":
        translator.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    app.installTranslator(translator)
    locale = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam) if language == "vi"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    style = app.styleSheet()
    app.setStyleSheet(STYLE_SHEET)
    try:
        tour = Tour(folder, language, images, only, prebuilt)
        tour.run()
        return tour
    finally:
        app.removeTranslator(translator)
        QLocale.setDefault(locale)
        app.setStyleSheet(style)
        i18n.setup(previous)
        shutil.rmtree(folder / "city", ignore_errors=True)
        _ = (dt, QDate)  # kept for steps that type dates
