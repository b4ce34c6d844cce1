"""The city's documents: the consolidated report (Báo cáo tổng hợp) and reminder letters (công văn đôn đốc).

Same Decree 30 building blocks as the district's reports (header, title, signer, page numbers,
QR stamp); the data comes ready in the dataclasses below, already in Vietnamese.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from kehoach_desktop.exchange.pdf.charts import stacked_bars
from kehoach_desktop.exchange.pdf.fonts import SERIF, register_fonts
from kehoach_desktop.exchange.pdf.layout import (
    LANDSCAPE,
    LANDSCAPE_MARGINS,
    TEXT_WIDTH,
    CellParagraph,
    ChunkedTable,
    SignatureSlot,
    Styles,
    esc,
    header_block,
    heading,
    paragraphs,
    short_date,
    signer_block,
    title_block,
    vnd,
)
from kehoach_desktop.exchange.pdf.model import DocumentHeader, SignerBlock
from kehoach_desktop.exchange.pdf.render import RenderedPdf, build_pdf

LANDSCAPE_WIDTH = LANDSCAPE[0] - LANDSCAPE_MARGINS[2] - LANDSCAPE_MARGINS[3]
LETTER_LEFT_WIDTH = 68 * mm  # the left column of header_block: the agency, the number, the summary line
KINH_GUI_INDENT = 30 * mm


@dataclass(frozen=True)
class CityUnitRow:
    name: str  # "Quận Ba Đình"
    reported: str  # "Đúng hạn (20/03/2021)", "Nộp chậm (02/04/2021)", "Chưa nộp"
    plan: str  # "05/KH-UBND" or "Chưa ban hành"
    tasks_total: int
    tasks_done: int
    tasks_overdue: int
    indicators: str  # "9/21"
    materials: int
    events_held: int
    participants: int
    budget_planned: int
    budget_spent: int


@dataclass(frozen=True)
class DeviationRow:
    unit: str
    kind: str  # Vietnamese label
    subject: str
    detail: str


@dataclass(frozen=True)
class CityReportDocument:
    header: DocumentHeader
    introduction: str
    period: str
    period_label: str
    units_total: int
    on_time: int
    late: int
    rows: tuple[CityUnitRow, ...]
    totals: CityUnitRow
    material_types: tuple[tuple[str, int], ...]  # (Vietnamese type, quantity) over all units
    not_reported: tuple[str, ...]
    deviations: tuple[DeviationRow, ...]
    closing: str
    signer: SignerBlock
    unit_code: str


@dataclass(frozen=True)
class ReminderDocument:
    header: DocumentHeader
    addressees: tuple[str, ...]  # "UBND quận Ba Đình"
    body: tuple[str, ...]
    missing: tuple[tuple[str, str], ...]  # (unit, what is missing)
    closing: str
    signer: SignerBlock
    period: str
    unit_code: str


def _p(text: str, style=Styles.cell) -> Paragraph:  # type: ignore[no-untyped-def]
    return CellParagraph(esc(text), style)


def _heads(*titles: str) -> list[Paragraph]:
    return [Paragraph(title, Styles.cell_head) for title in titles]


def _widths(*fractions: float) -> list[float]:
    return [TEXT_WIDTH * f for f in fractions]


def _body(text: str) -> Paragraph:
    return Paragraph(esc(text), Styles.body)


def _row_cells(r: CityUnitRow, style=Styles.cell) -> list[object]:  # type: ignore[no-untyped-def]
    return [_p(r.name, style), _p(r.reported), _p(r.plan), f"{r.tasks_done}/{r.tasks_total}", str(r.tasks_overdue),
            r.indicators, vnd(r.materials), vnd(r.events_held), vnd(r.participants), vnd(r.budget_planned),
            vnd(r.budget_spent)]


UNITS_PER_CHART = 25  # 8 mm a bar: 25 units and the legend fill about a page


def render_city_report(document: CityReportDocument) -> RenderedPdf:
    register_fonts()
    slot = SignatureSlot()
    d = document
    story: list[Flowable] = [*header_block(d.header), *title_block(d.header)]
    story += paragraphs(d.introduction)
    story += [KeepTogether(heading("I. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ", 0)),
              _body(f"Trong {d.period_label}, {d.on_time + d.late}/{d.units_total} đơn vị đã gửi báo cáo "
                    f"({d.on_time} đúng hạn, {d.late} nộp chậm); {len(d.not_reported)} đơn vị chưa nộp báo cáo.")]
    if d.not_reported:
        story.append(_body("Các đơn vị chưa nộp báo cáo: " + ", ".join(d.not_reported) + "."))
    story += [KeepTogether(heading("II. KẾT QUẢ THỰC HIỆN CỦA CÁC ĐƠN VỊ", 0)),
              _body(f"Toàn Thành phố có {d.totals.tasks_total} nhiệm vụ, đã hoàn thành {d.totals.tasks_done}, "
                    f"quá hạn {d.totals.tasks_overdue}; {vnd(d.totals.materials)} sản phẩm tuyên truyền "
                    f"trực quan; {d.totals.events_held} hoạt động, sự kiện đã tổ chức với "
                    f"{vnd(d.totals.participants)} lượt người tham gia; kinh phí đã sử dụng "
                    f"{vnd(d.totals.budget_spent)}/{vnd(d.totals.budget_planned)} đồng.")]
    story.append(_body("Kết quả chi tiết của từng đơn vị tại Phụ lục I kèm theo."))
    reported = [r for r in d.rows if r.tasks_total]
    charts = -(-len(reported) // UNITS_PER_CHART)  # a chart of 126 wards would not fit a page: 6 of 21
    size = -(-len(reported) // charts) if charts else 1
    for start in range(0, len(reported), size):
        part = reported[start:start + size]
        title = "Nhiệm vụ theo đơn vị"
        if charts > 1:
            title += f" ({start + 1}–{start + len(part)}/{len(reported)})"
        story.append(Spacer(1, 6))
        story.append(KeepTogether([stacked_bars(
            title, [r.name for r in part],
            [("Hoàn thành", [r.tasks_done for r in part]),
             ("Quá hạn", [r.tasks_overdue for r in part]),
             ("Khác", [r.tasks_total - r.tasks_done - r.tasks_overdue for r in part])],
            TEXT_WIDTH, horizontal=True)]))
    if d.material_types:
        story.append(KeepTogether(heading("III. TUYÊN TRUYỀN CỔ ĐỘNG TRỰC QUAN TOÀN THÀNH PHỐ", 0)))
        story.append(ChunkedTable(_heads("Loại", "Số lượng"), [[_p(t), vnd(q)] for t, q in d.material_types],
                                  _widths(0.7, 0.3), [("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
        story.append(Spacer(1, 6))
        story.append(KeepTogether([stacked_bars(
            "Sản phẩm tuyên truyền trực quan theo loại (số lượng)", [t for t, _q in d.material_types],
            [("Số lượng", [q for _t, q in d.material_types])], TEXT_WIDTH)]))
    story.append(KeepTogether(heading("IV. DANH SÁCH ĐƠN VỊ CHƯA NỘP BÁO CÁO", 0)))
    if d.not_reported:
        story.append(ChunkedTable(_heads("TT", "Đơn vị"), [[str(i), _p(n)] for i, n in
                                                            enumerate(d.not_reported, start=1)],
                                  _widths(0.1, 0.9), [("ALIGN", (0, 1), (0, -1), "CENTER")]))
    else:
        story.append(_body("Tất cả các đơn vị đã nộp báo cáo."))
    story.append(Spacer(1, 4 * mm))
    story += paragraphs(d.closing)
    story.append(signer_block(d.signer, slot))
    rows = [_row_cells(r) for r in d.rows]
    rows.append(_row_cells(d.totals, Styles.cell_head))
    appendix: list[Flowable] = [
        Paragraph("PHỤ LỤC I", Styles.doc_type),
        Paragraph(esc(f"Kết quả thực hiện của các đơn vị {d.period_label}"), Styles.summary), Spacer(1, 6),
        ChunkedTable(
            _heads("Đơn vị", "Báo cáo", "Kế hoạch", "Nhiệm vụ hoàn thành", "Quá hạn", "Chỉ tiêu đạt",
                   "Sản phẩm tuyên truyền trực quan", "Sự kiện", "Người tham gia", "Kinh phí (đồng)",
                   "Kinh phí đã sử dụng (đồng)"),
            rows, [LANDSCAPE_WIDTH * f for f in (0.13, 0.12, 0.09, 0.08, 0.06, 0.07, 0.08, 0.06, 0.08, 0.115, 0.115)],
            [("ALIGN", (3, 1), (-1, -1), "RIGHT")])]
    if d.deviations:
        appendix += [PageBreak(), Paragraph("PHỤ LỤC II", Styles.doc_type),
                     Paragraph(esc("Những điểm kế hoạch của các đơn vị khác với mẫu kế hoạch của Thành phố"),
                               Styles.summary), Spacer(1, 6),
                     ChunkedTable(_heads("TT", "Đơn vị", "Loại", "Nội dung", "Chi tiết"),
                                  [[str(i), _p(r.unit), _p(r.kind), _p(r.subject), _p(r.detail)]
                                   for i, r in enumerate(d.deviations, start=1)],
                                  [LANDSCAPE_WIDTH * f for f in (0.05, 0.17, 0.18, 0.3, 0.3)],
                                  [("ALIGN", (0, 1), (0, -1), "CENTER")])]
    return build_pdf(d, story, appendix, slot)  # type: ignore[arg-type]


# A công văn has no type line: its summary ("V/v …") sits under the number, centred in the left column, size 12.
_LETTER_SUMMARY = ParagraphStyle("letter_summary", parent=Styles.number, fontSize=12, leading=14.4)
_ADDRESSEES = ParagraphStyle("addressees", parent=Styles.recipient, alignment=TA_LEFT, spaceBefore=0, spaceAfter=0,
                             leftIndent=KINH_GUI_INDENT)
_ADDRESSEE_LINE = ParagraphStyle("addressee_line", parent=_ADDRESSEES, leftIndent=KINH_GUI_INDENT + 12.7 * mm)


def letter_header(header: DocumentHeader) -> list[Flowable]:
    """The header block of a công văn: agencies, number and date, then the summary line under the number."""
    parts = header_block(dataclasses.replace(header, summary="", doc_type=""))
    if header.summary.strip():
        summary = Table([[Paragraph(esc(header.summary), _LETTER_SUMMARY)]], colWidths=[LETTER_LEFT_WIDTH],
                        hAlign="LEFT")
        summary.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), SERIF, 12),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                     ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        parts.append(summary)
    return parts


def addressee_block(addressees: tuple[str, ...]) -> list[Flowable]:
    """``Kính gửi: X.`` on one line for one addressee; for several, ``Kính gửi:`` then ``- X;`` lines under it."""
    parts: list[Flowable] = [Spacer(1, 14)]
    if len(addressees) == 1:
        parts.append(Paragraph(esc(f"Kính gửi: {addressees[0]}."), _ADDRESSEES))
    else:
        parts.append(Paragraph("Kính gửi:", _ADDRESSEES))
        parts += [Paragraph(esc(f"- {a};"), _ADDRESSEE_LINE) for a in addressees]
    parts.append(Spacer(1, 10))
    return parts


def render_reminder(document: ReminderDocument) -> RenderedPdf:
    register_fonts()
    slot = SignatureSlot()
    d = document
    story: list[Flowable] = [*letter_header(d.header), *addressee_block(d.addressees)]
    for line in d.body:
        story.append(_body(line))
    story.append(ChunkedTable(_heads("TT", "Đơn vị", "Nội dung còn thiếu"),
                              [[str(i), _p(u), _p(w)] for i, (u, w) in enumerate(d.missing, start=1)],
                              _widths(0.08, 0.32, 0.60), [("ALIGN", (0, 1), (0, -1), "CENTER")]))
    story.append(Spacer(1, 4))
    story += paragraphs(d.closing)
    story.append(signer_block(d.signer, slot))
    return build_pdf(d, story, None, slot)  # type: ignore[arg-type]


def reminder_deadline_text(day: dt.date) -> str:
    return short_date(day)
