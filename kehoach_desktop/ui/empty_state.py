"""What an empty table, list or chart says: what it will hold, and the button that fills it.

The notice lies over the view's viewport (the column headers stay visible), so a page only tells it
when its view is empty and what to say; the view itself is untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QLabel, QPushButton, QVBoxLayout

STYLE = ("QFrame#{name} {{ background: #f9fafb; }} QFrame#{name} QLabel {{ color: #374151; font-size: 14px; }}")


class EmptyState(QFrame):
    """Hidden until :meth:`show_message`; :meth:`clear` hides it again (the view has rows)."""

    def __init__(self, view: QAbstractScrollArea, *, object_name: str, top_margin: int = 0) -> None:
        super().__init__(view.viewport())
        self._top_margin = top_margin  # room left for what the view draws on top (a chart's title)
        self.setObjectName(object_name)
        self.setStyleSheet(STYLE.format(name=object_name))
        self._view = view
        self._on_action: Callable[[], None] | None = None
        self.label = QLabel()
        self.label.setObjectName(f"{object_name}_text")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.setObjectName(f"{object_name}_action")
        self.button.clicked.connect(self._on_button_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        view.viewport().installEventFilter(self)
        self.hide()

    def show_message(self, text: str, action: str = "", on_action: Callable[[], None] | None = None) -> None:
        """Say ``text``; with ``action``, a button of that text calls ``on_action``."""
        self.label.setText(text)
        self._on_action = on_action
        self.button.setText(action)
        self.button.setVisible(bool(action) and on_action is not None)
        self._fit()
        self.show()
        self.raise_()

    def clear(self) -> None:
        self.hide()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def _on_button_clicked(self) -> None:
        if self._on_action is not None:
            self._on_action()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        self.setGeometry(self._view.viewport().rect().adjusted(0, self._top_margin, 0, 0))
