"""The city opens one reporting unit: its plan (with revisions), tasks, materials and events, read-only.

The pages are the district's own, over a session restricted to that unit that cannot write
(``services/unit_view.py``): the same filters, search and views the district uses.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from kehoach_desktop.i18n import _
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.unit_view import UnitViewSession
from kehoach_desktop.ui.pages.events_page import EventsPage
from kehoach_desktop.ui.pages.materials_page import MaterialsPage
from kehoach_desktop.ui.pages.plan_page import PlanPage
from kehoach_desktop.ui.pages.tasks_page import TasksPage


class DrillDownDialog(QDialog):
    def __init__(self, session: WorkspaceSession, *, unit_code: str, unit_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drilldown_dialog")
        self.setWindowTitle(_("{unit} — as reported (read-only)").format(unit=unit_name))
        self.resize(1200, 760)
        self.view_session = UnitViewSession(session, unit_code=unit_code, unit_full_name=unit_name)
        layout = QVBoxLayout(self)
        note = QLabel(_("The records {unit} sent in its latest package. The city reads them here with the unit's own "
                        "pages and cannot change them.").format(unit=unit_name))
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        layout.addWidget(note)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("drilldown_tabs")
        self.pages: dict[str, QWidget] = {}
        for key, title, page_class in (("plan", _("Plan"), PlanPage), ("tasks", _("Tasks"), TasksPage),
                                       ("materials", _("Visual materials"), MaterialsPage),
                                       ("events", _("Events"), EventsPage)):
            page = page_class(self.view_session)  # type: ignore[arg-type]
            page.setObjectName(f"drilldown_{key}")
            self.pages[key] = page
            self.tabs.addTab(page, title)
        self._loaded: set[int] = set()
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._on_tabs_current_changed(0)

    def _on_tabs_current_changed(self, index: int) -> None:
        if index >= 0 and index not in self._loaded:
            self._loaded.add(index)
            self.tabs.widget(index).refresh()  # type: ignore[attr-defined]

    def show_tab(self, key: str) -> QWidget:
        page = self.pages[key]
        self.tabs.setCurrentWidget(page)
        return page
