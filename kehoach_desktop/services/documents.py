"""The register of issued documents (sổ đăng ký văn bản đi): progress reports, plan revisions, reminder letters.

Issuing gives a document its number (the next free one of its symbol in the year is suggested; numbers
restart each year), date, "Kính gửi", recipients and signer, and keeps the PDF as issued, so that printing
it again gives the same document. Until then a progress report is a draft: its edited text is kept here
(a row without a number) and it prints with the "DỰ THẢO" mark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.exchange.pdf.model import ReportText
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.storage.models import IssuedDocument, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

KIND_PROGRESS = "progress"
KIND_PLAN = "plan"
KIND_REMINDER = "reminder"
MAX_NUMBER = 99_999


def number_text(number: int) -> str:
    """How a document's number is written: below 10 with a leading zero (``05``)."""
    return f"{number:02d}"


@dataclass(frozen=True)
class IssueDetails:
    """What the officer gives a document when issuing it."""

    number: int
    issue_date: dt.date
    recipient: str = ""  # "Kính gửi"
    recipients: tuple[str, ...] = ()  # Nơi nhận, one a line
    signer_title: str = ""
    signer_name: str = ""


@dataclass(frozen=True)
class RegisterEntry:
    kind: str
    period: str
    number: int
    symbol: str
    issue_date: dt.date
    summary: str
    recipient: str
    recipients: tuple[str, ...]
    signer_title: str
    signer_name: str
    issued_at: dt.datetime
    issued_by: str

    @property
    def number_symbol(self) -> str:
        return f"{number_text(self.number)}/{self.symbol}"


def _entry(row: IssuedDocument) -> RegisterEntry:
    assert row.number is not None and row.issue_date is not None and row.issued_at is not None
    return RegisterEntry(kind=row.kind, period=row.period, number=row.number, symbol=row.symbol,
                         issue_date=row.issue_date, summary=row.summary, recipient=row.recipient,
                         recipients=tuple(row.recipients or ()), signer_title=row.signer_title,
                         signer_name=row.signer_name, issued_at=row.issued_at, issued_by=row.issued_by)


def next_number(session: Session, *, unit_code: str, year: int, symbol: str) -> int:
    """The next free number of ``symbol`` in ``year``: one more than the highest given."""
    highest = session.scalar(select(func.max(IssuedDocument.number)).where(
        IssuedDocument.unit_code == unit_code, IssuedDocument.year == year, IssuedDocument.symbol == symbol))
    return (highest or 0) + 1


def holder_of(session: Session, *, unit_code: str, year: int, symbol: str, number: int) -> IssuedDocument | None:
    return session.scalars(select(IssuedDocument).where(
        IssuedDocument.unit_code == unit_code, IssuedDocument.year == year, IssuedDocument.symbol == symbol,
        IssuedDocument.number == number)).first()


def check_number(session: Session, *, unit_code: str, symbol: str, details: IssueDetails,
                 mine: IssuedDocument | None = None) -> None:
    """Refuse a number out of range or already given to another document of the year."""
    if not 1 <= details.number <= MAX_NUMBER:
        raise ValidationError(_("The number of a document is a whole number from 1 to {most}.").format(
            most=MAX_NUMBER))
    holder = holder_of(session, unit_code=unit_code, year=details.issue_date.year, symbol=symbol,
                       number=details.number)
    if holder is not None and holder is not mine:
        free = next_number(session, unit_code=unit_code, year=details.issue_date.year, symbol=symbol)
        raise ValidationError(_("Number {number}/{symbol} was already given in {year} (issued on {date}); the "
                                "next free number is {free}.").format(
            number=number_text(details.number), symbol=symbol, year=details.issue_date.year,
            date=holder.issue_date.strftime("%d/%m/%Y") if holder.issue_date else "?", free=number_text(free)))


