"""Driving a window as a user does: click every enabled button and action, answer every dialog that opens.

``Clicker`` clicks through Qt (``QAbstractButton.click()``, ``QAction.trigger()``, mouse clicks on rows
and tabs, keys typed into fields), never by calling a slot. A dialog opened with ``exec()`` blocks the
click that opened it, so a timer answers the topmost modal dialog from inside its event loop; each
dialog being answered runs its own timer for the dialogs it opens in turn (Qt never re-enters a timer
whose slot is still running). Qt's own file dialogs are answered through the dialog: the path is pasted
into its file name field and Enter pressed. A watchdog closes any dialog left open too long (and says
so), so nothing hangs. ``answering()`` does the same for the dialogs a single test expects.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrintPreviewDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFontDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QTabBar,
    QToolButton,
    QWidget,
)

from kehoach_desktop.ui.tasks import TaskRunner

REASON = "Kiểm thử: lý do gõ từ bàn phím"
PASSWORD = "mat-khau-sai"
TICK_MS = 25
STUCK_SECONDS = 20.0

_QT_DIALOGS = (QPrintDialog, QPageSetupDialog, QPrintPreviewDialog, QColorDialog, QFontDialog)
_FIRST_CHOICE = (QMessageBox.ButtonRole.YesRole, QMessageBox.ButtonRole.AcceptRole)
_SECOND_CHOICE = (QMessageBox.ButtonRole.RejectRole, QMessageBox.ButtonRole.NoRole)


def type_text(widget: QWidget, text: str) -> None:
    """Key presses for ``text``, as a keyboard with a Vietnamese input method sends them (one character each)."""
    for char in text:
        key = ord(char.upper()) if char.isascii() and char.isalnum() else Qt.Key.Key_unknown
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key(key), char, Qt.KeyboardModifier.NoModifier)


def paste(edit: QLineEdit, text: str) -> None:
    """Paste ``text`` over the field's content (Ctrl+A, Ctrl+V), as a user pastes a path into a file dialog.

    Typing a path key by key into Qt's file dialog races its inline completion of folder names."""
    QApplication.clipboard().setText(text)
    QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def alive(obj: QObject | None) -> bool:
    return obj is not None and shiboken6.isValid(obj)


def describe(target: QObject) -> str:
    text = target.text() if isinstance(target, (QAbstractButton, QAction)) else ""
    name = target.objectName()
    return f"{type(target).__name__}({text!r}{', ' + name if name else ''})"


@dataclass
class FilePicks:
    """What the user chooses in file dialogs: folders under ``root``; files offered for opening by suffix."""

    root: Path
    open_files: dict[str, list[Path]] = field(default_factory=dict)  # ".jpg" -> files to choose
    counter: int = 0

    def new_folder(self) -> Path:
        self.counter += 1
        folder = self.root / f"chosen-{self.counter:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def files_for(self, name_filters: Iterable[str]) -> list[Path]:
        patterns = " ".join(name_filters).lower()
        chosen: list[Path] = []
        for suffix, files in self.open_files.items():
            if f"*{suffix}" in patterns:
                chosen.extend(f for f in files if f not in chosen)
        return chosen


@dataclass
class Transcript:
    """What happened, to explain a failure: every click and every dialog answered, in order."""

    lines: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # the text of every message box, in full
    clicked: int = 0
    dialogs: int = 0

    def add(self, line: str) -> None:
        self.lines.append(line)

    def tail(self, n: int = 60) -> str:
        return "\n".join(self.lines[-n:])


