"""The city's documents: the consolidated report (PDF and Excel) and the reminder letters.

They are issued by the receiving agency the template names, with the template's symbols and place
(``report_symbol``, ``reminder_symbol``, ``place``), to the committee that issued the template.
Document text is Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import PropagandaForm
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.periods import Period, parse_period
from kehoach_desktop.domain.report_data import LATE, MISSING, REPORTED, CityData, canonical_json
from kehoach_desktop.domain.reporting import Timeliness
from kehoach_desktop.domain.template import Template
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.exchange.pdf.city_pdf import (
    CityReportDocument,
    DeviationRow,
    ReminderDocument,
)
from kehoach_desktop.exchange.pdf.layout import dong, short_date, vnd
from kehoach_desktop.exchange.pdf.model import DocumentHeader, ReportStamp, SignerBlock
from kehoach_desktop.i18n import _, in_vietnamese
from kehoach_desktop.services import audit
from kehoach_desktop.services.city_board import (
    get_completeness_board,
    require_city,
    units_to_remind,
)
from kehoach_desktop.services.city_dto import CompletenessBoard, UnitBoardRow
from kehoach_desktop.services.city_period import read_city_data
from kehoach_desktop.services.deviations import DEVIATION_LABELS_VI, MIN_UNITS, get_deviations
from kehoach_desktop.services.documents import (
    KIND_REMINDER,
    IssueDetails,
    check_number,
    next_number,
    number_text,
    record_issue,
)
from kehoach_desktop.services.reports import Credentials, sign_pdf_bytes, write_atomically
from kehoach_desktop.services.years import current_template
from kehoach_desktop.storage.models import WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

# The deviation appendix's details, in the interface's own Vietnamese words (one vocabulary).
_DEVIATION_DETAIL_VI = {"locked_text": in_vietnamese("the city's locked wording was changed"),
                        "theme_without_task": in_vietnamese("no local task under this theme"),
                        "form_unused": in_vietnamese("no task uses this form")}


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


def _document_context(session: Session, template: Template) -> dict[str, str]:
    """What the city's documents say of their issuer: the template in use and the workspace's signer."""
    info = session.scalars(select(WorkspaceInfo)).one()
    symbol = _agency_symbol(template.receiving_agency.abbreviation, template.receiving_agency.name)
    return {"issuer": nfc(template.issuing_agency.name), "agency": nfc(template.receiving_agency.name),
            "symbol": symbol, "place": nfc(template.place),
            "report_symbol": nfc(template.report_symbol) or f"BC-{symbol}",
            "reminder_symbol": nfc(template.reminder_symbol) or symbol,
            "signer_name": nfc(info.signer_name), "signer_title": nfc(info.signer_title),
            "signer_authority": nfc(info.signer_authority), "unit_code": info.unit_code,
            "year": str(template.year), "summary": nfc(template.summary)}


def _context(uow_factory: UnitOfWorkFactory, period: str, today: dt.date) -> tuple[CompletenessBoard, dict[str, str]]:
    board = get_completeness_board(uow_factory=uow_factory, today=today)
    if period not in [p.period for p in board.periods]:
        raise ValidationError(_("{period} is not a reporting period of the template; choose one of: {periods}.")
                              .format(period=period, periods=", ".join(p.period for p in board.periods)))
    with uow_factory() as uow:
        context = _document_context(uow.session, current_template(uow.session))
    return board, context


def _signer(context: dict[str, str], recipients: tuple[str, ...]) -> SignerBlock:
    title = context["signer_title"] or "Giám đốc"
    deputy = "KT. GIÁM ĐỐC" if fold(title).startswith("pho") else ""
    authority = context["signer_authority"]
    if fold(authority).startswith("tm. uy ban"):  # a department signs for itself, not for a committee
        authority = ""
    return SignerBlock(authority=authority, deputy=deputy, title=title,
                       name=context["signer_name"], recipients=recipients)


def _city_template(uow_factory: UnitOfWorkFactory, period: str) -> tuple[Template, dict[str, str]]:
    """The template in use and what the documents say of their issuer, ``period`` checked to be one of the
    template's reporting periods."""
    with uow_factory() as uow:
        require_city(uow.session)
        template = current_template(uow.session)
        context = _document_context(uow.session, template)
    periods = [p.period for p in template.reporting_periods]
    if period not in periods:
        raise ValidationError(_("{period} is not a reporting period of the template; choose one of: {periods}.")
                              .format(period=period, periods=", ".join(periods)))
    return template, context


