"""Input widgets that speak the office's formats: money in đồng, optional dates, texts saved as you go."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, QRect, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QDateEdit, QLabel, QLineEdit, QPlainTextEdit, QWidget

from kehoach_desktop.domain.text import nfc
from kehoach_desktop.formats import format_number
from kehoach_desktop.i18n import _
from kehoach_desktop.ui import icons

_MONEY_JUNK = re.compile(r"[\s\u00a0.,₫]|vnd|đ$", re.IGNORECASE)
NO_DATE = QDate(2000, 1, 1)


def parse_whole_number(text: str) -> int | None:
    """``1.500.000``, ``1 500 000``, ``1,500,000 ₫`` → 1500000; empty → 0; anything else → None."""
    cleaned = _MONEY_JUNK.sub("", text.strip())
    if not cleaned:
        return 0
    if re.fullmatch(r"-?\d+", cleaned):
        return int(cleaned)
    return None


class NumberEdit(QLineEdit):
    """A whole number (money in đồng, a count) typed the way offices write it: ``1.500.000``.

    ``value()`` is ``None`` while the text is not a number; ``optional`` edits give ``None`` when empty.
    """

    def __init__(self, parent: QWidget | None = None, *, optional: bool = False) -> None:
        super().__init__(parent)
        self._optional = optional
        self.editingFinished.connect(self._reformat)

    def value(self) -> int | None:
        if self._optional and not self.text().strip():
            return None
        return parse_whole_number(self.text())

    def is_valid(self) -> bool:
        return (self._optional and not self.text().strip()) or parse_whole_number(self.text()) is not None

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else format_number(value))

    def _reformat(self) -> None:
        value = self.value()
        if value is not None and self.text().strip():
            self.blockSignals(True)
            self.setText(format_number(value))
            self.blockSignals(False)


class OptionalDateEdit(QDateEdit):
    """A date typed or picked as ``15/03/2021``, or no date at all (shown as “—”)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText("—")
        self.setDate(NO_DATE)

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date == NO_DATE else dt.date(date.year(), date.month(), date.day())

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(NO_DATE if value is None else QDate(value.year, value.month, value.day))

    def set_calendar_year(self, year: int) -> None:
        """Open the calendar on the plan's year when there is no date yet."""
        self.calendarWidget().setCurrentPage(year, 1)


class CommitTextEdit(QPlainTextEdit):
    """A text that saves itself: ``committed`` fires when the user pauses or leaves the field.

    ``set_committed_text`` shows a saved value without firing, and keeps the cursor when the
    text is already the same (a refresh after one's own save must not disturb typing).
    """

    committed = Signal(str)
    IDLE_MS = 900

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._saved = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.IDLE_MS)
        self._timer.timeout.connect(self.commit)
        self.textChanged.connect(self._on_text_changed)

    def set_committed_text(self, text: str) -> None:
        self._timer.stop()
        if nfc(self.toPlainText()) == nfc(text):  # the same once normalised: keep what is typed, and the cursor
            self._saved = self.toPlainText()
            return
        self._saved = text
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)

    def saved_text(self) -> str:
        return self._saved

    def commit(self) -> None:
        """Fire ``committed`` now if the text differs from the last saved one."""
        self._timer.stop()
        text = self.toPlainText()
        if nfc(text) != nfc(self._saved) and not self.isReadOnly():
            self._saved = text
            self.committed.emit(text)

    def _on_text_changed(self) -> None:
        if not self.isReadOnly():
            self._timer.start()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.commit()
        super().focusOutEvent(event)


class ProblemLabel(QLabel):
    """The reason a field is refused (red) or flagged (amber), shown next to it; hidden when all is well.

    The mark before the text is a bundled icon painted in the left margin (a symbol character would
    show as an empty box on computers without the font).
    """

    ICON_SIZE = 14

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._icon = icons.BLOCKED
        self.setVisible(False)

    def show_problem(self, message: str, *, blocking: bool = True) -> None:
        if not message:
            self.clear_problem()
            return
        self._icon = icons.BLOCKED if blocking else icons.WARNING
        colour = "#b91c1c" if blocking else "#92400e"
        self.setText(message)
        self.setStyleSheet(f"color: {colour}; font-size: 12px; padding-left: {self.ICON_SIZE + 4}px;")
        self.setProperty("blocking", blocking)
        self.setVisible(True)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.text():
            top = self.contentsRect().top() + max(0, (self.fontMetrics().height() - self.ICON_SIZE) // 2)
            painter = QPainter(self)
            icons.icon(self._icon).paint(painter, QRect(0, top, self.ICON_SIZE, self.ICON_SIZE))
            painter.end()

    def clear_problem(self) -> None:
        self.setText("")
        self.setVisible(False)


def not_a_number_message() -> str:
    return _("Type a whole number, for example 1.500.000.")