class Clicker:
    """Clicks everything in a window; every dialog is answered by the policy of :meth:`answer`."""

    def __init__(self, qtbot, picks: FilePicks, *, max_depth: int = 3,  # type: ignore[no-untyped-def]
                 skip: Callable[[QObject], bool] = lambda _o: False) -> None:
        self.qtbot = qtbot
        self.picks = picks
        self.max_depth = max_depth
        self.skip = skip
        self.transcript = Transcript()
        self.stuck: list[str] = []
        self._done: dict[int, QObject] = {}  # clicked targets (kept alive so that ids are not reused)
        self._answered: dict[int, QObject] = {}
        self._handling: list[QWidget] = []
        self._depth = 0
        self._base = QTimer()
        self._base.setInterval(TICK_MS)
        self._base.timeout.connect(self._tick)
        self._watch = QTimer()
        self._watch.setInterval(1000)
        self._watch.timeout.connect(self._watchdog)
        self._watched: tuple[int, float] | None = None

    # lifetime -----------------------------------------------------------------------------
    @contextmanager
    def running(self) -> Iterator[Clicker]:
        self._base.start()
        self._watch.start()
        try:
            yield self
        finally:
            self._base.stop()
            self._watch.stop()

    # answering modal dialogs ---------------------------------------------------------------
    def _tick(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible() or widget in self._handling:
            return
        if isinstance(widget, QProgressDialog) or id(widget) in self._answered:
            return
        self._handle(widget)

    def _handle(self, widget: QWidget) -> None:
        """Answer ``widget`` with a timer of its own running for the dialogs it opens."""
        inner = QTimer()
        inner.setInterval(TICK_MS)
        inner.timeout.connect(self._tick)
        self._answered[id(widget)] = widget
        self._handling.append(widget)
        inner.start()
        try:
            self.answer(widget)
        finally:
            inner.stop()
            self._handling.remove(widget)

    def _watchdog(self) -> None:
        """A dialog open for STUCK_SECONDS was not answered: say so and close it."""
        widget = QApplication.activeModalWidget()
        if widget is None:
            self._watched = None
            return
        if self._watched is None or self._watched[0] != id(widget):
            self._watched = (id(widget), time.monotonic())
            return
        if time.monotonic() - self._watched[1] > STUCK_SECONDS:
            self.stuck.append(f"{describe(widget)} {widget.windowTitle()!r} stayed open; closed by the watchdog")
            self._watched = None
            if isinstance(widget, QDialog):
                widget.reject()
            widget.close()

    def answer(self, widget: QWidget) -> None:
        """The user's answer: type a reason, choose a folder, accept where safe, otherwise cancel."""
        self.transcript.dialogs += 1
        title = widget.windowTitle()
        if isinstance(widget, QMessageBox):
            self._answer_message(widget)
        elif isinstance(widget, QFileDialog):
            self._answer_file_dialog(widget)
        elif isinstance(widget, QInputDialog):
            self._answer_input(widget)
        elif isinstance(widget, _QT_DIALOGS):
            self.transcript.add(f"  [{type(widget).__name__} {title!r}] cancelled")
            self.qtbot.keyClick(widget, Qt.Key.Key_Escape)
        elif isinstance(widget, QDialog):
            self.transcript.add(f"  [dialog {type(widget).__name__} {title!r}] explored")
            if self._depth < self.max_depth:
                self._depth += 1
                try:
                    self.explore(widget, prepare=self.select_first_rows)
                finally:
                    self._depth -= 1
            self._finish(widget)
        else:
            self.transcript.add(f"  [window {type(widget).__name__} {title!r}] closed")
            widget.close()

    def _answer_message(self, box: QMessageBox) -> None:
        buttons = box.buttons()
        chosen = next((b for role in _FIRST_CHOICE for b in buttons if box.buttonRole(b) == role), None)
        if chosen is None:
            chosen = next((b for role in _SECOND_CHOICE for b in buttons if box.buttonRole(b) == role), None)
        if chosen is None:
            chosen = box.escapeButton() or (buttons[0] if buttons else None)
        self.transcript.messages.append(box.text())
        self.transcript.add(f"  [message {box.windowTitle()!r}] {box.text()[:160]!r} → "
                            f"{chosen.text() if chosen else 'Esc'!r}")
        if chosen is None:
            self.qtbot.keyClick(box, Qt.Key.Key_Escape)
        else:
            chosen.click()

    def _answer_input(self, dialog: QInputDialog) -> None:
        edit = next((w for w in dialog.findChildren(QLineEdit) + dialog.findChildren(QPlainTextEdit)
                     if w.isVisible() and w.isEnabled()), None)
        if edit is not None:
            password = isinstance(edit, QLineEdit) and edit.echoMode() != QLineEdit.EchoMode.Normal
            type_text(edit, PASSWORD if password else REASON)
        self.transcript.add(f"  [input {dialog.windowTitle()!r}] {dialog.labelText()[:100]!r} → typed, OK")
        box = dialog.findChild(QDialogButtonBox)
        ok = box.button(QDialogButtonBox.StandardButton.Ok) if box is not None else None
        if ok is not None and ok.isEnabled():
            ok.click()
        else:
            self.qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    def _answer_file_dialog(self, dialog: QFileDialog) -> None:
        """Type the chosen path into the dialog's file name field and press Enter, as a user does."""
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        steps: list[str] = []
        if dialog.fileMode() == QFileDialog.FileMode.Directory:
            steps = [str(self.picks.new_folder())]
        elif dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave:
            suggested = Path(dialog.selectedFiles()[0]).name if dialog.selectedFiles() else ""
            steps = [str(self.picks.new_folder() / (suggested or "file"))]
        else:
            files = self.picks.files_for(dialog.nameFilters())
            if dialog.fileMode() != QFileDialog.FileMode.ExistingFiles:
                files = files[:1]
            if files:
                steps = [" ".join(f'"{f}"' for f in files) if len(files) > 1 else str(files[0])]
        self.transcript.add(f"  [file dialog {dialog.windowTitle()!r} {dialog.nameFilters()}] → "
                            f"{steps[0] if steps else 'cancelled'}")
        for _attempt in range(3 if steps else 0):  # the dialog may still be settling when the path arrives
            if edit is None or not alive(dialog) or not dialog.isVisible():
                break
            paste(edit, steps[0])
            QTest.keyClick(edit, Qt.Key.Key_Return)
            if self._wait(lambda: not alive(dialog) or not dialog.isVisible()):
                break
        if alive(dialog) and dialog.isVisible():
            if steps:
                self.transcript.add(f"    the dialog did not take {edit.text() if edit else ''!r} "
                                    f"(in {dialog.directory().path()}); cancelled")
            self.qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    def _wait(self, condition: Callable[[], bool], timeout: float = 3.0) -> bool:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            self.qtbot.wait(10)
        return True

    def _finish(self, dialog: QDialog) -> None:
        """Accept the dialog if it can be (typing a reason where one is wanted); cancel it otherwise."""
        if not alive(dialog) or not dialog.isVisible():
            return
        boxes = [b for b in dialog.findChildren(QDialogButtonBox) if b.window() is dialog and b.isVisible()]
        accept = next((b for box in boxes for b in box.buttons()
                       if box.buttonRole(b) in (QDialogButtonBox.ButtonRole.AcceptRole,
                                                QDialogButtonBox.ButtonRole.YesRole)), None)
        if accept is not None and not accept.isEnabled():
            for edit in self._empty_text_fields(dialog):
                type_text(edit, REASON)
                if accept.isEnabled():
                    break
        if accept is not None and accept.isEnabled():
            self.transcript.add(f"  [dialog {dialog.windowTitle()!r}] → {accept.text()!r}")
            self.click(accept)
        if alive(dialog) and dialog.isVisible():
            reject = next((b for box in boxes for b in box.buttons()
                           if box.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole), None)
            self.transcript.add(f"  [dialog {dialog.windowTitle()!r}] → {reject.text() if reject else 'Esc'!r}")
            if reject is not None and alive(reject):
                self.click(reject)
            if alive(dialog) and dialog.isVisible():
                self.qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            if alive(dialog) and dialog.isVisible():
                dialog.close()

    @staticmethod
    def _empty_text_fields(dialog: QWidget) -> list[QWidget]:
        fields: list[QWidget] = []
        for edit in dialog.findChildren(QLineEdit) + dialog.findChildren(QPlainTextEdit):
            if not (edit.isVisible() and edit.isEnabled()) or edit.isReadOnly():
                continue
            text = edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()
            if not text.strip():
                fields.append(edit)
        return fields

    # clicking ------------------------------------------------------------------------------
    def click(self, target: QAbstractButton | QAction) -> None:
        """One click through Qt; the dialogs it opens are answered; then wait for its background work."""
        self._done[id(target)] = target
        self.transcript.clicked += 1
        self.transcript.add(("  " * self._depth) + f"click {describe(target)}")
        if isinstance(target, QAction):
            target.trigger()
        else:
            target.click()
        self.settle()

    def click_position(self, view: QAbstractItemView, pos: QPoint) -> None:
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        self.settle()

    def settle(self, timeout: float = 60.0) -> None:
        """Let queued work finish: background jobs, their message boxes, dialogs opened with ``open()``."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            QApplication.processEvents()
            if self._depth == 0 and not self._handling:
                for window in self._new_windows():
                    self._handle(window)
                    quiet = -1
            if self._busy():
                quiet = 0
                self.qtbot.wait(20)
            else:
                quiet += 1
        if time.monotonic() >= deadline:
            self.stuck.append("background work still running after a click")

    @staticmethod
    def _busy() -> bool:
        """Background work still running, or its progress dialog still shown (dialogs are windows of their own)."""
        for window in QApplication.topLevelWidgets():
            if isinstance(window, QProgressDialog):
                if window.isVisible():
                    return True
            elif window.isVisible() and any(runner.busy for runner in window.findChildren(TaskRunner)):
                return True
        return False

    def _new_windows(self) -> list[QWidget]:
        """Windows shown without blocking (``open()``, ``show()``) and not answered yet."""
        found = []
        for window in QApplication.topLevelWidgets():
            if (window.isVisible() and isinstance(window, QDialog) and id(window) not in self._answered
                    and not isinstance(window, QProgressDialog) and not isinstance(window, QMenu)):
                found.append(window)
        return found

    # exploring -----------------------------------------------------------------------------
    def targets(self, root: QWidget) -> list[QAbstractButton | QAction]:
        """The buttons and actions of ``root`` a user can reach now and that were not clicked yet."""
        found: list[QAbstractButton | QAction] = []
        for button in root.findChildren(QAbstractButton):
            if not self._clickable_button(button, root):
                continue
            if isinstance(button, QToolButton) and button.defaultAction() is not None:
                continue  # its action is triggered below
            found.append(button)
        for widget in [root, *root.findChildren(QWidget)]:
            if widget.window() is not root.window() or not widget.isVisible():
                continue
            for action in widget.actions():
                if (action.isSeparator() or action.menu() is not None or not action.isEnabled()
                        or not action.isVisible() or id(action) in self._done or self.skip(action)):
                    continue
                if action not in found:
                    found.append(action)
        return found

    def _clickable_button(self, button: QAbstractButton, root: QWidget) -> bool:
        if id(button) in self._done or not button.isVisible() or not button.isEnabled():
            return False
        if button.window() is not root.window() or self.skip(button):
            return False
        parent = button.parentWidget()
        while parent is not None and parent is not root:
            if isinstance(parent, (QDialogButtonBox, QTabBar)) or type(parent).__name__ == "QCalendarWidget":
                return False  # a dialog's own buttons close it (see _finish); tab scrollers; calendar popups
            if isinstance(parent, QLineEdit):
                return False  # a line edit's clear button: its action is triggered instead
            parent = parent.parentWidget()
        return True

    def explore(self, root: QWidget, prepare: Callable[[QWidget], None] | None = None) -> None:
        """Click every enabled button and action of ``root``, in every tab, until nothing new is enabled.

        ``prepare(root)`` makes the selections a user makes first (a row, a cell); it runs before each click.
        """
        self._click_all(root, prepare)
        for bar in self._tab_bars(root):
            for index in range(bar.count()):
                if not alive(bar) or not bar.isVisible() or not bar.isTabEnabled(index):
                    continue
                self.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
                self.settle()
                self.transcript.add(("  " * self._depth) + f"tab {bar.tabText(index)!r}")
                self._click_all(root, prepare)

    def _click_all(self, root: QWidget, prepare: Callable[[QWidget], None] | None, rounds: int = 3) -> None:
        for _round in range(rounds):  # a click may enable more (Revise… enables Issue…)
            if prepare is not None:
                prepare(root)
            targets = self.targets(root)
            if not targets:
                return
            for target in targets:
                if not alive(root) or not root.isVisible():
                    return
                if not alive(target) or id(target) in self._done or not target.isEnabled():
                    continue
                if isinstance(target, QAbstractButton) and not target.isVisible():
                    continue
                if prepare is not None:
                    prepare(root)
                self.click(target)

    @staticmethod
    def _tab_bars(root: QWidget) -> list[QTabBar]:
        return [bar for bar in root.findChildren(QTabBar) if bar.isVisible() and bar.window() is root.window()]

    def select_first_rows(self, root: QWidget) -> None:
        """Click the first row of every list and table of ``root`` that has no current row."""
        for view in root.findChildren(QAbstractItemView):
            if not view.isVisible() or view.window() is not root.window() or view.model() is None:
                continue
            if view.currentIndex().isValid() or view.model().rowCount() == 0:
                continue
            index = view.model().index(0, 0)
            rect = view.visualRect(index)
            if rect.isValid():
                self.click_position(view, rect.center())


# answering the next dialogs in a test, as the user does ------------------------------------------------------
Answer = Callable[[QWidget], None]


@contextmanager
def answering(qtbot, *answers: Answer, timeout: float = 30.0) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Answer the next modal dialogs, in the order they open, each with its function (given the dialog).

    Wrap the click that opens them; the block fails if a dialog did not open.
    """
    pending, seen = list(answers), []
    timer = QTimer()
    timer.setInterval(TICK_MS)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if (dialog is None or not dialog.isVisible() or isinstance(dialog, QProgressDialog)
                or any(d is dialog for d in seen) or not pending):
            return
        seen.append(dialog)
        answer = pending.pop(0)
        if not pending:
            timer.stop()
        inner = QTimer()  # a timer never fires again while its own slot runs: nested dialogs need another
        inner.setInterval(TICK_MS)
        inner.timeout.connect(poll)
        inner.start()
        try:
            answer(dialog)
        finally:
            inner.stop()

    timer.timeout.connect(poll)
    timer.start()
    try:
        yield
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            qtbot.wait(TICK_MS)
    finally:
        timer.stop()
    assert not pending, f"{len(pending)} dialog(s) expected did not open"


def choose_file(path: Path | str) -> Answer:
    """In Qt's file dialog: paste ``path`` into the file name field and press Enter."""
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog), dialog
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        paste(edit, str(path))
        QTest.keyClick(edit, Qt.Key.Key_Return)
    return answer


