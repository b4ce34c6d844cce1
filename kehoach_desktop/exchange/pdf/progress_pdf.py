"""The progress report (Báo cáo kết quả) for a period: figures, tables, charts, overdue items.

Every figure comes from ``document.data`` (``domain.report_data.ProgressData``), the same object the
JSON of ``--data-out`` and the sync package are written from. Each table says whether it counts what
happened in the period ("trong kỳ") or the state at its end ("lũy kế đến hết kỳ").
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from kehoach_desktop.domain.enums import EventType, MaterialStatus, TaskStatus
from kehoach_desktop.domain.report_data import ProgressData, Stocks
from kehoach_desktop.exchange.pdf.charts import stacked_bars
from kehoach_desktop.exchange.pdf.fonts import register_fonts
from kehoach_desktop.exchange.pdf.layout import (
    TEXT_WIDTH,
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
from kehoach_desktop.exchange.pdf.model import ProgressDocument
from kehoach_desktop.exchange.pdf.render import RenderedPdf, build_pdf

# The document's words for stored codes: the interface's Vietnamese labels (one vocabulary, domain.enums).
TASK_STATUS_VI = {s.value: s.vietnamese for s in TaskStatus}
MATERIAL_STATUS_VI = {code: MaterialStatus(code).vietnamese  # in the order of the life cycle
                      for code in ("planned", "produced", "installed", "damaged", "replaced", "removed")}
EVENT_TYPE_VI = {t.value: t.vietnamese for t in EventType}
FLOW_NOTE = "Số liệu trong kỳ (từ ngày {start} đến ngày {end})."
STOCK_NOTE = "Số liệu lũy kế đến hết ngày {end}."


def _p(text: str, style=Styles.cell) -> Paragraph:  # type: ignore[no-untyped-def]
    return CellParagraph(esc(text), style)


def _heads(*titles: str) -> list[Paragraph]:
    return [Paragraph(title, Styles.cell_head) for title in titles]


def _widths(*fractions: float) -> list[float]:
    return [TEXT_WIDTH * f for f in fractions]


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


def average(stocks: Stocks) -> str:
    value = stocks.average_percent
    return "-" if value is None else f"{value}%"


def _body(text: str) -> Paragraph:
    return Paragraph(esc(text), Styles.body)


def _note(text: str) -> Paragraph:
    return Paragraph(esc(text), Styles.table_note)


def _heading(text: str, level: int = 0) -> KeepTogether:
    return KeepTogether(heading(text, level))


def _flow_note(d: ProgressData) -> Paragraph:
    return _note(FLOW_NOTE.format(start=short_date(d.start), end=short_date(d.as_of)))


def _stock_note(d: ProgressData) -> Paragraph:
    return _note(STOCK_NOTE.format(end=short_date(d.as_of)))


def _tasks(doc: ProgressDocument, label: str) -> list[Flowable]:
    d = doc.data
    s, f = d.stocks, d.flows
    parts: list[Flowable] = [
        _heading("I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ"),
        _body(f"Trong {label}, đã hoàn thành {vnd(f.tasks_completed)} nhiệm vụ. Lũy kế đến hết ngày "
              f"{short_date(d.as_of)}, Kế hoạch có {vnd(s.tasks_total)} nhiệm vụ: hoàn thành {vnd(s.tasks_done)} "
              f"({percent(s.tasks_done, s.tasks_total)}), đang thực hiện {vnd(s.tasks_in_progress)}, chưa triển "
              f"khai {vnd(s.tasks_not_started)}, quá hạn {vnd(s.tasks_overdue)}, hủy {vnd(s.tasks_cancelled)}; "
              f"tiến độ bình quân {average(s)} (không tính các nhiệm vụ đã hủy)."),
        *[_body(text) for text in doc.text.results],
    ]
    rows = [[_p(t.theme), vnd(t.stocks.tasks_total), vnd(t.completed), vnd(t.stocks.tasks_done),
             vnd(t.stocks.tasks_in_progress), vnd(t.stocks.tasks_not_started), vnd(t.stocks.tasks_overdue),
             vnd(t.stocks.tasks_cancelled), average(t.stocks)] for t in d.themes]
    rows.append([_p("Tổng cộng", Styles.cell_head), vnd(s.tasks_total), vnd(f.tasks_completed), vnd(s.tasks_done),
                 vnd(s.tasks_in_progress), vnd(s.tasks_not_started), vnd(s.tasks_overdue), vnd(s.tasks_cancelled),
                 average(s)])
    parts += with_table(
        [_heading("1. Nhiệm vụ theo chủ đề và trạng thái", 1),
         _note(f"Số liệu lũy kế đến hết ngày {short_date(d.as_of)}; cột “Hoàn thành trong kỳ”: số liệu trong kỳ.")],
        ChunkedTable(_heads("Chủ đề", "Tổng số", "Hoàn thành trong kỳ", "Hoàn thành", "Đang thực hiện",
                            "Chưa triển khai", "Quá hạn", "Đã hủy", "Tiến độ bình quân"),
                     rows, _widths(0.31, 0.08, 0.10, 0.09, 0.09, 0.09, 0.07, 0.06, 0.11),
                     [("ALIGN", (1, 1), (-1, -1), "CENTER")], tail=1))
    if d.themes:
        parts.append(Spacer(1, 6))
        parts.append(KeepTogether([stacked_bars(
            f"Trạng thái nhiệm vụ theo chủ đề đến hết ngày {short_date(d.as_of)}", [t.theme for t in d.themes],
            [("Hoàn thành", [t.stocks.tasks_done for t in d.themes]),
             ("Đang thực hiện", [t.stocks.tasks_in_progress for t in d.themes]),
             ("Chưa triển khai", [t.stocks.tasks_not_started for t in d.themes]),
             ("Quá hạn", [t.stocks.tasks_overdue for t in d.themes])], TEXT_WIDTH, horizontal=True)]))
    heading_2 = _heading("2. Danh sách nhiệm vụ triển khai trong kỳ", 1)
    if d.tasks:
        rows = [[vnd(i), _p(t.content), _p(t.lead_unit), short_date(t.due_date), _p(TASK_STATUS_VI[t.status]),
                 "-" if t.percent_done is None else f"{t.percent_done}%"]
                for i, t in enumerate(d.tasks, start=1)]
        parts += with_table(  # the indicators are in table 3 only: printed once
            [heading_2, _note(f"Trạng thái và tiến độ đến hết ngày {short_date(d.as_of)}; “-”: chưa cập nhật "
                              "đến ngày đó.")],
            ChunkedTable(_heads("TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Hạn hoàn thành", "Trạng thái",
                                "Tiến độ"),
                         rows, _widths(0.06, 0.44, 0.21, 0.11, 0.11, 0.07),
                         [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (3, 1), (3, -1), "CENTER"),
                          ("ALIGN", (5, 1), (5, -1), "RIGHT")]))
    else:
        parts += [heading_2, _body("Không có nhiệm vụ nào trong kỳ báo cáo.")]
    heading_3 = _heading("3. Chỉ tiêu", 1)
    with_target = [t for t in d.tasks if t.indicator_target]
    if with_target:
        rows = [[_p(t.content), _p(t.indicator_unit), vnd(t.indicator_target),
                 vnd(t.indicator_achieved) if t.indicator_achieved is not None else "-",
                 percent(t.indicator_achieved, t.indicator_target or 0) if t.indicator_achieved is not None else "-"]
                for t in with_target]
        parts += with_table([heading_3, _stock_note(d)],
                            ChunkedTable(_heads("Nhiệm vụ", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ"), rows,
                                         _widths(0.48, 0.18, 0.12, 0.12, 0.10),
                                         [("ALIGN", (2, 1), (-1, -1), "RIGHT")]))
    else:
        parts += [heading_3, _body("Các nhiệm vụ trong kỳ không đặt chỉ tiêu định lượng.")]
    return parts


def indicator(task) -> str:  # type: ignore[no-untyped-def]
    """``1.204/2.000 tin, bài``: achieved over target, in the document's number format."""
    if not task.indicator_target:
        return ""
    achieved = "-" if task.indicator_achieved is None else vnd(task.indicator_achieved)
    return f"{achieved}/{vnd(task.indicator_target)} {task.indicator_unit}".strip()


