"""Word copies (.docx) of the plan, the progress report, the city's consolidated report and its reminder
letters, for offices that review drafts in Word: the same pages as the PDF, in the layout of Decree 30/2020 (A4,
margins, Times New Roman, the two-column header, number and date, signer block, "Nơi nhận"), written with
python-docx.

The body is the PDF's own flowables (``plan_story``, ``progress_story``, ``city_report_story``,
``reminder_story``) copied one by one, so the two files always say the same: each paragraph keeps its style
(font, size, bold/italic, alignment, indents, spacing), each table its columns, its repeated header row and its
alignments. The header and signer blocks (and a letter's "V/v" line) are drawn from the model
(``DocumentHeader``, ``SignerBlock``). Charts are left out (their figures are in the tables beside them), and so is
the QR code: the PDF is the document that is signed and matched to data.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from reportlab.graphics.shapes import Drawing
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer
from reportlab.platypus.doctemplate import NextPageTemplate

from kehoach_desktop import __version__
from kehoach_desktop.exchange.pdf.city_pdf import (
    CityReportDocument,
    ReminderDocument,
    city_report_story,
    reminder_story,
)
from kehoach_desktop.exchange.pdf.fonts import SERIF_BOLD, register_fonts
from kehoach_desktop.exchange.pdf.layout import (
    DRAFT_MARK,
    DRAFT_PART,
    HEADER_PART,
    LANDSCAPE,
    LANDSCAPE_MARGINS,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PORTRAIT,
    SIGNATURE_HEIGHT,
    SIGNER_PART,
    SUMMARY_PART,
    TEXT_WIDTH,
    AppendixStart,
    CentredRule,
    ChunkedTable,
    FitText,
    SignatureSlot,
    document_date_line,
    split_agency,
)
from kehoach_desktop.exchange.pdf.model import DocumentHeader, PlanDocument, ProgressDocument, SignerBlock
from kehoach_desktop.exchange.pdf.plan_pdf import plan_story
from kehoach_desktop.exchange.pdf.progress_pdf import progress_story

FONT = "Times New Roman"
# Characters XML 1.0 (and so Word) cannot hold, and the C1 controls: user text loses them, nothing else; the
# separators that split words for Python (and so for reportlab, which sets them as spaces) become spaces.
_SEPARATORS = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ALIGN = {0: WD_ALIGN_PARAGRAPH.LEFT, 1: WD_ALIGN_PARAGRAPH.CENTER, 2: WD_ALIGN_PARAGRAPH.RIGHT,
          4: WD_ALIGN_PARAGRAPH.JUSTIFY}
_NAMED_ALIGN = {"LEFT": WD_ALIGN_PARAGRAPH.LEFT, "CENTER": WD_ALIGN_PARAGRAPH.CENTER,
                "CENTRE": WD_ALIGN_PARAGRAPH.CENTER, "RIGHT": WD_ALIGN_PARAGRAPH.RIGHT}
_SKIPPED = (CondPageBreak, Spacer, Drawing, NextPageTemplate)  # spacing and page logic Word does itself; charts


def clean(text: str | None) -> str:
    """User text as Word may hold it: NFC, tabs and word separators as spaces, no control characters (line breaks
    are kept)."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", _SEPARATORS.sub(" ", text))


def plan_docx(document: PlanDocument) -> bytes:
    story, appendix = plan_story(document, SignatureSlot())
    return _write(document.header, document.signer, story, appendix)


def progress_docx(document: ProgressDocument) -> bytes:
    return _write(document.header, document.signer, progress_story(document, SignatureSlot()), None)


def city_report_docx(document: CityReportDocument) -> bytes:
    story, appendix = city_report_story(document, SignatureSlot())
    return _write(document.header, document.signer, story, appendix)


def reminder_docx(document: ReminderDocument) -> bytes:
    """A reminder letter (công văn): its "V/v" line goes under the number, as on its PDF."""
    return _write(document.header, document.signer, reminder_story(document, SignatureSlot()), None)


def _write(header: DocumentHeader, signer: SignerBlock, story: Sequence[Flowable],
           appendix: Sequence[Flowable] | None) -> bytes:
    register_fonts()
    writer = _Writer(header, signer)
    writer.flowables(story)
    if appendix:
        writer.landscape_section()
        writer.flowables(appendix)
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    return buffer.getvalue()


def _points(value: float) -> Emu:
    return Emu(round(value * 12700))


