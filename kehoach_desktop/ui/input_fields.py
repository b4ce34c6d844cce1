"""Input widgets that speak the office's formats: money in đồng, dates typed whole, texts saved as you go."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from PySide6.QtCore import QDate, QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QCalendarWidget, QLabel, QLineEdit, QPlainTextEdit, QToolTip, QWidget

from kehoach_desktop.domain.text import nfc
from kehoach_desktop.formats import format_date, format_number, parse_typed_date
from kehoach_desktop.i18n import _
from kehoach_desktop.ui import icons

_MONEY_JUNK = re.compile(r"[\s\u00a0.,₫]|vnd|đ$", re.IGNORECASE)


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


def calendar_day(year: int | None, today: dt.date) -> dt.date:
    """Where a calendar opens when its field is empty: today within the plan's year, else the year's first day."""
    if year is None or year == today.year:
        return today
    return dt.date(year, 1, 1)


class DateEdit(QLineEdit):
    """A date typed whole as offices write it (``15/08/2021``, ``5/9/2021``, ``15082021``) or picked on a calendar.

    The date is taken as soon as the typed text is a whole date, and when the field is left (then also
    ``15/8/21``); a text that is no date is put back as it was, with a note saying how to type one.
    ``optional`` fields may be emptied (no date); the others keep their date. ``dateChanged`` carries the
    new ``datetime.date`` (or ``None``).
    """

    dateChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, optional: bool = False) -> None:
        super().__init__(parent)
        self._optional = optional
        self._value: dt.date | None = None
        self._calendar_day = dt.date.today()
        self._calendar: QCalendarWidget | None = None
        self.setPlaceholderText(_("dd/mm/yyyy"))
        self.setClearButtonEnabled(optional)
        self._calendar_action = self.addAction(icons.icon("calendar"),
                                               QLineEdit.ActionPosition.TrailingPosition)
        self._calendar_action.setObjectName("open_calendar")
        self._calendar_action.setToolTip(_("Choose on a calendar (Alt+Down)"))
        self._calendar_action.triggered.connect(self.show_calendar)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 56)
        self.textEdited.connect(self._on_text_edited)
        self.editingFinished.connect(self._on_editing_finished)

    # the value ----------------------------------------------------------------------------
    def value(self) -> dt.date | None:
        return self._value

    def set_value(self, value: dt.date | None) -> None:
        """Show ``value`` (``dateChanged`` fires when it differs, unless signals are blocked)."""
        self.setText(format_date(value))
        self._take(value)

    def _take(self, value: dt.date | None) -> None:
        if value != self._value:
            self._value = value
            self.dateChanged.emit(value)

    def _on_text_edited(self, text: str) -> None:
        if not text.strip():
            if self._optional:
                self._take(None)
            return
        with contextlib.suppress(ValueError):  # not a whole date yet
            self._take(parse_typed_date(text, short_year=False))  # a whole date with its full year: taken now

    def _on_editing_finished(self) -> None:
        text = self.text()
        if not text.strip() and self._optional:
            self._take(None)
            return
        try:
            self.set_value(parse_typed_date(text))
        except ValueError:
            self.setText(format_date(self._value))
            if text.strip():
                QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), _(
                    "“{text}” is not a date: type it as 15/08/2021, 5/8/2021 or 15082021.").format(text=text), self)

    def setReadOnly(self, read_only: bool) -> None:
        super().setReadOnly(read_only)
        self._calendar_action.setEnabled(not read_only)
        self.setClearButtonEnabled(self._optional and not read_only)

    # the calendar --------------------------------------------------------------------------
    def open_calendar_on(self, day: dt.date) -> None:
        """The day the calendar shows while the field is empty (see :func:`calendar_day`)."""
        self._calendar_day = day

    def calendarWidget(self) -> QCalendarWidget:
        if self._calendar is None:
            self._calendar = QCalendarWidget(self)
            self._calendar.setObjectName("date_calendar")
            self._calendar.setWindowFlags(Qt.WindowType.Popup)
            self._calendar.setGridVisible(True)
            self._calendar.clicked.connect(self._on_calendar_chosen)
            self._calendar.activated.connect(self._on_calendar_chosen)
        return self._calendar

    def show_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        calendar = self.calendarWidget()
        day = self._value or self._calendar_day
        calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        calendar.setCurrentPage(day.year, day.month)
        calendar.adjustSize()
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.show()
        calendar.setFocus()

    def _on_calendar_chosen(self, date: QDate) -> None:
        self.calendarWidget().hide()
        self.set_value(dt.date(date.year(), date.month(), date.day()))
        self.setFocus()

    @staticmethod
    def _opens_calendar(event: QKeyEvent) -> bool:
        alt_down = event.key() == Qt.Key.Key_Down and bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        return alt_down or event.key() == Qt.Key.Key_F4

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._opens_calendar(event):  # type: ignore[arg-type]
            event.accept()  # the field's own key, before any shortcut of the page (Alt+Down moves a task)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._opens_calendar(event):
            self.show_calendar()
            return
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self._value is not None and not self.isReadOnly():
            self.set_value(self._value + dt.timedelta(days=1 if event.key() == Qt.Key.Key_Up else -1))
            return
        super().keyPressEvent(event)


class OptionalDateEdit(DateEdit):
    """A date field that may be left empty (no date)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, optional=True)


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
