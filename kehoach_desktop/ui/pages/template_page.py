"""Mẫu kế hoạch: the city edits the template of themes for a new year, validates it and publishes it signed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import SectionKind
from kehoach_desktop.domain.errors import TemplateError, UserFacingError
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.i18n import _
from kehoach_desktop.services import sync, template_editing
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.template_editing import TemplateProblem
from kehoach_desktop.ui import icons
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.flow_layout import flow_row
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.models.rows_model import TextRowsModel
from kehoach_desktop.ui.widgets import PageHeader, wrap_tree_text

_SECTION = Qt.ItemDataRole.UserRole
_BULLET = "- "
_TABS = {"general": 0, "sections": 1, "reporting_periods": 2, "reporting_units": 3}


def _paragraphs_to_text(paragraphs: list[Any]) -> str:
    lines = []
    for item in paragraphs:
        if isinstance(item, str):
            lines.append(item)
        else:
            prefix = _BULLET if item.get("style") == "bullet" else ""
            lines.append(prefix + str(item.get("text", "")))
    return "\n".join(lines)


def _text_to_paragraphs(text: str) -> list[dict[str, str]]:
    result = []
    for line in nfc(text).splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(_BULLET.strip()):
            result.append({"text": line[1:].strip(), "style": "bullet"})
        else:
            result.append({"text": line, "style": "paragraph"})
    return result


class TemplatePage(QWidget):
    RELEVANT_CHANGES = ("workspace",)
    changed = Signal(object)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.folders = DocumentFolders(session)
        self._code = ""
        self._editable = False
        self._document: dict[str, Any] = {}
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.addWidget(PageHeader(_("Template"), _(
            "The template of themes the reporting units build their plans from. Make next year's from this "
            "year's, edit it, validate it, and publish it to the units as a signed template package.")))

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Template:")))
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("template_combo")
        self.template_combo.setMinimumWidth(320)
        self.template_combo.currentIndexChanged.connect(self._on_template_chosen)
        top.addWidget(self.template_combo, 1)
        layout.addLayout(top)
        self.new_year_button = QPushButton(_("New year from this template"))
        self.new_year_button.setObjectName("template_new_year")
        self.new_year_button.clicked.connect(lambda: self.copy_for_new_year())
        self.validate_button = QPushButton(_("Validate"))
        self.validate_button.setObjectName("template_validate")
        self.validate_button.clicked.connect(lambda: self.validate())
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("template_save")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(lambda: self.save())
        self.export_button = QPushButton(_("Export as signed template package…"))
        self.export_button.setObjectName("template_export")
        self.export_button.clicked.connect(lambda: self.export_package())
        layout.addLayout(flow_row(self.new_year_button,
                                  right=(self.validate_button, self.save_button, self.export_button)))
        self.state = QLabel()
        self.state.setObjectName("template_state")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.done_notice = DoneNotice(object_name="template_written")
        layout.addWidget(self.done_notice)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_tab(), _("General"))
        self.tabs.addTab(self._sections_tab(), _("Sections"))
        self.periods_model = TextRowsModel([("period", _("Period")), ("deadline", _("Deadline (YYYY-MM-DD)"))], self)
        self.tabs.addTab(self._rows_tab(self.periods_model, "periods", _(
            "Periods are written 2022, 2022-H1, 2022-Q1 or 2022-03; deadlines as 2022-03-25.")), _("Reporting periods"))
        self.units_model = TextRowsModel([("code", _("Code")), ("kind", _("Kind")), ("name", _("Name"))], self)
        self.tabs.addTab(self._rows_tab(self.units_model, "units", _(
            "Kind as written before the name: quận, huyện, thị xã, phường, xã. Several rows copied from a "
            "spreadsheet (code, kind, name) can be pasted at once.")), _("Reporting units"))
        layout.addWidget(self.tabs, 3)

        self.problems_title = QLabel()
        self.problems_title.setObjectName("template_problems_title")
        layout.addWidget(self.problems_title)
        self.problems = QListWidget()
        self.problems.setObjectName("template_problems")
        self.problems.setMaximumHeight(110)
        self.problems.itemActivated.connect(self._go_to_problem)
        layout.addWidget(self.problems)
        self.problems_title.hide()
        self.problems.hide()

    # building --------------------------------------------------------------------------------
    def _general_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.code_label = QLabel()
        self.code_label.setObjectName("template_code")
        self.year = QSpinBox()
        self.year.setObjectName("template_year")
        self.year.setRange(2000, 2100)
        self.summary = QLineEdit()
        self.summary.setObjectName("template_summary")
        self.agency_code = QLineEdit()
        self.agency_code.setObjectName("agency_code")
        self.agency_name = QLineEdit()
        self.agency_name.setObjectName("agency_name")
        self.agency_abbreviation = QLineEdit()
        self.agency_abbreviation.setObjectName("agency_abbreviation")
        form.addRow(_("Code:"), self.code_label)
        form.addRow(_("Year:"), self.year)
        form.addRow(_("Summary (V/v …):"), self.summary)
        form.addRow(QLabel(_("Receiving agency — the one the units report to:")))
        form.addRow(_("Code:"), self.agency_code)
        form.addRow(_("Name:"), self.agency_name)
        form.addRow(_("Abbreviation (in report numbers):"), self.agency_abbreviation)
        self._general_fields = (self.year, self.summary, self.agency_code, self.agency_name,
                                self.agency_abbreviation)
        return tab

    def _sections_tab(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.sections_tree = QTreeWidget()
        self.sections_tree.setObjectName("sections_tree")
        self.sections_tree.setHeaderLabels([_("Section"), _("Locked")])
        wrap_tree_text(self.sections_tree)
        self.sections_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sections_tree.header().setStretchLastSection(False)
        self.sections_tree.currentItemChanged.connect(self._on_section_chosen)
        left_layout.addWidget(self.sections_tree)
        self.add_theme_button = QPushButton(_("Add theme"))
        self.add_theme_button.clicked.connect(lambda: self.add_section(SectionKind.THEME))
        self.add_form_button = QPushButton(_("Add form"))
        self.add_form_button.clicked.connect(lambda: self.add_section(SectionKind.FORM))
        self.remove_section_button = QPushButton(_("Remove"))
        self.remove_section_button.clicked.connect(self.remove_section)
        self.up_button = QPushButton(_("Up"))
        self.up_button.clicked.connect(lambda: self.move_section(-1))
        self.down_button = QPushButton(_("Down"))
        self.down_button.clicked.connect(lambda: self.move_section(1))
        self._section_buttons = (self.add_theme_button, self.add_form_button, self.remove_section_button,
                                 self.up_button, self.down_button)
        left_layout.addLayout(flow_row(*self._section_buttons))
        splitter.addWidget(left)

        right = QWidget()
        form = QFormLayout(right)
        self.section_kind = QLabel()
        self.section_number = QLineEdit()
        self.section_number.setObjectName("section_number")
        self.section_title = QLineEdit()
        self.section_title.setObjectName("section_title")
        self.section_locked = QCheckBox(_("Locked: the units may not change this text"))
        self.section_locked.setObjectName("section_locked")
        self.section_text = QPlainTextEdit()
        self.section_text.setObjectName("section_text")
        self.section_text.setPlaceholderText(_("One paragraph a line; a line starting with “- ” is a bullet."))
        form.addRow(_("Kind:"), self.section_kind)
        form.addRow(_("Number:"), self.section_number)
        form.addRow(_("Title:"), self.section_title)
        form.addRow("", self.section_locked)
        form.addRow(_("Text:"), self.section_text)
        self.section_number.textChanged.connect(lambda text: self._set_section_field("number", text))
        self.section_title.textChanged.connect(lambda text: self._set_section_field("title", text))
        self.section_locked.toggled.connect(lambda on: self._set_section_field("locked", on))
        self.section_text.textChanged.connect(
            lambda: self._set_section_field("paragraphs", _text_to_paragraphs(self.section_text.toPlainText())))
        self._section_fields = (self.section_number, self.section_title, self.section_locked, self.section_text)
        splitter.addWidget(right)
        splitter.setSizes([420, 560])
        return splitter

    def _rows_tab(self, model: TextRowsModel, name: str, hint: str) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        note = QLabel(hint)
        note.setWordWrap(True)
        layout.addWidget(note)
        view = QTableView()
        view.setObjectName(f"{name}_view")
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.horizontalHeader().setStretchLastSection(True)
        view.verticalHeader().setDefaultSectionSize(24)
        layout.addWidget(view)
        add = QPushButton(_("Add row"))
        add.setObjectName(f"{name}_add")
        add.clicked.connect(lambda: self._add_row(model, view))
        remove = QPushButton(_("Remove row"))
        remove.setObjectName(f"{name}_remove")
        remove.clicked.connect(lambda: model.remove_row(view.currentIndex().row()))
        paste = QPushButton(_("Paste rows"))
        paste.setObjectName(f"{name}_paste")
        paste.clicked.connect(lambda: self.paste_rows(model, QGuiApplication.clipboard().text()))
        layout.addLayout(flow_row(add, remove, paste))
        setattr(self, f"{name}_view", view)
        setattr(self, f"{name}_buttons", (add, remove, paste))
        return tab

    # loading ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            items = template_editing.list_templates(uow_factory=self._session.uow_factory)
        except UserFacingError as error:
            show_user_error(self, error)
            return
        wanted = self._code or next((t.code for t in items if t.in_use), items[-1].code if items else "")
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        for item in items:
            origin = {"builtin": _("built in"), "imported": _("imported"), "edited": _("edited here")}.get(
                item.origin, item.origin)
            label = _("{code} — {year} ({origin})").format(code=item.code, year=item.year, origin=origin)
            if item.in_use:
                label += " — " + _("in use")
            self.template_combo.addItem(label, item.code)
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(wanted)))
        self.template_combo.blockSignals(False)
        self.load(self.template_combo.currentData() or "")

    def _on_template_chosen(self, _index: int) -> None:
        code = self.template_combo.currentData()
        if code and code != self._code:
            self.load(code)

    def load(self, code: str) -> None:
        if not code:
            return
        try:
            doc = template_editing.get_template_document(uow_factory=self._session.uow_factory, code=code)
        except UserFacingError as error:
            show_user_error(self, error)
            return
        self._code = doc.code
        self._editable = doc.editable
        self._document = doc.document
        self._fill()

    def _fill(self) -> None:
        doc = self._document
        current = self.sections_tree.currentItem()
        keep_key = current.data(0, _SECTION).get("key") if current is not None else None
        self._filling = True
        self.code_label.setText(self._code)
        self.year.setValue(int(doc.get("year") or 2000))
        self.summary.setText(doc.get("summary", ""))
        agency = doc.get("receiving_agency") or {}
        self.agency_code.setText(agency.get("code", ""))
        self.agency_name.setText(agency.get("name", ""))
        self.agency_abbreviation.setText(agency.get("abbreviation", ""))
        self.sections_tree.clear()
        for section in doc.get("sections", []):
            self.sections_tree.addTopLevelItem(self._section_item(section))
        self.sections_tree.expandAll()
        self.periods_model.set_rows(doc.get("reporting_periods", []))
        self.units_model.set_rows(doc.get("reporting_units", []))
        self._filling = False
        if not (keep_key and self.select_section(keep_key)) and self.sections_tree.topLevelItemCount():
            self.sections_tree.setCurrentItem(self.sections_tree.topLevelItem(0))
        self.show_problems([])
        self._apply_editable()

    def _apply_editable(self) -> None:
        editable = self._editable
        for widget in (*self._general_fields, *self._section_fields, *self._section_buttons,
                       *self.periods_buttons, *self.units_buttons, self.save_button, self.validate_button):
            widget.setEnabled(editable)
        self.periods_model.read_only = self.units_model.read_only = not editable
        if editable:
            self.state.setText(_("Edited here; not yet published until you export it as a signed package."))
        else:
            self.state.setText(_("This template came with the application or from a package and cannot be changed. "
                                 "Use “New year from this template” to make an editable copy."))

    def _section_item(self, section: dict[str, Any]) -> QTreeWidgetItem:
        data = {k: v for k, v in section.items() if k != "children"}
        item = QTreeWidgetItem()
        item.setData(0, _SECTION, data)
        self._label_item(item)
        for child in section.get("children", []):
            item.addChild(self._section_item(child))
        return item

    @staticmethod
    def _label_item(item: QTreeWidgetItem) -> None:
        data = item.data(0, _SECTION)
        item.setText(0, f"{data.get('number', '')} {data.get('title', '')}".strip())
        item.setIcon(1, icons.icon(icons.LOCK) if data.get("locked") else QIcon())
        item.setToolTip(1, _("Locked: the units may not change this text") if data.get("locked") else "")

    # sections --------------------------------------------------------------------------------
    def _on_section_chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        self._filling = True
        data = item.data(0, _SECTION) if item is not None else {}
        try:
            self.section_kind.setText(SectionKind(data.get("kind")).label if data else "")
        except ValueError:
            self.section_kind.setText(str(data.get("kind", "")))
        self.section_number.setText(data.get("number", ""))
        self.section_title.setText(data.get("title", ""))
        self.section_locked.setChecked(bool(data.get("locked")))
        self.section_text.setPlainText(_paragraphs_to_text(data.get("paragraphs", [])))
        self._filling = False

    def _set_section_field(self, key: str, value: Any) -> None:
        item = self.sections_tree.currentItem()
        if self._filling or item is None or not self._editable:
            return
        data = dict(item.data(0, _SECTION))
        data[key] = nfc(value) if isinstance(value, str) else value
        item.setData(0, _SECTION, data)
        self._label_item(item)

    def _used_keys(self) -> set[str]:
        keys: set[str] = set()
        stack = [self.sections_tree.topLevelItem(i) for i in range(self.sections_tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            keys.add(item.data(0, _SECTION).get("key", ""))
            stack.extend(item.child(i) for i in range(item.childCount()))
        return keys

    def add_section(self, kind: SectionKind) -> QTreeWidgetItem | None:
        """A new theme (or form) after the chosen one, in its group (the first group of that kind by default)."""
        group_kind = SectionKind.THEME_GROUP if kind == SectionKind.THEME else SectionKind.FORM_GROUP
        current = self.sections_tree.currentItem()
        group, after = None, None
        if current is not None:
            kind_of = current.data(0, _SECTION).get("kind")
            if kind_of == group_kind.value:
                group = current
            elif kind_of == kind.value and current.parent() is not None:
                group, after = current.parent(), current
        if group is None:
            group = next((i for i in self._all_items() if i.data(0, _SECTION).get("kind") == group_kind.value), None)
        if group is None:
            return None
        parent = group.data(0, _SECTION)
        keys = self._used_keys()
        n = group.childCount() + 1
        while f"{parent.get('key')}.{n}" in keys:
            n += 1
        title = _("New theme") if kind == SectionKind.THEME else _("New form of propaganda")
        data = {"key": f"{parent.get('key')}.{n}", "number": f"{parent.get('number', '')}{n}.", "title": title,
                "kind": kind.value, "locked": False, "inferred": False, "paragraphs": []}
        item = QTreeWidgetItem()
        item.setData(0, _SECTION, data)
        self._label_item(item)
        group.insertChild(group.indexOfChild(after) + 1 if after is not None else group.childCount(), item)
        group.setExpanded(True)
        self.sections_tree.setCurrentItem(item)
        return item

    def select_section(self, key: str) -> QTreeWidgetItem | None:
        item = next((i for i in self._all_items() if i.data(0, _SECTION).get("key") == key), None)
        if item is not None:
            self.sections_tree.setCurrentItem(item)
        return item

    def _all_items(self) -> list[QTreeWidgetItem]:
        result = []
        stack = [self.sections_tree.topLevelItem(i) for i in reversed(range(self.sections_tree.topLevelItemCount()))]
        while stack:
            item = stack.pop()
            result.append(item)
            stack.extend(item.child(i) for i in reversed(range(item.childCount())))
        return result

    def remove_section(self) -> None:
        item = self.sections_tree.currentItem()
        if item is None:
            return
        parent = item.parent()
        if parent is None:
            self.sections_tree.takeTopLevelItem(self.sections_tree.indexOfTopLevelItem(item))
        else:
            parent.removeChild(item)

    def move_section(self, step: int) -> None:
        item = self.sections_tree.currentItem()
        if item is None:
            return
        parent = item.parent()
        if parent is None:
            index = self.sections_tree.indexOfTopLevelItem(item)
            count = self.sections_tree.topLevelItemCount()
        else:
            index, count = parent.indexOfChild(item), parent.childCount()
        target = index + step
        if not 0 <= target < count:
            return
        expanded = item.isExpanded()
        if parent is None:
            self.sections_tree.takeTopLevelItem(index)
            self.sections_tree.insertTopLevelItem(target, item)
        else:
            parent.takeChild(index)
            parent.insertChild(target, item)
        item.setExpanded(expanded)
        self.sections_tree.setCurrentItem(item)

    # rows ------------------------------------------------------------------------------------
    def _add_row(self, model: TextRowsModel, view: QTableView) -> None:
        row = model.append_rows([{}])
        view.setCurrentIndex(model.index(row, 0))
        view.edit(model.index(row, 0))

    def paste_rows(self, model: TextRowsModel, text: str) -> int:
        """Rows copied from a spreadsheet (tab-separated) or typed with semicolons; returns how many were added."""
        keys = model.keys()
        rows = []
        for line in text.splitlines():
            if not line.strip():
                continue
            cells = line.split("\t") if "\t" in line else line.split(";")
            rows.append({keys[i]: cell.strip() for i, cell in enumerate(cells[:len(keys)])})
        model.append_rows(rows)
        return len(rows)

    # the document ----------------------------------------------------------------------------
    def current_document(self) -> dict[str, Any]:
        doc = copy.deepcopy(self._document)
        doc["year"] = self.year.value()
        doc["summary"] = nfc(self.summary.text()).strip()
        doc["receiving_agency"] = {"code": nfc(self.agency_code.text()).strip(),
                                   "name": nfc(self.agency_name.text()).strip(),
                                   "abbreviation": nfc(self.agency_abbreviation.text()).strip()}

        def section(item: QTreeWidgetItem) -> dict[str, Any]:
            data = dict(item.data(0, _SECTION))
            if item.childCount():
                data["children"] = [section(item.child(i)) for i in range(item.childCount())]
            return data

        doc["sections"] = [section(self.sections_tree.topLevelItem(i))
                           for i in range(self.sections_tree.topLevelItemCount())]
        doc["reporting_periods"] = self.periods_model.rows()
        doc["reporting_units"] = self.units_model.rows()
        return doc

    def validate(self) -> list[TemplateProblem]:
        problems = template_editing.validate_template_document(self.current_document())
        self.show_problems(problems)
        if not problems:
            self.state.setText(_("The template is valid."))
        return problems

    def show_problems(self, problems: list[TemplateProblem]) -> None:
        self.problems.clear()
        unit_rows: dict[int, str] = {}
        period_rows: dict[int, str] = {}
        for problem in problems:
            item = QListWidgetItem(f"{self._place(problem.path)}: {problem.message}")
            item.setData(Qt.ItemDataRole.UserRole, problem.path)
            self.problems.addItem(item)
            for name, rows in (("reporting_units", unit_rows), ("reporting_periods", period_rows)):
                if problem.path.startswith(f"$.{name}["):
                    rows[int(problem.path.split("[", 1)[1].split("]", 1)[0])] = problem.message
        self.units_model.set_problems(unit_rows)
        self.periods_model.set_problems(period_rows)
        self.problems_title.setText(_("{count} problem(s) to fix before saving (double-click one to go to it):")
                                    .format(count=len(problems)))
        self.problems_title.setVisible(bool(problems))
        self.problems.setVisible(bool(problems))
        if problems:
            self._go_to_problem(self.problems.item(0))

    @staticmethod
    def _place(path: str) -> str:
        """``$.reporting_units[30].code`` → ``Reporting units, row 31, code``: what a coordinator can find."""
        names = {"reporting_units": _("Reporting units"), "reporting_periods": _("Reporting periods"),
                 "receiving_agency": _("Receiving agency"), "sections": _("Sections")}
        head = path.removeprefix("$.").split(".", 1)
        name, _bracket, rest = head[0].partition("[")
        if name not in names:
            return path
        if rest and name != "sections":
            row = int(rest.split("]", 1)[0]) + 1
            field = head[1] if len(head) > 1 else ""
            return _("{table}, row {row}, {field}").format(table=names[name], row=row, field=field)
        return f"{names[name]} ({path})"

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        path = str(item.data(Qt.ItemDataRole.UserRole))
        name = path.removeprefix("$.").split(".", 1)[0].split("[", 1)[0]
        self.tabs.setCurrentIndex(_TABS.get(name, 0))
        for key, model, view in (("reporting_units", self.units_model, self.units_view),
                                 ("reporting_periods", self.periods_model, self.periods_view)):
            if name == key and "[" in path:
                row = int(path.split("[", 1)[1].split("]", 1)[0])
                view.setCurrentIndex(model.index(row, 0))
                view.scrollTo(model.index(row, 0))
        if name == "sections":
            self._select_section_at(path)

    def _select_section_at(self, path: str) -> None:
        """``$.sections[1].children[0].title`` → that section in the tree."""
        item: QTreeWidgetItem | None = None
        for part in path.removeprefix("$.").split("."):
            if "[" not in part:
                break
            index = int(part.split("[", 1)[1].split("]", 1)[0])
            item = self.sections_tree.topLevelItem(index) if item is None else item.child(index)
            if item is None:
                return
        if item is not None:
            self.sections_tree.setCurrentItem(item)

    # writes ----------------------------------------------------------------------------------
    def copy_for_new_year(self) -> str | None:
        try:
            done = template_editing.copy_template_for_new_year(
                uow_factory=self._session.uow_factory, source_code=self._code or None)
        except UserFacingError as error:
            show_user_error(self, error)
            return None
        self._code = done.code
        self.refresh()
        self.changed.emit(done.changes)
        return done.code

    def save(self) -> bool:
        if not self._editable:
            return False
        document = self.current_document()
        problems = template_editing.validate_template_document(document)
        if problems:
            self.show_problems(problems)
            self.state.setText(_("Not saved: fix the problems listed below first."))
            return False
        try:
            done = template_editing.save_template_document(uow_factory=self._session.uow_factory, code=self._code,
                                                           document=document)
        except TemplateError as error:
            self.show_problems(template_editing.validate_template_document(document))
            show_user_error(self, error)
            return False
        except UserFacingError as error:
            show_user_error(self, error)
            return False
        self._document = document
        self.show_problems([])
        self.state.setText(_("Saved."))
        self.changed.emit(done.changes)
        return True

    def export_package(self, out: Path | None = None) -> Path | None:
        """Publish the saved template; unsaved edits are saved first (and nothing is written if they are invalid)."""
        if self._editable and self.current_document() != self._document and not self.save():
            return None
        if out is None:
            suggested = self.folders.suggest(FileKind.PACKAGES, f"{self._code}.khtemplate")
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Export as signed template package"), str(suggested), _("Template packages (*.khtemplate)"))
            if not chosen:
                return None
            out = Path(chosen)
            self.folders.remember(FileKind.PACKAGES, out)
        try:
            done = sync.export_template_package(uow_factory=self._session.uow_factory, out=out,
                                                template_code=self._code)
        except UserFacingError as error:
            show_user_error(self, error)
            return None
        self.done_notice.show_done(_("Written {file} (key {fingerprint}). Send it to the reporting units.").format(
            file=done.path, fingerprint=done.fingerprint), Path(done.path))
        self.changed.emit(Changes(packages=True))
        return Path(done.path)
