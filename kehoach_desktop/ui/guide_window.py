"""Hướng dẫn sử dụng: the bundled guide in its own window, offline — contents, search, links, a printable PDF."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageReader,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.guide import Guide, search, search_key, word_spans
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.ui.folders import DoneNotice
from kehoach_desktop.ui.guide_html import chapter_html
from kehoach_desktop.ui.tasks import TaskRunner
from kehoach_desktop.ui.widgets import wrap_tree_text

ANCHOR_ROLE = Qt.ItemDataRole.UserRole


class GuideBrowser(QTextBrowser):
    """The guide's text; its pictures are read as the PNG files they are (no guessing of their format)."""

    def __init__(self, images: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images = images

    def loadResource(self, kind: int, name: QUrl) -> object:
        if kind == QTextDocument.ResourceType.ImageResource.value:
            image = QImage()
            if image.load(str(self._images / Path(name.toString()).name), "PNG"):
                return image
        return super().loadResource(kind, name)


class GuideWindow(QWidget):
    """The guide: contents on the left (or the search results), one chapter at a time on the right."""

    def __init__(self, guide: Guide, images: Path, *, log_file: Path, save_folder: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("guide_window")
        self.setWindowTitle(_("User guide"))
        available = self.screen().availableGeometry()  # 1180×780, or 90 % of a smaller screen (1366×768)
        self.resize(min(1180, int(available.width() * 0.9)), min(780, int(available.height() * 0.9)))
        self.guide = guide
        self._images = images
        self._save_folder = save_folder
        self._log_file = log_file
        self._chapter_id = ""
        self._history: list[str] = []
        self._runner = TaskRunner(self)

        self.search_field = QLineEdit()
        self.search_field.setObjectName("guide_search")
        self.search_field.setPlaceholderText(_("Search the guide (diacritics optional)…"))
        self.search_field.setClearButtonEnabled(True)
        self.results_label = QLabel()
        self.results_label.setObjectName("guide_results")
        self.results_label.setWordWrap(True)
        self.results_label.hide()
        self.contents = QTreeWidget()
        self.contents.setObjectName("guide_contents")
        self.contents.setHeaderHidden(True)
        wrap_tree_text(self.contents)  # whole titles, on two lines when long
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_field)
        left_layout.addWidget(self.results_label)
        left_layout.addWidget(self.contents, 1)

        self.browser = GuideBrowser(images)
        self.browser.setObjectName("guide_text")
        self.browser.setOpenLinks(False)
        self.browser.document().setDocumentMargin(16)
        self.back_button = QPushButton(_("Back"))
        self.back_button.setObjectName("guide_back")
        self.back_button.setEnabled(False)
        self.contents_button = QPushButton(_("Contents"))
        self.contents_button.setObjectName("guide_show_contents")
        self.pdf_button = QPushButton(_("Save for printing (PDF)…"))
        self.pdf_button.setObjectName("guide_save_pdf")
        self.done_notice = DoneNotice(object_name="guide_done")
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.contents_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pdf_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.done_notice)
        right_layout.addWidget(self.browser, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 850])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)

        self.search_field.textChanged.connect(self._on_search_text_changed)
        self.search_field.returnPressed.connect(self._on_search_return_pressed)
        self.contents.itemClicked.connect(self._on_contents_item_clicked)
        self.contents.itemActivated.connect(self._on_contents_item_clicked)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.back_button.clicked.connect(self._on_back_clicked)
        self.contents_button.clicked.connect(self._on_contents_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_clicked)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.search_field.setFocus)
        self._show_contents()
        if guide.chapters:
            self.show_anchor(guide.chapters[0].id, remember=False)

    # what is shown ---------------------------------------------------------------------------
    def current_chapter(self) -> str:
        return self._chapter_id

    def show_anchor(self, anchor: str, *, remember: bool = True) -> None:
        """Open the chapter holding ``anchor`` (a chapter's or a section's id) and scroll to it."""
        try:
            chapter, _section = self.guide.locate(anchor)
        except KeyError:
            return
        if remember and self._chapter_id:
            self._history.append(self._current_anchor())
            self.back_button.setEnabled(True)
        if chapter.id != self._chapter_id:
            number = self.guide.chapters.index(chapter) + 1
            self.browser.setHtml(chapter_html(chapter, number, self._image_size))
            self._chapter_id = chapter.id
        self._anchor = anchor
        self._scroll_to(anchor)
        QTimer.singleShot(0, lambda: self._scroll_to(anchor))  # again once the pictures are laid out
        self._select_in_contents(anchor)

    def _scroll_to(self, anchor: str) -> None:
        if anchor != self._anchor:
            return
        if anchor == self._chapter_id:
            self.browser.verticalScrollBar().setValue(0)
        else:
            self.browser.scrollToAnchor(anchor)

    def _current_anchor(self) -> str:
        return getattr(self, "_anchor", self._chapter_id)

    def _image_size(self, name: str) -> tuple[int, int] | None:
        size = QImageReader(str(self._images / name), b"png").size()
        return (size.width(), size.height()) if size.isValid() else None

    def _show_contents(self) -> None:
        self.contents.clear()
        self.results_label.hide()
        for number, chapter in enumerate(self.guide.chapters, start=1):
            top = QTreeWidgetItem([f"{number}. {chapter.title}"])
            top.setData(0, ANCHOR_ROLE, chapter.id)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for index, section in enumerate(chapter.sections, start=1):
                child = QTreeWidgetItem([f"{number}.{index}. {section.title}"])
                child.setData(0, ANCHOR_ROLE, section.id)
                top.addChild(child)
            self.contents.addTopLevelItem(top)
        self._select_in_contents(self._current_anchor() if self._chapter_id else "")

    def _select_in_contents(self, anchor: str) -> None:
        iterator = [self.contents.topLevelItem(i) for i in range(self.contents.topLevelItemCount())]
        while iterator:
            item = iterator.pop(0)
            if item.data(0, ANCHOR_ROLE) == anchor:
                self.contents.blockSignals(True)
                self.contents.setCurrentItem(item)
                self.contents.blockSignals(False)
                if item.parent() is not None:
                    item.parent().setExpanded(True)
                self.contents.scrollToItem(item)
                return
            iterator.extend(item.child(i) for i in range(item.childCount()))

    # search ----------------------------------------------------------------------------------
    def _on_search_text_changed(self, text: str) -> None:
        if not text.strip():
            self._show_contents()
            self._highlight("")
            return
        hits = search(self.guide, text)
        self.contents.clear()
        self.results_label.setText(ngettext("{n} place holds “{query}”", "{n} places hold “{query}”",
                                            len(hits)).format(n=len(hits), query=text.strip()) if hits else
                                   _("Nothing in the guide holds “{query}”. Try another word, or fewer "
                                     "words.").format(query=text.strip()))
        self.results_label.show()
        for hit in hits:
            item = QTreeWidgetItem([f"{hit.title}\n{hit.snippet}"])
            item.setData(0, ANCHOR_ROLE, hit.anchor)
            item.setToolTip(0, hit.snippet)
            self.contents.addTopLevelItem(item)
        self._highlight(text)

    def _on_search_return_pressed(self) -> None:
        first = self.contents.topLevelItem(0)
        if first is not None and self.search_field.text().strip():
            self._open_item(first)

    def _highlight(self, query: str) -> None:
        """Mark the words of the chapter shown that the search found (as the search compares them)."""
        words, exact = search_key(query)
        selections = []
        if words:
            colour = QTextCharFormat()
            colour.setBackground(QColor("#fde68a"))
            block = self.browser.document().begin()
            while block.isValid():
                for start, end in word_spans(unicodedata.normalize("NFC", block.text()), words, exact):
                    selection = QTextEdit.ExtraSelection()
                    cursor = QTextCursor(self.browser.document())
                    cursor.setPosition(block.position() + start)
                    cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
                    selection.cursor = cursor  # type: ignore[attr-defined]
                    selection.format = colour  # type: ignore[attr-defined]
                    selections.append(selection)
                block = block.next()
        self.browser.setExtraSelections(selections)
        self.highlighted = len(selections)

    # navigation ------------------------------------------------------------------------------
    def _open_item(self, item: QTreeWidgetItem) -> None:
        anchor = item.data(0, ANCHOR_ROLE)
        if anchor:
            self.show_anchor(anchor)
            self._highlight(self.search_field.text())

    def _on_contents_item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self._open_item(item)

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.fragment():
            self.show_anchor(url.fragment())
            self._highlight(self.search_field.text())

    def _on_back_clicked(self) -> None:
        if not self._history:
            return
        anchor = self._history.pop()
        self.back_button.setEnabled(bool(self._history))
        self.show_anchor(anchor, remember=False)
        self._highlight(self.search_field.text())

    def _on_contents_clicked(self) -> None:
        self.search_field.clear()
        self._show_contents()

    # the printable guide ---------------------------------------------------------------------
    def _on_pdf_clicked(self) -> None:
        name = _("kehoach-user-guide.pdf")
        start = (self._save_folder or Path.home()) / name
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the guide for printing"), str(start),
                                                    _("PDF documents (*.pdf)"))
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> None:
        """Write the printable guide in the background; the notice says where, with "Open the folder"."""
        from kehoach_desktop.services.guide import write_guide_pdf
        from kehoach_desktop.ui.errors import report_error

        self.pdf_button.setEnabled(False)
        self.pdf_button.setText(_("Writing the PDF…"))
        language = self.guide.language

        def done(pages: int) -> None:
            self._pdf_finished()
            self.done_notice.show_done(ngettext("Saved to {path} ({n} page).", "Saved to {path} ({n} pages).",
                                                pages).format(path=path, n=pages), path)

        def failed(error: BaseException) -> None:
            self._pdf_finished()
            report_error(self, error, self._log_file)

        self._runner.run(lambda: write_guide_pdf(language=language, out=path), on_done=done, on_error=failed)

    def _pdf_finished(self) -> None:
        self.pdf_button.setEnabled(True)
        self.pdf_button.setText(_("Save for printing (PDF)…"))
