"""The user guide's text: a small, strict Markdown-like format and the model it is read into.

The guide is written for officers, one file per chapter (``resources/guide/<language>/NN-name.md``).
The same model feeds the guide window (HTML in a text browser) and the printable PDF, so the
format is small and every construct has one meaning:

- ``# Title {#id}`` starts the chapter (once, first line); ``## Title {#id page=plan}`` a section.
  ``page=`` names the pages of the main window whose F1 opens this place (several: ``page=a,b``).
  ``### Title`` is a minor heading inside a section.
- Paragraphs are lines separated by a blank line; ``- item`` bullets; ``1. item`` numbered steps
  (an item continues on lines indented by two spaces); ``> text`` a note; ``| a | b |`` a table
  whose second line is ``|---|---|``; ``![Caption](name.png)`` a screenshot.
- Inline: ``**bold**``, ``*italic*``, ```file.khsync``` (literal), ``[words](#id)`` a link to a
  chapter or section, and the names of the interface, which a test checks against the real
  windows: ``{page:Tổng quan}``, ``{menu:Trợ giúp > Hướng dẫn sử dụng}``, ``{button:Ban hành…}``,
  ``{label:Cán bộ phụ trách:}`` (any other text a window shows: a field, a tab, a column, a title),
  ``{key:F1}``.

A construct the format does not know is an error naming the file and line, never silently text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.text import fold


class GuideError(UserFacingError):
    """A guide file that breaks the format (a bug of the bundled text, found by the tests)."""


class UiKind(StrEnum):
    PAGE = "page"  # an entry of the side bar
    MENU = "menu"  # "Menu > Entry", as the menu bar shows them
    BUTTON = "button"  # a push button, a tool button or a tool-bar action
    LABEL = "label"  # any other text a window shows
    KEY = "key"  # a key or a shortcut, written as Qt writes it ("Ctrl+F", "F1")


MENU_SEPARATOR = " > "


def interface_name(text: str) -> str:
    """A text of the interface as the guide writes it: mnemonics (``&``) removed, blanks single spaces, NFC."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return unicodedata.normalize("NFC", " ".join(text.split()))


@dataclass(frozen=True)
class Span:
    """A piece of inline text. ``kind`` is "text", "bold", "italic", "code", "link" or a :class:`UiKind` value."""

    kind: str
    text: str
    target: str = ""  # the anchor of a link

    @property
    def is_ui(self) -> bool:
        return self.kind in {k.value for k in UiKind}


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class Paragraph:
    spans: Inline


@dataclass(frozen=True)
class ItemList:
    items: tuple[Inline, ...]
    numbered: bool


@dataclass(frozen=True)
class Note:
    spans: Inline


@dataclass(frozen=True)
class Figure:
    image: str  # a file name in the language's images folder
    caption: Inline


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Subheading:
    spans: Inline


Block = Paragraph | ItemList | Note | Figure | Table | Subheading


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]
    pages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    source: str  # the file name, for messages
    blocks: tuple[Block, ...]  # before the first section
    sections: tuple[Section, ...]
    pages: tuple[str, ...] = ()

    def anchors(self) -> tuple[str, ...]:
        return (self.id, *(s.id for s in self.sections))


@dataclass(frozen=True)
class Guide:
    language: str
    chapters: tuple[Chapter, ...]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def locate(self, anchor: str) -> tuple[Chapter, Section | None]:
        """The chapter holding ``anchor`` (a chapter's or a section's id), and the section if it is one."""
        for chapter in self.chapters:
            if anchor == chapter.id:
                return chapter, None
            for section in chapter.sections:
                if section.id == anchor:
                    return chapter, section
        raise KeyError(anchor)

    def anchor_for_page(self, page: str) -> str | None:
        """Where F1 on the page ``page`` of the main window opens the guide: the first place naming it."""
        for chapter in self.chapters:
            if page in chapter.pages:
                return chapter.id
            for section in chapter.sections:
                if page in section.pages:
                    return section.id
        return None

    def ui_names(self) -> list[tuple[str, int, Span]]:
        """Every interface name the guide mentions: (file, chapter order, span), for the check against the windows."""
        found: list[tuple[str, int, Span]] = []
        for index, chapter in enumerate(self.chapters):
            for spans in _all_inlines(chapter):
                found.extend((chapter.source, index, span) for span in spans if span.is_ui)
        return found

    def images(self) -> list[tuple[str, str]]:
        """(file, image name) of every figure."""
        return [(chapter.source, block.image) for chapter in self.chapters
                for block in (*chapter.blocks, *(b for s in chapter.sections for b in s.blocks))
                if isinstance(block, Figure)]

    def links(self) -> list[tuple[str, str]]:
        """(file, target anchor) of every link."""
        return [(chapter.source, span.target) for chapter in self.chapters for spans in _all_inlines(chapter)
                for span in spans if span.kind == "link"]


