"""The main window: navigation side bar, pages, menus and status bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSettings, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QFontMetrics, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop import APP_NAME, __version__
from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.folders import DocumentFolders, open_folder
from kehoach_desktop.ui.style import NAVIGATION_ITEM_BORDER, NAVIGATION_ITEM_PADDING

if TYPE_CHECKING:
    from kehoach_desktop.ui.guide_window import GuideWindow


@dataclass(frozen=True)
class Area:
    key: str
    title: str  # N_() source text
    coming: str = ""  # what the page will do, for areas delivered later


SIDE_WIDTH = 230
NARROW_SIDE_WIDTH = 180  # windows narrower than WIDE_WINDOW (1024×768 screens)
WIDE_WINDOW = 1200

DISTRICT_AREAS = (
    Area("overview", N_("Overview")),
    Area("plan", N_("Plan")),
    Area("tasks", N_("Tasks")),
    Area("materials", N_("Visual materials")),
    Area("events", N_("Events")),
    Area("reports", N_("Reports")),
    Area("sync", N_("Sync")),
    Area("backups", N_("Backups")),
)
CITY_AREAS = (
    Area("overview", N_("Overview")),
    Area("board", N_("Completeness board")),
    Area("packages", N_("Received packages")),
    Area("reports", N_("Consolidated reports")),
    Area("template", N_("Template")),
    Area("backups", N_("Backups")),
)


class _LazyPages(dict):  # type: ignore[type-arg]
    """``pages[key]`` builds the page the first time it is asked for."""

    def __init__(self, build: Callable[[str], QWidget]) -> None:
        super().__init__()
        self._build = build

    def __missing__(self, key: str) -> QWidget:
        page = self._build(key)
        self[key] = page
        return page


class MainWindow(QMainWindow):
    workspace_closed = Signal()
    restore_requested = Signal(object)  # the Backups page asks for a restore (the Path of a backup)

    def __init__(self, session: WorkspaceSession, settings: QSettings, *, log_file: Path,
                 on_open_other: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._session = session
        self._settings = settings
        self._log_file = log_file
        self._on_open_other = on_open_other
        self.guide_window: GuideWindow | None = None
        self.summary = session.summary()
        self.dialog: QDialog | None = None  # the dialog opened last
        self.setWindowTitle(self.summary.unit_full_name)  # Qt adds the application's name after it
        self.setMinimumSize(900, 600)

        self.areas = CITY_AREAS if self.summary.mode == WorkspaceMode.CITY.value else DISTRICT_AREAS
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        # Long page names wrap onto a second line in a narrow side bar, never cut nor scrolled sideways.
        self.navigation.setWordWrap(True)
        self.navigation.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        # Pages are built when first shown (start-up time): page_by_key[key] builds one on demand,
        # page_by_key.get(key) only returns a page that exists.
        self.page_by_key: dict[str, QWidget] = _LazyPages(self._build_page)
        self._containers: dict[str, QWidget] = {}
        for area in self.areas:
            container = QWidget()
            container.setObjectName(f"page_{area.key}")
            container_layout = QVBoxLayout(container)
            container_layout.setContentsMargins(0, 0, 0, 0)
            self._containers[area.key] = container
            self.pages.addWidget(container)
            item = QListWidgetItem(_(area.title))
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            self.navigation.addItem(item)
        self._loaded: set[str] = set()

        unit_label = QLabel(self.summary.unit_full_name)
        self.unit_label = unit_label
        unit_label.setObjectName("nav_unit")
        unit_label.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        side_layout.addWidget(unit_label)
        side_layout.addWidget(self.navigation, 1)
        side.setFixedWidth(SIDE_WIDTH)
        self._side = side
        self._fit_navigation_items(SIDE_WIDTH)
        side.setStyleSheet("background: #1f2a37;")
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar()
        self.navigation.currentRowChanged.connect(self._on_navigation_row_changed)
        self._restore_geometry()
        self.navigation.setCurrentRow(0)

    # pages -----------------------------------------------------------------------------------
    def _build_page(self, key: str) -> QWidget:
        area = next(a for a in self.areas if a.key == key)
        page = self._make_page(area)
        self._containers[key].layout().addWidget(page)
        page.show()  # a child added to a visible container would otherwise show only after the event loop runs
        if hasattr(page, "changed"):
            page.changed.connect(self.apply_changes)
        if hasattr(page, "restore_requested"):
            page.restore_requested.connect(self.restore_requested)
        if hasattr(page, "go_requested"):
            page.go_requested.connect(self.go_to)
        return page

    def _make_page(self, area: Area) -> QWidget:
        """Each delivered area has a page class taking the session; the others say what is coming.

        A page's module is imported only when the page is built (start-up time).
        """
        import importlib

        city = self.summary.mode == WorkspaceMode.CITY.value
        pages = {
            "overview": "city_overview_page.CityOverviewPage" if city else "overview_page.OverviewPage",
            "plan": "plan_page.PlanPage",
            "tasks": "tasks_page.TasksPage",
            "materials": "materials_page.MaterialsPage",
            "events": "events_page.EventsPage",
            "reports": "city_reports_page.CityReportsPage" if city else "reports_page.ReportsPage",
            "board": "board_page.BoardPage",
            "sync": "sync_page.SyncPage",
            "packages": "packages_page.PackagesPage",
            "template": "template_page.TemplatePage",
            "backups": "backups_page.BackupsPage",
        }
        target = pages.get(area.key)
        if target is None:
            from kehoach_desktop.ui.pages.placeholder_page import PlaceholderPage

            return PlaceholderPage(_(area.title), _(area.coming))
        module_name, class_name = target.split(".")
        page_class = getattr(importlib.import_module(f"kehoach_desktop.ui.pages.{module_name}"), class_name)
        if area.key == "backups":
            return page_class(self._session, self._settings)
        return page_class(self._session)

    def show_area(self, key: str) -> None:
        keys = [area.key for area in self.areas]
        self.navigation.setCurrentRow(keys.index(key))

    def go_to(self, key: str, target: str = "") -> None:
        """Show the page ``key`` ("" stays), then click the button or trigger the action named ``target`` there,
        as the user would next (a first step's or an empty list's button leads to where the work is done)."""
        if key:
            self.show_area(key)
        if not target:
            return
        where: QWidget = self.page_by_key[key] if key else self
        found = where.findChild(QAction, target) or where.findChild(QAbstractButton, target)
        if isinstance(found, QAction) and found.isEnabled():
            found.trigger()
        elif isinstance(found, QAbstractButton) and found.isEnabled():
            found.click()

    def current_area(self) -> str:
        return self.areas[self.pages.currentIndex()].key

    def _on_navigation_row_changed(self, row: int) -> None:
        if row < 0:
            return
        area = self.areas[row]
        self.pages.setCurrentIndex(row)
        if area.key not in self._loaded:
            self._loaded.add(area.key)
            self.page_by_key[area.key].refresh()  # type: ignore[attr-defined]

    def refresh_current(self) -> None:
        self.page_by_key[self.current_area()].refresh()  # type: ignore[attr-defined]

    def apply_changes(self, changes: Changes) -> None:
        """A page wrote something: every other loaded page that shows it refreshes."""
        if changes.workspace:  # a city's agency follows its template: the names shown follow it
            self.summary = self._session.summary()
            self.setWindowTitle(self.summary.unit_full_name)
            self.unit_label.setText(self.summary.unit_full_name)
            self.unit_status.setText(f"{WorkspaceMode(self.summary.mode).label}: {self.summary.unit_full_name}")
        for key, page in self.page_by_key.items():
            if key not in self._loaded:
                continue
            relevant = getattr(page, "RELEVANT_CHANGES", ())
            if changes.touches(*relevant):
                page.refresh()  # type: ignore[attr-defined]

    # menus and status bar ------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        if self._on_open_other is not None:
            open_action = QAction(_("Open or create another workspace…"), self)
            open_action.setShortcut(QKeySequence.StandardKey.Open)
            open_action.triggered.connect(self._on_open_other)
            file_menu.addAction(open_action)
        show_folder = QAction(_("Show the workspace's folder"), self)
        show_folder.triggered.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._session.folder))))
        file_menu.addAction(show_folder)
        self.years_action = QAction(_("Plan years…"), self)
        self.years_action.setObjectName("years_action")
        self.years_action.triggered.connect(lambda: self.open_years())
        file_menu.addAction(self.years_action)
        show_documents = QAction(_("Open the documents folder"), self)
        show_documents.setObjectName("open_documents_folder")
        show_documents.triggered.connect(lambda: open_folder(DocumentFolders(self._session, self._settings).root()))
        file_menu.addAction(show_documents)
        self.settings_action = QAction(_("Workspace settings…"), self)
        self.settings_action.setObjectName("workspace_settings")
        self.settings_action.triggered.connect(self.open_workspace_settings)
        file_menu.addAction(self.settings_action)
        if self.summary.mode != WorkspaceMode.CITY.value:  # progress workbooks are a district's own
            file_menu.addSeparator()
            self.excel_export_action = QAction(_("Export progress to Excel…"), self)
            self.excel_export_action.setObjectName("excel_export")
            self.excel_export_action.triggered.connect(self.open_excel_export)
            file_menu.addAction(self.excel_export_action)
            self.excel_import_action = QAction(_("Import progress from Excel…"), self)
            self.excel_import_action.setObjectName("excel_import")
            self.excel_import_action.triggered.connect(self.open_excel_import)
            file_menu.addAction(self.excel_import_action)
        file_menu.addSeparator()
        quit_action = QAction(_("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu(_("&View"))
        for index, area in enumerate(self.areas):
            action = QAction(_(area.title), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, key=area.key: self.show_area(key))
            view_menu.addAction(action)
        view_menu.addSeparator()
        refresh = QAction(_("Refresh"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh_current)
        view_menu.addAction(refresh)

        self.language_menu = self.menuBar().addMenu(_("&Language"))
        for code, name in (("vi", "Tiếng Việt"), ("en", "English")):
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(self._settings.value("language", "vi") == code)
            action.triggered.connect(lambda _checked=False, lang=code: self._on_language_chosen(lang))
            self.language_menu.addAction(action)

        help_menu = self.menuBar().addMenu(_("&Help"))
        self.guide_action = QAction(_("User guide"), self)
        self.guide_action.setObjectName("open_guide")
        self.guide_action.triggered.connect(lambda: self.open_guide())
        help_menu.addAction(self.guide_action)
        self.page_help_action = QAction(_("Help on this page"), self)
        self.page_help_action.setObjectName("page_help")
        self.page_help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.page_help_action.triggered.connect(self.open_page_help)
        help_menu.addAction(self.page_help_action)
        if self.summary.mode != WorkspaceMode.CITY.value:  # a unit's first steps, on its Tổng quan
            self.first_steps_action = QAction(_("First steps"), self)
            self.first_steps_action.setObjectName("show_first_steps")
            self.first_steps_action.triggered.connect(self.show_first_steps)
            help_menu.addAction(self.first_steps_action)
        self.shortcuts_action = QAction(_("Keyboard shortcuts"), self)
        self.shortcuts_action.setObjectName("show_shortcuts")
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        about = QAction(_("About Kế hoạch Desktop"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        log_action = QAction(_("Open the log folder"), self)
        log_action.triggered.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._log_file.parent))))
        help_menu.addAction(log_action)

    # help ------------------------------------------------------------------------------------
    def open_guide(self, anchor: str | None = None) -> GuideWindow:
        """The guide's window (one per main window), at ``anchor`` when given."""
        from kehoach_desktop.i18n import current_language
        from kehoach_desktop.services.guide import images_dir, load_guide
        from kehoach_desktop.ui.guide_window import GuideWindow

        if self.guide_window is None:
            language = current_language()
            self.guide_window = GuideWindow(load_guide(language), images_dir(language), log_file=self._log_file,
                                            save_folder=DocumentFolders(self._session, self._settings).root(),
                                            parent=self)
        self.guide_window.show()  # laid out first: the anchor is scrolled to in the text as shown
        if anchor:
            self.guide_window.show_anchor(anchor)
        self.guide_window.raise_()
        self.guide_window.activateWindow()
        return self.guide_window

    def open_page_help(self) -> GuideWindow:
        """F1: the guide at the chapter of the page shown."""
        from kehoach_desktop.i18n import current_language
        from kehoach_desktop.services.guide import load_guide

        return self.open_guide(load_guide(current_language()).anchor_for_page(self.help_key()))

    def help_key(self) -> str:
        """The name the guide gives the page shown (``page=`` in its headings): a city's pages start with "city-"."""
        city = self.summary.mode == WorkspaceMode.CITY.value
        return f"city-{self.current_area()}" if city else self.current_area()

    def show_first_steps(self) -> None:
        """Tổng quan with its list of first steps shown again (after "Hide these steps")."""
        self.show_area("overview")
        self.page_by_key["overview"].show_first_steps(True)  # type: ignore[attr-defined]

    def show_shortcuts(self) -> QDialog:
        from kehoach_desktop.ui.shortcuts_dialog import ShortcutsDialog, shortcut_rows

        pages = [(_(area.title), self.page_by_key[area.key]) for area in self.areas]  # built if not yet
        dialog = ShortcutsDialog(shortcut_rows(self, pages), self)
        dialog.open()
        return dialog

    def open_years(self) -> QDialog:
        from kehoach_desktop.ui.dialogs.years_dialog import YearsDialog

        dialog = YearsDialog(self._session, city=self.summary.mode == WorkspaceMode.CITY.value, parent=self)
        dialog.changed.connect(self.apply_changes)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_workspace_settings(self) -> QDialog:
        from kehoach_desktop.ui.dialogs.workspace_settings_dialog import WorkspaceSettingsDialog

        dialog = WorkspaceSettingsDialog(self._session, self)
        dialog.changed.connect(self.apply_changes)
        dialog.open()
        return dialog

    def open_excel_export(self) -> QDialog:
        from kehoach_desktop.ui.dialogs.excel_export_dialog import ExcelExportDialog

        dialog = ExcelExportDialog(self._session, self)
        dialog.open()
        return dialog

    def open_excel_import(self) -> QDialog:
        from kehoach_desktop.ui.dialogs.excel_import_dialog import ExcelImportDialog

        dialog = ExcelImportDialog(self._session, self)
        dialog.changed.connect(self.apply_changes)
        dialog.open()
        return dialog

    def _build_status_bar(self) -> None:
        mode = WorkspaceMode(self.summary.mode).label
        self.unit_status = QLabel(f"{mode}: {self.summary.unit_full_name}")
        self.unit_status.setObjectName("status_unit")
        self.file_status = QLabel(self._session.location)
        self.file_status.setObjectName("status_file")
        self.file_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.unit_status)
        self.statusBar().addPermanentWidget(self.file_status)

    def _on_language_chosen(self, language: str) -> None:
        self._settings.setValue("language", language)
        for action in self.language_menu.actions():
            action.setChecked(action.text() == ("Tiếng Việt" if language == "vi" else "English"))
        QMessageBox.information(self, APP_NAME, _("The language will change the next time you start the "
                                                  "application."))

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Kế hoạch Desktop"), _(
            "<h3>Kế hoạch Desktop {version}</h3><p>Drafts, tracks and reports the propaganda plan of a "
            "reporting unit for the city's yearly socio-economic plan, and gathers the reports of all units "
            "for the city.</p><p>Workspace: {path}<br>Signing key fingerprint: <tt>{fingerprint}</tt></p>"
        ).format(version=__version__, path=self._session.location, fingerprint=self.summary.key_fingerprint))

    # geometry --------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self._settings.value("main_window/geometry")
        if geometry is not None and self.restoreGeometry(geometry):
            return
        # first start: 1280×800, or 90 % of a smaller screen
        available = self.screen().availableGeometry()
        self.resize(min(1280, int(available.width() * 0.9)), min(800, int(available.height() * 0.9)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """On a small screen the navigation gives the page some of its width."""
        width = SIDE_WIDTH if event.size().width() >= WIDE_WINDOW else NARROW_SIDE_WIDTH
        if self._side.width() != width:
            self._side.setFixedWidth(width)
            self._fit_navigation_items(width)
        super().resizeEvent(event)

    def _fit_navigation_items(self, side_width: int) -> None:
        """Each page name gets the height of the lines it wraps to at this width.

        Qt's list sizes wrapped items without the style sheet's padding (the second line would be dropped),
        so the height is given here: the text's lines plus the item's padding (style.NAVIGATION_ITEM_PADDING).
        """
        vertical, horizontal = NAVIGATION_ITEM_PADDING
        text_width = side_width - 2 * horizontal - NAVIGATION_ITEM_BORDER - 2 * self.navigation.frameWidth()
        self.navigation.ensurePolished()  # the style sheet's font size
        metrics = QFontMetrics(self.navigation.font())
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            lines = metrics.boundingRect(QRect(0, 0, text_width, 10_000),
                                         int(Qt.TextFlag.TextWordWrap), item.text())
            item.setSizeHint(QSize(side_width, lines.height() + 2 * vertical))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue("main_window/geometry", self.saveGeometry())
        self._settings.sync()
        self.workspace_closed.emit()
        super().closeEvent(event)
