"""How to sign a report: a token found on this computer and its PIN, or a certificate file and its password.

The officer sees the tokens by their label and the certificate holder's name; the PKCS#11 library, the slot and
the certificate id stay behind the scenes. Looking for tokens runs in the background (each library in a child
process with a time limit, see ``exchange/pdf/tokens.py``), so a broken vendor library cannot freeze the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
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
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.formats import format_date
from kehoach_desktop.i18n import _
from kehoach_desktop.services import reports, tokens
from kehoach_desktop.ui.tasks import TaskRunner


class TokenFinder(QObject):
    """Looks for tokens off the GUI thread and keeps the last answer, for the next time the dialog opens."""

    finished = Signal(object)  # a tokens.TokenSearch

    def __init__(self, uow_factory: Callable[[], Any] | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._uow_factory = uow_factory
        self._runner = TaskRunner(self)
        self.chosen: list[str] = []  # libraries the user browsed to, tried first
        self.last: tokens.TokenSearch | None = None
        self._again = False  # asked while a search was running: its answer is stale

    @property
    def busy(self) -> bool:
        return self._runner.busy or self._again

    def search(self) -> None:
        if self._runner.busy:
            self._again = True
            return
        uow_factory, chosen = self._uow_factory, tuple(self.chosen)
        self._runner.run(lambda: tokens.find_tokens(uow_factory=uow_factory, chosen=chosen),
                         on_done=self._on_done, on_error=self._on_error)

    def add_library(self, path: str) -> None:
        if path in self.chosen:
            self.chosen.remove(path)
        self.chosen.insert(0, path)
        self.search()

    def _on_done(self, result: tokens.TokenSearch) -> None:
        if self._again:
            self._again = False
            self.search()
            return
        self.last = result
        self.finished.emit(result)

    def _on_error(self, error: BaseException) -> None:
        raise error  # discovery turns every library's failure into words; anything else is a bug for the log

    def wait(self, msecs: int = -1) -> bool:
        return self._runner.wait(msecs)


def choice_text(choice: tokens.Choice) -> str:
    """Two lines: who the certificate was issued to, then which token and until when."""
    token = choice.token
    if choice.certificate is None:
        return _("Token “{label}”\nIts certificates can be read after the PIN is typed.").format(label=token.label)
    certificate = choice.certificate
    holder = certificate.holder or "?"
    if certificate.organisation:
        holder = _("{holder} — {organisation}").format(holder=holder, organisation=certificate.organisation)
    return _("{holder}\nToken “{label}” · valid until {date} · issued by {issuer}").format(
        holder=holder, label=token.label, date=format_date(dt.date.fromisoformat(certificate.valid_until)),
        issuer=certificate.issuer or "?")


class SignDialog(QDialog):
    """Asks how to sign. Nothing is stored but which token was used (its library, slot and serial number)."""

    def __init__(self, finder: TokenFinder, remembered: reports.TokenSettings | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sign the report"))
        self.setMinimumWidth(620)
        self._finder = finder
        self._remembered = remembered

        self.use_token = QRadioButton(_("USB token or smart card"))
        self.token_list = QListWidget()
        self.token_list.setObjectName("token_list")
        self.token_list.setMinimumHeight(110)
        self.token_list.setWordWrap(True)
        self.token_list.setSpacing(3)
        self.token_status = QLabel("")
        self.token_status.setObjectName("token_status")
        self.token_status.setWordWrap(True)
        self.search_button = QPushButton(_("Search again"))
        self.search_button.setObjectName("search_tokens")
        self.library_button = QPushButton(_("Browse…"))
        self.library_button.setObjectName("browse_library")
        self.library_button.setToolTip(_("Choose the PKCS#11 library that came with the token (a .dll file on "
                                         "Windows, .so on Linux), when the token is not found by itself"))
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)

        self.use_file = QRadioButton(_("Certificate file (.p12 / .pfx)"))
        self.p12_path = QLineEdit()
        self.file_button = QPushButton(_("Choose…"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.use_token.setChecked(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.use_token)
        token_box = QVBoxLayout()
        token_box.setContentsMargins(24, 0, 0, 0)
        token_box.addWidget(self.token_list)
        token_box.addWidget(self.token_status)
        token_row = QHBoxLayout()
        token_row.addWidget(self.search_button)
        token_row.addWidget(self.library_button)
        token_row.addStretch(1)
        token_box.addLayout(token_row)
        pin_form = QFormLayout()
        pin_form.addRow(_("PIN:"), self.pin)
        token_box.addLayout(pin_form)
        layout.addLayout(token_box)

        layout.addWidget(self.use_file)
        file_form = QFormLayout()
        file_form.setContentsMargins(24, 0, 0, 0)
        file_row = QHBoxLayout()
        file_row.addWidget(self.p12_path, 1)
        file_row.addWidget(self.file_button)
        file_form.addRow(_("File:"), file_row)
        file_form.addRow(_("Password:"), self.password)
        layout.addLayout(file_form)

        note = QLabel(_("The password and the PIN are used for this signature only and are never stored."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_button.setText(_("Sign"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.use_token.toggled.connect(lambda _checked: self._update())
        self.token_list.currentRowChanged.connect(lambda _row: self._update())
        self.pin.textChanged.connect(lambda _text: self._update())
        self.p12_path.textChanged.connect(lambda _text: self._update())
        self.search_button.clicked.connect(lambda: self._search())
        self.library_button.clicked.connect(lambda: self._on_browse_library_clicked())
        self.file_button.clicked.connect(lambda: self._on_browse_file_clicked())
        finder.finished.connect(self._show_search)

        if finder.last is not None:
            self._show_search(finder.last)
        self._search()

    # tokens --------------------------------------------------------------------------------------
    def _search(self) -> None:
        self.token_status.setText(_("Looking for tokens on this computer…"))
        self.search_button.setEnabled(False)
        self._finder.search()

    def _show_search(self, search: tokens.TokenSearch) -> None:
        previous = self.selected_choice()
        self.token_list.clear()
        for choice in search.choices:
            item = QListWidgetItem(choice_text(choice))
            item.setData(Qt.ItemDataRole.UserRole, choice)
            item.setToolTip(_("Library {library}, slot {slot}, serial number {serial}").format(
                library=choice.token.library, slot=choice.token.slot, serial=choice.token.serial_text or "-"))
            self.token_list.addItem(item)
        self.token_list.setCurrentRow(self._row_to_select(search.choices, previous))
        self.search_button.setEnabled(True)
        lines = list(search.chosen_problems)
        if not search.choices:
            lines.append(_("No token found. Plug the USB token in and click “Search again”. If it is still not "
                           "found, click “Browse…” and choose the PKCS#11 library installed with the token "
                           "(a .dll file in C:\\Windows\\System32 on Windows)."))
        elif len(search.choices) == 1:
            lines.append(_("One certificate found: type the token's PIN."))
        else:
            lines.append(_("{count} certificates found: choose yours, then type the token's PIN.").format(
                count=len(search.choices)))
        self.token_status.setText("\n".join(lines))
        self._update()

    def _row_to_select(self, found: tuple[tokens.Choice, ...], previous: tokens.Choice | None) -> int:
        if not found:
            return -1
        for wanted in (previous, None):
            for row, choice in enumerate(found):
                if wanted is not None and choice == wanted:
                    return row
                if wanted is None and self._remembered and choice.token.serial == self._remembered.serial:
                    return row
        return 0

    def _on_browse_library_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("PKCS#11 library of the token"), tokens.library_folder(),
            _("PKCS#11 libraries (*.dll *.so *.so.* *.dylib);;All files (*)"))
        if path:
            self.token_status.setText(_("Trying {name}…").format(name=Path(path).name))
            self.search_button.setEnabled(False)
            self._finder.add_library(path)

    def selected_choice(self) -> tokens.Choice | None:
        item = self.token_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    # file ----------------------------------------------------------------------------------------
    def _on_browse_file_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Certificate file"), "",
                                                    _("Certificates (*.p12 *.pfx);;All files (*)"))
        if path:
            self.p12_path.setText(path)
            self.use_file.setChecked(True)

    # state and answer ----------------------------------------------------------------------------
    def _update(self) -> None:
        token = self.use_token.isChecked()
        for widget in (self.token_list, self.pin, self.library_button):
            widget.setEnabled(token)
        self.search_button.setEnabled(token and not self._finder.busy)
        for widget in (self.p12_path, self.file_button, self.password):
            widget.setEnabled(not token)
        ready = (self.selected_choice() is not None and bool(self.pin.text())) if token \
            else bool(self.p12_path.text().strip())
        self.sign_button.setEnabled(ready)
        if token and self.selected_choice() is None:
            self.sign_button.setToolTip(_("Choose a token first (plug it in, then “Search again”)."))
        elif token and not self.pin.text():
            self.sign_button.setToolTip(_("Type the token's PIN first."))
        elif not ready:
            self.sign_button.setToolTip(_("Choose the certificate file first."))
        else:
            self.sign_button.setToolTip("")

    def credentials(self) -> reports.Credentials:
        if self.use_file.isChecked():
            return reports.P12Credentials(Path(self.p12_path.text().strip()), self.password.text())
        choice = self.selected_choice()
        if choice is None:
            raise UserFacingError(_("Choose a token first (plug it in, then “Search again”)."))
        token = choice.token
        return reports.TokenCredentials(token.library, token.slot, self.pin.text(), label=token.label,
                                        serial=token.serial,
                                        cert_id=choice.certificate.cert_id if choice.certificate else "")
