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

from kehoach_desktop.domain.report_data import LATE, MISSING, CityData, CityUnitLine, Flows, Stocks
from kehoach_desktop.exchange.pdf.charts import paged_bars, stacked_bars
from kehoach_desktop.exchange.pdf.fonts import SERIF, register_fonts
from kehoach_desktop.exchange.pdf.layout import (
    LANDSCAPE,
    LANDSCAPE_MARGINS,
    SUMMARY_PART,
    TEXT_WIDTH,
    AppendixStart,
    CellParagraph,
    ChunkedTable,
    SignatureSlot,
    Styles,
    dong,
    esc,
    header_block,
    heading,
    paragraphs,
    short_date,
    signer_block,
    title_block,
    vnd,
    with_table,
)
from kehoach_desktop.exchange.pdf.model import DocumentHeader, SignerBlock
from kehoach_desktop.exchange.pdf.render import RenderedPdf, build_pdf

LANDSCAPE_WIDTH = LANDSCAPE[0] - LANDSCAPE_MARGINS[2] - LANDSCAPE_MARGINS[3]
LETTER_LEFT_WIDTH = 68 * mm  # the left column of header_block: the agency, the number, the summary line
KINH_GUI_INDENT = 30 * mm


@dataclass(frozen=True)
class DeviationRow:
    unit: str
    kind: str  # Vietnamese label
    subject: str
    detail: str


@dataclass(frozen=True)
class CityReportDocument:
    """The consolidated report: the document's words around the figures of ``data`` (one model of them)."""

    header: DocumentHeader
    introduction: str
    period_label: str  # "quý I năm 2021"
    data: CityData
    deviations: tuple[DeviationRow, ...]
    deviation_note: str  # e.g. why budgets were not compared
    closing: str
    signer: SignerBlock

    @property
    def unit_code(self) -> str:
        return self.data.unit

    @property
    def period(self) -> str:
        return self.data.period

    def stamp_data(self) -> dict[str, object]:
        return self.data.to_json()


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


def _received(line: CityUnitLine) -> str:
    if line.status == MISSING:
        return "Đã trả lại" if line.review == "returned" else "Chưa nộp"
    state = "Nộp chậm" if line.status == LATE else "Đúng hạn"
    return f"{state} ({short_date(line.received_on)})" if line.received_on else state


def _plan(line: CityUnitLine) -> str:
    if line.plan is None:
        return ""
    if line.plan.status == "issued":
        return line.plan.number or "Đã ban hành"
    return "Dự thảo" if line.plan.status == "draft" else "Chưa có"


def _unit_cells(index: int | str, name: str, received: str, plan: str, f: Flows | None,
                s: Stocks | None, style=Styles.cell) -> list[object]:  # type: ignore[no-untyped-def]
    if f is None or s is None:
        figures: list[object] = ["-"] * 9
    else:
        figures = [vnd(f.tasks_completed), f"{vnd(s.tasks_done)}/{vnd(s.tasks_total)}", vnd(s.tasks_overdue),
                   vnd(f.materials_installed), vnd(s.materials_in_place), vnd(f.events_held),
                   vnd(f.event_participants), vnd(f.money_spent), vnd(s.money_spent_to_date)]
    return [str(index), _p(name, style), _p(received), _p(plan), *figures]


APPENDIX_HEADS = ("TT", "Đơn vị", "Báo cáo", "Kế hoạch", "Nhiệm vụ hoàn thành trong kỳ",
                  "Nhiệm vụ hoàn thành lũy kế/tổng số", "Nhiệm vụ quá hạn (đến hết kỳ)", "Sản phẩm lắp đặt trong kỳ",
                  "Sản phẩm đang ở nơi công cộng (đến hết kỳ)", "Sự kiện trong kỳ", "Người tham gia trong kỳ",
                  "Kinh phí sử dụng trong kỳ (đồng)", "Kinh phí lũy kế (đồng)")
APPENDIX_WIDTHS_MM = (9, 34, 25, 23, 16, 17, 15, 16, 18, 14, 16, 27, 27)


