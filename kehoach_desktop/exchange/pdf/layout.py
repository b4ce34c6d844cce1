"""The parts every administrative document shares (Decree 30/2020/NĐ-CP, Appendix I):
page geometry, styles, the header block, the title, the signer block, page numbers, metadata.

All user text goes through :func:`esc` (NFC, XML-escaped, line breaks kept) before it meets
reportlab's paragraph markup.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from kehoach_desktop.exchange.pdf.fonts import SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC
from kehoach_desktop.exchange.pdf.model import DocumentHeader, SignerBlock

PORTRAIT = A4
LANDSCAPE = landscape(A4)
# Decree 30: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
# A landscape appendix keeps the binding margin on the long edge that is the top of the sheet.
LANDSCAPE_MARGINS = (25 * mm, 20 * mm, 20 * mm, 20 * mm)  # top, bottom, left, right
TEXT_WIDTH = PORTRAIT[0] - MARGIN_LEFT - MARGIN_RIGHT
SIGNATURE_HEIGHT = 28 * mm
SIGNATURE_WIDTH = 70 * mm
# ``document_part`` of the header and signer flowables: the .docx writer draws those two from the model.
HEADER_PART = "header"
SIGNER_PART = "signer"
DRAFT_PART = "draft"  # what the Word writer draws its own way (exchange/docx_writer.py)
SUMMARY_PART = "summary"  # a công văn's "V/v …" line, under its number


def esc(text: str | None) -> str:
    """User text made safe for reportlab markup: NFC, ``<``/``&``/``>`` escaped, line breaks kept."""
    cleaned = unicodedata.normalize("NFC", text or "")
    return escape(cleaned).replace("\n", "<br/>")


def vnd(amount: int | None) -> str:
    """``1.500.000``: the one way a document writes a number (documents are Vietnamese whatever the
    interface language)."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def dong(amount: int | None) -> str:
    """``2.998.500.000 đồng``: money in a sentence (tables say "(đồng)" in the column's title)."""
    return f"{vnd(amount or 0)} đồng"


def short_date(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def document_date_line(header: DocumentHeader) -> str:
    from kehoach_desktop.formats import document_date

    if header.date is None:  # left to be written by hand, as offices do before the number is given
        year = dt.date.today().year
        return f"{header.place}, ngày      tháng      năm {year}"
    return document_date(header.place, header.date)


def _style(name: str, size: float, font: str = SERIF, align: int = TA_CENTER, **extra: Any) -> ParagraphStyle:
    options: dict[str, Any] = {"leading": size * 1.2, "spaceBefore": 0, "spaceAfter": 0, **extra}
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align, **options)


class Styles:
    agency = _style("agency", 13)
    agency_bold = _style("agency_bold", 13, SERIF_BOLD)
    number = _style("number", 13)
    national = _style("national", 12, SERIF_BOLD)
    motto = _style("motto", 13, SERIF_BOLD)
    place_date = _style("place_date", 14, SERIF_ITALIC)
    doc_type = _style("doc_type", 14, SERIF_BOLD, spaceBefore=18)
    summary = _style("summary", 14, SERIF_BOLD)
    recipient = _style("recipient", 14, SERIF, spaceBefore=6, spaceAfter=6)
    legal = _style("legal", 14, SERIF_ITALIC, TA_JUSTIFY, firstLineIndent=1.27 * 28.35, spaceAfter=3)
    body = _style("body", 14, SERIF, TA_JUSTIFY, firstLineIndent=1.27 * 28.35, spaceAfter=6, leading=17.5)
    heading0 = _style("heading0", 14, SERIF_BOLD, TA_JUSTIFY, firstLineIndent=1.27 * 28.35, spaceBefore=6,
                      spaceAfter=6)
    heading1 = _style("heading1", 14, SERIF_BOLD, TA_JUSTIFY, firstLineIndent=1.27 * 28.35, spaceAfter=6)
    heading2 = _style("heading2", 14, SERIF_BOLD_ITALIC, TA_JUSTIFY, firstLineIndent=1.27 * 28.35,
                      spaceAfter=6)
    signer = _style("signer", 14, SERIF_BOLD)
    signer_name = _style("signer_name", 14, SERIF_BOLD)
    recipients_title = _style("recipients_title", 12, SERIF_BOLD_ITALIC, TA_LEFT)
    recipients = _style("recipients", 11, SERIF, TA_LEFT, leading=13)
    cell = _style("cell", 11, SERIF, TA_LEFT, leading=13)
    cell_center = _style("cell_center", 11, SERIF, TA_CENTER, leading=13)
    cell_right = _style("cell_right", 11, SERIF, 2, leading=13)
    cell_head = _style("cell_head", 11, SERIF_BOLD, TA_CENTER, leading=13)
    table_note = _style("table_note", 12, SERIF_ITALIC, TA_LEFT, spaceBefore=2, spaceAfter=3)
    caption = _style("caption", 13, SERIF_BOLD, TA_CENTER, spaceBefore=6, spaceAfter=4, keepWithNext=1)
    appendix_title = _style("appendix_title", 14, SERIF_BOLD)
    appendix_note = _style("appendix_note", 13, SERIF_ITALIC, spaceAfter=10)
    small_right = _style("small_right", 8, SERIF, 2)
    draft_mark = _style("draft_mark", 13, SERIF_BOLD, TA_CENTER)