def get_city_data(*, uow_factory: UnitOfWorkFactory, period: str, today: dt.date) -> CityData:
    """The consolidated figures of ``period`` (each unit from its package of that period): what the PDF prints
    and ``--data-out`` writes."""
    span = parse_period(period)
    template, c = _city_template(uow_factory, span.code)
    with uow_factory() as uow:
        return read_city_data(uow.session, template, unit_code=c["unit_code"], unit_name=c["agency"],
                              period=span.code, today=today)


def _deviation_rows(uow_factory: UnitOfWorkFactory) -> tuple[tuple[DeviationRow, ...], str]:
    """One row per unit and kind of departure, its subjects listed together (126 units stay readable)."""
    units = get_deviations(uow_factory=uow_factory)
    rows = []
    for unit in units:
        by_kind: dict[str, list[str]] = {}
        for d in unit.deviations:
            if d.kind == "budget_outlier":
                rows.append(DeviationRow(
                    unit=unit.display_name, kind=DEVIATION_LABELS_VI[d.kind], subject=dong(d.amount),
                    detail=(f"thấp hơn một nửa hoặc cao hơn gấp đôi trung vị kinh phí của các đơn vị khác "
                            f"({dong(d.reference)})")))
                continue
            subject = _form_vietnamese(d.subject) if d.kind == "form_unused" else d.subject
            by_kind.setdefault(d.kind, []).append(subject)
        rows += [DeviationRow(unit=unit.display_name, kind=DEVIATION_LABELS_VI[kind], subject="; ".join(subjects),
                              detail=_DEVIATION_DETAIL_VI[kind]) for kind, subjects in by_kind.items()]
    if len(units) < MIN_UNITS:
        note = (f"Có {vnd(len(units))} đơn vị đã gửi kế hoạch: chưa đủ {MIN_UNITS} đơn vị để so sánh kinh phí "
                "giữa các đơn vị.")
    else:
        note = (f"Kinh phí của một đơn vị được coi là khác biệt lớn khi thấp hơn một nửa hoặc cao hơn gấp đôi trung "
                f"vị kinh phí của các đơn vị còn lại ({vnd(len(units))} đơn vị đã gửi kế hoạch).")
    return tuple(rows), note