def _situation(d: CityReportDocument) -> list[Flowable]:
    data = d.data
    late = [u for u in data.units if u.status == LATE]
    missing = [u for u in data.units if u.status == MISSING]
    reported = len(data.units) - len(missing)
    story: list[Flowable] = [
        KeepTogether(heading("I. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ", 0)),
        _body(f"Trong {d.period_label}, {vnd(reported)}/{vnd(len(data.units))} đơn vị đã gửi báo cáo "
              f"({vnd(reported - len(late))} đúng hạn, {vnd(len(late))} nộp chậm); {vnd(len(missing))} đơn vị "
              f"chưa nộp báo cáo (danh sách tại mục IV).")]
    if late:
        story.append(_body("Các đơn vị nộp báo cáo chậm: " + ", ".join(
            f"{u.name} ({short_date(u.received_on)})" for u in late) + "."))
    return story


def _results(d: CityReportDocument) -> list[Flowable]:
    data = d.data
    f, s = data.totals_flows, data.totals_stocks
    reported = [u for u in data.units if u.stocks is not None]
    head = KeepTogether(heading("II. KẾT QUẢ THỰC HIỆN CỦA CÁC ĐƠN VỊ", 0))
    if not reported:  # no figures at all: say so rather than print a row of zeros as if they were results
        return [head, _body(f"Chưa có đơn vị nào nộp báo cáo {d.period_label}; chưa có số liệu để tổng hợp.")]
    story: list[Flowable] = [
        head,
        _body(f"Trong kỳ, các đơn vị đã báo cáo hoàn thành {vnd(f.tasks_completed)} nhiệm vụ; lắp đặt "
              f"{vnd(f.materials_installed)} sản phẩm tuyên truyền trực quan; tổ chức {vnd(f.events_held)} "
              f"hoạt động, sự kiện với {vnd(f.event_participants)} lượt người tham gia; kinh phí sử dụng "
              f"{dong(f.money_spent)}."),
        _body(f"Lũy kế đến hết kỳ: {vnd(s.tasks_done)}/{vnd(s.tasks_total)} nhiệm vụ đã hoàn thành, "
              f"{vnd(s.tasks_overdue)} nhiệm vụ quá hạn; {vnd(s.materials_in_place)} sản phẩm tuyên truyền trực quan "
              f"đang ở các địa điểm công cộng; kinh phí đã sử dụng {dong(s.money_spent_to_date)}/"
              f"{dong(s.budget_planned)} kế hoạch."),
        Paragraph(esc(f"Số liệu tổng hợp từ báo cáo {d.period_label} của {vnd(len(reported))} đơn vị đã gửi; các "
                      "đơn vị chưa nộp báo cáo không được tính. Kết quả chi tiết của từng đơn vị tại Phụ lục I."),
                  Styles.table_note),
    ]
    for drawing in paged_bars(
            "Nhiệm vụ của các đơn vị đến hết kỳ", [u.name for u in reported],
            [("Hoàn thành", [u.stocks.tasks_done for u in reported if u.stocks]),
             ("Quá hạn", [u.stocks.tasks_overdue for u in reported if u.stocks]),
             ("Khác", [u.stocks.tasks_total - u.stocks.tasks_done - u.stocks.tasks_overdue
                       for u in reported if u.stocks])], TEXT_WIDTH):
        story += [Spacer(1, 6), KeepTogether([drawing])]
    return story


def _materials(d: CityReportDocument) -> list[Flowable]:
    types = d.data.material_types
    if not types:
        return []
    rows = [[_p(label), vnd(installed), vnd(standing)] for _code, label, installed, standing in types]
    rows.append([_p("Tổng cộng", Styles.cell_head), vnd(sum(t[2] for t in types)), vnd(sum(t[3] for t in types))])
    table = ChunkedTable(_heads("Loại", "Lắp đặt trong kỳ", "Đang ở nơi công cộng (đến hết kỳ)"), rows,
                         _widths(0.5, 0.25, 0.25), [("ALIGN", (1, 1), (-1, -1), "RIGHT")], tail=1)
    return [*with_table([KeepTogether(heading("III. TUYÊN TRUYỀN CỔ ĐỘNG TRỰC QUAN TOÀN THÀNH PHỐ", 0))], table),
            Spacer(1, 6), KeepTogether([stacked_bars(
                "Sản phẩm tuyên truyền trực quan theo loại", [label for _c, label, _i, _s in types],
                [("Lắp đặt trong kỳ", [t[2] for t in types]), ("Đang ở nơi công cộng", [t[3] for t in types])],
                TEXT_WIDTH, stacked=False)]), Spacer(1, 6)]


