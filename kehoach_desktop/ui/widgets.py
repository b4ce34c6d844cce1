"""Small shared widgets: page headers and figure cards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class PageHeader(QWidget):
    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setProperty("role", "page-title")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setProperty("role", "page-subtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setVisible(bool(subtitle))
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)

    def set_subtitle(self, text: str) -> None:
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))


class FigureCard(QFrame):
    """A big number with a caption and an optional line of detail."""

    def __init__(self, caption: str, parent: QWidget | None = None, *, object_name: str = "") -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        if object_name:
            self.setObjectName(object_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "card-caption")
        self.value = QLabel("—")
        self.value.setProperty("role", "card-value")
        self.detail = QLabel("")
        self.detail.setProperty("role", "card-detail")
        self.detail.setWordWrap(True)
        for label in (self.caption, self.value, self.detail):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)

    def set(self, value: str, detail: str = "", *, warn: bool = False) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setProperty("warn", warn)
        self.style().unpolish(self)
        self.style().polish(self)