def get_city_report_document(*, uow_factory: UnitOfWorkFactory, period: str, today: dt.date,
                             options: CityDocumentOptions = CityDocumentOptions()) -> CityReportDocument:
    span = parse_period(period)
    data = get_city_data(uow_factory=uow_factory, period=span.code, today=today)
    template, c = _city_template(uow_factory, span.code)
    deviations, note = _deviation_rows(uow_factory)
    header = DocumentHeader(
        superior_agency=c["issuer"], issuing_agency=c["agency"].upper(), number=options.number,
        symbol=options.symbol or c["report_symbol"], place=c["place"], date=options.date or today,
        doc_type="BÁO CÁO", summary=f"Tổng hợp kết quả thực hiện công tác tuyên truyền {span.vietnamese}",
        recipient=_title_case(c["issuer"], c["place"]))
    return CityReportDocument(
        header=header,
        introduction=(f"Thực hiện Kế hoạch của {_title_case(c['issuer'], c['place'])} về "
                      f"{_lower_first(c['summary'])}, {c['agency']} tổng hợp báo cáo của {vnd(len(data.units))} "
                      f"{template.unit_term} {span.vietnamese} như sau:"),
        period_label=span.vietnamese, data=data, deviations=deviations, deviation_note=note,
        closing=f"Trên đây là báo cáo tổng hợp kết quả thực hiện công tác tuyên truyền {span.vietnamese} "
                f"của {c['agency']}./.",
        signer=_signer(c, ("Như trên;", f"Lưu: VT, {c['symbol']}.")))


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
                         options: CityDocumentOptions = CityDocumentOptions(), data_out: Path | None = None,
                         accept_signer_mismatch: bool = False) -> GeneratedCityReport:
    """Render (and optionally sign) the consolidated report for ``period``, written whole or not at all; with
    ``data_out``, its figures as JSON (the canonical bytes whose SHA-256 its QR code holds)."""
    from kehoach_desktop.exchange.pdf.city_pdf import render_city_report

    document = get_city_report_document(uow_factory=uow_factory, period=period, today=today, options=options)
    rendered = render_city_report(document)
    data = rendered.data
    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))
    if credentials is not None:
        data = sign_pdf_bytes(uow_factory=uow_factory, data=data, credentials=credentials,
                              accept_signer_mismatch=accept_signer_mismatch)
    write_atomically(Path(out), data)
    if data_out is not None:
        write_atomically(Path(data_out), canonical_json(document.data.to_json()))
    _record(uow_factory, "report.city", Path(out), {"period": document.period, "signed": credentials is not None})
    return GeneratedCityReport(Path(out), document.period, pages, rendered.stamp, credentials is not None)


def _record(uow_factory: UnitOfWorkFactory, action: str, out: Path, details: dict[str, object]) -> None:
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        audit.record(uow.session, unit_code=info.unit_code, action=action, entity="document", summary=out.name,
                     details={"file": out.name, **details})
        uow.commit()


def export_city_workbook(*, uow_factory: UnitOfWorkFactory, period: str, out: Path, today: dt.date) -> Path:
    """The consolidated workbook: one sheet per measure, one row per reporting unit, the same figures as the
    consolidated report (each unit from its package of exactly that period; a missing unit's cells empty)."""
    from kehoach_desktop.exchange.city_excel import Measure, write_city_workbook

    data = get_city_data(uow_factory=uow_factory, period=period, today=today)
    label = parse_period(data.period).vietnamese

    def measure(sheet: str, columns: tuple[str, ...], values, money: tuple[int, ...] = ()) -> Measure:  # type: ignore[no-untyped-def]
        return Measure(sheet, columns, tuple(
            (u.code, u.name, tuple(values(u.flows, u.stocks)) if u.flows and u.stocks else (None,) * len(columns))
            for u in data.units), money)

    status = {REPORTED: "Đúng hạn", LATE: "Nộp chậm", MISSING: "Chưa nộp"}
    review = {"received": "Chưa xem xét", "accepted": "Đã chấp nhận", "returned": "Đã trả lại"}
    measures = [
        Measure("Báo cáo", ("Trạng thái", "Ngày nhận", "Gói số", "Xem xét", "Số liệu đến ngày"),
                tuple((u.code, u.name, (status[u.status], u.received_on.isoformat() if u.received_on else "",
                                        u.sequence if u.sequence is not None else "", review.get(u.review, ""),
                                        u.as_of.isoformat() if u.as_of else "")) for u in data.units),
                total=False),
        Measure("Kế hoạch", ("Trạng thái", "Số, ký hiệu"),
                tuple((u.code, u.name, ({"issued": "Đã ban hành", "draft": "Dự thảo"}.get(
                    u.plan.status, "Chưa có") if u.plan else "", u.plan.number if u.plan else ""))
                      for u in data.units), total=False),
        measure("Nhiệm vụ", ("Hoàn thành trong kỳ", "Tổng số", "Hoàn thành (lũy kế)", "Đang thực hiện",
                             "Chưa triển khai", "Quá hạn", "Đã hủy"),
                lambda f, s: (f.tasks_completed, s.tasks_total, s.tasks_done, s.tasks_in_progress,
                              s.tasks_not_started, s.tasks_overdue, s.tasks_cancelled)),
        measure("Chỉ tiêu", ("Có chỉ tiêu", "Đạt chỉ tiêu"), lambda f, s: (s.indicators_total, s.indicators_achieved)),
        measure("Sản phẩm trực quan", ("Sản xuất trong kỳ", "Lắp đặt trong kỳ", "Tháo dỡ trong kỳ",
                                       "Chi phí trong kỳ (đồng)", "Đang ở nơi công cộng", "Tổng số (đến hết kỳ)",
                                       "Chi phí lũy kế (đồng)"),
                lambda f, s: (f.materials_produced, f.materials_installed, f.materials_removed, f.materials_cost,
                              s.materials_in_place, s.materials_total, s.materials_cost_to_date), money=(3, 6)),
        measure("Sự kiện", ("Tổ chức trong kỳ", "Người tham gia trong kỳ", "Chi phí trong kỳ (đồng)",
                            "Tổ chức lũy kế", "Người tham gia lũy kế", "Chi phí lũy kế (đồng)"),
                lambda f, s: (f.events_held, f.event_participants, f.events_cost, s.events_held_to_date,
                              s.event_participants_to_date, s.events_cost_to_date), money=(2, 5)),
        measure("Kinh phí", ("Kế hoạch (đồng)", "Sử dụng trong kỳ (đồng)", "Lũy kế đến hết kỳ (đồng)"),
                lambda f, s: (s.budget_planned, f.money_spent, s.money_spent_to_date), money=(0, 1, 2)),
    ]
    write_city_workbook(Path(out), measures, title=f"Tổng hợp {label}")
    _record(uow_factory, "excel.city", Path(out), {"period": data.period})
    return Path(out)