def _missing(d: CityReportDocument) -> list[Flowable]:
    missing = [u for u in d.data.units if u.status == MISSING]
    head = KeepTogether(heading("IV. DANH SÁCH ĐƠN VỊ CHƯA NỘP BÁO CÁO", 0))
    if not missing:
        return [head, _body("Tất cả các đơn vị đã nộp báo cáo.")]
    rows = [[vnd(i), _p(u.name), _p("Báo cáo đã bị trả lại, chưa gửi lại" if u.review == "returned" else "")]
            for i, u in enumerate(missing, start=1)]
    return with_table([head], ChunkedTable(_heads("TT", "Đơn vị", "Ghi chú"), rows, _widths(0.1, 0.5, 0.4),
                                           [("ALIGN", (0, 1), (0, -1), "CENTER")]))


def city_report_story(document: CityReportDocument,
                      slot: SignatureSlot) -> tuple[list[Flowable], list[Flowable]]:
    """The pages' flowables and the appendices': what the PDF draws and the .docx writer (exchange/docx_writer.py)
    copies."""
    register_fonts()
    d = document
    story: list[Flowable] = [*header_block(d.header), *title_block(d.header)]
    story += paragraphs(d.introduction)
    story += _situation(d) + _results(d) + _materials(d) + _missing(d)
    story.append(Spacer(1, 4 * mm))
    story += paragraphs(d.closing)
    story.append(signer_block(d.signer, slot))
    data = d.data
    rows = [_unit_cells(i, u.name, _received(u), _plan(u), u.flows, u.stocks)
            for i, u in enumerate(data.units, start=1)]
    reported = sum(1 for u in data.units if u.status != MISSING)
    rows.append(_unit_cells("", f"Tổng cộng ({vnd(reported)} đơn vị đã báo cáo)", "", "", data.totals_flows,
                            data.totals_stocks, Styles.cell_head))
    attached = Paragraph(esc(attached_to(d.header)), Styles.appendix_note)
    appendix: list[Flowable] = [
        Paragraph("PHỤ LỤC I", Styles.doc_type),
        Paragraph(esc(f"Kết quả thực hiện của các đơn vị {d.period_label}"), Styles.summary), attached,
        Paragraph(esc(f"Trong kỳ: từ ngày {short_date(data.start)} đến ngày {short_date(data.as_of)}; lũy kế: đến "
                      f"hết ngày {short_date(data.as_of)}, theo báo cáo của từng đơn vị. Đơn vị chưa nộp báo cáo: "
                      "không có số liệu, không tính vào tổng cộng."), Styles.table_note), Spacer(1, 4),
        ChunkedTable(_heads(*APPENDIX_HEADS), rows, [w * mm for w in APPENDIX_WIDTHS_MM],
                     [("ALIGN", (4, 1), (-1, -1), "RIGHT"), ("ALIGN", (0, 1), (0, -1), "CENTER")], tail=1)]
    appendix += [PageBreak(), AppendixStart(), Paragraph("PHỤ LỤC II", Styles.doc_type),
                 Paragraph(esc("Những điểm kế hoạch của các đơn vị khác với mẫu kế hoạch của Thành phố"),
                           Styles.summary), attached, Spacer(1, 6)]
    if d.deviation_note:
        appendix.append(Paragraph(esc(d.deviation_note), Styles.table_note))
    if d.deviations:
        appendix.append(ChunkedTable(_heads("TT", "Đơn vị", "Loại", "Nội dung", "Chi tiết"),
                                     [[vnd(i), _p(r.unit), _p(r.kind), _p(r.subject), _p(r.detail)]
                                      for i, r in enumerate(d.deviations, start=1)],
                                     [LANDSCAPE_WIDTH * f for f in (0.05, 0.17, 0.18, 0.3, 0.3)],
                                     [("ALIGN", (0, 1), (0, -1), "CENTER")]))
    else:
        appendix.append(_body("Kế hoạch của các đơn vị không có điểm nào khác với mẫu kế hoạch của Thành phố."))
    return story, appendix


