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
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
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
from kehoach_desktop.domain.unit_plan import PLACEHOLDERS, UnitPlanText, unit_plan_to_json
from kehoach_desktop.i18n import _, pgettext
from kehoach_desktop.services import sync, template_editing, years
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.template_editing import TemplateProblem
from kehoach_desktop.ui import icons
from kehoach_desktop.ui.dialogs.template_dialogs import NewYearDialog, UnitSetDialog
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.flow_layout import flow_row
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.models.rows_model import TextRowsModel
from kehoach_desktop.ui.widgets import PageHeader, wrap_tree_text

_SECTION = Qt.ItemDataRole.UserRole
_BULLET = "- "
_TABS = {"general": 0, "sections": 1, "reporting_periods": 2, "reporting_units": 3, "preamble": 4, "closing": 4,
         "recipients": 4, "city_units": 5, "unit_plan": 6}
_GENERAL_TEXT = ("code", "summary", "plan_summary", "document_type", "unit_term", "place", "superior_agency",
                 "report_symbol", "reminder_symbol", "number", "issue_date")
_AGENCIES = ("issuing_agency", "receiving_agency")


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


def places_to_text(places: list[Any]) -> str:
    """``phường Phúc Xá; phường Trúc Bạch``: a unit's places in one cell."""
    return "; ".join(f"{p.get('kind', '')} {p.get('name', '')}".strip() for p in places if isinstance(p, dict))


def text_to_places(text: str, kinds: list[str]) -> list[dict[str, str]]:
    """The inverse of :func:`places_to_text`; a place's kind is the longest known kind it starts with."""
    result = []
    for part in nfc(text).split(";"):
        part = " ".join(part.split())
        if not part:
            continue
        kind = next((k for k in sorted(kinds, key=len, reverse=True) if part.lower().startswith(k.lower() + " ")),
                    part.split(" ", 1)[0])
        result.append({"kind": part[:len(kind)], "name": part[len(kind):].strip()})
    return result


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [nfc(line) for line in edit.toPlainText().splitlines() if line.strip()]


