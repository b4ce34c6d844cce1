"""Every page on common office screens, in Vietnamese: no button, label, tab, list or column header shows its
text cut (``tests/ui/clipped_text.py``), the plan tree shows whole section names, and no text draws a symbol
character that a computer's fonts may lack (marks are bundled icons) nor a period as a code (``2021-H1``).

The window is sized as a maximised window on the screen: the screen's width, its height less a 40-pixel
task bar and a 30-pixel title bar. Set ``KEHOACH_SCREENSHOTS=FOLDER`` to keep a PNG of every page and tab.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QTabWidget

from kehoach_desktop import i18n
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, open_workspace
from kehoach_desktop.ui.main_window import MainWindow
from kehoach_desktop.ui.style import STYLE_SHEET
from tests.services.city_fixtures import build_city
from tests.ui.clipped_text import clipped_texts, period_code_texts, symbol_texts

pytestmark = pytest.mark.gui

SCREENS = {"1600x1000": (1600, 1000), "1366x768": (1366, 768), "1024x768": (1024, 768)}
WINDOW_CHROME = 40 + 30  # a task bar and a title bar


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("small-screens")
    new_demo_workspace(folder / "district.khws").close()
    build_city(folder / "city-parts").city.close()
    return {"district": folder / "district.khws", "city": folder / "city-parts" / "city.khws"}


@pytest.fixture
def vietnamese_application(qapp: QApplication) -> Iterator[QApplication]:
    """The application as ``kehoach`` starts it in Vietnamese: catalog, Qt's strings, the style sheet."""
    from PySide6.QtCore import QTranslator

    from kehoach_desktop.app import _install_translations

    before = {id(t) for t in qapp.findChildren(QTranslator)}
    i18n.setup("vi")
    _install_translations(qapp, "vi")
    qapp.setStyleSheet(STYLE_SHEET)
    yield qapp
    qapp.setStyleSheet("")
    for translator in qapp.findChildren(QTranslator):
        if id(translator) not in before:
            qapp.removeTranslator(translator)
            translator.deleteLater()


def visit_every_page(qtbot, window: MainWindow) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Shows every page and every tab of it in turn; yields a name for each view."""
    for area in window.areas:
        window.show_area(area.key)
        qtbot.wait(1)
        page = window.page_by_key[area.key]
        yield area.key
        for tabs in page.findChildren(QTabWidget):
            if not tabs.isVisible():
                continue
            first = tabs.currentIndex()
            for index in range(tabs.count()):
                if index == first:
                    continue  # a disabled tab is shown too: its content is what a draft plan shows there
                tabs.setCurrentIndex(index)
                qtbot.wait(1)
                yield f"{area.key}-{tabs.objectName() or 'tabs'}-{index}"
            tabs.setCurrentIndex(first)


@pytest.mark.parametrize("kind", ["district", "city"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_no_text_is_cut_on_any_page(qtbot, vietnamese_application, workspaces: dict[str, Path], tmp_path: Path,
                                    kind: str, screen: str) -> None:
    session: WorkspaceSession = open_workspace(workspaces[kind])
    try:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(session, settings, log_file=tmp_path / "kehoach.log")
        qtbot.addWidget(window)
        width, height = SCREENS[screen]
        window.resize(width, height - WINDOW_CHROME)
        window.show()
        qtbot.waitExposed(window)
        shots = os.environ.get("KEHOACH_SCREENSHOTS")
        problems: dict[str, list[str]] = {}
        for view in visit_every_page(qtbot, window):
            assert (window.width(), window.height()) == (width, height - WINDOW_CHROME), (
                f"{view}: the window cannot be as small as the screen (its minimum size is "
                f"{window.minimumSizeHint().width()}×{window.minimumSizeHint().height()})")
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                window.grab().save(str(Path(shots) / f"{kind}-{screen}-{view}.png"))
            found = clipped_texts(window) + symbol_texts(window)
            if not view.startswith("template"):  # the template editor is where period codes are typed
                found += period_code_texts(window)
            if found:
                problems[view] = found
        window.close()
    finally:
        session.close()
    assert not problems, f"text cut at {screen}:\n" + "\n".join(
        f"  {view}: {line}" for view, lines in problems.items() for line in lines)