class CentredRule(Flowable):
    """A solid horizontal rule of a given length, centred in the space it is given."""

    def __init__(self, length: float, *, gap_before: float = 6, gap_after: float = 2) -> None:
        super().__init__()
        self.length = length
        self.gap_before = gap_before
        self.gap_after = gap_after

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._width = avail_width
        return avail_width, self.gap_before + self.gap_after + 0.5

    def draw(self) -> None:
        x = (self._width - self.length) / 2
        y = self.gap_after
        self.canv.setLineWidth(0.6)
        self.canv.line(x, y, x + self.length, y)


def _text_width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def split_agency(name: str) -> list[str]:
    """``ỦY BAN NHÂN DÂN QUẬN ĐỐNG ĐA`` is written on two lines: the body, then its place."""
    name = unicodedata.normalize("NFC", name).strip().upper()
    for body in ("ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN ", "HỘI ĐỒNG NHÂN DÂN "):
        if name.startswith(body) and len(name) > len(body):
            return [body.strip(), name[len(body):].strip()]
    return [name] if name else []


def header_block(header: DocumentHeader) -> list[Flowable]:
    """Agencies left, national name and motto right, number and place-date on one line below."""
    left_width, right_width = 68 * mm, TEXT_WIDTH - 68 * mm
    left: list[Flowable] = []
    if header.superior_agency.strip():
        left.extend(Paragraph(esc(line), Styles.agency) for line in split_agency(header.superior_agency))
    agency_lines = split_agency(header.issuing_agency)
    left.extend(Paragraph(esc(line), Styles.agency_bold) for line in agency_lines)
    widest = max((_text_width(line, SERIF_BOLD, 13) for line in agency_lines), default=40 * mm)
    left.append(CentredRule(min(widest, left_width) * 0.4))  # 1/3-1/2 of the agency's name
    national = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto = "Độc lập - Tự do - Hạnh phúc"
    right: list[Flowable] = [Paragraph(national, Styles.national), Paragraph(motto, Styles.motto),
                             CentredRule(_text_width(motto, SERIF_BOLD, 13))]
    number = Paragraph(f"Số: {esc(header.number_symbol)}" if header.number
                       else f"Số:{'&nbsp;' * 10}{esc(header.number_symbol)}", Styles.number)
    place_date = Paragraph(esc(document_date_line(header)), Styles.place_date)
    table = Table([[left, right], [number, place_date]], colWidths=[left_width, right_width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), SERIF, 13),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 1), (-1, 1), 4),
    ]))
    table.document_part = HEADER_PART
    return [*draft_mark(header), table]


DRAFT_MARK = "DỰ THẢO"


