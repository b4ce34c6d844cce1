"""The district plan (Kế hoạch) in the layout of Decree 30/2020, with its appendix table of tasks."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from kehoach_desktop.exchange.pdf.fonts import register_fonts
from kehoach_desktop.exchange.pdf.layout import (
    LANDSCAPE,
    LANDSCAPE_MARGINS,
    CellParagraph,
    ChunkedTable,
    SignatureSlot,
    Styles,
    esc,
    header_block,
    heading,
    legal_bases_block,
    paragraphs,
    short_date,
    signer_block,
    title_block,
    vnd,
)
from kehoach_desktop.exchange.pdf.model import BodySection, PlanDocument, PlanTaskRow
from kehoach_desktop.exchange.pdf.render import RenderedPdf, build_pdf


def timeline(task: PlanTaskRow) -> str:
    if task.start_date and task.due_date:
        return f"{short_date(task.start_date)} - {short_date(task.due_date)}"
    if task.due_date:
        return f"Trước {short_date(task.due_date)}"
    if task.start_date:
        return f"Từ {short_date(task.start_date)}"
    return "Cả năm"


def _task_line(task: PlanTaskRow) -> str:
    details = []
    if task.lead_unit:
        details.append(f"chủ trì: {task.lead_unit}")
    if task.supporting_units:
        details.append(f"phối hợp: {', '.join(task.supporting_units)}")
    details.append(f"thời gian: {timeline(task)}")
    content = task.content.strip().rstrip(".;") or "(chưa có nội dung)"
    return f"- {content} ({'; '.join(details)})."


def _section(section: BodySection) -> list[Flowable]:
    title = f"{section.number} {section.title}".strip()
    parts: list[Flowable] = heading(title, section.depth) if title else []
    parts += paragraphs("\n".join(section.paragraphs))
    parts += paragraphs("\n".join(section.local_paragraphs))
    if section.tasks:
        parts.append(Paragraph("Nhiệm vụ cụ thể:", Styles.body))
        parts += [Paragraph(esc(_task_line(task)), Styles.body) for task in section.tasks]
    return parts


def _appendix(document: PlanDocument) -> list[Flowable]:
    header = document.header
    date = f" ngày {short_date(header.date)}" if header.date else ""
    number = header.number_symbol if header.number else f"…/{header.symbol}"
    parts: list[Flowable] = [
        Paragraph("Phụ lục", Styles.appendix_title),
        Paragraph(esc(f"DANH MỤC NHIỆM VỤ TUYÊN TRUYỀN NĂM {document.period}"), Styles.appendix_title),
        Paragraph(esc(f"(Kèm theo Kế hoạch số {number}{date} của {document.issuer_short})"), Styles.appendix_note),
    ]
    rows: list[list[object]] = []
    for index, task in enumerate((t for s in document.sections for t in s.tasks), start=1):
        rows.append([
            str(index), CellParagraph(esc(task.theme), Styles.cell), CellParagraph(esc(task.content), Styles.cell),
            CellParagraph(esc(task.lead_unit), Styles.cell),
            CellParagraph(esc(", ".join(task.supporting_units)), Styles.cell),
            CellParagraph(esc(timeline(task)), Styles.cell_center), CellParagraph(vnd(task.budget), Styles.cell_right),
        ])
    if not rows:
        parts.append(Paragraph("Kế hoạch chưa có nhiệm vụ cụ thể.", Styles.body))
        return parts
    total = sum(t.budget for s in document.sections for t in s.tasks)
    rows.append(["", Paragraph("<b>Tổng cộng</b>", Styles.cell), "", "", "", "",
                 Paragraph(f"<b>{vnd(total)}</b>", Styles.cell_right)])
    by_source = [(name, amount) for name, amount in document.budgets if amount]
    for index, (name, amount) in enumerate(by_source):  # "Trong đó:" the budget that pays, source by source
        rows.append(["", CellParagraph("<i>Trong đó:</i>" if index == 0 else "", Styles.cell),
                     CellParagraph(f"<i>{esc(name)}</i>", Styles.cell), "", "", "",
                     CellParagraph(f"<i>{vnd(amount)}</i>", Styles.cell_right)])
    _top, _bottom, left, right = LANDSCAPE_MARGINS
    width = LANDSCAPE[0] - left - right
    fixed = [10 * mm, 45 * mm, 0, 38 * mm, 45 * mm, 27 * mm, 27 * mm]
    fixed[2] = width - sum(fixed)
    head = [Paragraph(text, Styles.cell_head) for text in (
        "TT", "Chủ đề", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện",
        "Kinh phí (đồng)")]
    parts.append(ChunkedTable(head, rows, fixed, [("ALIGN", (0, 1), (0, -1), "CENTER")], tail=1 + len(by_source)))
    return parts


def plan_story(document: PlanDocument, slot: SignatureSlot) -> tuple[list[Flowable], list[Flowable]]:
    """The pages' flowables and the appendix's: what the PDF draws and the .docx writer
    (exchange/docx_writer.py) copies."""
    register_fonts()
    story: list[Flowable] = [*header_block(document.header), *title_block(document.header)]
    story += legal_bases_block(document.legal_bases)
    story += paragraphs(document.preamble)
    for section in document.sections:
        story += _section(section)
    story += paragraphs(document.closing)
    story.append(signer_block(document.signer, slot))
    return story, _appendix(document)


def render_plan(document: PlanDocument) -> RenderedPdf:
    slot = SignatureSlot()
    story, appendix = plan_story(document, slot)
    return build_pdf(document, story, appendix, slot)
