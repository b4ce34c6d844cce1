"""The city's documents: the consolidated report (PDF and Excel) and the reminder letters.

They are issued by the receiving agency the template names, with the template's symbols and place
(``report_symbol``, ``reminder_symbol``, ``place``), to the committee that issued the template.
Document text is Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kehoach_desktop.domain.enums import MaterialStatus, MaterialType, PlanStatus, PropagandaForm
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.periods import parse_period
from kehoach_desktop.domain.reporting import Timeliness
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.exchange.pdf.city_pdf import (
    CityReportDocument,
    CityUnitRow,
    DeviationRow,
    ReminderDocument,
)
from kehoach_desktop.exchange.pdf.model import DocumentHeader, ReportStamp, SignerBlock
from kehoach_desktop.i18n import _, in_vietnamese
from kehoach_desktop.services import audit
from kehoach_desktop.services.city_board import get_completeness_board, units_not_reported, units_to_remind
from kehoach_desktop.services.city_dto import CompletenessBoard, UnitBoardRow, UnitFigures
from kehoach_desktop.services.deviations import DEVIATION_LABELS_VI, get_deviations
from kehoach_desktop.services.reports import Credentials, sign_pdf_bytes, write_atomically
from kehoach_desktop.services.years import current_template
from kehoach_desktop.storage.models import WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

# The deviation appendix's details, in the interface's own Vietnamese words (the budget's has no figures).
_DEVIATION_DETAIL_VI = {"locked_text": in_vietnamese("the city's locked wording was changed"),
                        "theme_without_task": in_vietnamese("no local task under this theme"),
                        "form_unused": in_vietnamese("no task uses this form"),
                        "budget_outlier": "ngoài khoảng trung vị ± 2 lần khoảng tứ phân vị của các đơn vị"}


@dataclass(frozen=True)
class CityDocumentOptions:
    """What the officer may set on a city document: its number and symbol, and the date."""

    number: str = ""  # "12", or "" to fill in by hand
    symbol: str = ""  # "BC-STTTT" by default (from the receiving agency's abbreviation)
    date: dt.date | None = None


@dataclass(frozen=True)
class GeneratedCityReport:
    path: Path
    period: str
    pages: int
    stamp: ReportStamp
    signed: bool


def _agency_symbol(abbreviation: str, name: str) -> str:
    if abbreviation:
        return abbreviation
    initials = "".join(word[:1] for word in fold(name).upper().split())
    return initials or "CQ"


def _received_text(row: UnitBoardRow, period: str) -> str:
    cell = row.cell(period)
    if cell is None or cell.received_on is None:
        return Timeliness.MISSING.vietnamese
    date = f"{cell.received_on.day:02d}/{cell.received_on.month:02d}/{cell.received_on.year}"
    state = Timeliness(cell.timeliness).vietnamese if cell.timeliness else ""
    return f"{state} ({date})"


def _plan_text(row: UnitBoardRow) -> str:
    if row.plan_status is None:
        return "Chưa có"
    if row.plan_status == PlanStatus.ISSUED.value:
        return row.plan_number or "Đã ban hành"
    return "Dự thảo"


def _unit_row(name: str, reported: str, plan: str, f: UnitFigures) -> CityUnitRow:
    return CityUnitRow(name=name, reported=reported, plan=plan, tasks_total=f.tasks_total, tasks_done=f.tasks_done,
                       tasks_overdue=f.tasks_overdue, indicators=f"{f.indicators_achieved}/{f.indicators_total}",
                       materials=f.materials_quantity, events_held=f.events_held, participants=f.participants,
                       budget_planned=f.budget_planned, budget_spent=f.budget_spent)


def _context(uow_factory: UnitOfWorkFactory, period: str, today: dt.date) -> tuple[CompletenessBoard, dict[str, str]]:
    board = get_completeness_board(uow_factory=uow_factory, today=today)
    if period not in [p.period for p in board.periods]:
        raise ValidationError(_("{period} is not a reporting period of the template; choose one of: {periods}.")
                              .format(period=period, periods=", ".join(p.period for p in board.periods)))
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        template = current_template(uow.session)
        symbol = _agency_symbol(template.receiving_agency.abbreviation, template.receiving_agency.name)
        context = {"issuer": nfc(template.issuing_agency.name), "agency": nfc(template.receiving_agency.name),
                   "symbol": symbol, "place": nfc(template.place),
                   "report_symbol": nfc(template.report_symbol) or f"BC-{symbol}",
                   "reminder_symbol": nfc(template.reminder_symbol) or symbol,
                   "signer_name": nfc(info.signer_name), "signer_title": nfc(info.signer_title),
                   "signer_authority": nfc(info.signer_authority), "unit_code": info.unit_code,
                   "year": str(template.year), "summary": nfc(template.summary)}
    return board, context


def _signer(context: dict[str, str], recipients: tuple[str, ...]) -> SignerBlock:
    title = context["signer_title"] or "Giám đốc"
    deputy = "KT. GIÁM ĐỐC" if fold(title).startswith("pho") else ""
    authority = context["signer_authority"]
    if fold(authority).startswith("tm. uy ban"):  # a department signs for itself, not for a committee
        authority = ""
    return SignerBlock(authority=authority, deputy=deputy, title=title,
                       name=context["signer_name"], recipients=recipients)


def get_city_report_document(*, uow_factory: UnitOfWorkFactory, period: str, today: dt.date,
                             options: CityDocumentOptions = CityDocumentOptions()) -> CityReportDocument:
    span = parse_period(period)
    board, c = _context(uow_factory, span.code, today)
    rows = tuple(_unit_row(r.display_name, _received_text(r, span.code), _plan_text(r), r.figures)
                 for r in board.rows)
    missing = units_not_reported(board, span.code)
    cells = [r.cell(span.code) for r in board.rows]
    on_time = sum(1 for cell in cells if cell and cell.timeliness == Timeliness.ON_TIME.value)
    late = sum(1 for cell in cells if cell and cell.timeliness == Timeliness.LATE.value)
    types = {c.code: c.amount for c in board.totals.materials_by_type}
    deviations = tuple(
        DeviationRow(unit=u.display_name, kind=DEVIATION_LABELS_VI[d.kind],
                     subject=_form_vietnamese(d.subject) if d.kind == "form_unused" else d.subject,
                     detail=_DEVIATION_DETAIL_VI[d.kind])
        for u in get_deviations(uow_factory=uow_factory) for d in u.deviations)
    header = DocumentHeader(
        superior_agency=c["issuer"], issuing_agency=c["agency"].upper(), number=options.number,
        symbol=options.symbol or c["report_symbol"], place=c["place"], date=options.date or today,
        doc_type="BÁO CÁO", summary=f"Tổng hợp kết quả thực hiện công tác tuyên truyền {span.vietnamese}",
        recipient=_title_case(c["issuer"], c["place"]))
    return CityReportDocument(
        header=header,
        introduction=(f"Thực hiện Kế hoạch của {_title_case(c['issuer'], c['place'])} về {_lower_first(c['summary'])}, "
                      f"{c['agency']} tổng hợp báo cáo của {len(board.rows)} {board.unit_term} "
                      f"{span.vietnamese} như sau:"),
        period=span.code, period_label=span.vietnamese, units_total=len(board.rows), on_time=on_time, late=late,
        rows=rows, totals=_unit_row("Toàn Thành phố", f"{on_time + late}/{len(board.rows)}",
                                    f"{board.totals.plans_issued}/{len(board.rows)}", board.totals),
        material_types=tuple((t.vietnamese, types[t.value]) for t in MaterialType if types.get(t.value)),
        not_reported=tuple(r.display_name for r in missing), deviations=deviations,
        closing=f"Trên đây là báo cáo tổng hợp kết quả thực hiện công tác tuyên truyền {span.vietnamese} "
                f"của {c['agency']}./.",
        signer=_signer(c, ("Như trên;", f"Lưu: VT, {c['symbol']}.")), unit_code=c["unit_code"])


def _form_vietnamese(label: str) -> str:
    """A form of propaganda named in the interface's language, as the Vietnamese document names it."""
    return next((f.vietnamese for f in PropagandaForm if f.label == label), label)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _title_case(agency: str, place: str) -> str:
    """``ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI`` → ``Ủy ban nhân dân Thành phố Hà Nội`` for a sentence.

    ``place`` is the template's place name, written as the template writes it.
    """
    lowered = re.sub(r"\bthành (phố)", r"Thành \1", agency.lower())
    if place:
        lowered = lowered.replace(place.lower(), place)
    return lowered[:1].upper() + lowered[1:]