def draft_mark(header: DocumentHeader) -> list[Flowable]:
    """The boxed "DỰ THẢO" above the header of a document not yet issued."""
    if not header.draft:
        return []
    box = Table([[Paragraph(DRAFT_MARK, Styles.draft_mark)]], colWidths=[32 * mm], hAlign="LEFT")
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, "black"), ("FONT", (0, 0), (-1, -1), SERIF_BOLD, 13),
                             ("TOPPADDING", (0, 0), (-1, -1), 2),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    box.document_part = DRAFT_PART
    return [box, Spacer(1, 3 * mm)]


def title_block(header: DocumentHeader) -> list[Flowable]:
    parts: list[Flowable] = [Paragraph(esc(header.doc_type.upper()), Styles.doc_type)]
    if header.summary.strip():
        parts.append(Paragraph(esc(header.summary), Styles.summary))
        parts.append(CentredRule(min(_text_width(header.summary, SERIF_BOLD, 14), TEXT_WIDTH) * 0.3,
                     gap_before=7, gap_after=8))
    else:
        parts.append(Spacer(1, 8))
    if header.recipient.strip():
        parts.append(Paragraph(f"Kính gửi: {esc(header.recipient)}", Styles.recipient))
    return parts


def legal_bases_block(bases: Sequence[str]) -> list[Flowable]:
    """One basis a line, each ending ``;`` and the last ``.`` whatever the user typed."""
    cleaned = [b.strip().rstrip(";.,").strip() for b in bases if b and b.strip()]
    return [Paragraph(esc(base + (";" if index < len(cleaned) - 1 else ".")), Styles.legal)
            for index, base in enumerate(cleaned)]


def heading(text: str, level: int) -> list[Flowable]:
    """A heading never ends a page: it moves to the next one when less than about 5 lines are left."""
    styles = (Styles.heading0, Styles.heading1, Styles.heading2)
    return [CondPageBreak(30 * mm), Paragraph(esc(text), styles[min(level, 2)])]


def paragraphs(text: str, style: ParagraphStyle = Styles.body) -> list[Flowable]:
    return [Paragraph(esc(line.strip()), style) for line in (text or "").splitlines() if line.strip()]


@dataclass
class SignatureSlot:
    """Where the signer block's empty space landed: the visible signature stamp goes there."""

    page: int = 0  # 1-based
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


class SignatureSpace(Flowable):
    """The blank between the signer's title and name; remembers where it was drawn."""

    def __init__(self, slot: SignatureSlot, width: float, height: float = SIGNATURE_HEIGHT) -> None:
        super().__init__()
        self.slot = slot
        self.width = width
        self.height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        inset = max(0.0, (self.width - SIGNATURE_WIDTH) / 2)
        self.slot.page = self.canv.getPageNumber()
        self.slot.box = (round(x + inset, 2), round(y + 2, 2), round(x + self.width - inset, 2),
                         round(y + self.height - 2, 2))


def signer_block(signer: SignerBlock, slot: SignatureSlot) -> Flowable:
    """``Nơi nhận`` left (level with the authority), the signing authority, title, space and name right."""
    left_width, right_width = 80 * mm, TEXT_WIDTH - 80 * mm
    left: list[Flowable] = [Paragraph("Nơi nhận:", Styles.recipients_title)]
    recipients = [r.strip() for r in signer.recipients if r and r.strip()]
    left.extend(Paragraph(esc(f"- {r}" if not r.startswith("-") else r), Styles.recipients) for r in recipients)
    right: list[Flowable] = [Paragraph(esc(line.upper()), Styles.signer)
                             for line in (signer.authority, signer.deputy, signer.title) if line.strip()]
    right.append(SignatureSpace(slot, right_width))
    right.append(Paragraph(esc(signer.name), Styles.signer_name))
    table = Table([[left, right]], colWidths=[left_width, right_width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), SERIF, 13),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
    ]))
    block = KeepTogether([Spacer(1, 10), table])
    block.document_part = SIGNER_PART
    return block


