"""The progress report (Báo cáo kết quả) for a period: figures, tables, charts, overdue items."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from kehoach_desktop.exchange.pdf.charts import stacked_bars
from kehoach_desktop.exchange.pdf.fonts import register_fonts
from kehoach_desktop.exchange.pdf.layout import (
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
from kehoach_desktop.exchange.pdf.model import ProgressDocument
from kehoach_desktop.exchange.pdf.render import RenderedPdf, build_pdf


def _p(text: str, style=Styles.cell) -> Paragraph:  # type: ignore[no-untyped-def]
    return CellParagraph(esc(text), style)


def _heads(*titles: str) -> list[Paragraph]:
    return [Paragraph(title, Styles.cell_head) for title in titles]


def _widths(*fractions: float) -> list[float]:
    return [TEXT_WIDTH * f for f in fractions]


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


def _body(text: str) -> Paragraph:
    return Paragraph(esc(text), Styles.body)


def _heading(text: str, level: int = 0) -> KeepTogether:
    return KeepTogether(heading(text, level))


def _tasks(doc: ProgressDocument) -> list[Flowable]:
    total = sum(r.total for r in doc.theme_rows)
    done = sum(r.done for r in doc.theme_rows)
    overdue = sum(r.overdue for r in doc.theme_rows)
    parts: list[Flowable] = [
        _heading("I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ"),
        _body(f"Trong {doc.period_label}, Kế hoạch có {total} nhiệm vụ triển khai; đã hoàn thành {done} "
              f"nhiệm vụ ({_percent(done, total)}); {overdue} nhiệm vụ quá hạn tính đến ngày "
              f"{short_date(doc.as_of)}."),
        _heading("1. Nhiệm vụ theo chủ đề và trạng thái", 1),
    ]
    rows = [[_p(r.theme), str(r.total), str(r.done), str(r.in_progress), str(r.not_started), str(r.overdue),
             str(r.cancelled), f"{r.average_percent}%"] for r in doc.theme_rows]
    rows.append([_p("Tổng cộng", Styles.cell_head), str(total), str(done),
                 str(sum(r.in_progress for r in doc.theme_rows)), str(sum(r.not_started for r in doc.theme_rows)),
                 str(overdue), str(sum(r.cancelled for r in doc.theme_rows)), ""])
    parts.append(ChunkedTable(
        _heads("Chủ đề", "Tổng số", "Hoàn thành", "Đang thực hiện", "Chưa triển khai", "Quá hạn", "Đã hủy",
               "Tiến độ bình quân"),
        rows, _widths(0.37, 0.08, 0.09, 0.09, 0.09, 0.08, 0.07, 0.13), [("ALIGN", (1, 1), (-1, -1), "CENTER")]))
    if doc.theme_rows:
        parts.append(Spacer(1, 6))
        parts.append(KeepTogether([stacked_bars(
            "Tiến độ nhiệm vụ theo chủ đề", [r.theme for r in doc.theme_rows],
            [("Hoàn thành", [r.done for r in doc.theme_rows]),
             ("Đang thực hiện", [r.in_progress for r in doc.theme_rows]),
             ("Chưa triển khai", [r.not_started for r in doc.theme_rows]),
             ("Quá hạn", [r.overdue for r in doc.theme_rows])], TEXT_WIDTH, horizontal=True)]))
    parts.append(_heading("2. Danh sách nhiệm vụ", 1))
    if doc.task_rows:
        rows = [[str(i), _p(t.content), _p(t.lead_unit), short_date(t.due_date), _p(t.status),
                 f"{t.percent_done}%", _p(t.indicator)] for i, t in enumerate(doc.task_rows, start=1)]
        parts.append(ChunkedTable(
            _heads("TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Hạn hoàn thành", "Trạng thái", "Tiến độ",
                   "Chỉ tiêu đạt/kế hoạch"),
            rows, _widths(0.06, 0.34, 0.17, 0.11, 0.11, 0.07, 0.14),
            [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (3, 1), (3, -1), "CENTER"),
             ("ALIGN", (5, 1), (5, -1), "RIGHT")]))
    else:
        parts.append(_body("Không có nhiệm vụ nào trong kỳ báo cáo."))
    parts.append(_heading("3. Chỉ tiêu", 1))
    if doc.indicators:
        rows = [[_p(i.content), _p(i.unit), vnd(i.target), vnd(i.achieved) if i.achieved is not None else "-",
                 _percent(i.achieved or 0, i.target) if i.achieved is not None else "-"] for i in doc.indicators]
        parts.append(ChunkedTable(_heads("Nhiệm vụ", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ"), rows,
                                  _widths(0.48, 0.18, 0.12, 0.12, 0.10), [("ALIGN", (2, 1), (-1, -1), "RIGHT")]))
    else:
        parts.append(_body("Các nhiệm vụ trong kỳ không đặt chỉ tiêu định lượng."))
    return parts


def _materials(doc: ProgressDocument) -> list[Flowable]:
    parts: list[Flowable] = [_heading("II. TUYÊN TRUYỀN CỔ ĐỘNG TRỰC QUAN")]
    if not doc.material_rows:
        return [*parts, _body("Trong kỳ không có sản phẩm tuyên truyền trực quan.")]
    total = sum(r.total for r in doc.material_rows)
    parts.append(_body(f"Tổng số sản phẩm tuyên truyền trực quan trong kỳ: {vnd(total)}; "
                       f"chi phí {vnd(doc.materials_cost)} đồng."))
    statuses = list(doc.material_statuses)
    rows = [[_p(r.type), *[vnd(v) for v in r.by_status], vnd(r.total), vnd(r.cost)] for r in doc.material_rows]
    rows.append([_p("Tổng cộng", Styles.cell_head),
                 *[vnd(sum(r.by_status[i] for r in doc.material_rows)) for i in range(len(statuses))],
                 vnd(total), vnd(doc.materials_cost)])
    share = 0.52 / max(len(statuses), 1)
    parts.append(ChunkedTable(_heads("Loại", *statuses, "Tổng số", "Chi phí (đồng)"), rows,
                              _widths(0.20, *[share] * len(statuses), 0.12, 0.16),
                              [("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    parts.append(Spacer(1, 6))
    parts.append(KeepTogether([stacked_bars(
        "Sản phẩm tuyên truyền trực quan theo loại và trạng thái", [r.type for r in doc.material_rows],
        [(status, [r.by_status[i] for r in doc.material_rows]) for i, status in enumerate(statuses)],
        TEXT_WIDTH)]))
    return parts


def _events(doc: ProgressDocument) -> list[Flowable]:
    participants = sum(e.participants or 0 for e in doc.events)
    parts: list[Flowable] = [
        _heading("III. CÁC HOẠT ĐỘNG, SỰ KIỆN"),
        _body(f"Trong kỳ đã tổ chức {len(doc.events)}/{doc.events_planned} hoạt động, sự kiện theo kế hoạch "
              f"với {vnd(participants)} lượt người tham gia; chi phí {vnd(doc.events_cost)} đồng."),
    ]
    if doc.events:
        rows = [[str(i), _p(e.title), _p(e.type), short_date(e.starts_on), _p(e.venue),
                 vnd(e.participants) if e.participants is not None else "-", vnd(e.cost)]
                for i, e in enumerate(doc.events, start=1)]
        parts.append(ChunkedTable(
            _heads("TT", "Hoạt động, sự kiện", "Loại", "Ngày", "Địa điểm", "Số người tham gia", "Chi phí (đồng)"),
            rows, _widths(0.06, 0.30, 0.14, 0.11, 0.17, 0.10, 0.12),
            [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (5, 1), (-1, -1), "RIGHT")]))
    return parts


def _budget(doc: ProgressDocument) -> list[Flowable]:
    rows = [[_p(r.theme), vnd(r.budget), vnd(r.spent), _percent(r.spent, r.budget)] for r in doc.theme_rows]
    rows.append([_p("Tổng cộng", Styles.cell_head), vnd(doc.budget_planned), vnd(doc.budget_spent),
                 _percent(doc.budget_spent, doc.budget_planned)])
    return [
        _heading("IV. KINH PHÍ"),
        _body(f"Kinh phí kế hoạch của các nhiệm vụ trong kỳ {vnd(doc.budget_planned)} đồng, đã sử dụng "
              f"{vnd(doc.budget_spent)} đồng ({_percent(doc.budget_spent, doc.budget_planned)})."),
        ChunkedTable(_heads("Chủ đề", "Kế hoạch (đồng)", "Đã sử dụng (đồng)", "Tỷ lệ"), rows,
                     _widths(0.52, 0.18, 0.18, 0.12), [("ALIGN", (1, 1), (-1, -1), "RIGHT")]),
    ]


def _overdue(doc: ProgressDocument) -> list[Flowable]:
    parts: list[Flowable] = [_heading("V. TỒN TẠI, HẠN CHẾ"), _heading("1. Nhiệm vụ quá hạn", 1)]
    if doc.overdue_tasks:
        rows = [[str(i), _p(t.content), _p(t.lead_unit), short_date(t.due_date), str(t.days_late)]
                for i, t in enumerate(doc.overdue_tasks, start=1)]
        parts.append(ChunkedTable(_heads("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn hoàn thành", "Số ngày quá hạn"),
                                  rows, _widths(0.06, 0.48, 0.20, 0.13, 0.13),
                                  [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (3, 1), (-1, -1), "CENTER")]))
    else:
        parts.append(_body("Không có nhiệm vụ quá hạn."))
    parts.append(_heading("2. Sản phẩm tuyên truyền trực quan quá hạn tháo dỡ", 1))
    if doc.overdue_removals:
        rows = [[str(i), _p(m.type), _p(m.content), _p(m.place), short_date(m.planned_removal_on), str(m.days_late)]
                for i, m in enumerate(doc.overdue_removals, start=1)]
        parts.append(ChunkedTable(
            _heads("TT", "Loại", "Nội dung", "Địa điểm", "Hạn tháo dỡ", "Số ngày quá hạn"), rows,
            _widths(0.06, 0.14, 0.36, 0.22, 0.11, 0.11),
            [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (4, 1), (-1, -1), "CENTER")]))
    else:
        parts.append(_body("Không có sản phẩm tuyên truyền trực quan quá hạn tháo dỡ."))
    return parts


def render_progress(document: ProgressDocument) -> RenderedPdf:
    register_fonts()
    slot = SignatureSlot()
    story: list[Flowable] = [*header_block(document.header), *title_block(document.header)]
    story += paragraphs(document.introduction)
    for part in (_tasks, _materials, _events, _budget, _overdue):
        story += part(document)
    story.append(Spacer(1, 4 * mm))
    story += paragraphs(document.closing)
    story.append(signer_block(document.signer, slot))
    return build_pdf(document, story, None, slot)
