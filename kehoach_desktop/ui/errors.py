"""One place where failures meet the user: known errors as messages, bugs as a short apology.

No traceback ever reaches the user; bugs are logged with their traceback and the
dialog says where the log is.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.i18n import _

log = logging.getLogger(__name__)


def show_user_error(parent: QWidget | None, error: UserFacingError, title: str | None = None) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title or _("Kế hoạch Desktop"), error.message,
                      QMessageBox.StandardButton.Ok, parent)
    if error.details:
        box.setDetailedText("\n".join(error.details))
    box.exec()


def show_unexpected_error(parent: QWidget | None, log_file: Path) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Critical, _("Kế hoạch Desktop"),
        _("Sorry, something went wrong that the application did not expect. Your saved work is safe; "
          "the last action may not have been completed."),
        QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(_("The details were written to the log file:\n{path}\nPlease send this file to "
                             "the person who supports the application.").format(path=log_file))
    box.exec()


def report_error(parent: QWidget | None, error: BaseException, log_file: Path) -> None:
    """Show ``error`` the right way: a known error's message, or the apology for a bug."""
    if isinstance(error, UserFacingError):
        log.info("refused: %s", error)
        show_user_error(parent, error)
        return
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    show_unexpected_error(parent, log_file)


class ExceptionHook:
    """Installed as ``sys.excepthook``: any exception escaping a slot ends up here, not in a crash."""

    def __init__(self, log_file: Path) -> None:
        self.log_file = log_file
        self.shown = 0

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        self.shown += 1
        if QApplication.instance() is None:
            log.error("unhandled exception:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
            sys.__excepthook__(exc_type, exc, tb)
            return
        report_error(QApplication.activeWindow(), exc, self.log_file)

    def install(self) -> None:
        sys.excepthook = self