class CellParagraph(Paragraph):
    """A table cell's paragraph that breaks its lines once per width.

    reportlab measures every cell again each time a table is wrapped, split, and placed; the
    lines of a paragraph depend only on the width, so the second measure reuses the first.
    """

    _wrapped_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._wrapped_width == availWidth and "blPara" in self.__dict__:  # split() may drop it
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size


GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, "#000000"),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
    ("FONT", (0, 0), (-1, -1), SERIF, 11, 13),
    ("FONT", (0, 0), (-1, 0), SERIF_BOLD, 11, 13),
    ("ALIGN", (0, 0), (-1, 0), "CENTER"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


MIN_CELL_SIZE = 7.0  # the smallest font a figure or a word is shrunk to before it wraps
_CELL_PADDING = 6.0  # left + right padding of GRID
_WIDEST_GLYPH = 0.95  # of the font size: no glyph of Liberation Serif is wider
_TAGS = re.compile(r"<[^>]+>")


class FitText(Flowable):
    """A figure (or a short code such as ``05/KH-UBND``) that never crosses its cell: drawn at the cell's
    font size when it fits, else shrunk (down to 7 pt), else broken after a dot or a slash."""

    def __init__(self, text: str, font: str = SERIF, size: float = 11, leading: float = 13) -> None:
        super().__init__()
        self.text = text
        self.font = font
        self.size = size
        self.leading = leading
        self._lines: list[str] = [text]
        self._size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width = stringWidth(self.text, self.font, self.size)
        self._size, self._lines = self.size, [self.text]
        if width > avail_width:
            self._size = max(MIN_CELL_SIZE, self.size * avail_width / width * 0.98)
            if stringWidth(self.text, self.font, self._size) > avail_width:
                self._lines = _break_at_marks(self.text, self.font, self._size, avail_width)
        self.width = max(stringWidth(line, self.font, self._size) for line in self._lines)
        step = self.leading * self._size / self.size
        # the first baseline where the row's other figures have theirs (a cell's font size under its top)
        self.height = self.size + step * (len(self._lines) - 1) + step * 0.25
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self._size)
        step = self.leading * self._size / self.size
        for index, line in enumerate(self._lines):  # figures line up on the right
            self.canv.drawRightString(self.width, self.height - self.size - step * index, line)