class _Writer:
    def __init__(self, header: DocumentHeader, signer: SignerBlock) -> None:
        self.header = header
        self.signer = signer
        self.doc: WordDocument = new_document()
        self._number_cell: Any = None  # where a công văn's summary line goes
        self._set_defaults()
        section = self.doc.sections[0]
        section.page_width, section.page_height = _points(PORTRAIT[0]), _points(PORTRAIT[1])
        section.orientation = WD_ORIENT.PORTRAIT
        self._margins(section, MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT)
        self._page_numbers(section)
        properties = self.doc.core_properties
        properties.title = clean(f"{header.doc_type} {header.number_symbol}".strip())
        properties.author = clean(header.issuing_agency)
        properties.subject = clean(header.summary)
        properties.language = "vi-VN"
        properties.comments = ""
        properties.last_modified_by = f"Kế hoạch Desktop {__version__}"  # not python-docx's own template's
        if header.date is not None:
            properties.created = properties.modified = dt.datetime.combine(header.date, dt.time(8))

    # --- the document's frame --------------------------------------------------------------

    def _set_defaults(self) -> None:
        style = self.doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(14)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "vi-VN")
        style.element.get_or_add_rPr().append(language)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)

    @staticmethod
    def _margins(section: Any, top: float, bottom: float, left: float, right: float) -> None:
        section.top_margin, section.bottom_margin = _points(top), _points(bottom)
        section.left_margin, section.right_margin = _points(left), _points(right)
        section.header_distance = _points(max(top / 2 - 10, 12))

    @staticmethod
    def _page_numbers(section: Any) -> None:
        """Numbers centred in the top margin, none on the first page (Decree 30)."""
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "2"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)
        for run_properties in paragraph._p.iter(qn("w:r")):
            size = OxmlElement("w:sz")
            size.set(qn("w:val"), "26")  # 13 pt
            properties = OxmlElement("w:rPr")
            properties.append(size)
            run_properties.insert(0, properties)

    def landscape_section(self) -> None:
        """The appendix: landscape pages, numbered on their own from 1 (the first page shows no number)."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = _points(LANDSCAPE[0]), _points(LANDSCAPE[1])
        top, bottom, left, right = LANDSCAPE_MARGINS
        self._margins(section, top, bottom, left, right)
        numbering = OxmlElement("w:pgNumType")
        numbering.set(qn("w:start"), "1")
        columns = section._sectPr.find(qn("w:cols"))
        if columns is not None:
            columns.addprevious(numbering)
        else:
            section._sectPr.append(numbering)

    # --- the flowables ---------------------------------------------------------------------

    def flowables(self, flowables: Iterable[Flowable]) -> None:
        listed = list(flowables)
        for position, flowable in enumerate(listed):
            part = getattr(flowable, "document_part", None)
            following = listed[position + 1] if position + 1 < len(listed) else None
            if isinstance(flowable, PageBreak) and isinstance(following, AppendixStart):
                continue  # the next appendix's section begins on a new page of its own
            if isinstance(flowable, AppendixStart):
                self.landscape_section()  # a further appendix: numbered on its own from 1, as in the PDF
            elif part == DRAFT_PART:
                _draft_mark(self.doc.add_paragraph())
            elif part == HEADER_PART:
                self.header_block()
            elif part == SIGNER_PART:
                self.signer_block()
            elif part == SUMMARY_PART:
                self.letter_summary()
            elif isinstance(flowable, ChunkedTable):
                self.table(flowable)
            elif isinstance(flowable, Paragraph):
                self.paragraph(flowable, self.doc.add_paragraph())
            elif isinstance(flowable, KeepTogether):
                self.flowables(flowable._content)
            elif isinstance(flowable, CentredRule):
                _rule(self.doc.add_paragraph(), flowable.length, TEXT_WIDTH, before=flowable.gap_before)
            elif isinstance(flowable, _SKIPPED):  # CondPageBreak (and TableLeadIn) before PageBreak: not one
                continue
            elif isinstance(flowable, PageBreak):
                self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            else:
                raise TypeError(f"no Word form for {type(flowable).__name__}")

    def paragraph(self, source: Paragraph, target: WordParagraph) -> None:
        _format(target, source.style)
        for font, size, text in _runs(source.frags):
            if text is None:
                (target.runs[-1] if target.runs else target.add_run()).add_break()
                continue
            run = target.add_run(text)
            run.font.size = Pt(size)
            if "Bold" in font:  # only what differs from Normal is written: a long table has thousands of runs
                run.font.bold = True
            if "Italic" in font:
                run.font.italic = True

    def table(self, source: ChunkedTable) -> None:
        rows = [source.header, *source.rows]
        columns = len(source.col_widths)
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        table.autofit = False
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _cell_margins(table, 3)  # as the PDF's grid: figures and dates keep to one line where they did there
        for column, width in zip(table.columns, source.col_widths, strict=True):
            column.width = _points(width)
        aligned = _alignments(source.style, len(rows), columns)
        keep_from = len(rows) - 1 - source.tail if source.tail else len(rows)  # totals never stand alone
        for index, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            _row_properties(row, header=index == 0)
            for column, (cell, value) in enumerate(zip(row.cells, values, strict=False)):
                cell.width = _points(source.col_widths[column])
                target = cell.paragraphs[0]
                target.paragraph_format.keep_with_next = index == 0 or keep_from <= index < len(rows) - 1 or None
                if isinstance(value, Paragraph):
                    self.paragraph(value, target)
                    continue
                if isinstance(value, FitText):  # shrunk (or broken after a mark) as the PDF sets it
                    value.wrap(source.col_widths[column] - 6, 10**6)
                    lines, size = value._lines, value._size
                    target.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                else:
                    lines, size = [str(value or "")], 11
                    target.alignment = aligned.get((index, column)) or WD_ALIGN_PARAGRAPH.LEFT
                for number, line in enumerate(lines):
                    run = target.add_run(clean(line))
                    run.font.size = Pt(size)
                    if index == 0:
                        run.font.bold = True
                    if number < len(lines) - 1:
                        run.add_break()
        self.doc.add_paragraph().paragraph_format.space_after = Pt(3)

    # --- the parts drawn from the model ----------------------------------------------------

    def header_block(self) -> None:
        """Agencies left, national name and motto right, number and place-date on one line below."""
        header = self.header
        left_width = 68 * 72 / 25.4
        table = self._plain_table(2, (left_width, TEXT_WIDTH - left_width))
        left, right = table.rows[0].cells
        lines = [(line, False) for line in split_agency(clean(header.superior_agency))]
        agency = split_agency(clean(header.issuing_agency))
        lines += [(line, True) for line in agency]
        for index, (line, bold) in enumerate(lines):
            _text(left.paragraphs[0] if index == 0 else left.add_paragraph(), line, 13, bold=bold)
        widest = max((stringWidth(line, SERIF_BOLD, 13) for line in agency), default=40 * 72 / 25.4)
        _rule(left.add_paragraph(), min(widest, left_width) * 0.4, left_width)
        motto = "Độc lập - Tự do - Hạnh phúc"
        _text(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
        _text(right.add_paragraph(), motto, 13, bold=True)
        _rule(right.add_paragraph(), stringWidth(motto, SERIF_BOLD, 13), TEXT_WIDTH - left_width)
        number, place_date = table.rows[1].cells
        self._number_cell = number
        symbol = clean(header.number_symbol)
        _text(number.paragraphs[0], f"Số: {symbol}" if header.number else f"Số:{' ' * 10}{symbol}", 13)
        number.paragraphs[0].paragraph_format.space_before = Pt(4)
        _text(place_date.paragraphs[0], clean(document_date_line(header)), 14, italic=True)
        place_date.paragraphs[0].paragraph_format.space_before = Pt(4)

    def letter_summary(self) -> None:
        """A công văn's "V/v …" line: under its number, centred in the left column, 12 pt."""
        cell = self._number_cell
        target = cell.add_paragraph() if cell is not None else self.doc.add_paragraph()
        _text(target, clean(self.header.summary), 12)
        target.paragraph_format.space_before = Pt(2)

    def signer_block(self) -> None:
        """``Nơi nhận`` left, level with the signing authority; title, the space to sign, the name right."""
        signer = self.signer
        left_width = 80 * 72 / 25.4
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(10)
        table = self._plain_table(1, (left_width, TEXT_WIDTH - left_width))
        left, right = table.rows[0].cells
        _text(left.paragraphs[0], "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for recipient in (clean(r).strip() for r in signer.recipients):
            if recipient:
                _text(left.add_paragraph(), recipient if recipient.startswith("-") else f"- {recipient}", 11,
                      align=WD_ALIGN_PARAGRAPH.LEFT)
        titles = [clean(line).upper() for line in (signer.authority, signer.deputy, signer.title) if line.strip()]
        for index, line in enumerate(titles):
            _text(right.paragraphs[0] if index == 0 else right.add_paragraph(), line, 14, bold=True)
        space = right.add_paragraph() if titles else right.paragraphs[0]
        space.paragraph_format.space_before = _points(SIGNATURE_HEIGHT)
        _text(space, clean(signer.name), 14, bold=True)
        for row in table.rows:  # the signature and the recipients stay on one page
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
                    paragraph.paragraph_format.keep_together = True

    def _plain_table(self, rows: int, widths: Sequence[float]) -> WordTable:
        table = self.doc.add_table(rows=rows, cols=len(widths))
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = _points(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = _points(width)
        _cell_margins(table, 0)
        return table


def _runs(frags: Iterable[Any]) -> list[tuple[str, float, str | None]]:
    """(font, size, text) of the paragraph's pieces, neighbours of one font joined; text None: a line break.
    (reportlab parses ``&lt;b&gt;`` into three pieces; Word gets one run.)"""
    runs: list[tuple[str, float, str | None]] = []
    for frag in frags:
        if getattr(frag, "lineBreak", False):
            runs.append(("", 0, None))
            continue
        text = clean(getattr(frag, "text", ""))
        if not text:
            continue
        last = runs[-1] if runs else None
        if last is not None and last[2] is not None and last[:2] == (frag.fontName, frag.fontSize):
            runs[-1] = (last[0], last[1], last[2] + text)
        else:
            runs.append((frag.fontName, frag.fontSize, text))
    return runs


def _format(paragraph: WordParagraph, style: ParagraphStyle) -> None:
    """The paragraph set as the PDF's style sets it."""
    layout = paragraph.paragraph_format
    if style.alignment:  # left is Normal's
        paragraph.alignment = _ALIGN.get(style.alignment, WD_ALIGN_PARAGRAPH.LEFT)
    if style.firstLineIndent:
        layout.first_line_indent = _points(style.firstLineIndent)
    if style.leftIndent:
        layout.left_indent = _points(style.leftIndent)
    if style.spaceBefore:  # Normal has no space before or after
        layout.space_before = Pt(style.spaceBefore)
    if style.spaceAfter:
        layout.space_after = Pt(style.spaceAfter)
    layout.line_spacing = Pt(style.leading)
    if getattr(style, "keepWithNext", 0) or style.name.startswith("heading"):
        layout.keep_with_next = True


def _text(paragraph: WordParagraph, text: str, size: float, *, bold: bool = False, italic: bool = False,
          align: Any = WD_ALIGN_PARAGRAPH.CENTER) -> None:
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = Pt(size * 1.2)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic


def _draft_mark(paragraph: WordParagraph) -> None:
    """The boxed "DỰ THẢO" of a document not yet issued, as on its PDF: a bordered paragraph 32 mm wide."""
    run = paragraph.add_run(DRAFT_MARK)
    run.bold = True
    run.font.size = Pt(13)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout = paragraph.paragraph_format
    layout.right_indent = _points(TEXT_WIDTH - 32 * 72 / 25.4)
    layout.space_after = Pt(8)
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            edge.set(qn(key), value)
        borders.append(edge)
    paragraph._p.get_or_add_pPr().append(borders)


def _rule(paragraph: WordParagraph, length: float, width: float, *, before: float = 0) -> None:
    """A centred solid line ``length`` points long, ``before`` points under the line above: the bottom border of
    an empty paragraph indented to it."""
    side = max((width - length) / 2, 0)
    layout = paragraph.paragraph_format
    layout.left_indent = layout.right_indent = _points(side)
    layout.line_spacing = Pt(3)
    layout.space_before = Pt(before)
    layout.space_after = Pt(4)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _cell_margins(table: WordTable, points: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(points * 20)))  # twips
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _row_properties(row: Any, *, header: bool) -> None:
    """A row is never split across pages; the header row is repeated on each page."""
    properties = row._tr.get_or_add_trPr()
    for name in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        element = OxmlElement(name)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _alignments(commands: Sequence[tuple[Any, ...]], rows: int, columns: int) -> dict[tuple[int, int], Any]:
    """The table's ``ALIGN`` commands, cell by cell (later commands win, as in reportlab)."""
    found: dict[tuple[int, int], Any] = {}
    for command in commands:
        if command[0] != "ALIGN":
            continue
        (c0, r0), (c1, r1), value = command[1], command[2], command[3]
        c0, c1 = c0 % columns, c1 % columns
        r0, r1 = r0 % rows, r1 % rows
        for row in range(r0, r1 + 1):
            for column in range(c0, c1 + 1):
                found[(row, column)] = _NAMED_ALIGN.get(str(value).upper(), WD_ALIGN_PARAGRAPH.LEFT)
    return found
