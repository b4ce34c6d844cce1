"""Every page visited, every enabled button clicked and action triggered, every dialog answered, then Quit.

Runs the application as ``kehoach`` does (the controller, the app's error hook, its translator and style)
on a demo district workspace and on a city workspace with three districts' packages imported, in
Vietnamese and in English. It fails when anything reaches the error hook or the log's ERROR level, while
clicking or at exit (Python's exit deletes the window's Python-owned widgets one by one, as PySide does).
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QLocale, QObject, QSettings, Qt, QTranslator, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QImage
from PySide6.QtWidgets import QApplication, QTreeWidget, QWidget

from kehoach_desktop import app as app_module
from kehoach_desktop import i18n
from kehoach_desktop.paths import app_paths
from kehoach_desktop.services.session import new_demo_workspace
from kehoach_desktop.ui.errors import ExceptionHook
from kehoach_desktop.ui.models.board_model import CellRole
from kehoach_desktop.ui.style import STYLE_SHEET
from tests.services.city_fixtures import build_city
from tests.ui.clicking import Clicker, FilePicks

pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.qt_no_exception_capture]


# workspaces, built once and copied for each run ---------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("click-everything")
    new_demo_workspace(folder / "district.khws").close()
    city = build_city(folder / "city-build")
    city.city.close()
    shutil.copy(city.packages["006"], folder / "006-again.khsync")
    shutil.copy(city.newer, folder / "006-newer.khsync")
    return {"district": folder / "district.khws", "city": folder / "city-build" / "city.khws",
            "packages": folder}


@dataclass
class Errors:
    """What reached the error hook or the log's ERROR level."""

    hooked: list[str] = field(default_factory=list)
    logged: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.hooked or self.logged)

    def __str__(self) -> str:
        return "\n".join(["error hook:", *self.hooked, "log ERROR:", *self.logged])


class _ErrorLog(logging.Handler):
    def __init__(self, errors: Errors) -> None:
        super().__init__(logging.ERROR)
        self.errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.logged.append(self.format(record))


class _UrlRecorder(QObject):
    """Stands for the file manager: records the folders the application asks to show."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


@dataclass
class RunningApp:
    controller: app_module.AppController
    errors: Errors
    urls: _UrlRecorder


@pytest.fixture
def running_app(request, qapp, qtbot, built, tmp_path: Path, monkeypatch) -> Iterator[RunningApp]:  # type: ignore[no-untyped-def]
    """The application as ``run_gui`` starts it (minus ``app.exec()``: qtbot runs the events)."""
    kind, language = request.param
    monkeypatch.setenv("KEHOACH_PORTABLE", str(tmp_path / "portable"))
    paths = app_paths()
    paths.ensure()
    workspace = tmp_path / "work" / f"{kind}.khws"
    workspace.parent.mkdir()
    shutil.copy(built[kind], workspace)

    errors = Errors()
    handler = _ErrorLog(errors)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    hook = ExceptionHook(paths.log_file)

    def record(exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        import traceback

        errors.hooked.append("".join(traceback.format_exception(exc_type, exc, tb)))
        hook(exc_type, exc, tb)

    previous_hook, previous_locale = sys.excepthook, QLocale()
    sys.excepthook = record
    urls = _UrlRecorder()
    QDesktopServices.setUrlHandler("file", urls, "open")
    app = app_module._make_application()
    translators_before = set(map(id, app.findChildren(QTranslator)))
    i18n.setup(language)
    app_module._install_translations(app, language)
    app.setStyleSheet(STYLE_SHEET)
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    controller = app_module.AppController(app, paths, settings)
    try:
        assert controller.open_initial(workspace, demo=False)
        yield RunningApp(controller, errors, urls)
    finally:
        controller.shutdown()
        sys.excepthook = previous_hook
        logging.getLogger().removeHandler(handler)
        QDesktopServices.unsetUrlHandler("file")
        for translator in app.findChildren(QTranslator):
            if id(translator) not in translators_before:
                app.removeTranslator(translator)
        QLocale.setDefault(previous_locale)
        app.setStyleSheet("")
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible():
                widget.close()


# what a user picks in the file dialogs ------------------------------------------------------------------
def file_picks(root: Path, built: dict[str, Path]) -> FilePicks:
    pictures = root / "pictures"
    pictures.mkdir(parents=True)
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    assert image.save(str(pictures / "pano.jpg"), "JPG") and image.save(str(pictures / "to-roi.png"), "PNG")
    return FilePicks(root / "chosen", open_files={
        ".jpg": [pictures / "pano.jpg"], ".png": [pictures / "to-roi.png"],
        ".khsync": [built["packages"] / "006-newer.khsync", built["packages"] / "006-again.khsync"],
    })


# preparing a page: the selections a user makes before using its buttons ----------------------------------
def prepare_board(clicker: Clicker, page: QWidget) -> None:
    """Select a period cell that holds a received package (Accept and Return apply to it)."""
    table = page.table  # type: ignore[attr-defined]
    current = table.currentIndex()
    if current.isValid():
        cell = current.data(CellRole)
        if cell is not None and cell.package_id is not None:
            return
    model = table.model()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            cell = model.index(row, column).data(CellRole)
            if cell is not None and cell.package_id is not None:
                table.scrollTo(model.index(row, column))
                clicker.click_position(table, table.visualRect(model.index(row, column)).center())
                return


def prepare_plan(clicker: Clicker, page: QWidget) -> None:
    """Show a section with tasks, so that the task actions apply."""
    tree: QTreeWidget = page.tree  # type: ignore[attr-defined]
    current = tree.currentItem()
    if current is not None and current.text(1):
        return
    items = tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)
    with_tasks = next((item for item in items if item.text(1)), None)
    if with_tasks is not None:
        tree.scrollToItem(with_tasks)
        clicker.click_position(tree, tree.visualItemRect(with_tasks).center())


PREPARE = {"board": prepare_board, "plan": prepare_plan}


def inside(obj: QObject | None, window: QWidget) -> bool:
    while obj is not None:  # parent() keeps ownership as it is (findChildren() would hand it to the parent)
        if obj is window:
            return True
        obj = obj.parent()
    return False


def owned_by_python(window: QWidget) -> list[QObject]:
    """The window's objects that Python owns, as the application left them (before the test looks inside)."""
    return [o for o in shiboken6.getAllValidWrappers()
            if isinstance(o, QObject) and shiboken6.ownedByPython(o) and inside(o, window)]


