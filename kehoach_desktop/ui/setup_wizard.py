"""The first-run set-up wizard: who this workspace belongs to, who signs, where it is kept."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.template import ReportingUnit, Template
from kehoach_desktop.i18n import _, pgettext
from kehoach_desktop.paths import DOCUMENTS_FOLDER_NAME
from kehoach_desktop.services.session import check_server_address
from kehoach_desktop.services.workspace import WorkspaceSetup, choose_template
from kehoach_desktop.ui.input_fields import ProblemLabel

SIGNER_TITLES = ("Chủ tịch", "Phó Chủ tịch")


class _ModePage(QWizardPage):
    """Who uses the workspace, and which template it follows: the built-in one or one the city sent."""

    def __init__(self, template: Template) -> None:
        super().__init__()
        self._builtin = template
        self.template = template
        self.template_value = ""  # "" for the built-in template, else the path of the .khtemplate
        self.setTitle(_("Welcome to Kế hoạch Desktop"))
        self.setSubTitle(_("A few questions to set up the workspace. The answers can be changed later."))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Which template of themes does the workspace follow?")))
        self.builtin_template = QRadioButton(_("The template built into the application: “{summary}” ({year})").format(
            summary=template.summary, year=template.year))
        self.builtin_template.setObjectName("template_builtin")
        self.package_template = QRadioButton(_("A template package received from the city (.khtemplate)"))
        self.package_template.setObjectName("template_package")
        self.builtin_template.setChecked(True)
        layout.addWidget(self.builtin_template)
        layout.addWidget(self.package_template)
        row = QHBoxLayout()
        self.template_path = QLineEdit()
        self.template_path.setObjectName("template_path")
        self.template_path.setPlaceholderText(_("The .khtemplate file the city sent"))
        self.template_browse = QPushButton(_("Choose…"))
        self.template_browse.setObjectName("template_browse")
        self.template_browse.clicked.connect(self._on_template_browse_clicked)
        row.addWidget(self.template_path, 1)
        row.addWidget(self.template_browse)
        layout.addLayout(row)
        self.template_status = QLabel()
        self.template_status.setObjectName("template_status")
        self.template_status.setWordWrap(True)
        self.template_status.setProperty("role", "hint")
        layout.addWidget(self.template_status)
        layout.addSpacing(12)
        layout.addWidget(QLabel(_("Who will use this workspace?")))
        self.district = QRadioButton()
        self.city = QRadioButton()
        self.district.setChecked(True)
        for button in (self.district, self.city):
            button.setObjectName("mode_" + ("district" if button is self.district else "city"))
            layout.addWidget(button)
        layout.addStretch(1)
        self.template_path.textChanged.connect(lambda _text: self._load_package())
        self.package_template.toggled.connect(lambda _on: self._load_package())
        self._show_template()

    def _on_template_browse_clicked(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Template package"), self.template_path.text(),
                                                      _("Template packages (*.khtemplate)"))
        if chosen:
            self.package_template.setChecked(True)
            self.template_path.setText(chosen)

    def _load_package(self) -> None:
        """Verify the chosen package (signature, hashes, template) and show what it holds."""
        self.template, self.template_value = self._builtin, ""
        path = self.template_path.text().strip()
        for widget in (self.template_path, self.template_browse):
            widget.setEnabled(self.package_template.isChecked())
        if self.package_template.isChecked() and path:
            if not Path(path).is_file():
                self.template_status.setText(_("No file at {path}.").format(path=path))
            else:
                try:
                    choice = choose_template(path)
                except UserFacingError as error:
                    self.template_status.setText(error.message)
                else:
                    self.template, self.template_value = choice.template, path
                    assert choice.package is not None
                    self.template_status.setText(_(
                        "Template {code} ({year}): {units} reporting units ({term}), report to {agency}. Signed by "
                        "{signer} with the key {fingerprint}: check it by phone with the city.").format(
                        code=choice.template.code, year=choice.template.year,
                        units=len(choice.template.reporting_units), term=choice.template.unit_term,
                        agency=choice.template.receiving_agency.name,
                        signer=str(choice.package.manifest.get("unit_name") or choice.package.unit_code),
                        fingerprint=choice.fingerprint))
        elif self.package_template.isChecked():
            self.template_status.setText(_("Choose the .khtemplate file the city sent."))
        else:
            self.template_status.setText("")
        self._show_template()
        self.completeChanged.emit()

    def _show_template(self) -> None:
        template = self.template
        self.district.setText(_("A reporting unit ({term}): drafts its plan, tracks materials and events, "
                                "sends reports to the city").format(term=template.unit_term))
        self.city.setText(_("The city ({agency}): gathers and aggregates the reports of all units").format(
            agency=template.receiving_agency.name))

    def isComplete(self) -> bool:
        return not self.package_template.isChecked() or bool(self.template_value)

    @property
    def mode(self) -> WorkspaceMode:
        return WorkspaceMode.CITY if self.city.isChecked() else WorkspaceMode.DISTRICT


class _UnitPage(QWizardPage):
    def __init__(self, template: Template, mode_page: _ModePage) -> None:
        super().__init__()
        self._template = template
        self._mode_page = mode_page
        self.setTitle(_("Your unit"))
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setObjectName("unit_search")
        self.search.setPlaceholderText(_("Search by name or code, with or without diacritics (e.g. dong da)"))
        self.search.setClearButtonEnabled(True)
        self.units = QListWidget()
        self.units.setObjectName("unit_list")
        self.units.setAlternatingRowColors(True)
        self.full_name = QLineEdit()
        self.full_name.setObjectName("unit_full_name")
        self.unit_label = QLabel(_("Reporting unit:"))
        layout.addWidget(self.unit_label)
        layout.addWidget(self.search)
        layout.addWidget(self.units, 1)
        form = QFormLayout()
        form.addRow(_("Full name of the unit:"), self.full_name)
        layout.addLayout(form)
        self._fill_units()
        self.search.textChanged.connect(self._on_search_changed)
        self.units.currentItemChanged.connect(self._on_unit_changed)
        self.full_name.textChanged.connect(self.completeChanged)
        self._filled_name = ""

    def _fill_units(self) -> None:
        self.units.clear()
        for unit in self._template.reporting_units:
            item = QListWidgetItem(f"{unit.code} — {unit.display_name}")
            item.setData(Qt.ItemDataRole.UserRole, unit.code)
            self.units.addItem(item)

    def initializePage(self) -> None:
        if self._mode_page.template is not self._template:  # another template was chosen: its own units
            self._template = self._mode_page.template
            self._fill_units()
            self.search.clear()
            if self.full_name.text() == self._filled_name:  # filled in for the old template's unit
                self.full_name.clear()
                self._filled_name = ""
        city = self._mode_page.mode is WorkspaceMode.CITY
        for widget in (self.search, self.units, self.unit_label):
            widget.setVisible(not city)
        if city:
            self.setSubTitle(_("The receiving agency named by the template."))
            self._prefill(self._template.receiving_agency.name)
        else:
            self.setSubTitle(_("Choose the unit this workspace reports for; the full name is filled in for you."))
            if self.units.currentItem() is None:
                self.full_name.clear()
            self.search.setFocus()

    def _prefill(self, name: str) -> None:
        if not self.full_name.text().strip() or self.full_name.text() == self._filled_name:
            self.full_name.setText(name)
            self._filled_name = name

    def _on_search_changed(self, text: str) -> None:
        visible = {unit.code for unit in self._template.find_units(text)}
        first_visible = None
        for row in range(self.units.count()):
            item = self.units.item(row)
            hidden = item.data(Qt.ItemDataRole.UserRole) not in visible
            item.setHidden(hidden)
            if not hidden and first_visible is None:
                first_visible = item
        current = self.units.currentItem()
        if first_visible is not None and (current is None or current.isHidden()):
            self.units.setCurrentItem(first_visible)
        self.completeChanged.emit()

    def _on_unit_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        unit = self.selected_unit
        if unit is not None:
            self._prefill(unit.committee_name)
        self.completeChanged.emit()

    @property
    def selected_unit(self) -> ReportingUnit | None:
        item = self.units.currentItem()
        if item is None or item.isHidden():
            return None
        return self._template.unit(item.data(Qt.ItemDataRole.UserRole))

    def isComplete(self) -> bool:
        if not self.full_name.text().strip():
            return False
        return self._mode_page.mode is WorkspaceMode.CITY or self.selected_unit is not None


class _SignerPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Default signer"))
        self.setSubTitle(_("The leader who signs the plan and the reports. Each document can name another signer."))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setObjectName("signer_name")
        self.name.setPlaceholderText(_("e.g. Nguyễn Văn An"))
        self.title = QComboBox()
        self.title.setObjectName("signer_title")
        self.title.setEditable(True)
        self.title.addItems(list(SIGNER_TITLES))
        self.title.setCurrentIndex(1)
        hint = QLabel(_("A Vice-Chairman signs “TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH”."))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        form.addRow(_("Full name:"), self.name)
        form.addRow(pgettext("signer", "Title:"), self.title)
        form.addRow("", hint)
        self.officer = QLineEdit()
        self.officer.setObjectName("officer_name")
        self.officer.setPlaceholderText(_("e.g. Trần Thị Bình"))
        officer_hint = QLabel(_("The officer who keeps this workspace: the history of every record shows this name "
                                "(it can be changed in File → Workspace settings)."))
        officer_hint.setWordWrap(True)
        officer_hint.setProperty("role", "hint")
        form.addRow(_("Officer in charge:"), self.officer)
        form.addRow("", officer_hint)
        self.registerField("signer_name*", self.name)


class _LocationPage(QWizardPage):
    def __init__(self, default_path: Path, default_server: str = "", documents_folder: Path | None = None) -> None:
        super().__init__()
        self.setTitle(_("Where to keep the workspace"))
        layout = QVBoxLayout(self)
        self.on_file = QRadioButton(_("This computer (a workspace file)"))
        self.on_file.setObjectName("location_file")
        self.on_server = QRadioButton(_("A shared database server (PostgreSQL)"))
        self.on_server.setObjectName("location_server")
        self.on_file.setChecked(True)
        layout.addWidget(self.on_file)
        layout.addWidget(self.on_server)
        form = QFormLayout()
        layout.addLayout(form)
        self.path = QLineEdit(str(default_path))
        self.path.setObjectName("workspace_path")
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._on_browse_clicked)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path, 1)
        row_layout.addWidget(browse)
        self.file_row = row
        form.addRow(_("Workspace file:"), row)
        self.server_url = QLineEdit(default_server)
        self.server_url.setObjectName("server_url")
        self.server_url.setPlaceholderText("postgresql+psycopg://user@host:5432/db")
        self.server_url.setClearButtonEnabled(True)
        self.server_problem = ProblemLabel()
        self.server_problem.setObjectName("server_problem")
        self.server_hint = QLabel(_("An empty database made for the workspace by the server's administrator. The "
                                    "password is not stored: it comes from PGPASSWORD or the .pgpass file, or it "
                                    "is asked for."))
        self.server_hint.setWordWrap(True)
        self.server_hint.setProperty("role", "hint")
        server_box = QWidget()
        server_layout = QVBoxLayout(server_box)
        server_layout.setContentsMargins(0, 0, 0, 0)
        server_layout.setSpacing(2)
        server_layout.addWidget(self.server_url)
        server_layout.addWidget(self.server_problem)
        server_layout.addWidget(self.server_hint)
        self.server_row = server_box
        form.addRow(_("Database address:"), server_box)
        self._form = form
        if documents_folder is None:
            documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            documents_folder = Path(documents) / DOCUMENTS_FOLDER_NAME if documents else Path.home()
        self.export_folder = QLineEdit(str(documents_folder))
        self.export_folder.setObjectName("export_folder")
        browse_folder = QPushButton(_("Choose…"))
        browse_folder.clicked.connect(self._on_browse_folder_clicked)
        folder_row = QWidget()
        folder_layout = QHBoxLayout(folder_row)
        folder_layout.setContentsMargins(0, 0, 0, 0)
        folder_layout.addWidget(self.export_folder, 1)
        folder_layout.addWidget(browse_folder)
        form.addRow(_("Documents folder:"), folder_row)
        folder_hint = QLabel(_("Exported workbooks, reports and packages are saved here by default (it is made "
                               "when first used); it can be changed later in File → Workspace settings."))
        folder_hint.setWordWrap(True)
        folder_hint.setProperty("role", "hint")
        form.addRow("", folder_hint)
        self.summary = QLabel()
        self.summary.setObjectName("setup_summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("QLabel { background: white; border: 1px solid #d1d5db; border-radius: 6px;"
                                   " padding: 10px; }")
        layout.addSpacing(12)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.path.textChanged.connect(self.completeChanged)
        self.server_url.textChanged.connect(self._on_server_url_changed)
        self.on_server.toggled.connect(self._on_kind_toggled)
        self._on_kind_toggled(False)

    def _on_kind_toggled(self, _checked: bool) -> None:
        server = self.on_server.isChecked()
        self._form.setRowVisible(self.file_row, not server)
        self._form.setRowVisible(self.server_row, server)
        self.setSubTitle(_("Several officers can work on the workspace at once from different computers. The "
                           "server's own backups (pg_dump) replace the built-in ones.") if server else
                         _("All the workspace's data is kept in this one file. Back it up like any document."))
        if server:
            self.server_url.setFocus()
        self._on_server_url_changed(self.server_url.text())

    def _on_server_url_changed(self, text: str) -> None:
        problem = ""
        if self.on_server.isChecked() and text.strip():
            try:
                check_server_address(text)
            except UserFacingError as error:
                problem = error.message
        self.server_problem.show_problem(problem)
        self.completeChanged.emit()

    def server_address(self) -> tuple[str, str | None] | None:
        """The address typed (without a password) and the password it held, or None when not valid."""
        try:
            return check_server_address(self.server_url.text())
        except UserFacingError:
            return None

    def _on_browse_folder_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Documents folder"), self.export_folder.text())
        if chosen:
            self.export_folder.setText(chosen)

    def _on_browse_clicked(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Workspace file"), self.path.text(), _("Kế hoạch workspaces (*.khws)"))
        if chosen:
            if not chosen.endswith(".khws"):
                chosen += ".khws"
            self.path.setText(chosen)

    def isComplete(self) -> bool:
        if self.on_server.isChecked():
            return self.server_address() is not None
        return bool(self.path.text().strip())


class SetupWizard(QWizard):
    """Asks the first-run questions; :meth:`result_setup` gives the answers after ``exec()``."""

    def __init__(self, template: Template, default_path: Path, parent: QWidget | None = None, *,
                 default_server: str = "", server_chosen: bool = False, documents_folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Set up Kế hoạch Desktop"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.resize(720, 560)
        self.mode_page = _ModePage(template)
        self.unit_page = _UnitPage(template, self.mode_page)
        self.signer_page = _SignerPage()
        self.location_page = _LocationPage(default_path, default_server, documents_folder)
        self.location_page.on_server.setChecked(server_chosen)
        for page in (self.mode_page, self.unit_page, self.signer_page, self.location_page):
            self.addPage(page)
        self.currentIdChanged.connect(self._on_page_changed)
        # A workspace copied from another computer is opened instead of answering the questions.
        self.existing_workspace: Path | None = None
        self.setButtonText(QWizard.WizardButton.CustomButton1, _("Open an existing workspace file…"))
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonLayout([QWizard.WizardButton.CustomButton1, QWizard.WizardButton.Stretch,
                              QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                              QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton])
        self.button(QWizard.WizardButton.CustomButton1).setObjectName("open_existing_workspace")
        self.customButtonClicked.connect(self._on_custom_button_clicked)

    def _on_custom_button_clicked(self, which: int) -> None:
        if which != QWizard.WizardButton.CustomButton1.value:
            return
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Open a workspace"),
                                                      str(self.location_page.export_folder.text()),
                                                      _("Kế hoạch workspaces (*.khws);;All files (*)"))
        if chosen:
            self.existing_workspace = Path(chosen)
            self.done(QWizard.DialogCode.Accepted)

    def _on_page_changed(self, _page_id: int) -> None:
        if self.currentPage() is self.location_page:
            setup = self.result_setup()
            self.location_page.summary.setText(_("Unit: {unit}\nSigner: {name}, {title}").format(
                unit=setup.unit_full_name, name=setup.signer_name, title=setup.signer_title))

    def result_setup(self) -> WorkspaceSetup:
        unit = self.unit_page.selected_unit
        mode = self.mode_page.mode
        return WorkspaceSetup(
            mode=mode,
            unit_code=unit.code if unit is not None and mode is WorkspaceMode.DISTRICT else None,
            unit_full_name=self.unit_page.full_name.text().strip(),
            signer_name=self.signer_page.name.text().strip(),
            signer_title=self.signer_page.title.currentText().strip(),
            export_folder=self.location_page.export_folder.text().strip(),
            template=self.mode_page.template_value,
            officer_name=self.signer_page.officer.text().strip(),
        )

    def workspace_path(self) -> Path:
        return Path(self.location_page.path.text().strip()).expanduser()

    def workspace_location(self) -> Path | str:
        """The workspace file's path, or the database server's address (without a password)."""
        if self.location_page.on_server.isChecked():
            address = self.location_page.server_address()
            assert address is not None  # the Finish button waits for a valid one
            return address[0]
        return self.workspace_path()

    def server_password(self) -> str | None:
        """A password typed inside the server's address: used for this session only, never stored."""
        address = self.location_page.server_address() if self.location_page.on_server.isChecked() else None
        return address[1] if address else None
