"""The small marks of the interface (lock, check, warning…) as bundled SVG icons drawn by Qt.

Emoji and symbol characters (🔒, ✓, ⛔) depend on the fonts of the computer and show as empty
boxes where no font has them; these icons look the same everywhere.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from kehoach_desktop.resources import icon_path
from kehoach_desktop.ui.flow_layout import FlowLayout

LOCK, CHECK, EDIT, WARNING, BLOCKED, CROSS = "lock", "check", "edit", "warning", "blocked", "cross"
NOT_STARTED, IN_PROGRESS, DUE_SOON = "not-started", "in-progress", "due-soon"
SIZE = 16


@cache
def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg``."""
    return QIcon(str(icon_path(f"{name}.svg")))


class IconLabel(QWidget):
    """An icon before a text; the text wraps when ``wrap`` (a banner) and keeps one line otherwise (a legend)."""

    def __init__(self, name: str, text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.icon = QLabel()
        self.icon.setFixedSize(SIZE, SIZE)
        self.label = QLabel(text)
        self.label.setWordWrap(wrap)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1 if wrap else 0)
        if not wrap:  # an entry of a legend: as wide as its text, never stretched
            self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.icon_name = ""
        self.set_icon(name)

    def set_icon(self, name: str) -> None:
        self.icon_name = name
        if name:
            self.icon.setPixmap(icon(name).pixmap(SIZE, SIZE))
        else:
            self.icon.clear()
        self.icon.setVisible(bool(name))

    def setText(self, text: str) -> None:
        self.label.setText(text)

    def text(self) -> str:
        return self.label.text()


def legend(*entries: tuple[str, str], role: str = "hint") -> QWidget:
    """A wrapping row of (icon name, text) pairs, e.g. the marks of a list explained under it."""
    box = QWidget()
    row = FlowLayout(box, spacing=14)
    for name, text in entries:
        item = IconLabel(name, text)
        item.label.setProperty("role", role)
        row.addWidget(item)
    return box
