"""Start-up: paths, logging, language, the workspace, the main window. The one composition root."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from kehoach_desktop import APP_ID, APP_NAME, __version__, i18n
from kehoach_desktop.domain.errors import UserFacingError, WorkspaceCorruptError
from kehoach_desktop.i18n import _
from kehoach_desktop.logs import setup_logging
from kehoach_desktop.paths import AppPaths, app_paths

log = logging.getLogger(__name__)


def _ensure_platform() -> None:
    """Without a display (CI, a service), Qt draws offscreen instead of aborting."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _make_application():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    _ensure_platform()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    from PySide6.QtGui import QIcon

    from kehoach_desktop.resources import icon_path

    app.setWindowIcon(QIcon(str(icon_path("app.svg"))))
    return app


def _install_translations(app, language: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    from kehoach_desktop.ui.qt_strings import qt_translator

    if language == "vi":
        app.installTranslator(qt_translator(app))
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    else:
        qtbase = QTranslator(app)
        if qtbase.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qtbase)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


class AppController:
    """Owns the open workspace and its main window; switches workspaces on request."""

    def __init__(self, app, paths: AppPaths, settings) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.paths = paths
        self.settings = settings
        self.session = None
        self.window = None
        self._remember = True
        self._backup_runner = None  # a TaskRunner for the daily backup, made with the first window
        self._offer = None  # the last package offered for import (keeps its background runner alive)

    # opening -------------------------------------------------------------------------------
    def open_initial(self, workspace: Path | str | None, demo: bool) -> bool:
        from kehoach_desktop.storage.server import is_server_location

        last = self.settings.value("last_workspace")
        if is_server_location(workspace) or (workspace is None and not demo and is_server_location(last)):
            return self._open_server(str(workspace or last))
        assert workspace is None or isinstance(workspace, Path)
        if demo:
            path = workspace or self.paths.demo_workspace
            if not path.exists():
                return self._create_demo(path)
            return self._open(path, remember=False)
        if workspace is None and not last and self.paths.legacy_workspace.exists():
            workspace = self.paths.legacy_workspace  # made by an earlier version: it stays where it is
        path = workspace or (Path(last) if last else self.paths.default_workspace)
        if path.exists():
            return self._open(path)
        return self._run_wizard(path)

    def _open(self, path: Path, *, remember: bool = True) -> bool:
        from kehoach_desktop.services.session import open_workspace

        return self._start(lambda: open_workspace(path), path, remember)

    def _open_server(self, url: str) -> bool:
        """A workspace on a PostgreSQL server: the password from PGPASSWORD/.pgpass, else asked (never stored)."""
        from kehoach_desktop.services.session import open_workspace
        from kehoach_desktop.storage.server import PasswordRequiredError, display_url

        try:
            from kehoach_desktop.storage.server import parse_server_url

            parse_server_url(url)
        except UserFacingError as error:
            from kehoach_desktop.ui.errors import report_error

            report_error(None, error, self.paths.log_file)
            return False
        password: str | None = None
        while True:
            try:
                session = open_workspace(url, password=password)
            except PasswordRequiredError as error:
                password = self._ask_password(error.message)
                if password is None:
                    return False
                continue
            except Exception:  # reported by _start with the same words as a file's failures
                session = None
            break
        return self._start(lambda: session or open_workspace(url, password=password), display_url(url),
                           remember=True)

    def _ask_password(self, message: str) -> str | None:
        """The server's password, typed by the user (kept in memory only); None when cancelled."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        typed, ok = QInputDialog.getText(self.window, APP_NAME, message + "\n" + _("Password:"),
                                         QLineEdit.EchoMode.Password)
        return typed if ok else None

    def _create_on_server(self, url: str, setup, password: str | None) -> bool:  # type: ignore[no-untyped-def]
        """Create the workspace in the empty database at ``url``, asking for the password when the server wants it."""
        from kehoach_desktop.services.session import new_workspace
        from kehoach_desktop.storage.server import PasswordRequiredError

        session, failure = None, None
        while True:
            try:
                session = new_workspace(url, setup, password=password)
            except PasswordRequiredError as error:
                password = self._ask_password(error.message)
                if password is None:
                    return False
                continue
            except Exception as error:  # reported by _start, as for a file
                failure = error
            break

        def made():  # type: ignore[no-untyped-def]
            if failure is not None:
                raise failure
            return session

        return self._start(made, url, remember=True)

    def _create_demo(self, path: Path) -> bool:
        from kehoach_desktop.services.session import new_demo_workspace

        return self._start(lambda: new_demo_workspace(path), path, remember=False)

    def _run_wizard(self, default_path: Path) -> bool:
        from kehoach_desktop.services.session import new_workspace
        from kehoach_desktop.services.templates import builtin_template
        from kehoach_desktop.ui.errors import report_error
        from kehoach_desktop.ui.setup_wizard import SetupWizard

        try:
            template = builtin_template()
        except UserFacingError as error:
            report_error(None, error, self.paths.log_file)
            return False
        server_chosen = False
        while True:
            default_server = str(self.settings.value("last_server_url", "") or "")
            wizard = SetupWizard(template, default_path, default_server=default_server, server_chosen=server_chosen,
                                 documents_folder=self.paths.documents_dir)
            if wizard.exec() != wizard.DialogCode.Accepted:
                return False
            if wizard.existing_workspace is not None:  # a workspace copied from another computer
                if self._open(wizard.existing_workspace):
                    return True
                continue
            location = wizard.workspace_location()
            setup = wizard.result_setup()
            if isinstance(location, str):  # a database server: its address is remembered, never its password
                self.settings.setValue("last_server_url", location)
                if self._create_on_server(location, setup, wizard.server_password()):
                    return True
                server_chosen = True
                continue
            if self._start(lambda p=location, s=setup: new_workspace(p, s), location, remember=True):
                return True
            default_path, server_chosen = location, False

    def _start(self, make_session, path: Path, remember: bool, *,  # type: ignore[no-untyped-def]
               offer_restore: bool = True) -> bool:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication

        from kehoach_desktop.ui.errors import report_error
        from kehoach_desktop.ui.main_window import MainWindow

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        made_of_it: list[Path] = []  # backups taken of this file on the way (before a migration)
        try:
            session = make_session()
            try:
                session.summary()  # records that cannot be read (a damaged file) are said now, with the offer below
            except BaseException:
                made_of_it = list(session.backups_made)
                session.close()
                raise
        except Exception as error:  # shown to the user as a message, logged when it is a bug
            QGuiApplication.restoreOverrideCursor()
            if (isinstance(error, WorkspaceCorruptError) and offer_restore
                    and self._restore_newest_backup(path, error, made_of_it)):
                return self._start(make_session, path, remember, offer_restore=False)
            report_error(self.window, error, self.paths.log_file)
            return False
        QGuiApplication.restoreOverrideCursor()
        if session.backups_made:
            log.info("workspace %s migrated; backup at %s", path, session.backups_made)
        self._close_current()
        self.session = session
        self._remember = remember
        if remember:  # a server's address is remembered without its password
            self.settings.setValue("last_workspace", session.location)
        self.window = MainWindow(session, self.settings, log_file=self.paths.log_file,
                                 on_open_other=self.open_other)
        self.window.restore_requested.connect(self.restore_from)
        self.window.show()
        self._start_daily_backup()
        return True

    # backups ---------------------------------------------------------------------------------
    def _start_daily_backup(self) -> None:
        """The day's first start backs the workspace up, in the background; a failure is said, not fatal."""
        from kehoach_desktop.services.backups import daily_backup_if_due
        from kehoach_desktop.ui.errors import show_user_error
        from kehoach_desktop.ui.tasks import TaskRunner

        if self._backup_runner is None:
            self._backup_runner = TaskRunner()
        uow_factory, window = self.session.uow_factory, self.window

        def done(made) -> None:  # type: ignore[no-untyped-def]
            if made is None or window is not self.window:
                return
            log.info("daily backup %s", made.path)
            window.statusBar().showMessage(_("Today's backup was made and checked: {name}").format(
                name=made.path.name), 15000)
            page = window.page_by_key.get("backups")
            if page is not None and window.current_area() == "backups":
                page.refresh()

        def failed(error: BaseException) -> None:
            log.warning("the daily backup failed", exc_info=(type(error), error, error.__traceback__))
            if window is not self.window:
                return
            if isinstance(error, UserFacingError):
                show_user_error(window, error, _("The daily backup could not be made"))
            else:
                window.statusBar().showMessage(_("The daily backup could not be made; see the log file {path}.")
                                               .format(path=self.paths.log_file))

        self._backup_runner.run(lambda: daily_backup_if_due(uow_factory=uow_factory), on_done=done, on_error=failed)

    def _wait_for_backups(self) -> None:
        if self._backup_runner is not None:
            self._backup_runner.wait()

    def restore_from(self, backup: Path) -> bool:
        """Close the workspace, replace it by ``backup`` (its current state backed up first), open it again."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QMessageBox

        from kehoach_desktop.services.backups import restore_backup
        from kehoach_desktop.ui.errors import report_error

        if self.session is None:
            return False
        path, remember, old_window = self.session.path, self._remember, self.window
        self._wait_for_backups()
        if old_window is not None:
            old_window.setEnabled(False)
        self.session.close()
        self.session = None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        outcome = None
        try:
            outcome = restore_backup(workspace=path, backup=backup)
        except Exception as error:  # the workspace was left as it was; it opens again below
            QGuiApplication.restoreOverrideCursor()
            report_error(old_window, error, self.paths.log_file)
        else:
            QGuiApplication.restoreOverrideCursor()
        if not self._open(path, remember=remember):
            if old_window is not None and old_window is self.window:
                self.window = None
                old_window.close()
                old_window.deleteLater()
            return False
        if outcome is None:
            return False
        message = _("The workspace was restored from {name}.").format(name=backup.name)
        if outcome.previous_state is not None:
            message += "\n" + (_("The damaged file was kept as {name}.") if outcome.previous_was_damaged else _(
                "The state before the restore was backed up as {name}.")).format(name=outcome.previous_state.name)
        box = QMessageBox(QMessageBox.Icon.Information, _("Restore a backup"), message,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("restore_done")
        box.exec()
        return True

    def _restore_newest_backup(self, path: Path, error: WorkspaceCorruptError, made_of_it: list[Path]) -> bool:
        """The workspace is damaged: offer its newest good backup; True when it was restored."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QMessageBox

        from kehoach_desktop.formats import format_datetime
        from kehoach_desktop.services.backups import newest_good_backup, restore_backup
        from kehoach_desktop.ui.errors import report_error

        if not isinstance(path, Path):  # a workspace on a database server has no backup files here
            return False
        try:
            newest = newest_good_backup(workspace=path, made_of_the_damage=made_of_it)
        except OSError:
            newest = None
        if newest is None:
            return False
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, error.message, QMessageBox.StandardButton.Cancel,
                          self.window)
        box.setObjectName("offer_restore")
        box.setInformativeText(_(
            "The newest good backup was made on {date} ({reason}). Restore it? Changes made after it are lost; "
            "the damaged file is kept beside the backups.").format(
                date=format_datetime(newest.taken_at), reason=newest.reason_label))
        restore = box.addButton(_("Restore this backup"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(restore)
        box.exec()
        if box.clickedButton() is not restore:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            restore_backup(workspace=path, backup=newest.path)
        except Exception as failure:  # said to the user; the damaged file is left as it was
            QGuiApplication.restoreOverrideCursor()
            report_error(self.window, failure, self.paths.log_file)
            return False
        QGuiApplication.restoreOverrideCursor()
        return True

    def open_other(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, _("Open an existing workspace, or create a new one?"),
                          QMessageBox.StandardButton.Cancel, self.window)
        open_button = box.addButton(_("Open a file…"), QMessageBox.ButtonRole.AcceptRole)
        new_button = box.addButton(_("Create a new workspace…"), QMessageBox.ButtonRole.ActionRole)
        box.exec()
        folder = str(self.settings.value("last_folder", str(self.paths.documents_dir)))
        if box.clickedButton() is open_button:
            chosen, _filter = QFileDialog.getOpenFileName(self.window, _("Open a workspace"), folder,
                                                          _("Kế hoạch workspaces (*.khws);;All files (*)"))
            if chosen:
                self.settings.setValue("last_folder", str(Path(chosen).parent))
                self._open(Path(chosen))
        elif box.clickedButton() is new_button:
            self._run_wizard(Path(folder) / self.paths.default_workspace.name)

    def offer_file(self, path: Path) -> None:
        """Ask whether to import a package given on the command line into the open workspace."""
        from kehoach_desktop.ui.open_file import FileImportOffer

        if self.window is None or self.session is None:
            return
        self._offer = FileImportOffer(self.window, self.session, path, on_changes=self.window.apply_changes)
        self._offer.ask()

    def _close_current(self) -> None:
        self._wait_for_backups()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.session is not None:
            self._backup_at_exit()
            self.session.close()
            self.session = None

    def _backup_at_exit(self) -> None:
        """A verified backup of the workspace being closed, when it changed since its newest backup."""
        from kehoach_desktop.services.backups import backup_if_changed

        try:
            made = backup_if_changed(uow_factory=self.session.uow_factory)
        except Exception:  # closing goes on: the workspace itself is saved; the log says what happened
            log.exception("the backup at exit failed")
            return
        if made is not None:
            log.info("backup at exit %s", made.path)

    def shutdown(self) -> None:
        self._wait_for_backups()
        if self.session is not None:
            self._backup_at_exit()
            self.session.close()
            self.session = None


def run_gui(*, workspace: Path | str | None = None, language: str | None = None, demo: bool = False,
            verbose: bool = False, open_file: Path | None = None) -> int:
    from PySide6.QtCore import QSettings, QTimer

    from kehoach_desktop.ui.errors import ExceptionHook
    from kehoach_desktop.ui.style import STYLE_SHEET

    paths = app_paths()
    paths.ensure()
    setup_logging(paths.log_file, verbose=verbose)
    log.info("starting %s %s", APP_NAME, __version__)
    app = _make_application()
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    chosen = language or str(settings.value("language", i18n.DEFAULT_LANGUAGE))
    i18n.setup(chosen)
    _install_translations(app, i18n.current_language())
    app.setStyleSheet(STYLE_SHEET)
    ExceptionHook(paths.log_file).install()
    controller = AppController(app, paths, settings)
    if not controller.open_initial(workspace.expanduser() if isinstance(workspace, Path) else workspace, demo):
        return 1 if workspace or demo else 0
    if open_file is not None:  # a double-clicked package: offer it once the window is up
        QTimer.singleShot(0, lambda: controller.offer_file(open_file.expanduser().absolute()))
    try:
        return app.exec()
    finally:
        controller.shutdown()


def self_test() -> int:
    """Open a temporary demo workspace and the main window, visit every page, close. 0 only if all worked."""
    _ensure_platform()
    started = time.perf_counter()
    try:
        from PySide6.QtCore import QSettings

        from kehoach_desktop.services.session import new_demo_workspace
        from kehoach_desktop.services.templates import builtin_template
        from kehoach_desktop.ui.main_window import MainWindow

        app = _make_application()
        i18n.setup("vi")
        _install_translations(app, "vi")
        if _("Overview") == "Overview":
            raise RuntimeError("the Vietnamese catalog is missing")
        template = builtin_template()
        with tempfile.TemporaryDirectory(prefix="kehoach-self-test-") as folder:
            settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
            session = new_demo_workspace(Path(folder) / "self-test.khws")
            try:
                window = MainWindow(session, settings, log_file=Path(folder) / "log.txt")
                window.show()
                app.processEvents()
                for area in window.areas:
                    window.show_area(area.key)
                    app.processEvents()
                overview = session.overview()
                window.close()
                app.processEvents()
            finally:
                session.close()
    except Exception as exc:  # the self-test reports every failure as a line, never a traceback
        print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"self-test OK: {APP_NAME} {__version__}, template {template.code} with {len(template.reporting_units)} "
          f"units, demo with {overview.tasks_total} tasks, {overview.materials_total} materials, "
          f"{overview.events_total} events, {len(window.areas)} pages, Qt platform "
          f"{app.platformName()}, {time.perf_counter() - started:.2f} s")
    return 0