def _block_inlines(block: Block) -> list[Inline]:
    if isinstance(block, (Paragraph, Note, Subheading)):
        return [block.spans]
    if isinstance(block, ItemList):
        return list(block.items)
    if isinstance(block, Figure):
        return [block.caption]
    return [*block.header, *(cell for row in block.rows for cell in row)]


def _all_inlines(chapter: Chapter) -> list[Inline]:
    blocks = [*chapter.blocks, *(b for s in chapter.sections for b in s.blocks)]
    return [inline for block in blocks for inline in _block_inlines(block)]


def plain_text(spans: Inline) -> str:
    return "".join(span.text for span in spans)


def block_text(block: Block) -> str:
    return " ".join(plain_text(inline) for inline in _block_inlines(block))


# Inline parsing ----------------------------------------------------------------------------------
_INLINE = re.compile(
    r"\*\*(?P<bold>[^*]+)\*\*"
    r"|(?<![\w*])\*(?P<italic>[^*\s][^*]*)\*(?!\w)"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<link>[^\]]+)\]\(#(?P<target>[a-z0-9-]+)\)"
    r"|\{(?P<ui>[a-z]+):(?P<name>[^{}]+)\}"
)
_STRAY = re.compile(r"\*\*|\{[a-z]+:|\]\(|!\[")


def parse_inline(text: str, where: str) -> Inline:
    spans: list[Span] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            spans.append(Span("text", text[position:match.start()]))
        if match["bold"] is not None:
            spans.append(Span("bold", match["bold"]))
        elif match["italic"] is not None:
            spans.append(Span("italic", match["italic"]))
        elif match["code"] is not None:
            spans.append(Span("code", match["code"]))
        elif match["link"] is not None:
            spans.append(Span("link", match["link"], match["target"]))
        else:
            kind = match["ui"]
            if kind not in {k.value for k in UiKind}:
                raise GuideError(f"{where}: unknown interface mark {{{kind}:…}}")
            name = " ".join(match["name"].split())
            if kind == UiKind.MENU and MENU_SEPARATOR.strip() not in name:
                raise GuideError(f"{where}: a menu mark names the menu and the entry: {{menu:Menu > Entry}}")
            spans.append(Span(kind, name))
        position = match.end()
    if position < len(text):
        spans.append(Span("text", text[position:]))
    for span in spans:
        if span.kind == "text" and "![" in span.text:
            raise GuideError(f"{where}: a figure is ![Caption](name.png) alone on its line")
        if span.kind == "text" and _STRAY.search(span.text):
            raise GuideError(f"{where}: unclosed or misplaced markup in “{span.text.strip()}”")
    return tuple(spans)


# Block parsing -----------------------------------------------------------------------------------
_HEADING = re.compile(r"^(?P<level>#{1,3}) (?P<title>.+?)(?: \{#(?P<id>[a-z0-9-]+)(?P<attrs>[^}]*)\})?\s*$")
_BULLET = re.compile(r"^- (?P<text>.+)$")
_NUMBERED = re.compile(r"^\d+\. (?P<text>.+)$")
_FIGURE = re.compile(r"^!\[(?P<caption>[^\]]*)\]\((?P<image>[A-Za-z0-9_.-]+\.png)\)\s*$")
_TABLE_RULE = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def _pages(attrs: str, where: str) -> tuple[str, ...]:
    attrs = attrs.strip()
    if not attrs:
        return ()
    if not attrs.startswith("page="):
        raise GuideError(f"{where}: unknown heading attribute “{attrs}” (only page=… is known)")
    return tuple(p for p in attrs[len("page="):].split(",") if p)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@dataclass
