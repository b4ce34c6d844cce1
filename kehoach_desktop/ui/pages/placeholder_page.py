"""A page whose capability is delivered later: it says what is coming, and pretends nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kehoach_desktop.ui.widgets import PageHeader


class PlaceholderPage(QWidget):
    def __init__(self, title: str, coming: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(PageHeader(title))
        self.message = QLabel(coming)
        self.message.setObjectName("placeholder_message")
        self.message.setProperty("role", "placeholder")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def refresh(self) -> None:
        """Nothing to load yet."""