def generate_city_report(*, uow_factory: UnitOfWorkFactory, period: str, out: Path, today: dt.date,
                         credentials: Credentials | None = None,
                         options: CityDocumentOptions = CityDocumentOptions()) -> GeneratedCityReport:
    """Render (and optionally sign) the consolidated report for ``period``, written whole or not at all."""
    from kehoach_desktop.exchange.pdf.city_pdf import render_city_report

    document = get_city_report_document(uow_factory=uow_factory, period=period, today=today, options=options)
    rendered = render_city_report(document)
    data = rendered.data
    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))
    if credentials is not None:
        data = sign_pdf_bytes(uow_factory=uow_factory, data=data, credentials=credentials)
    write_atomically(Path(out), data)
    _record(uow_factory, "report.city", Path(out), {"period": document.period, "signed": credentials is not None})
    return GeneratedCityReport(Path(out), document.period, pages, rendered.stamp, credentials is not None)


def _record(uow_factory: UnitOfWorkFactory, action: str, out: Path, details: dict[str, object]) -> None:
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        audit.record(uow.session, unit_code=info.unit_code, action=action, entity="document", summary=out.name,
                     details={"file": out.name, **details})
        uow.commit()


def export_city_workbook(*, uow_factory: UnitOfWorkFactory, period: str, out: Path, today: dt.date) -> Path:
    """The consolidated workbook: one sheet per measure, one row per reporting unit."""
    from kehoach_desktop.exchange.city_excel import Measure, write_city_workbook

    span = parse_period(period)
    board, _c = _context(uow_factory, span.code, today)
    rows = board.rows

    def measure(sheet: str, columns: tuple[str, ...], values, money: tuple[int, ...] = ()) -> Measure:  # type: ignore[no-untyped-def]
        return Measure(sheet, columns, tuple((r.code, r.display_name, tuple(values(r))) for r in rows), money)

    def by(entries, code: str) -> int:  # type: ignore[no-untyped-def]
        return next((e.count for e in entries if e.code == code), 0)

    type_codes = [t.value for t in MaterialType]
    status_codes = ["planned", "produced", "installed", "damaged", "replaced", "removed"]
    measures = [
        Measure("Báo cáo", ("Trạng thái", "Ngày nhận", "Gói số", "Quyết định"),
                tuple((r.code, r.display_name, (_received_text(r, span.code),
                                                 (c.received_on.isoformat() if (c := r.cell(span.code)) and
                                                  c.received_on else ""),
                                                 c.sequence if c and c.sequence is not None else "",
                                                 c.decision if c else "")) for r in rows), total=False),
        Measure("Kế hoạch", ("Trạng thái", "Số, ký hiệu", "Lần ban hành"),
                tuple((r.code, r.display_name, (_plan_text(r), r.plan_number, r.plan_revision)) for r in rows),
                total=False),
        measure("Nhiệm vụ", ("Tổng số", "Hoàn thành", "Đang thực hiện", "Quá hạn"),
                lambda r: (r.figures.tasks_total, r.figures.tasks_done, r.figures.tasks_in_progress,
                           r.figures.tasks_overdue)),
        measure("Chỉ tiêu", ("Có chỉ tiêu", "Đạt chỉ tiêu"),
                lambda r: (r.figures.indicators_total, r.figures.indicators_achieved)),
        measure("Sản phẩm theo loại", (*[MaterialType(t).vietnamese for t in type_codes], "Tổng số"),
                lambda r: (*[by(r.figures.materials_by_type, t) for t in type_codes], r.figures.materials_total)),
        measure("Sản phẩm theo trạng thái", (*[MaterialStatus(s).vietnamese for s in status_codes], "Tổng số"),
                lambda r: (*[by(r.figures.materials_by_status, s) for s in status_codes],
                           r.figures.materials_total)),
        measure("Sự kiện", ("Tổng số", "Đã tổ chức", "Người tham gia", "Kinh phí (đồng)"),
                lambda r: (r.figures.events_total, r.figures.events_held, r.figures.participants,
                           r.figures.events_cost), money=(3,)),
        measure("Kinh phí", ("Kế hoạch (đồng)", "Đã sử dụng (đồng)"),
                lambda r: (r.figures.budget_planned, r.figures.budget_spent), money=(0, 1)),
    ]
    write_city_workbook(Path(out), measures, title=f"Tổng hợp {span.vietnamese}")
    _record(uow_factory, "excel.city", Path(out), {"period": span.code})
    return Path(out)


