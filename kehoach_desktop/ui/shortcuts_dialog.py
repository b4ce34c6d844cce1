"""Trợ giúp → Phím tắt: the keyboard shortcuts, read from the actions and buttons of the window itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.i18n import _
from kehoach_desktop.ui.table_model import Column, DtoTableModel


@dataclass(frozen=True)
class ShortcutRow:
    keys: str  # as the platform writes them, several separated by commas
    command: str
    where: str


def plain(text: str) -> str:
    """A menu or button text without its mnemonic marks (``&Tệp`` → ``Tệp``)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def keys_text(sequences: Iterable[QKeySequence]) -> str:
    """``Ctrl+Z, Ctrl+Shift+Z``: the keys as printed on a PC keyboard, whatever the interface's language."""
    return ", ".join(s.toString(QKeySequence.SequenceFormat.PortableText) for s in sequences if not s.isEmpty())


def _menu_rows(menu: QMenu, path: str) -> list[ShortcutRow]:
    rows = []
    for action in menu.actions():
        if action.menu() is not None:
            rows += _menu_rows(action.menu(), f"{path} → {plain(action.menu().title())}")
        elif action.shortcuts() and action.isVisible():
            rows.append(ShortcutRow(keys_text(action.shortcuts()), plain(action.text()), path))
    return rows


def shortcut_rows(window: QMainWindow, pages: Iterable[tuple[str, QWidget]]) -> list[ShortcutRow]:
    """Every shortcut of the menu bar, then those of each page's actions and buttons (``(page title, page)``)."""
    rows: list[ShortcutRow] = []
    for action in window.menuBar().actions():
        if action.menu() is not None:
            rows += _menu_rows(action.menu(), plain(action.menu().title()))
    for title, page in pages:
        seen: set[tuple[str, str]] = set()
        for action in page.findChildren(QAction):
            if action.shortcuts() and action.text():
                key = (keys_text(action.shortcuts()), plain(action.text()))
                if key not in seen:
                    seen.add(key)
                    rows.append(ShortcutRow(key[0], key[1], title))
        for button in page.findChildren(QAbstractButton):
            if not button.shortcut().isEmpty() and button.text():
                key = (keys_text([button.shortcut()]), plain(button.text()))
                if key not in seen:
                    seen.add(key)
                    rows.append(ShortcutRow(key[0], key[1], title))
    return rows


def shortcut_columns() -> list[Column[ShortcutRow]]:
    return [Column(_("Keys"), lambda r: r.keys), Column(_("Command"), lambda r: r.command),
            Column(_("Where"), lambda r: r.where)]


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[ShortcutRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.resize(760, 560)
        self.model: DtoTableModel[ShortcutRow] = DtoTableModel(shortcut_columns(), self)
        self.model.set_rows(rows)
        self.table = QTableView()
        self.table.setObjectName("shortcuts_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        intro = QLabel(_("The keys that work in this window. Buttons and menu entries show the same commands; "
                         "Alt with the underlined letter of a menu opens it."))
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
