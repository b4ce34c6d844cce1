"""Parts of the detail forms of both registers: the photos of a record and its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import LabelledEnum
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.formats import format_date, format_datetime, format_number
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.photos import PhotoInfo, add_photo, list_photos, photo_data, read_photo_file, remove_photo
from kehoach_desktop.services.registers import HistoryEntry, get_history
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.folders import DocumentFolders, FileKind
from kehoach_desktop.ui.widgets import wrap_tree_text

THUMB = 132
PICTURE_FILTER = "*.jpg *.jpeg *.png *.webp *.bmp *.tif *.tiff *.heic"


def _image(data: bytes) -> QImage:
    image = QImage()
    image.loadFromData(data)
    return image


class PhotoViewer(QDialog):
    """A photo at full size (scaled down to the screen when larger)."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        pixmap = QPixmap.fromImage(_image(data))
        screen = self.screen().availableGeometry().size() * 0.9 if self.screen() else QSize(1200, 800)
        if pixmap.width() > screen.width() or pixmap.height() > screen.height():
            pixmap = pixmap.scaled(screen, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.picture = QLabel()
        self.picture.setObjectName("photo_full")
        self.picture.setPixmap(pixmap)
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.resize(min(pixmap.width() + 40, screen.width()), min(pixmap.height() + 40, screen.height()))


class PhotosPanel(QWidget):
    """Thumbnails of a record's photos; add by the file dialog or by dropping files; open full size.

    A record not saved yet keeps the dropped files pending; :meth:`attach_pending` stores them
    once the record exists.
    """

    photo_date_found = Signal(object)  # dt.date taken from a photo's EXIF
    photos_changed = Signal(object)  # Changes

    def __init__(self, uow_factory: Callable, owner_type: str, owner_id: str | None,  # type: ignore[type-arg]
                 parent: QWidget | None = None, *, folders: DocumentFolders | None = None) -> None:
        super().__init__(parent)
        self._folders = folders
        self._uow_factory = uow_factory
        self._owner_type = owner_type
        self.owner_id = owner_id
        self.pending: list[tuple[str, bytes]] = []
        self.setAcceptDrops(True)

        self.list = QListWidget()
        self.list.setObjectName("photo_list")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 24, THUMB + 36))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setAcceptDrops(False)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.hint = QLabel(_("Drop photos here, or add them from a folder. Photos are stored in the workspace, "
                             "reduced to 1600 pixels on the long side."))
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.add_button = QPushButton(_("Add photos…"))
        self.add_button.setObjectName("add_photos")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.open_button = QPushButton(_("Open"))
        self.open_button.clicked.connect(lambda: self._open(self.list.currentItem()))
        self.remove_button = QPushButton(_("Remove from this record"))
        self.remove_button.clicked.connect(self._on_remove_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.empty = EmptyState(self.list, object_name="photos_empty")
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        if self.owner_id is not None:
            for photo in list_photos(uow_factory=self._uow_factory, owner_type=self._owner_type,
                                     owner_id=self.owner_id):
                self._add_item(photo.caption or photo.sha256[:10], photo_data(
                    uow_factory=self._uow_factory, sha256=photo.sha256), photo)
        for name, data in self.pending:
            self._add_item(name, data, None)
        if self.list.count():
            self.empty.clear()
        else:
            self.empty.show_message(_("No photo yet. Photos show the record in place: the panel put up, the event "
                                      "held; their date can fill in the date of a step."),
                                    _("Add photos…") if self.add_button.isEnabled() else "", self.add_button.click)

    def _add_item(self, name: str, data: bytes, photo: PhotoInfo | None) -> None:
        image = _image(data).scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)
        label = name if len(name) <= 18 else name[:16] + "…"
        if photo is not None and photo.taken_on:
            label += "\n" + format_date(photo.taken_on)
        item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), label)
        item.setData(Qt.ItemDataRole.UserRole, photo)
        item.setData(Qt.ItemDataRole.UserRole + 1, data)
        item.setToolTip(name)
        self.list.addItem(item)

    def add_files(self, paths: list[Path]) -> None:
        for path in paths:
            try:
                data = read_photo_file(path)
                if self.owner_id is None:
                    from kehoach_desktop.exchange.images import prepare_photo

                    prepared = prepare_photo(data, name=path.name)  # refuse a non-picture now, not at save
                    self.pending.append((path.name, prepared.data))
                    if prepared.taken_at:
                        self.photo_date_found.emit(prepared.taken_at.date())
                    continue
                added = add_photo(uow_factory=self._uow_factory, owner_type=self._owner_type,
                                  owner_id=self.owner_id, data=data, name=path.name)
            except UserFacingError as error:
                show_user_error(self, error)
                continue
            self.photos_changed.emit(added.changes)
            if added.photo.taken_on:
                self.photo_date_found.emit(added.photo.taken_on)
        self.reload()

    def attach_pending(self, owner_id: str) -> None:
        self.owner_id = owner_id
        pending, self.pending = self.pending, []
        for name, data in pending:
            added = add_photo(uow_factory=self._uow_factory, owner_type=self._owner_type, owner_id=owner_id,
                              data=data, name=name)
            self.photos_changed.emit(added.changes)

    def _on_add_clicked(self) -> None:
        start = str(self._folders.start(FileKind.PHOTOS)) if self._folders is not None else str(Path.home())
        files, _filter = QFileDialog.getOpenFileNames(self, _("Add photos"), start,
                                                      _("Pictures ({patterns})").format(patterns=PICTURE_FILTER))
        if files and self._folders is not None:
            self._folders.remember(FileKind.PHOTOS, Path(files[0]))
        self.add_files([Path(f) for f in files])

    def _on_remove_clicked(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        photo = item.data(Qt.ItemDataRole.UserRole)
        if photo is None:
            self.pending = [p for p in self.pending if p[1] != item.data(Qt.ItemDataRole.UserRole + 1)]
        else:
            self.photos_changed.emit(remove_photo(uow_factory=self._uow_factory, link_id=photo.link_id))
        self.reload()

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        self._open(item)

    def _open(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        PhotoViewer(item.data(Qt.ItemDataRole.UserRole + 1), item.toolTip(), self).exec()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.add_files(paths)


ValueFormat = Callable[[str], str]


class HistoryView(QTreeWidget):
    """The audit entries of a record, newest first, each with the fields it changed.

    Values are shown as the form shows them: ``value_formats`` turns a stored value (a status code,
    an amount of đồng) into its label; dates are written 15/03/2021; records are named (the service
    replaces their ids); the person is the officer in charge named in the workspace's settings.
    """

    def __init__(self, field_labels: dict[str, str], parent: QWidget | None = None, *,
                 value_formats: dict[str, ValueFormat] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_tree")
        self._labels = field_labels
        self._formats = value_formats or {}
        self.setHeaderLabels([_("When"), _("What"), _("Before"), _("After")])
        self.setColumnWidth(0, self.fontMetrics().horizontalAdvance("00/00/0000 00:00") + 44)
        header = self.header()
        header.setStretchLastSection(False)
        for column in (1, 2, 3):  # what, before, after share the width; long texts wrap
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        wrap_tree_text(self)  # whole names and texts, on more lines when long
        self.empty = EmptyState(self, object_name="history_empty")

    def show_history(self, entries: tuple[HistoryEntry, ...]) -> None:
        self.clear()
        for entry in entries:
            when = format_datetime(entry.at.astimezone())
            verb = entry.action.split(".")[-1]
            what = _(ACTION_LABELS[verb]) if verb in ACTION_LABELS else entry.summary
            if entry.officer:
                what = _("{what} (by {user})").format(what=what, user=entry.officer)
            top = QTreeWidgetItem([when, what, "", ""])
            top.setToolTip(1, entry.summary)
            for name, before, after in entry.changes:
                shown = self._formats.get(name, _pretty)
                top.addChild(QTreeWidgetItem(["", self._labels.get(name, name), shown(before) if before else "",
                                              shown(after) if after else ""]))
            self.addTopLevelItem(top)
        self.expandAll()
        if entries:
            self.empty.clear()
        else:
            self.empty.show_message(_("No change recorded yet. Each change saved to this record will be listed "
                                      "here: when, by whom, and the values before and after."))

    def load(self, uow_factory: Callable, entity_id: str | None) -> None:  # type: ignore[type-arg]
        self.show_history(get_history(uow_factory=uow_factory, entity_id=entity_id) if entity_id else ())


def _pretty(value: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(value)) if len(value) == 10 else value
    except ValueError:
        return value


def label_format(enum: type[LabelledEnum]) -> ValueFormat:
    """A stored code (``planned``) as its label (``Dự kiến``)."""
    def shown(value: str) -> str:
        try:
            return enum(value).label
        except ValueError:
            return value
    return shown


def _whole(value: str) -> int | None:
    try:
        return int(float(value))
    except ValueError:
        return None


def money_format(value: str) -> str:
    """``6000000`` as ``6.000.000 đồng``."""
    amount = _whole(value)
    return value if amount is None else _("{amount} VND").format(amount=format_number(amount))


def number_format(value: str) -> str:
    amount = _whole(value)
    return value if amount is None else format_number(amount)


def percent_format(value: str) -> str:
    amount = _whole(value)
    return value if amount is None else f"{format_number(amount)} %"


ACTION_LABELS = {
    "create": N_("Created"), "update": N_("Edited"), "restore": N_("Undone"), "delete": N_("Deleted"),
    "undelete": N_("Restored"), "status": N_("Status changed"), "photo_add": N_("Photo added"),
    "photo_remove": N_("Photo removed"), "progress": N_("Progress updated"), "move": N_("Moved"),
    "duplicate": N_("Duplicated"),
}


def make_record_dialog_read_only(dialog: QDialog) -> None:
    """The city's view of a unit's record: the form disabled, no photos added or removed, Close instead of Save.

    ``dialog`` is a record dialog with ``tabs`` (its first tab the form), ``photos`` and ``buttons``.
    """
    dialog.setWindowTitle(_("{title} (read-only)").format(title=dialog.windowTitle()))
    dialog.tabs.widget(0).setEnabled(False)  # type: ignore[attr-defined]
    photos: PhotosPanel = dialog.photos  # type: ignore[attr-defined]
    photos.setAcceptDrops(False)
    for widget in (photos.add_button, photos.remove_button, photos.hint, photos.empty.button):
        widget.hide()
    buttons: QDialogButtonBox = dialog.buttons  # type: ignore[attr-defined]
    buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
    dialog.read_only = True  # type: ignore[attr-defined]
