"""The warning shown when the certificate chosen to sign belongs to another organisation than the issuing unit."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from kehoach_desktop.i18n import _
from kehoach_desktop.services.reports import SignerMismatchError


def confirm_signer_mismatch(parent: QWidget, mismatch: SignerMismatchError) -> bool:
    """Both names, and the choice: sign anyway (True) or not (False, the default)."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("The signer is not of the issuing unit"), _(
        "The certificate belongs to {holder}, of {organisation}.\n\nThe document is issued by {unit}.\n\n"
        "Sign it with this certificate all the same?").format(
        holder=mismatch.holder.name or "?", organisation=mismatch.holder.organisation or _("no organisation"),
        unit=mismatch.issuing_unit), parent=parent)
    box.setObjectName("signer_mismatch")
    sign = box.addButton(_("Sign anyway"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is sign