def record_issue(session: Session, *, unit_code: str, kind: str, period: str, symbol: str, summary: str,
                 details: IssueDetails, pdf: bytes | None = None, data_json: bytes | None = None,
                 text: ReportText | None = None, row: IssuedDocument | None = None,
                 audited: bool = True) -> IssuedDocument:
    """Write the document into the register (``row``: its draft, filled in); the number is checked first.
    ``audited=False`` when the caller's own audit entry already says it (the plan's "plan.issue")."""
    check_number(session, unit_code=unit_code, symbol=symbol, details=details, mine=row)
    if row is None:
        row = IssuedDocument(unit_code=unit_code, kind=kind, period=period)
        session.add(row)
    row.year = details.issue_date.year
    row.number = details.number
    row.symbol = symbol
    row.issue_date = details.issue_date
    row.summary = nfc(summary)
    row.recipient = nfc(details.recipient).strip()
    row.recipients = [nfc(r).strip() for r in details.recipients if nfc(r).strip()]
    row.signer_title = nfc(details.signer_title).strip()
    row.signer_name = nfc(details.signer_name).strip()
    if text is not None:
        row.text = text.to_json()
    row.pdf = pdf
    row.data_json = data_json
    row.issued_at = dt.datetime.now(dt.UTC)
    row.issued_by = audit.officer_name(session)
    session.flush()
    if audited:
        audit.record(session, unit_code=unit_code, action="document.issue", entity="document", entity_id=row.id,
                     summary=f"{number_text(details.number)}/{symbol}",
                     details={"kind": kind, "period": period, "issue_date": details.issue_date.isoformat()})
    return row


# ---- the progress report's draft and issue ----------------------------------------------------------


def progress_row(session: Session, *, unit_code: str, period: str) -> IssuedDocument | None:
    """The register's row of the period's progress report: its draft text, or the report as issued."""
    return session.scalars(select(IssuedDocument).where(
        IssuedDocument.unit_code == unit_code, IssuedDocument.kind == KIND_PROGRESS,
        IssuedDocument.period == period)).first()


def issued_progress(session: Session, *, unit_code: str, period: str) -> IssuedDocument | None:
    row = progress_row(session, unit_code=unit_code, period=period)
    return row if row is not None and row.number is not None else None


def saved_text(session: Session, *, unit_code: str, period: str) -> ReportText | None:
    row = progress_row(session, unit_code=unit_code, period=period)
    return ReportText.from_json(row.text) if row is not None and row.text else None


def save_report_text(*, uow_factory: UnitOfWorkFactory, period: str, text: ReportText) -> None:
    """Keep the officer's text of the period's report (refused once the report is issued)."""
    cleaned = ReportText(**{part: tuple(p for p in (nfc(x).strip() for x in lines) if p)
                            for part, lines in text.to_json().items()})
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        row = progress_row(s, unit_code=info.unit_code, period=period)
        if row is not None and row.number is not None:
            raise ValidationError(_("The report for this period was issued as {number}: its text can no longer "
                                    "be changed.").format(number=f"{number_text(row.number)}/{row.symbol}"))
        if row is None:
            row = IssuedDocument(unit_code=info.unit_code, kind=KIND_PROGRESS, period=period,
                                 year=int(period[:4]), symbol="")
            s.add(row)
        row.text = cleaned.to_json()
        s.flush()
        audit.record(s, unit_code=info.unit_code, action="report.text", entity="document", entity_id=row.id,
                     summary=period)
        uow.commit()


def list_register(*, uow_factory: UnitOfWorkFactory, year: int | None = None) -> tuple[RegisterEntry, ...]:
    """The documents issued (of ``year``), in the order of their dates and numbers."""
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        query = select(IssuedDocument).where(IssuedDocument.unit_code == info.unit_code,
                                             IssuedDocument.number.is_not(None))
        if year is not None:
            query = query.where(IssuedDocument.year == year)
        return tuple(_entry(r) for r in s.scalars(query.order_by(IssuedDocument.issue_date, IssuedDocument.symbol,
                                                                 IssuedDocument.number)))


def issued_entry(row: IssuedDocument | None) -> RegisterEntry | None:
    return _entry(row) if row is not None and row.number is not None else None


def suggest_number(*, uow_factory: UnitOfWorkFactory, symbol: str, year: int) -> int:
    """The next free number of ``symbol`` in ``year``: what an issue dialog offers."""
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        return next_number(uow.session, unit_code=info.unit_code, year=year, symbol=symbol)