def write_reminders(*, uow_factory: UnitOfWorkFactory, period: str, folder: Path, today: dt.date,
                    combined: bool, options: CityDocumentOptions = CityDocumentOptions(),
                    unit_codes: tuple[str, ...] | None = None) -> list[Path]:
    """Reminder letters (công văn đôn đốc) to the units whose report for ``period`` is missing or returned."""
    from kehoach_desktop.exchange.pdf.city_pdf import render_reminder

    span = parse_period(period)
    board, c = _context(uow_factory, span.code, today)
    units = [r for r in units_to_remind(board, span.code) if unit_codes is None or r.code in unit_codes]
    if not units:
        raise ValidationError(_("No unit is late or missing for {period}: there is nobody to remind.").format(
            period=span.label))
    deadline = next(p.deadline for p in board.periods if p.period == span.code)
    deadline_text = f"{deadline.day:02d}/{deadline.month:02d}/{deadline.year}"

    def what(row: UnitBoardRow) -> str:
        cell = row.cell(span.code)
        if cell is not None and cell.timeliness == Timeliness.RETURNED.value:
            return f"Báo cáo {span.vietnamese} đã được trả lại để hoàn thiện: {cell.reason}"
        return f"Báo cáo kết quả thực hiện kế hoạch tuyên truyền {span.vietnamese} (gói dữ liệu báo cáo)"

    def letter(rows: list[UnitBoardRow]) -> ReminderDocument:
        addressees = tuple(f"UBND {r.kind} {r.name}" for r in rows)
        header = DocumentHeader(
            superior_agency=c["issuer"], issuing_agency=c["agency"].upper(), number=options.number,
            symbol=options.symbol or c["reminder_symbol"], place=c["place"], date=options.date or today,
            doc_type="", summary=f"V/v đôn đốc gửi báo cáo kết quả công tác tuyên truyền {span.vietnamese}")
        return ReminderDocument(
            header=header, addressees=addressees,
            body=(f"Theo kế hoạch, các đơn vị gửi báo cáo {span.vietnamese} về {c['agency']} trước ngày "
                  f"{deadline_text}. Đến ngày {today.day:02d}/{today.month:02d}/{today.year}, {c['agency']} "
                  f"chưa nhận được đầy đủ báo cáo của các đơn vị sau:",),
            missing=tuple((r.display_name, what(r)) for r in rows),
            closing=(f"{c['agency']} đề nghị các đơn vị khẩn trương hoàn thiện và gửi báo cáo theo quy định "
                     "để tổng hợp, báo cáo Ủy ban nhân dân Thành phố./."),
            signer=_signer(c, ("Như trên;", f"Lưu: VT, {c['symbol']}.")), period=span.code, unit_code=c["unit_code"])

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    groups = [units] if combined else [[r] for r in units]
    written = []
    for group in groups:
        name = f"don-doc-{span.code}-{'tat-ca' if combined else group[0].code}.pdf"
        path = folder / name
        write_atomically(path, render_reminder(letter(group)).data)
        written.append(path)
    _record(uow_factory, "reminder.write", folder, {"period": span.code, "units": [r.code for r in units],
                                                    "files": [p.name for p in written]})
    return written