def _break_at_marks(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` broken after ``.``, ``/`` or ``-`` so that each fits ``width`` if it can."""
    pieces = re.findall(r"[^./-]*[./-]?", text)
    lines, line = [], ""
    for piece in (p for p in pieces if p):
        if line and stringWidth(line + piece, font, size) > width:
            lines.append(line)
            line = piece
        else:
            line += piece
    return [*lines, line] if line else lines or [text]


def _fit_paragraph(cell: Paragraph, width: float) -> Paragraph:
    """The same paragraph, smaller when its longest word would not fit the column (it would be cut)."""
    style = cell.style
    size = style.fontSize
    words = html.unescape(_TAGS.sub(" ", getattr(cell, "text", "") or "")).split()
    if all(len(word) * size * _WIDEST_GLYPH <= width for word in words):
        return cell
    widest = max(stringWidth(word, style.fontName, size) for word in words)
    if widest <= width:
        return cell
    smaller = max(MIN_CELL_SIZE, size * width / widest * 0.98)
    fitted = ParagraphStyle(f"{style.name}_fit", parent=style, fontSize=smaller,
                            leading=style.leading * smaller / size)
    return type(cell)(cell.text, fitted)


def fit_cells(rows: list[list[Any]], col_widths: Sequence[float]) -> list[list[Any]]:
    """Every figure kept inside its cell: long strings become :class:`FitText`, paragraphs whose longest
    word is wider than the column are set smaller."""
    widths = [w - _CELL_PADDING for w in col_widths]
    fitted = []
    for row in rows:
        out = []
        for index, cell in enumerate(row):
            width = widths[index] if index < len(widths) else widths[-1]
            if isinstance(cell, str) and cell and len(cell) * 11 * _WIDEST_GLYPH > width \
                    and stringWidth(cell, SERIF, 11) > width:
                cell = FitText(cell)
            elif isinstance(cell, Paragraph):
                cell = _fit_paragraph(cell, width)
            out.append(cell)
        fitted.append(out)
    return fitted


class ChunkedTable(Flowable):
    """A long table with its header row on every page, laid out a page's worth of rows at a time.

    reportlab splits one long table in time that grows faster than its rows; here each page
    only measures about as many rows as the previous page held (doubling when that was not
    enough), so the work grows with the rows. Rows taller than a page are split inside the row.
    Figures never cross their cells (:func:`fit_cells`). With ``tail`` (the number of total rows at
    the end), a total row never starts a page alone: the last data row goes with it.
    """

    def __init__(self, header: list[Any], rows: list[list[Any]], col_widths: Sequence[float],
                 style: Sequence[tuple[Any, ...]] = (), chunk: int = 24, *, tail: int = 0,
                 fitted: bool = False) -> None:
        super().__init__()
        self.header = header
        self.col_widths = list(col_widths)
        self.rows = rows if fitted else fit_cells(rows, self.col_widths)
        self.style = [*GRID, *style]
        self.chunk = chunk
        self.tail = tail
        self.after = 0.0  # room the flowable after the table needs on its last page (the QR code)
        self._deferred = False
        self._table: Table | None = None

    def _make(self, rows: list[list[Any]]) -> Table:
        return Table([self.header, *rows], colWidths=self.col_widths, repeatRows=1, splitInRow=1,
                     style=TableStyle(self.style))

    def _rest(self, rows: list[list[Any]], chunk: int) -> ChunkedTable:
        rest = ChunkedTable(self.header, rows, self.col_widths, self.style[len(GRID):], chunk, tail=self.tail,
                            fitted=True)
        rest.after = self.after
        return rest

    def _kept_rows(self) -> int:
        """How many last rows go to the next page with what follows, when only that would not fit."""
        return min(len(self.rows) - 1, self.tail + 1)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if len(self.rows) > self.chunk:  # more than a page's worth: say so without measuring, and be split
            return avail_width, avail_height + 1
        self._table = self._make(self.rows)
        width, height = self._table.wrap(avail_width, avail_height)
        if self.after and height <= avail_height < height + self.after:
            return avail_width, avail_height + 1  # be split: the last rows go along with what follows
        return width, height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        chunk = self.chunk
        while True:
            table = self._make(self.rows[:chunk])
            table.wrap(avail_width, avail_height)
            parts = table.split(avail_width, avail_height)
            if len(parts) != 1 or chunk >= len(self.rows):
                break
            chunk *= 2  # the whole chunk fitted on the page: take more
        if not parts:
            return []
        if len(parts) == 1 and chunk >= len(self.rows) and self.after:
            _width, height = self._make(self.rows).wrap(avail_width, avail_height)
            if height + self.after > avail_height:  # what follows would start the next page alone
                kept = self._kept_rows()
                if kept <= 0 and not self._deferred:
                    self._deferred = True  # once: a row too tall to go along anywhere stays where it is
                    return []  # one row left: it moves to the next page with what follows
                if kept <= 0:
                    return parts
                first = self._make(self.rows[:-kept])
                first.wrap(avail_width, avail_height)
                return [first, self._rest(self.rows[-kept:], self.chunk)]
        if len(parts) == 1:
            return parts
        # The rest of the chunk (rows or parts of a row) goes before the rows not yet measured.
        rest = [list(row) for row in parts[1]._cellvalues[1:]]  # type: ignore[attr-defined]
        first_rows = [list(row) for row in parts[0]._cellvalues[1:]]  # type: ignore[attr-defined]
        remaining = rest + self.rows[chunk:]
        if self.tail and len(remaining) <= self.tail:  # the totals would stand alone: take a data row along
            if len(first_rows) <= 1:
                return []
            first = self._make(first_rows[:-1])
            first.wrap(avail_width, avail_height)
            return [first, self._rest([first_rows[-1], *remaining], max(8, len(first_rows) + 3))]
        return [parts[0], self._rest(remaining, max(8, len(first_rows) + 4))]

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


class TableLeadIn(CondPageBreak):
    """Starts a new page unless the table's lead-in (heading, notes), its header and first rows fit here."""

    def __init__(self, lead_in: Sequence[Flowable], table: ChunkedTable, rows: int = 2) -> None:
        super().__init__(0)
        self.lead_in = list(lead_in)
        self.table = table
        self.rows = rows

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        needed = sum(_height(f, avail_width, avail_height) for f in self.lead_in)
        needed += self.table._make(self.table.rows[:self.rows]).wrap(avail_width, avail_height)[1]
        self.height = needed
        return super().wrap(avail_width, avail_height)


def _height(flowable: Flowable, width: float, height: float) -> float:
    """Its height with its spacing; page-break conditions are not measured (that would trigger them)."""
    if isinstance(flowable, CondPageBreak):
        return 0.0
    if isinstance(flowable, KeepTogether):
        return sum(_height(f, width, height) for f in flowable._content)
    return flowable.wrap(width, height)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def with_table(lead_in: Sequence[Flowable], table: ChunkedTable) -> list[Flowable]:
    """A heading (and notes) followed by its table: they never end a page without the table's first rows.
    A little room after the table keeps the next heading off its last line."""
    return [TableLeadIn(lead_in, table), *lead_in, table, Spacer(1, 6)]


class _Info(PDFInfo):
    """The document information dictionary with our own keys beside the standard ones."""

    def __init__(self) -> None:
        super().__init__()
        self.extra: dict[str, str] = {}
        self.slot: SignatureSlot | None = None  # read when the file is written, after the layout

    def format(self, document: Any) -> bytes:
        entries: dict[str, Any] = {
            "Title": PDFString(self.title), "Author": PDFString(self.author),
            "Subject": PDFString(self.subject), "Keywords": PDFString(self.keywords),
            "Creator": PDFString(self.creator), "Producer": PDFString(self.producer),
            "Trapped": PDFName(self.trapped),
        }
        entries["CreationDate"] = entries["ModDate"] = PDFDate(ts=document._timeStamp,
                                                              dateFormatter=self._dateFormatter)
        entries.update({key: PDFString(value) for key, value in self.extra.items()})
        if self.slot is not None and self.slot.page:
            entries["KHSignatureBox"] = PDFString(" ".join(str(v) for v in (self.slot.page, *self.slot.box)))
        return PDFDictionary(entries).format(document)


@dataclass
class PageNumbering:
    """Numbers centred in the top margin, not on the first page; an appendix counts on its own."""

    appendix_first_page: int = 0
    info: _Info = field(default_factory=_Info)

    def make_canvas(self) -> Callable[..., Canvas]:
        info = self.info

        def factory(*args: Any, **kwargs: Any) -> Canvas:
            kwargs["initialFontName"] = SERIF  # else every page names Helvetica, which is never embedded
            canvas = Canvas(*args, **kwargs)
            canvas._doc.info = info
            return canvas

        return factory

    def draw(self, canvas: Canvas, doc: Any) -> None:
        """At the end of each page (after an :class:`AppendixStart` on it has marked where an appendix begins)."""
        page = canvas.getPageNumber()
        first = getattr(canvas, APPENDIX_MARK, 0) or self.appendix_first_page
        shown = page if not first or page < first else page - first + 1
        if shown <= 1:
            return
        width, height = canvas._pagesize
        top_margin = LANDSCAPE_MARGINS[0] if width > height else MARGIN_TOP
        canvas.saveState()
        canvas.setFont(SERIF, 13)
        canvas.drawCentredString(width / 2, height - top_margin / 2 - 4, str(shown))
        canvas.restoreState()



APPENDIX_MARK = "_kehoach_appendix_first_page"


class AppendixStart(Flowable):
    """Put at the top of each appendix: its pages are numbered on their own from here."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        setattr(self.canv, APPENDIX_MARK, self.canv.getPageNumber())