class _Builder:
    source: str
    chapter_title: str = ""
    chapter_id: str = ""
    chapter_pages: tuple[str, ...] = ()
    intro: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    current: tuple[str, str, tuple[str, ...]] | None = None
    blocks: list[Block] = field(default_factory=list)

    def close_section(self) -> None:
        if self.current is None:
            self.intro.extend(self.blocks)
        else:
            section_id, title, pages = self.current
            self.sections.append(Section(section_id, title, tuple(self.blocks), pages))
        self.blocks = []


def parse_chapter(text: str, source: str) -> Chapter:
    """One chapter file; ``source`` names it in errors (``vi/02-plan.md``)."""
    lines = text.replace("\r\n", "\n").split("\n")
    builder = _Builder(source)
    index = 0

    def where(line_index: int) -> str:
        return f"{source}, line {line_index + 1}"

    def starts_block(line: str) -> bool:
        stripped = line.strip()
        return (stripped.startswith(("#", ">", "|", "![")) or _BULLET.match(stripped) is not None
                or _NUMBERED.match(stripped) is not None)

    def gather(first: str, start: int, *, item: bool) -> tuple[str, int]:
        """A paragraph or a list item: ``first`` and the lines that continue it (an item's are indented)."""
        parts = [first.strip()]
        next_index = start + 1
        while next_index < len(lines):
            line = lines[next_index]
            if not line.strip() or starts_block(line):
                break
            if item and not line.startswith("  "):
                raise GuideError(f"{where(next_index)}: a list item continues on lines indented by two spaces")
            if not item and line.startswith(" "):
                raise GuideError(f"{where(next_index)}: an indented line continues a list item only")
            parts.append(line.strip())
            next_index += 1
        return " ".join(parts), next_index

    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            index += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            level, title, anchor = len(heading["level"]), heading["title"].strip(), heading["id"]
            if level == 3:
                builder.blocks.append(Subheading(parse_inline(title, where(index))))
            elif anchor is None:
                raise GuideError(f"{where(index)}: a chapter or section heading needs an id: {{#name}}")
            elif level == 1:
                if builder.chapter_id:
                    raise GuideError(f"{where(index)}: a chapter file has one # heading")
                builder.chapter_title, builder.chapter_id = title, anchor
                builder.chapter_pages = _pages(heading["attrs"] or "", where(index))
            else:
                if not builder.chapter_id:
                    raise GuideError(f"{where(index)}: the chapter's # heading comes first")
                builder.close_section()
                builder.current = (anchor, title, _pages(heading["attrs"] or "", where(index)))
            index += 1
            continue
        if stripped.startswith("#"):
            raise GuideError(f"{where(index)}: a heading is “#”, “##” or “###”, a space and the title")
        if not builder.chapter_id:
            raise GuideError(f"{where(index)}: the chapter starts with its # heading")
        figure = _FIGURE.match(stripped)
        if figure:
            builder.blocks.append(Figure(figure["image"], parse_inline(figure["caption"], where(index))))
            index += 1
            continue
        if stripped.startswith("!["):
            raise GuideError(f"{where(index)}: a figure is ![Caption](name.png) alone on its line")
        if stripped.startswith(">"):
            parts = []
            while index < len(lines) and lines[index].strip().startswith(">"):
                parts.append(lines[index].strip()[1:].strip())
                index += 1
            builder.blocks.append(Note(parse_inline(" ".join(parts), where(index - 1))))
            continue
        if stripped.startswith("|"):
            start = index
            rows = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                rows.append(lines[index].strip())
                index += 1
            if len(rows) < 2 or not _TABLE_RULE.match(rows[1]):
                raise GuideError(f"{where(start)}: a table's second line is |---|---|")
            header = _cells(rows[0])
            body = [_cells(row) for row in rows[2:]]
            for offset, cells in enumerate(body):
                if len(cells) != len(header):
                    raise GuideError(f"{where(start + 2 + offset)}: this row has {len(cells)} cells, "
                                     f"the header {len(header)}")
            builder.blocks.append(Table(
                tuple(parse_inline(c, where(start)) for c in header),
                tuple(tuple(parse_inline(c, where(start + 2 + n)) for c in cells) for n, cells in enumerate(body))))
            continue
        for pattern, numbered in ((_BULLET, False), (_NUMBERED, True)):
            if pattern.match(stripped) and not line.startswith(" "):
                items: list[Inline] = []
                while index < len(lines):
                    item = pattern.match(lines[index])
                    if item is None:
                        break
                    text_of_item, next_index = gather(item["text"], index, item=True)
                    items.append(parse_inline(text_of_item, where(index)))
                    index = next_index
                builder.blocks.append(ItemList(tuple(items), numbered))
                break
        else:
            if line.startswith(" "):
                raise GuideError(f"{where(index)}: an indented line continues a list item only")
            text_of_paragraph, index = gather(stripped, index, item=False)
            builder.blocks.append(Paragraph(parse_inline(text_of_paragraph, where(index - 1))))
        continue
    if not builder.chapter_id:
        raise GuideError(f"{source}: the file has no # heading")
    builder.close_section()
    return Chapter(builder.chapter_id, builder.chapter_title, source, tuple(builder.intro),
                   tuple(builder.sections), builder.chapter_pages)