def drafting_unit(symbol: str, agency_symbol: str) -> str:
    """The drafting unit a document's symbol names after the agency's (``AGENCY-UNIT`` → ``UNIT``), or ""."""
    parts = [p for p in symbol.split("-") if p]
    while parts and (parts[0] == agency_symbol or parts[0] in _DOCUMENT_TYPES):
        parts.pop(0)
    return "-".join(parts)


_DOCUMENT_TYPES = ("BC", "KH", "TB", "QĐ", "TTr", "HD", "CV")


@dataclass(frozen=True)
class IssuedReminder:
    path: Path
    number_symbol: str
    issue_date: dt.date
    units: tuple[str, ...]  # the addressees' codes
    signed: bool


def _reminder_letter(c: dict[str, str], span: Period, rows: list[UnitBoardRow], *, deadline: dt.date,
                     today: dt.date, number: str, symbol: str, date: dt.date | None,
                     draft: bool) -> ReminderDocument:
    """One letter to ``rows``: "đơn vị" to one unit, "các đơn vị" to several; "Lưu" names the symbol's drafting
    unit."""

    def what(row: UnitBoardRow) -> str:
        cell = row.cell(span.code)
        if cell is not None and cell.timeliness == Timeliness.RETURNED.value:
            return f"Báo cáo {span.vietnamese} đã được trả lại để hoàn thiện: {cell.reason}"
        return f"Báo cáo kết quả thực hiện kế hoạch tuyên truyền {span.vietnamese} (gói dữ liệu báo cáo)"

    addressees = tuple(f"UBND {r.kind} {r.name}" for r in rows)
    one = len(rows) == 1
    who = addressees[0] if one else "các đơn vị"
    header = DocumentHeader(
        superior_agency=c["issuer"], issuing_agency=c["agency"].upper(), number=number, symbol=symbol,
        place=c["place"], date=date, doc_type="", draft=draft,
        summary=f"V/v đôn đốc gửi báo cáo kết quả công tác tuyên truyền {span.vietnamese}")
    drafting = drafting_unit(symbol, c["symbol"])
    return ReminderDocument(
        header=header, addressees=addressees,
        body=(f"Theo kế hoạch, {'đơn vị' if one else 'các đơn vị'} gửi báo cáo {span.vietnamese} về {c['agency']} "
              f"trước ngày {short_date(deadline)}. Đến ngày {short_date(today)}, {c['agency']} chưa nhận được "
              + (f"báo cáo của {who}:" if one else "đầy đủ báo cáo của các đơn vị sau:"),),
        missing=tuple((r.display_name, what(r)) for r in rows),
        closing=(f"{c['agency']} đề nghị {who} khẩn trương hoàn thiện và gửi báo cáo theo quy định "
                 "để tổng hợp, báo cáo Ủy ban nhân dân Thành phố./."),
        signer=_signer(c, ("Như trên;", f"Lưu: VT, {drafting}." if drafting else "Lưu: VT.")),
        period=span.code, unit_code=c["unit_code"])