def press(button_text: str) -> Answer:
    """Click the button whose text (without its & mnemonic) is ``button_text``."""
    def answer(dialog: QWidget) -> None:
        for button in dialog.findChildren(QAbstractButton):
            if button.text().replace("&", "") == button_text and button.isVisible():
                assert button.isEnabled(), f"{button_text!r} is disabled: {button.toolTip()}"
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {dialog.windowTitle()!r}: "
                             f"{[b.text() for b in dialog.findChildren(QAbstractButton) if b.isVisible()]}")
    return answer


def type_and_press(text: str, button_text: str) -> Answer:
    """Type ``text`` into the dialog's text field (an input dialog: a reason, a password), then press a button."""
    def answer(dialog: QWidget) -> None:
        edit = next(w for w in dialog.findChildren(QLineEdit) + dialog.findChildren(QPlainTextEdit)
                    if w.isVisible() and w.isEnabled())
        type_text(edit, text)
        press(button_text)(dialog)
    return answer


def when_modal(kind: type, answer: Callable[[QDialog], None]) -> list[QDialog]:
    """Answer the next modal dialog of ``kind`` with ``answer`` once it shows; the dialogs answered."""
    seen: list[QDialog] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        answer(dialog)

    QTimer.singleShot(0, look)
    return seen