def _materials(doc: ProgressDocument) -> list[Flowable]:
    d = doc.data
    f, s = d.flows, d.stocks
    parts: list[Flowable] = [_heading("II. TUYÊN TRUYỀN CỔ ĐỘNG TRỰC QUAN")]
    if not d.material_types:
        return [*parts, _body("Không có sản phẩm tuyên truyền trực quan.")]
    parts.append(_body(
        f"Trong kỳ đã sản xuất {vnd(f.materials_produced)}, lắp đặt {vnd(f.materials_installed)}, tháo dỡ "
        f"{vnd(f.materials_removed)} sản phẩm tuyên truyền trực quan; chi phí sản xuất trong kỳ "
        f"{dong(f.materials_cost)}. Đến hết ngày {short_date(d.as_of)}, {vnd(s.materials_in_place)} sản phẩm đang "
        f"ở các địa điểm công cộng; chi phí lũy kế từ đầu năm {dong(s.materials_cost_to_date)}."))
    types = d.material_types
    rows = [[_p(t.label), vnd(t.produced), vnd(t.installed), vnd(t.removed), vnd(t.cost)] for t in types]
    rows.append([_p("Tổng cộng", Styles.cell_head), vnd(f.materials_produced), vnd(f.materials_installed),
                 vnd(f.materials_removed), vnd(f.materials_cost)])
    parts += with_table([_heading("1. Sản xuất, lắp đặt, tháo dỡ trong kỳ", 1), _flow_note(d)],
                        ChunkedTable(_heads("Loại", "Sản xuất", "Lắp đặt", "Tháo dỡ", "Chi phí sản xuất (đồng)"),
                                     rows, _widths(0.30, 0.15, 0.15, 0.15, 0.25),
                                     [("ALIGN", (1, 1), (-1, -1), "RIGHT")], tail=1))
    statuses = [code for code in MATERIAL_STATUS_VI if any(t.by_status.get(code) for t in types)]
    rows = [[_p(t.label), *[vnd(t.by_status.get(code, 0)) for code in statuses], vnd(t.total), vnd(t.cost_to_date)]
            for t in types]
    rows.append([_p("Tổng cộng", Styles.cell_head),
                 *[vnd(sum(t.by_status.get(code, 0) for t in types)) for code in statuses],
                 vnd(s.materials_total), vnd(s.materials_cost_to_date)])
    share = 0.56 / max(len(statuses), 1)  # six statuses of six-figure counts: as wide as the page allows
    parts += with_table(
        [_heading("2. Trạng thái đến hết kỳ", 1), _stock_note(d)],
        ChunkedTable(_heads("Loại", *[MATERIAL_STATUS_VI[c] for c in statuses], "Tổng số",
                            "Chi phí lũy kế từ đầu năm (đồng)"),
                     rows, _widths(0.17, *[share] * len(statuses), 0.11, 0.16), [("ALIGN", (1, 1), (-1, -1), "RIGHT")],
                     tail=1))
    parts.append(Spacer(1, 6))
    parts.append(KeepTogether([stacked_bars(
        f"Sản phẩm tuyên truyền trực quan theo loại và trạng thái đến hết ngày {short_date(d.as_of)}",
        [t.label for t in types],
        [(MATERIAL_STATUS_VI[code], [t.by_status.get(code, 0) for t in types]) for code in statuses],
        TEXT_WIDTH)]))
    parts.append(Spacer(1, 6))
    return parts


