"""The printable user guide: A4, the bundled serif fonts embedded, a title page, a table of contents with
page numbers, one chapter a page onwards, the screenshots fitted to the text width, bookmarks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from kehoach_desktop import __version__
from kehoach_desktop.domain.guide import (
    MENU_SEPARATOR,
    Block,
    Chapter,
    Figure,
    Guide,
    Inline,
    ItemList,
    Note,
    Subheading,
    UiKind,
)
from kehoach_desktop.domain.guide import (
    Paragraph as GuideParagraph,
)
from kehoach_desktop.domain.guide import (
    Table as GuideTable,
)
from kehoach_desktop.exchange.pdf.fonts import SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC, register_fonts
from kehoach_desktop.exchange.pdf.layout import PORTRAIT, PageNumbering
from kehoach_desktop.i18n import _

MARGIN = 20 * mm
TEXT_WIDTH = PORTRAIT[0] - 2 * MARGIN
IMAGE_MAX_HEIGHT = 120 * mm
IMAGE_DPI = 110  # a screenshot of 800 px fills about 185 mm: the text width, readable when printed
UI_COLOUR = "#1d4ed8"


def _style(name: str, size: float, font: str = SERIF, **extra: Any) -> ParagraphStyle:
    options: dict[str, Any] = {"leading": size * 1.3, "spaceAfter": 4, "alignment": TA_LEFT, "bulletFontName": font,
                               **extra}
    return ParagraphStyle(name, fontName=font, fontSize=size, **options)


class GuideStyles:
    cover_title = _style("cover_title", 28, SERIF_BOLD, alignment=TA_CENTER, spaceAfter=14)
    cover_subtitle = _style("cover_subtitle", 16, SERIF, alignment=TA_CENTER, spaceAfter=8)
    contents_title = _style("contents_title", 18, SERIF_BOLD, spaceAfter=12)
    chapter = _style("chapter", 20, SERIF_BOLD, spaceAfter=10)
    section = _style("section", 14.5, SERIF_BOLD, spaceBefore=10, spaceAfter=5)
    subheading = _style("subheading", 12.5, SERIF_BOLD_ITALIC, spaceBefore=6, spaceAfter=3)
    body = _style("body", 12, spaceAfter=5)
    item = _style("item", 12, leftIndent=8 * mm, bulletIndent=2 * mm, spaceAfter=2)
    note = _style("note", 11.5, spaceAfter=0)
    caption = _style("caption", 10.5, SERIF_ITALIC, alignment=TA_CENTER, spaceBefore=2, spaceAfter=8)
    cell = _style("cell", 10.5, spaceAfter=0)
    cell_head = _style("cell_head", 10.5, SERIF_BOLD, spaceAfter=0)
    toc1 = _style("toc1", 12.5, SERIF_BOLD, leftIndent=0, spaceBefore=5)
    toc2 = _style("toc2", 11, leftIndent=8 * mm, spaceAfter=1)


def inline_markup(spans: Inline) -> str:
    """reportlab's paragraph markup of one inline: the interface's names in bold blue, as on screen."""
    parts = []
    for span in spans:
        text = escape(span.text)
        if span.kind == "bold":
            parts.append(f"<b>{text}</b>")
        elif span.kind == "italic":
            parts.append(f"<i>{text}</i>")
        elif span.kind == "code":
            parts.append(f'<font color="#374151">{text}</font>')
        elif span.kind == "link":
            parts.append(f'<a href="#{span.target}" color="{UI_COLOUR}">{text}</a>')
        elif span.kind == UiKind.MENU:
            path = " → ".join(escape(p) for p in span.text.split(MENU_SEPARATOR))
            parts.append(f'<font color="{UI_COLOUR}"><b>{path}</b></font>')
        elif span.kind == UiKind.LABEL:
            parts.append(f"“<i>{text}</i>”")
        elif span.is_ui:
            parts.append(f'<font color="{UI_COLOUR}"><b>{text}</b></font>')
        else:
            parts.append(text)
    return "".join(parts)


class _Anchor(Flowable):
    """An invisible mark: a link target and a bookmark, and an entry of the table of contents."""

    def __init__(self, key: str, title: str, level: int) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level > 0)


class _GuideDocument(BaseDocTemplate):
    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Anchor):
            self.notify("TOCEntry", (flowable.level, escape(flowable.title), self.page, flowable.key))


def _figure(block: Figure, images: Path) -> list[Flowable]:
    path = images / block.image
    from PIL import Image as PillowImage

    with PillowImage.open(path) as picture:
        width_px, height_px = picture.size
    width = width_px * 72 / IMAGE_DPI
    height = height_px * 72 / IMAGE_DPI
    scale = min(1.0, TEXT_WIDTH / width, IMAGE_MAX_HEIGHT / height)
    image = Image(str(path), width=width * scale, height=height * scale)
    image.hAlign = "CENTER"
    parts: list[Flowable] = [Spacer(1, 3), image]
    if block.caption:
        parts.append(Paragraph(inline_markup(block.caption), GuideStyles.caption))
    return [KeepTogether(parts)]


def _note(block: Note) -> Flowable:
    table = Table([[Paragraph(inline_markup(block.spans), GuideStyles.note)]], colWidths=[TEXT_WIDTH])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), SERIF, 11.5),  # reportlab names the cell's font even for a paragraph
        ("BACKGROUND", (0, 0), (-1, -1), HexColor("#eff6ff")), ("LINEBEFORE", (0, 0), (0, -1), 2, HexColor("#2563eb")),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return KeepTogether([Spacer(1, 2), table, Spacer(1, 6)])


def _table(block: GuideTable) -> Flowable:
    columns = len(block.header)
    rows = [[Paragraph(inline_markup(cell), GuideStyles.cell_head) for cell in block.header]]
    rows += [[Paragraph(inline_markup(cell), GuideStyles.cell) for cell in row] for row in block.rows]
    table = Table(rows, colWidths=[TEXT_WIDTH / columns] * columns, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), SERIF, 10.5),
        ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#9ca3af")), ("BACKGROUND", (0, 0), (-1, 0), HexColor("#f3f4f6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _blocks(blocks: tuple[Block, ...], images: Path) -> list[Flowable]:
    story: list[Flowable] = []
    for block in blocks:
        if isinstance(block, GuideParagraph):
            story.append(Paragraph(inline_markup(block.spans), GuideStyles.body))
        elif isinstance(block, Subheading):
            story += [CondPageBreak(25 * mm), Paragraph(inline_markup(block.spans), GuideStyles.subheading)]
        elif isinstance(block, ItemList):
            for number, item in enumerate(block.items, start=1):
                bullet = f"{number}." if block.numbered else "•"
                story.append(Paragraph(inline_markup(item), GuideStyles.item, bulletText=bullet))
            story.append(Spacer(1, 4))
        elif isinstance(block, Note):
            story.append(_note(block))
        elif isinstance(block, Figure):
            story += _figure(block, images)
        elif isinstance(block, GuideTable):
            story += [_table(block), Spacer(1, 6)]
    return story


def _chapter(chapter: Chapter, number: int, images: Path) -> list[Flowable]:
    title = f"{number}. {chapter.title}"
    story: list[Flowable] = [PageBreak(), _Anchor(chapter.id, title, 0), Paragraph(
        f'<a name="{chapter.id}"/>{escape(title)}', GuideStyles.chapter)]
    story += _blocks(chapter.blocks, images)
    for index, section in enumerate(chapter.sections, start=1):
        section_title = f"{number}.{index}. {section.title}"
        story += [CondPageBreak(35 * mm), _Anchor(section.id, section_title, 1),
                  Paragraph(f'<a name="{section.id}"/>{escape(section_title)}', GuideStyles.section)]
        story += _blocks(section.blocks, images)
    return story


def _footer(canvas: Any, doc: Any) -> None:
    page = canvas.getPageNumber()
    if page <= 1:
        return
    canvas.saveState()
    canvas.setFont(SERIF, 10)
    canvas.setFillColor(HexColor("#4b5563"))
    canvas.drawString(MARGIN, 10 * mm, _("Kế hoạch Desktop {version} — User guide").format(version=__version__))
    canvas.drawRightString(PORTRAIT[0] - MARGIN, 10 * mm, str(page))
    canvas.restoreState()


def build_guide_pdf(guide: Guide, images: Path) -> tuple[bytes, int]:
    """The whole guide as PDF bytes, and its number of pages."""
    register_fonts()
    buffer = io.BytesIO()
    title = _("Kế hoạch Desktop — User guide")
    doc = _GuideDocument(buffer, pagesize=PORTRAIT, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN, title=title, author="Kế hoạch Desktop", subject=title,
                         creator=f"Kế hoạch Desktop {__version__}", lang=guide.language, initialFontName=SERIF)
    frame = Frame(MARGIN, MARGIN, TEXT_WIDTH, PORTRAIT[1] - 2 * MARGIN, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="text")
    doc.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("text", [frame], onPage=_footer)])
    contents = TableOfContents()
    contents.levelStyles = [GuideStyles.toc1, GuideStyles.toc2]
    contents.dotsMinLevel = 0
    contents.tableStyle = TableStyle([("FONT", (0, 0), (-1, -1), SERIF, 11), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                      ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    story: list[Flowable] = [
        Spacer(1, 70 * mm), Paragraph("Kế hoạch Desktop", GuideStyles.cover_title),
        Paragraph(escape(_("User guide")).upper(), GuideStyles.cover_subtitle),
        Paragraph(escape(_("Version {version}").format(version=__version__)), GuideStyles.cover_subtitle),
        NextPageTemplate("text"), PageBreak(),
        Paragraph(escape(_("Contents")), GuideStyles.contents_title), contents,
    ]
    for number, chapter in enumerate(guide.chapters, start=1):
        story += _chapter(chapter, number, images)
    numbering = PageNumbering()  # its canvas keeps every page's font the embedded serif (never Helvetica)
    doc.multiBuild(story, canvasmaker=numbering.make_canvas())
    return buffer.getvalue(), doc.page