def render_city_report(document: CityReportDocument) -> RenderedPdf:
    slot = SignatureSlot()
    story, appendix = city_report_story(document, slot)
    return build_pdf(document, story, appendix, slot)  # type: ignore[arg-type]


# A công văn has no type line: its summary ("V/v …") sits under the number, centred in the left column, size 12.
_LETTER_SUMMARY = ParagraphStyle("letter_summary", parent=Styles.number, fontSize=12, leading=14.4)
_ADDRESSEES = ParagraphStyle("addressees", parent=Styles.recipient, alignment=TA_LEFT, spaceBefore=14, spaceAfter=0,
                             leftIndent=KINH_GUI_INDENT)
_ADDRESSEE_ALONE = ParagraphStyle("addressee_alone", parent=_ADDRESSEES, spaceAfter=10)
_ADDRESSEE_LINE = ParagraphStyle("addressee_line", parent=_ADDRESSEES, leftIndent=KINH_GUI_INDENT + 12.7 * mm,
                                 spaceBefore=0)
_ADDRESSEE_LAST = ParagraphStyle("addressee_last", parent=_ADDRESSEE_LINE, spaceAfter=10)


def letter_header(header: DocumentHeader) -> list[Flowable]:
    """The header block of a công văn: agencies, number and date, then the summary line under the number."""
    parts = header_block(dataclasses.replace(header, summary="", doc_type=""))
    if header.summary.strip():
        summary = Table([[Paragraph(esc(header.summary), _LETTER_SUMMARY)]], colWidths=[LETTER_LEFT_WIDTH],
                        hAlign="LEFT")
        summary.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), SERIF, 12),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                     ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        summary.document_part = SUMMARY_PART
        parts.append(summary)
    return parts


def attached_to(header: DocumentHeader) -> str:
    """``(Kèm theo Báo cáo số 12/BC-… ngày 05/10/2021)``: the line under an appendix's title; before the
    report has its number, "…" holds its place."""
    number = header.number_symbol if header.number else f"…/{header.symbol}"
    day = f" ngày {short_date(header.date)}" if header.date else ""
    kind = header.doc_type[:1].upper() + header.doc_type[1:].lower()
    return f"(Kèm theo {kind} số {number}{day})"


def addressee_block(addressees: tuple[str, ...]) -> list[Flowable]:
    """``Kính gửi: X.`` on one line for one addressee; for several, ``Kính gửi:`` then ``- X;`` lines under it.
    The space above and below is the paragraphs' own, so the Word copy (which drops spacers) keeps it."""
    if len(addressees) == 1:
        return [Paragraph(esc(f"Kính gửi: {addressees[0]}."), _ADDRESSEE_ALONE)]
    lines = [Paragraph("Kính gửi:", _ADDRESSEES)]
    lines += [Paragraph(esc(f"- {a};"), _ADDRESSEE_LAST if index == len(addressees) - 1 else _ADDRESSEE_LINE)
              for index, a in enumerate(addressees)]
    return lines


def render_reminder(document: ReminderDocument) -> RenderedPdf:
    slot = SignatureSlot()
    return build_pdf(document, reminder_story(document, slot), None, slot)  # type: ignore[arg-type]


def reminder_story(document: ReminderDocument, slot: SignatureSlot) -> list[Flowable]:
    """The letter's flowables: its PDF's, and its Word copy's (``exchange/docx_writer.py``)."""
    register_fonts()
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
    return story


def reminder_deadline_text(day: dt.date) -> str:
    return short_date(day)