def destroy_like_python_exit(window: QWidget, owned: list[QObject]) -> None:
    """At exit PySide deletes every QObject that Python owns, one by one in the order of its wrapper map, then
    the application. ``owned`` is what Python owned when each page was built: looking for buttons with
    findChildren() hands them to their parents, which would hide what the exit does to them."""
    kept = {id(o) for o in owned}
    for obj in shiboken6.getAllValidWrappers():
        if id(obj) in kept and shiboken6.isValid(obj):
            shiboken6.delete(obj)
    if shiboken6.isValid(window):
        shiboken6.delete(window)
    QApplication.processEvents()


CASES = [("district", "vi"), ("district", "en"), ("city", "vi"), ("city", "en")]


@pytest.mark.timeout(240)
@pytest.mark.parametrize("running_app", CASES, indirect=True, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_click_everything_then_quit(running_app: RunningApp, qtbot, built, tmp_path: Path) -> None:
    started = time.perf_counter()
    controller, errors = running_app.controller, running_app.errors
    window = controller.window
    quit_action = next(a for a in window.findChildren(QAction) if a.shortcut().toString() == "Ctrl+Q")
    clicker = Clicker(qtbot, file_picks(tmp_path, built), skip=lambda target: target is quit_action)
    owned = owned_by_python(window)
    with clicker.running():
        clicker.settle()
        navigation = window.navigation
        for row, area in enumerate(window.areas):
            rect = navigation.visualItemRect(navigation.item(row))
            qtbot.mouseClick(navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            clicker.settle()
            owned += [o for o in owned_by_python(window) if o not in owned]
            assert window.current_area() == area.key
            clicker.transcript.add(f"== page {area.key}")
            page = window.page_by_key[area.key]
            prepare = PREPARE.get(area.key)
            clicker.explore(page, prepare=(lambda root, p=prepare: p(clicker, root)) if prepare
                            else clicker.select_first_rows)
            assert controller.window is window, "the window was replaced while clicking"
        clicker.transcript.add("== menus")
        for menu in window.menuBar().actions():
            for action in menu.menu().actions():
                if action is quit_action or action.isSeparator() or not action.isEnabled():
                    continue
                clicker.click(action)
        during = str(errors) if errors else ""
        quit_action.trigger()
        clicker.settle()
        assert not window.isVisible()
        controller.shutdown()  # what run_gui does when the event loop ends, then Python exits
        controller.window = None
        destroy_like_python_exit(window, owned)
        clicker.settle()
    elapsed = time.perf_counter() - started
    print("\n".join(clicker.transcript.lines))  # shown with -rP: what was clicked and answered
    print(f"clicked {clicker.transcript.clicked} buttons and actions, answered {clicker.transcript.dialogs} "
          f"dialogs in {elapsed:.1f} s; folders shown: {len(running_app.urls.opened)}")
    assert not clicker.stuck, "\n".join(clicker.stuck) + "\n" + clicker.transcript.tail()
    assert not during, f"errors while clicking:\n{during}\n--- last steps:\n{clicker.transcript.tail()}"
    assert not errors, f"errors at exit:\n{errors}"
    # one officer clicking alone: nobody else can have changed a record in the meantime
    alone = [m for m in clicker.transcript.messages if "someone else" in m or "người khác sửa" in m]
    assert alone == [], alone
    assert clicker.transcript.clicked > 50