class TemplatePage(QWidget):
    RELEVANT_CHANGES = ("workspace",)
    changed = Signal(object)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.folders = DocumentFolders(session)
        self._code = ""
        self._in_use = ""
        self._editable = False
        self._document: dict[str, Any] = {}
        self._filling = False
        self.dialog: QDialog | None = None  # the dialog opened last
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.addWidget(PageHeader(_("Template"), _(
            "The template of themes the reporting units build their plans from. Make next year's from this "
            "year's, edit it, validate it, and publish it to the units as a signed template package.")))

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Template:")))
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("template_combo")
        self.template_combo.setMinimumWidth(260)
        self.template_combo.currentIndexChanged.connect(self._on_template_chosen)
        top.addWidget(self.template_combo, 1)
        self.new_year_button = QPushButton(_("New year…"))
        self.new_year_button.setObjectName("template_new_year")
        self.new_year_button.setToolTip(_("Start the next year from this template: the copy can be edited"))
        self.new_year_button.clicked.connect(lambda: self.open_new_year())
        self.use_button = QPushButton(_("Use this year"))
        self.use_button.setObjectName("template_use")
        self.use_button.setToolTip(_("The board, the reports and the imports work in this template's year"))
        self.use_button.clicked.connect(lambda: self.use_template())
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.setObjectName("template_delete")
        self.delete_button.setToolTip(_("Delete a template made here that is not in use and has no plans"))
        self.delete_button.clicked.connect(lambda: self.delete_template())
        layout.addLayout(top)
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
        layout.addLayout(flow_row(self.new_year_button, self.use_button, self.delete_button,
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
        self.units_model = TextRowsModel([("code", _("Code")), ("kind", _("Kind")), ("name", _("Name")),
                                          ("places", _("Localities in it (kind name; …)"))], self)
        self.official_button = QPushButton(_("Load the official list…"))
        self.official_button.setObjectName("units_official")
        self.official_button.setToolTip(_("Replace the units by an official list shipped with the application"))
        self.official_button.clicked.connect(lambda: self.load_official_units())
        self.tabs.addTab(self._rows_tab(self.units_model, "units", _(
            "Kind as written before the name, e.g. phường or xã. Several rows copied from a spreadsheet "
            "(code, kind, name) can be pasted at once. Localities: the wards, neighbourhoods or villages inside the "
            "unit, separated by “;”."), extra=(self.official_button,)), _("Reporting units"))
        self.units_view.setColumnWidth(2, 240)  # names such as “Văn Miếu - Quốc Tử Giám”
        self.tabs.addTab(self._text_tab(), _("Preamble and closing"))
        self.city_units_model = TextRowsModel([("code", _("Code")), ("name", _("Name")),
                                               ("abbreviation", _("Abbreviation"))], self)
        self.tabs.addTab(self._rows_tab(self.city_units_model, "city_units", _(
            "The city's agencies named in the organisation section (a section's responsible unit is one of these "
            "codes).")), _("City agencies"))
        self.tabs.addTab(self._unit_plan_tab(), _("Units' plans"))
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
        self.fields: dict[str, QLineEdit] = {}

        def line(key: str, name: str = "") -> QLineEdit:
            edit = QLineEdit()
            edit.setObjectName(name or f"template_{key}")
            self.fields[key] = edit
            return edit

        self.code_edit = line("code")
        self.year = QSpinBox()
        self.year.setObjectName("template_year")
        self.year.setRange(2000, 2100)
        self.summary = line("summary")
        form.addRow(_("Code:"), self.code_edit)
        form.addRow(_("Year:"), self.year)
        form.addRow(_("Summary (V/v …):"), self.summary)
        form.addRow(_("Unit plans' summary ({unit}, {year}):"), line("plan_summary"))
        form.addRow(_("Document type:"), line("document_type"))
        form.addRow(_("Number of the city's plan (cited by the units' plans):"), line("number"))
        form.addRow(_("Date of the city's plan (YYYY-MM-DD):"), line("issue_date"))
        form.addRow(_("Reporting units are called:"), line("unit_term"))
        form.addRow(_("Place on the city's documents:"), line("place"))
        form.addRow(_("Superior agency:"), line("superior_agency"))
        for agency, title in (("issuing_agency", _("Issuing agency — the one that issues the city's plan:")),
                              ("receiving_agency", _("Receiving agency — the one the units report to (the city's "
                                                     "workspace):"))):
            form.addRow(QLabel(title))
            form.addRow(_("Code:"), line(f"{agency}.code", "agency_code" if agency == "receiving_agency" else ""))
            form.addRow(_("Name:"), line(f"{agency}.name", "agency_name" if agency == "receiving_agency" else ""))
            form.addRow(_("Abbreviation (in report numbers):"),
                        line(f"{agency}.abbreviation", "agency_abbreviation" if agency == "receiving_agency" else ""))
        form.addRow(_("Symbol of the consolidated report:"), line("report_symbol"))
        form.addRow(_("Symbol of the reminder letters:"), line("reminder_symbol"))
        self.agency_code = self.fields["receiving_agency.code"]
        self.agency_name = self.fields["receiving_agency.name"]
        self.agency_abbreviation = self.fields["receiving_agency.abbreviation"]
        self._general_fields = (self.year, *self.fields.values())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(tab)
        return scroll

    def _text_edit(self, name: str, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _text_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        hint = _("One paragraph a line; a line starting with “- ” is a bullet.")
        self.preamble = self._text_edit("template_preamble", hint)
        self.closing = self._text_edit("template_closing", hint)
        self.recipients = self._text_edit("template_recipients", _("One recipient a line, e.g. “Chính phủ;”"))
        form.addRow(_("Preamble:"), self.preamble)
        form.addRow(_("Closing:"), self.closing)
        form.addRow(_("Recipients (Nơi nhận):"), self.recipients)
        self._text_fields = (self.preamble, self.closing, self.recipients)
        return tab

    def _unit_plan_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        note = QLabel(_("What a reporting unit's plan starts with, in the words of its level. Placeholders: {names}; "
                        "and the words below, per kind of unit. A recipient line whose placeholder has no value for a "
                        "unit is left out.").format(names=", ".join("{" + name + "}" for name in PLACEHOLDERS)))
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        outer.addWidget(note)
        parts = QTabWidget()  # one beside the other would not fit 1024 px
        text = QWidget()
        form = QFormLayout(text)
        self.plan_office = QLineEdit()
        self.plan_office.setObjectName("unit_plan_office")
        self.plan_responsibility = QComboBox()
        self.plan_responsibility.setObjectName("unit_plan_responsibility")
        self.plan_legal_bases = self._text_edit("unit_plan_legal_bases")
        self.plan_preamble = self._text_edit("unit_plan_preamble")
        self.plan_closing = self._text_edit("unit_plan_closing")
        self.plan_recipients = self._text_edit("unit_plan_recipients")
        form.addRow(_("Office that gathers the reports:"), self.plan_office)
        form.addRow(_("The city's section for the units:"), self.plan_responsibility)
        form.addRow(_("Legal bases:"), self.plan_legal_bases)
        form.addRow(_("Preamble:"), self.plan_preamble)
        form.addRow(_("Closing:"), self.plan_closing)
        form.addRow(_("Recipients:"), self.plan_recipients)
        parts.addTab(text, _("Text"))
        self.directory_model = TextRowsModel([("code", _("Code")), ("kind", _("Kind")), ("name", _("Name"))], self)
        self.place_kinds_model = TextRowsModel([("kind", _("Kind of locality")),
                                                ("directory_kind", _("Kind in the directory"))], self)
        self.words_model = TextRowsModel([("kind", _("Kind of unit")), ("word", _("Placeholder")),
                                          ("text", _("Text"))], self)
        parts.addTab(self._rows_tab(self.directory_model, "directory", _(
            "The responsible units every unit starts its directory with; kind: office, centre, "
            "mass_organisation or other.")), _("Directory"))
        parts.addTab(self._rows_tab(self.place_kinds_model, "place_kinds", _(
            "How the localities inside a unit enter its directory: ward, commune, township or other.")),
            _("Kinds of locality"))
        parts.addTab(self._rows_tab(self.words_model, "words", _(
            "Words that differ by the kind of unit, e.g. party_committee: Quận ủy for a quận.")), _("Words"))
        outer.addWidget(parts, 1)
        self._plan_fields = (self.plan_office, self.plan_responsibility, self.plan_legal_bases, self.plan_preamble,
                             self.plan_closing, self.plan_recipients)
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
        form.addRow(pgettext("section", "Title:"), self.section_title)
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

    def _rows_tab(self, model: TextRowsModel, name: str, hint: str, extra: tuple[QWidget, ...] = ()) -> QWidget:
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
        layout.addLayout(flow_row(add, remove, paste, *extra))
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
        self._in_use = next((t.code for t in items if t.in_use), "")
        if self._code not in [t.code for t in items]:
            self._code = ""
        wanted = self._code or self._in_use or (items[-1].code if items else "")
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
        self.year.setValue(int(doc.get("year") or 2000))
        for key, edit in self.fields.items():
            agency, _dot, field = key.partition(".")
            value = (doc.get(agency) or {}).get(field, "") if field else doc.get(key, "")
            edit.setText(str(value or ""))
        self.preamble.setPlainText(_paragraphs_to_text(doc.get("preamble", [])))
        self.closing.setPlainText(_paragraphs_to_text(doc.get("closing", [])))
        self.recipients.setPlainText("\n".join(str(r) for r in doc.get("recipients", [])))
        self.sections_tree.clear()
        for section in doc.get("sections", []):
            self.sections_tree.addTopLevelItem(self._section_item(section))
        self.sections_tree.expandAll()
        self.periods_model.set_rows(doc.get("reporting_periods", []))
        self.units_model.set_rows([{**u, "places": places_to_text(u.get("places", []))}
                                   for u in doc.get("reporting_units", []) if isinstance(u, dict)])
        self.city_units_model.set_rows(doc.get("city_units", []))
        self._fill_unit_plan(doc.get("unit_plan") or {})
        self._filling = False
        if not (keep_key and self.select_section(keep_key)) and self.sections_tree.topLevelItemCount():
            self.sections_tree.setCurrentItem(self.sections_tree.topLevelItem(0))
        self.show_problems([])
        self._apply_editable()

    def _fill_unit_plan(self, plan: dict[str, Any]) -> None:
        plan = {**unit_plan_to_json(UnitPlanText()), **plan}  # a template without it shows the neutral default
        self.plan_office.setText(str(plan.get("office", "")))
        self.plan_responsibility.clear()
        self.plan_responsibility.addItem(_("(none)"), "")
        for item in self._all_items():
            data = item.data(0, _SECTION)
            if data.get("kind") == SectionKind.RESPONSIBILITY.value:
                self.plan_responsibility.addItem(f"{data.get('key')} — {data.get('title', '')}", data.get("key"))
        wanted = str(plan.get("responsibility", ""))
        if wanted and self.plan_responsibility.findData(wanted) < 0:  # a key the validation will name
            self.plan_responsibility.addItem(wanted, wanted)
        self.plan_responsibility.setCurrentIndex(max(0, self.plan_responsibility.findData(wanted)))
        self.plan_legal_bases.setPlainText("\n".join(plan.get("legal_bases", [])))
        self.plan_preamble.setPlainText(str(plan.get("preamble", "")))
        self.plan_closing.setPlainText(str(plan.get("closing", "")))
        self.plan_recipients.setPlainText("\n".join(plan.get("recipients", [])))
        self.directory_model.set_rows(plan.get("directory", []))
        self.place_kinds_model.set_rows(plan.get("place_kinds", []))
        self.words_model.set_rows(plan.get("words", []))

    def _apply_editable(self) -> None:
        editable = self._editable
        for widget in (*self._general_fields, *self._section_fields, *self._section_buttons, *self._text_fields,
                       *self._plan_fields, *self.periods_buttons, *self.units_buttons, *self.city_units_buttons,
                       *self.directory_buttons, *self.place_kinds_buttons, *self.words_buttons,
                       self.official_button, self.save_button, self.validate_button):
            widget.setEnabled(editable)
        for model in (self.periods_model, self.units_model, self.city_units_model, self.directory_model,
                      self.place_kinds_model, self.words_model):
            model.read_only = not editable
        in_use = self._code == self._in_use
        self.use_button.setEnabled(not in_use)
        self.delete_button.setEnabled(editable and not in_use)
        if editable:
            self.state.setText(_("Edited here; not yet published until you export it as a signed package."))
        else:
            self.state.setText(_("This template came with the application or from a package and cannot be changed. "
                                 "Use “New year…” to make an editable copy."))
        if in_use:
            self.state.setText(self.state.text() + " " + _("It is the template in use: the board, the reports and the "
                                                           "imports work in its year."))

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
        for key, edit in self.fields.items():
            agency, _dot, field = key.partition(".")
            value = nfc(edit.text()).strip()
            if field:
                doc.setdefault(agency, {})
                doc[agency] = {**(doc[agency] if isinstance(doc[agency], dict) else {}), field: value}
            elif value or key in ("code", "summary", "document_type", "unit_term"):
                doc[key] = value
            else:
                doc.pop(key, None)
        doc["preamble"] = _text_to_paragraphs(self.preamble.toPlainText())
        doc["closing"] = _text_to_paragraphs(self.closing.toPlainText())
        doc["recipients"] = _lines(self.recipients)

        def section(item: QTreeWidgetItem) -> dict[str, Any]:
            data = dict(item.data(0, _SECTION))
            if item.childCount():
                data["children"] = [section(item.child(i)) for i in range(item.childCount())]
            return data

        doc["sections"] = [section(self.sections_tree.topLevelItem(i))
                           for i in range(self.sections_tree.topLevelItemCount())]
        doc["reporting_periods"] = self.periods_model.rows()
        kinds = [row["kind"] for row in self.place_kinds_model.rows()]
        units = []
        for row in self.units_model.rows():
            places = text_to_places(row.pop("places", ""), kinds)
            units.append({**row, **({"places": places} if places else {})})
        doc["reporting_units"] = units
        doc["city_units"] = self.city_units_model.rows()
        doc["unit_plan"] = {
            "responsibility": self.plan_responsibility.currentData() or "",
            "office": nfc(self.plan_office.text()).strip(),
            "legal_bases": _lines(self.plan_legal_bases),
            "preamble": nfc(self.plan_preamble.toPlainText()).strip(),
            "closing": nfc(self.plan_closing.toPlainText()).strip(),
            "recipients": _lines(self.plan_recipients),
            "directory": self.directory_model.rows(),
            "place_kinds": self.place_kinds_model.rows(),
            "words": self.words_model.rows(),
        }
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
                 "receiving_agency": _("Receiving agency"), "issuing_agency": _("Issuing agency"),
                 "sections": _("Sections"), "city_units": _("City agencies"), "unit_plan": _("Units' plans"),
                 "preamble": _("Preamble"), "closing": _("Closing"), "recipients": _("Recipients")}
        head = path.removeprefix("$.").split(".", 1)
        name, _bracket, rest = head[0].partition("[")
        if name not in names:
            return path
        if rest and name not in ("sections", "unit_plan"):
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
    def open_new_year(self) -> QDialog:
        """Ask the year, the code and the units of the new year's template; it is made when the dialog is accepted."""
        dialog = NewYearDialog(self._code or self._in_use, self.year.value() + 1, self)
        dialog.accepted.connect(lambda: self.copy_for_new_year(
            year=dialog.year.value(), code=nfc(dialog.code.text()) or None, units=dialog.units.currentData() or None,
            use=dialog.use.isChecked()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def copy_for_new_year(self, *, year: int | None = None, code: str | None = None, units: str | None = None,
                          use: bool = False) -> str | None:
        try:
            done = template_editing.copy_template_for_new_year(
                uow_factory=self._session.uow_factory, source_code=self._code or None, new_code=code, year=year,
                units=units, use=use)
        except UserFacingError as error:
            show_user_error(self, error)
            return None
        self._code = done.code
        self.refresh()
        self.changed.emit(done.changes)
        return done.code

    def use_template(self) -> bool:
        """Make the chosen template the one in use: its year for the board, the reports and the imports."""
        if not self._code:
            return False
        try:
            change = years.use_template(uow_factory=self._session.uow_factory, code=self._code)
        except UserFacingError as error:
            show_user_error(self, error)
            return False
        self.refresh()
        self.state.setText(_("The workspace now works in {year} (template {code}).").format(year=change.year,
                                                                                          code=change.code))
        self.changed.emit(change.changes)
        return True

    def delete_template(self) -> bool:
        if not self._code:
            return False
        box = QMessageBox(QMessageBox.Icon.Question, _("Delete the template"),
                          _("Delete the template {code}? This cannot be undone.").format(code=self._code),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        try:
            done = template_editing.delete_template(uow_factory=self._session.uow_factory, code=self._code)
        except UserFacingError as error:
            show_user_error(self, error)
            return False
        self._code = ""
        self.refresh()
        self.changed.emit(done.changes)
        return True

    def load_official_units(self) -> QDialog | None:
        """Choose one of the official lists of units; the table, the unit term and the units' wording take it."""
        if not self._editable:
            return None
        dialog = UnitSetDialog(self)
        dialog.accepted.connect(lambda: self._apply_unit_set(dialog.units.currentData()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _apply_unit_set(self, code: str) -> None:
        try:
            document = template_editing.apply_unit_set(self.current_document(), code)
        except UserFacingError as error:
            show_user_error(self, error)
            return
        self._document = document
        self._fill()
        self.tabs.setCurrentIndex(_TABS["reporting_units"])
        self.state.setText(_("{count} units loaded ({term}); check them, then save.").format(
            count=len(document["reporting_units"]), term=document["unit_term"]))

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
            if done.code != self._code:
                self._code = done.code
                self.refresh()
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