def _events(doc: ProgressDocument) -> list[Flowable]:
    d = doc.data
    f, s = d.flows, d.stocks
    parts: list[Flowable] = [
        _heading("III. CÁC HOẠT ĐỘNG, SỰ KIỆN"),
        _body(f"Trong kỳ đã tổ chức {vnd(f.events_held)}/{vnd(d.events_planned)} hoạt động, sự kiện theo kế hoạch "
              f"với {vnd(f.event_participants)} lượt người tham gia; chi phí {dong(f.events_cost)}. Lũy kế từ đầu "
              f"năm đến hết ngày {short_date(d.as_of)}: {vnd(s.events_held_to_date)} hoạt động, sự kiện, "
              f"{vnd(s.event_participants_to_date)} lượt người tham gia, chi phí {dong(s.events_cost_to_date)}."),
    ]
    if d.events:
        rows = [[vnd(i), _p(e.title), _p(EVENT_TYPE_VI.get(e.type, EventType.OTHER.vietnamese)),
                 short_date(e.starts_on), _p(e.venue),
                 vnd(e.participants) if e.participants is not None else "-", vnd(e.cost)]
                for i, e in enumerate(d.events, start=1)]
        rows.append(["", _p("Tổng cộng", Styles.cell_head), "", "", "", vnd(f.event_participants), vnd(f.events_cost)])
        parts += with_table([_flow_note(d)], ChunkedTable(
            _heads("TT", "Hoạt động, sự kiện", "Loại", "Ngày", "Địa điểm", "Số người tham gia", "Chi phí (đồng)"),
            rows, _widths(0.06, 0.29, 0.13, 0.11, 0.17, 0.10, 0.14),
            [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (5, 1), (-1, -1), "RIGHT")], tail=1))
    return parts