def _late_units(uow_factory: UnitOfWorkFactory, span: Period, today: dt.date,
                unit_codes: tuple[str, ...] | None) -> tuple[list[UnitBoardRow], dt.date, dict[str, str]]:
    board, c = _context(uow_factory, span.code, today)
    late = units_to_remind(board, span.code)
    if unit_codes is not None:
        unknown = [code for code in unit_codes if code not in {r.code for r in late}]
        if unknown:
            raise ValidationError(_("Unit {units} is not late and has no returned report for {period}: it needs no "
                                    "reminder.").format(units=", ".join(unknown), period=span.label))
    units = [r for r in late if unit_codes is None or r.code in unit_codes]
    if not units:
        raise ValidationError(_("No unit is late or missing for {period}: there is nobody to remind.").format(
            period=span.label))
    deadline = next(p.deadline for p in board.periods if p.period == span.code)
    return units, deadline, c


def _issue_letter(uow_factory: UnitOfWorkFactory, c: dict[str, str], span: Period, rows: list[UnitBoardRow], *,
                  deadline: dt.date, today: dt.date, date: dt.date, number: int | None,
                  finish: Callable[[bytes], None]) -> str:
    """Number the letter through the register (``number``, or the next free one), render it, keep it; ``finish``
    (sign, write the file) runs before the register is committed, so a letter that fails takes no number."""
    from kehoach_desktop.exchange.pdf.city_pdf import render_reminder

    symbol = c["reminder_symbol"]
    with uow_factory() as uow:
        s = uow.session
        chosen = number or next_number(s, unit_code=c["unit_code"], year=date.year, symbol=symbol)
        letter = _reminder_letter(c, span, rows, deadline=deadline, today=today, number=number_text(chosen),
                                  symbol=symbol, date=date, draft=False)
        details = IssueDetails(number=chosen, issue_date=date, recipient="; ".join(letter.addressees),
                               recipients=letter.signer.recipients, signer_title=letter.signer.title,
                               signer_name=letter.signer.name)
        check_number(s, unit_code=c["unit_code"], symbol=symbol, details=details)
        pdf = render_reminder(letter).data
        record_issue(s, unit_code=c["unit_code"], kind=KIND_REMINDER, period=span.code, symbol=symbol,
                     summary=letter.header.summary, details=details, pdf=pdf)
        finish(pdf)
        uow.commit()
    return f"{number_text(chosen)}/{symbol}"


