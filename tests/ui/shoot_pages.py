"""Not a test: grab every page of the main window (a unit's and the city's), the set-up wizard and the
dialogs the pages open, offscreen at 1366×768, to read the interface through (docs/glossary.md).

    python tests/ui/shoot_pages.py OUT_FOLDER [vi|en]

A demo unit workspace and a city with three demo units' packages are made in a temporary folder;
each dialog a button opens is grabbed and closed.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "services")]

from kehoach_desktop import i18n  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
i18n.setup(sys.argv[2] if len(sys.argv) > 2 else "vi")

from PySide6.QtCore import QLocale, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QWidget,
)

from kehoach_desktop.ui.qt_strings import qt_translator  # noqa: E402

app = QApplication.instance() or QApplication([])
if i18n.current_language() == "vi":  # as the app does: Qt's own buttons and dates in Vietnamese
    app.installTranslator(qt_translator(app))
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))

from kehoach_desktop.services.session import new_demo_workspace  # noqa: E402
from kehoach_desktop.ui.main_window import CITY_AREAS, DISTRICT_AREAS, MainWindow  # noqa: E402

_seen: set[int] = set()
_count = [0]
_prefix = ["x"]


def save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(out / f"{name}.png"))
    print("saved", name, flush=True)


def _catch() -> None:
    """Grab a dialog that a click opened (modal or not), then close it."""
    if _prefix[0] == "wizard":
        return
    for w in [app.activeModalWidget(), *app.topLevelWidgets()]:
        if isinstance(w, QDialog) and w.isVisible() and id(w) not in _seen:
            _seen.add(id(w))
            _count[0] += 1
            save(w, f"{_prefix[0]}-dialog-{_count[0]:02d}-{w.objectName() or type(w).__name__}")
            w.reject()
            return


catcher = QTimer()
catcher.timeout.connect(_catch)
catcher.start(700)


def click(root: QWidget, *texts: str) -> bool:
    """Click the first enabled button whose text (without &) starts with one of ``texts``."""
    for button in root.findChildren(QAbstractButton):
        label = button.text().replace("&", "")
        if button.isVisible() and button.isEnabled() and any(label.startswith(t) for t in texts):
            button.click()
            QTest.qWait(1800)
            return True
    for action in root.findChildren(QAction):
        label = action.text().replace("&", "")
        if action.isEnabled() and any(label.startswith(t) for t in texts):
            action.trigger()
            QTest.qWait(1800)
            return True
    print("  (no button", texts, ")", flush=True)
    return False


def select_first_row(root: QWidget) -> None:
    for view in root.findChildren(QAbstractItemView):
        if view.isVisible() and view.model() is not None and view.model().rowCount() > 0:
            if hasattr(view, "selectRow"):
                view.selectRow(0)
            else:
                view.setCurrentIndex(view.model().index(0, 0))
            QTest.qWait(300)
            return


def pages(session, areas, prefix: str, tmp: Path, actions: dict[str, list[tuple[str, ...]]]) -> None:
    _prefix[0] = prefix
    settings = QSettings(str(tmp / f"{prefix}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, log_file=tmp / "kehoach.log")
    window.resize(1366, 768)
    window.show()
    for row, area in enumerate(areas):
        window.navigation.setCurrentRow(row)
        QTest.qWait(1500)
        save(window, f"{prefix}-{row + 1:02d}-{area.key}")
        page = window.pages.currentWidget()
        for texts in actions.get(area.key, []):
            if texts == ("<select>",):
                select_first_row(page)
            else:
                click(page, *texts)
        if area.key == "reports" and prefix == "district":
            QTest.qWait(6000)
            save(window, f"{prefix}-{row + 1:02d}-{area.key}-generated")
    for name in ("excel_export_action", "excel_import_action"):
        action = getattr(window, name, None)
        if action is not None:
            action.trigger()
            QTest.qWait(1800)
    window.close()


def wizard(tmp: Path) -> None:
    from kehoach_desktop.services.templates import builtin_template as load_builtin_template
    from kehoach_desktop.ui.setup_wizard import SetupWizard

    _prefix[0] = "wizard"
    w = SetupWizard(load_builtin_template(), tmp / "moi.khws")
    w.resize(900, 640)
    w.show()
    QTest.qWait(800)
    save(w, "wizard-1")
    w.next()
    QTest.qWait(500)
    page = w.currentPage()
    page.search.setText("dong da")
    QTest.qWait(500)
    save(w, "wizard-2")
    w.next()
    QTest.qWait(500)
    save(w, "wizard-3")
    page = w.currentPage()
    page.name.setText("Nguyễn Văn An")
    w.next()
    QTest.qWait(500)
    save(w, "wizard-4")
    w.close()


with tempfile.TemporaryDirectory() as scratch:
    tmp = Path(scratch)
    try:
        wizard(tmp)
    except AttributeError as error:  # a page of the wizard changed: the main window's pages still get grabbed
        print("wizard:", error)
    district = new_demo_workspace(tmp / "demo.khws")
    pages(district, DISTRICT_AREAS, "district", tmp, {
        "plan": [(i18n._("Plan details…"),), (i18n._("Responsible units…"),), (i18n._("Revisions and comparison…"),),
                 (i18n._("Revise…"),)],
        "tasks": [("<select>",), (i18n._("Update progress…"),)],
        "materials": [(i18n._("Add…"),), ("<select>",), (i18n._("Open…"),), (i18n._("Change status…"),)],
        "events": [(i18n._("Add…"),), ("<select>",), (i18n._("Open…"),), (i18n._("Change status…"),)],
        "reports": [(i18n._("Generate"),)],
    })
    district.close()
    from city_fixtures import build_city  # type: ignore[import-not-found]

    city = build_city(tmp).city
    pages(city, CITY_AREAS, "city", tmp, {"board": [("<select>",), (i18n._("Open the unit…"),)]})
    city.close()