def _budget(doc: ProgressDocument) -> list[Flowable]:
    d = doc.data
    f, s = d.flows, d.stocks
    rows = [[_p(t.theme), vnd(t.stocks.budget_planned), vnd(t.spent), vnd(t.stocks.money_spent_to_date),
             percent(t.stocks.money_spent_to_date, t.stocks.budget_planned)] for t in d.themes]
    rows.append([_p("Tổng cộng", Styles.cell_head), vnd(s.budget_planned), vnd(f.money_spent),
                 vnd(s.money_spent_to_date), percent(s.money_spent_to_date, s.budget_planned)])
    return with_table([
        _heading("IV. KINH PHÍ"),
        _body(f"Kinh phí kế hoạch của các nhiệm vụ {dong(s.budget_planned)}; sử dụng trong kỳ "
              f"{dong(f.money_spent)}; lũy kế đến hết ngày {short_date(d.as_of)} {dong(s.money_spent_to_date)} "
              f"({percent(s.money_spent_to_date, s.budget_planned)} kế hoạch)."),
        _note(f"Cột “Sử dụng trong kỳ”: số liệu trong kỳ; các cột khác: lũy kế đến hết ngày {short_date(d.as_of)}.")],
        ChunkedTable(_heads("Chủ đề", "Kế hoạch (đồng)", "Sử dụng trong kỳ (đồng)", "Lũy kế đến hết kỳ (đồng)",
                            "Tỷ lệ"), rows,
                     _widths(0.40, 0.17, 0.17, 0.17, 0.09), [("ALIGN", (1, 1), (-1, -1), "RIGHT")], tail=1))


def _overdue(doc: ProgressDocument) -> list[Flowable]:
    d = doc.data
    parts: list[Flowable] = []
    lead: list[Flowable] = [_heading("V. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"),
                            *[_body(text) for text in doc.text.shortcomings], _heading("1. Nhiệm vụ quá hạn", 1)]
    if d.overdue_tasks:
        rows = [[vnd(i), _p(t.content), _p(t.lead_unit), short_date(t.due_date), vnd(t.days_late)]
                for i, t in enumerate(d.overdue_tasks, start=1)]
        parts += with_table([*lead, _stock_note(d)], ChunkedTable(
            _heads("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn hoàn thành", "Số ngày quá hạn"),
            rows, _widths(0.06, 0.48, 0.20, 0.13, 0.13),
            [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (3, 1), (-1, -1), "CENTER")]))
    else:
        parts += [*lead, _body(f"Không có nhiệm vụ quá hạn đến hết ngày {short_date(d.as_of)}.")]
    heading_2 = _heading("2. Sản phẩm tuyên truyền trực quan quá hạn tháo dỡ", 1)
    if d.overdue_removals:
        labels = {t.type: t.label for t in d.material_types}
        rows = [[vnd(i), _p(labels.get(m.type, m.type)), _p(m.content), _p(m.place), short_date(m.planned_removal_on),
                 vnd(m.days_late)] for i, m in enumerate(d.overdue_removals, start=1)]
        parts += with_table([heading_2, _stock_note(d)], ChunkedTable(
            _heads("TT", "Loại", "Nội dung", "Địa điểm", "Hạn tháo dỡ", "Số ngày quá hạn"), rows,
            _widths(0.06, 0.14, 0.36, 0.22, 0.11, 0.11),
            [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (4, 1), (-1, -1), "CENTER")]))
    else:
        parts += [heading_2, _body("Không có sản phẩm tuyên truyền trực quan quá hạn tháo dỡ đến hết ngày "
                                   f"{short_date(d.as_of)}.")]
    parts += [_heading("3. Nguyên nhân", 1), *_texts(doc.text.causes)]
    return parts


def _texts(texts: tuple[str, ...]) -> list[Flowable]:
    return [_body(text) for text in texts] or [_body("Không có.")]


def _next_period(doc: ProgressDocument) -> list[Flowable]:
    return [_heading("VI. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"), *_texts(doc.text.directions),
            _heading("VII. ĐỀ XUẤT, KIẾN NGHỊ"), *_texts(doc.text.proposals)]


def period_label(data: ProgressData) -> str:
    from kehoach_desktop.domain.periods import parse_period

    return parse_period(data.period).vietnamese


def progress_story(document: ProgressDocument, slot: SignatureSlot) -> list[Flowable]:
    """The pages' flowables: what the PDF draws and the .docx writer (exchange/docx_writer.py) copies."""
    register_fonts()
    label = period_label(document.data)
    story: list[Flowable] = [*header_block(document.header), *title_block(document.header)]
    story += paragraphs(document.introduction)
    story += _tasks(document, label)
    for part in (_materials, _events, _budget, _overdue, _next_period):
        story += part(document)
    story.append(Spacer(1, 4 * mm))
    story += paragraphs(document.closing)
    story.append(signer_block(document.signer, slot))
    return story


def render_progress(document: ProgressDocument) -> RenderedPdf:
    slot = SignatureSlot()
    return build_pdf(document, progress_story(document, slot), None, slot)