def issue_reminder(*, uow_factory: UnitOfWorkFactory, period: str, out: Path, today: dt.date,
                   unit_codes: tuple[str, ...] | None = None, number: int | None = None,
                   date: dt.date | None = None, credentials: Credentials | None = None,
                   accept_signer_mismatch: bool = False) -> IssuedReminder:
    """One reminder letter to the late units of ``period`` (or to ``unit_codes``), numbered through the register
    (the next free number unless ``number``), signed if ``credentials``, written whole or not at all."""
    span = parse_period(period)
    rows, deadline, c = _late_units(uow_factory, span, today, unit_codes)
    day = date or today

    def sign_and_write(pdf: bytes) -> None:
        if credentials is not None:
            pdf = sign_pdf_bytes(uow_factory=uow_factory, data=pdf, credentials=credentials,
                                 accept_signer_mismatch=accept_signer_mismatch)
        write_atomically(Path(out), pdf)

    number_symbol = _issue_letter(uow_factory, c, span, rows, deadline=deadline, today=today, date=day,
                                  number=number, finish=sign_and_write)
    _record(uow_factory, "reminder.write", Path(out), {"period": span.code, "units": [r.code for r in rows],
                                                      "number": number_symbol})
    return IssuedReminder(Path(out), number_symbol, day, tuple(r.code for r in rows), credentials is not None)


def draft_reminder(*, uow_factory: UnitOfWorkFactory, period: str, today: dt.date,
                   unit_codes: tuple[str, ...] | None = None, date: dt.date | None = None) -> ReminderDocument:
    """The letter issuing would write now, as a draft to review (its Word copy): marked DỰ THẢO, without a
    number, so it takes none from the register."""
    span = parse_period(period)
    rows, deadline, c = _late_units(uow_factory, span, today, unit_codes)
    return _reminder_letter(c, span, rows, deadline=deadline, today=today, number="", symbol=c["reminder_symbol"],
                            date=date, draft=True)


def write_reminders(*, uow_factory: UnitOfWorkFactory, period: str, folder: Path, today: dt.date,
                    combined: bool, options: CityDocumentOptions = CityDocumentOptions(),
                    unit_codes: tuple[str, ...] | None = None, word: bool = False) -> list[Path]:
    """Reminder letters (công văn đôn đốc) to the units whose report for ``period`` is missing or returned, each
    numbered through the register: one letter to all, or one per unit. ``word``: their Word drafts (.docx)
    instead, to review before issuing: marked DỰ THẢO, not numbered, not in the register."""
    span = parse_period(period)
    units, deadline, c = _late_units(uow_factory, span, today, unit_codes)
    if options.symbol:
        c = {**c, "reminder_symbol": options.symbol}
    first = int(options.number) if options.number.isdigit() else None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    groups = [units] if combined else [[r] for r in units]
    if word:
        return _write_drafts(uow_factory, c, span, groups, folder, deadline=deadline, today=today,
                             date=options.date, combined=combined)
    written = []
    for index, group in enumerate(groups):
        name = f"don-doc-{span.code}-{'tat-ca' if combined else group[0].code}.pdf"
        path = folder / name
        _issue_letter(uow_factory, c, span, group, deadline=deadline, today=today, date=options.date or today,
                      number=first + index if first else None,
                      finish=lambda pdf, path=path: write_atomically(path, pdf))  # type: ignore[misc]
        written.append(path)
    _record(uow_factory, "reminder.write", folder, {"period": span.code, "units": [r.code for r in units],
                                                    "files": [p.name for p in written]})
    return written


def _write_drafts(uow_factory: UnitOfWorkFactory, c: dict[str, str], span: Period, groups: list[list[UnitBoardRow]],
                  folder: Path, *, deadline: dt.date, today: dt.date, date: dt.date | None,
                  combined: bool) -> list[Path]:
    from kehoach_desktop.exchange.docx_writer import reminder_docx

    written = []
    for group in groups:
        path = folder / f"du-thao-don-doc-{span.code}-{'tat-ca' if combined else group[0].code}.docx"
        letter = _reminder_letter(c, span, group, deadline=deadline, today=today, number="",
                                  symbol=c["reminder_symbol"], date=date, draft=True)
        write_atomically(path, reminder_docx(letter))
        written.append(path)
    _record(uow_factory, "reminder.docx", folder, {"period": span.code, "units": [r.code for g in groups for r in g],
                                                   "files": [p.name for p in written]})
    return written