def parse_guide(language: str, files: list[tuple[str, str]]) -> Guide:
    """The chapters in the order given (``(source name, text)``); ids must be unique and links must land."""
    chapters = tuple(parse_chapter(text, source) for source, text in files)
    seen: dict[str, str] = {}
    for chapter in chapters:
        for anchor in chapter.anchors():
            if anchor in seen:
                raise GuideError(f"{chapter.source}: the id #{anchor} is used twice (also in {seen[anchor]})")
            seen[anchor] = chapter.source
    guide = Guide(language, chapters)
    for source, target in guide.links():
        if target not in seen:
            raise GuideError(f"{source}: the link to #{target} leads nowhere")
    return guide


# Search -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchHit:
    chapter_id: str
    anchor: str  # the section's id, or the chapter's for its introduction
    title: str
    snippet: str
    count: int


_WORD = re.compile(r"\w+")


def search_key(query: str) -> tuple[tuple[str, ...], bool]:
    """The query's words, folded, and whether to keep diacritics: typed with marks, "bản" is not "bạn"."""
    exact = any(ord(ch) > 127 for ch in query)
    return tuple(_WORD.findall(fold(query, diacritics=exact))), exact


def word_spans(text: str, words: tuple[str, ...], exact: bool) -> list[tuple[int, int]]:
    """Where the words of ``text`` that begin with one of ``words`` are: (start, end) in ``text``.

    Folding keeps one character per character for Vietnamese (NFC input), so positions carry over.
    """
    folded = "".join((fold(ch, diacritics=exact) or ch)[:1] if not ch.isspace() else " " for ch in text)
    spans = []
    for match in _WORD.finditer(folded):
        token = match.group()
        if any(token.startswith(word) for word in words):
            spans.append((match.start(), match.end()))
    return spans


def _snippet(text: str, first: tuple[int, int], width: int = 110) -> str:
    start = max(0, text.rfind(" ", 0, max(0, first[0] - 30)) + 1)
    end = text.find(" ", min(len(text), start + width))
    piece = text[start:end if end > 0 else len(text)]
    return ("… " if start else "") + piece + (" …" if end > 0 else "")


def search(guide: Guide, query: str) -> list[SearchHit]:
    """Places whose title or text holds a word beginning with each word of ``query`` (case, and diacritics when
    typed without them, ignored): first those whose title holds the words side by side, then those whose text
    does, then the most hits."""
    words, exact = search_key(query)
    if not words:
        return []
    phrase = " ".join(words)
    hits: list[tuple[bool, bool, int, int, SearchHit]] = []
    order = 0
    for chapter in guide.chapters:
        places = [(chapter.id, chapter.title, chapter.blocks)]
        places += [(s.id, s.title, s.blocks) for s in chapter.sections]
        for anchor, title, blocks in places:
            text = unicodedata.normalize("NFC", " ".join([title, *(block_text(b) for b in blocks)]))
            spans = word_spans(text, words, exact)
            found = {w for w in words if any(fold(text[a:b], diacritics=exact).startswith(w) for a, b in spans)}
            order += 1
            if found != set(words):
                continue
            together = phrase in " ".join(_WORD.findall(fold(text, diacritics=exact)))
            in_title = phrase in " ".join(_WORD.findall(fold(title, diacritics=exact)))
            label = title if anchor == chapter.id else f"{chapter.title} › {title}"
            hits.append((not in_title, not together, -len(spans), order,
                         SearchHit(chapter.id, anchor, label, _snippet(text, spans[0]), len(spans))))
    return [hit for *_key, hit in sorted(hits, key=lambda h: h[:4])]
