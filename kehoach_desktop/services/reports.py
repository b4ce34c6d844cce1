"""Reports as PDF: the plan and the progress report for a period, signing, verifying.

The workspace's rows are read here into the plain dataclasses of ``exchange/pdf/model.py``;
the renderer draws them and knows nothing of storage. Document text is Vietnamese whatever
the interface language: it is the official document, not the interface.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kehoach_desktop.domain.enums import (
    PlanStatus,
)
from kehoach_desktop.domain.errors import UserFacingError, ValidationError, os_reason
from kehoach_desktop.domain.periods import parse_period
from kehoach_desktop.domain.report_data import canonical_json
from kehoach_desktop.domain.signer import same_organisation
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.exchange.pdf.model import (
    BodySection,
    DocumentHeader,
    PlanDocument,
    PlanTaskRow,
    ProgressDocument,
    ReportStamp,
    ReportText,
    SignerBlock,
)
from kehoach_desktop.exchange.pdf.signing import SignatureReport, SignerIdentity, VerificationReport
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.documents import (
    KIND_PROGRESS,
    IssueDetails,
    RegisterEntry,
    check_number,
    issued_entry,
    next_number,
    number_text,
    progress_row,
    record_issue,
    saved_text,
)
from kehoach_desktop.services.progress_data import read_progress_data
from kehoach_desktop.services.report_text import prefill_report_text
from kehoach_desktop.services.years import current_plan
from kehoach_desktop.storage.models import (
    Plan,
    PlanSection,
    ResponsibleUnit,
    Setting,
    Task,
    TemplateRecord,
    WorkspaceInfo,
)
from kehoach_desktop.storage.uow import UnitOfWorkFactory

__all__ = ["ReportKind", "SignatureReport", "VerificationReport"]

PLAN = "plan"
PROGRESS = "progress"
ReportKind = str  # PLAN or PROGRESS
REPORT_KINDS = (PLAN, PROGRESS)

SETTING_PKCS11_LIBRARY = "signing.pkcs11_library"
SETTING_PKCS11_SLOT = "signing.pkcs11_slot"
SETTING_PKCS11_TOKEN = "signing.pkcs11_token"  # the serial number (hex) of the token last used
SETTING_TRUSTED_ROOTS = "signing.trusted_roots"

def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _current_plan(session, unit_code: str) -> Plan:  # type: ignore[no-untyped-def]
    plan = current_plan(session, unit_code)
    if plan is None:
        raise UserFacingError(_("This workspace has no plan to report on."))
    return plan


def _issuer_short(info: WorkspaceInfo) -> str:
    """``UBND quận Đống Đa``: how the documents name the district's committee in a sentence."""
    if info.unit_kind and info.unit_kind != "city":
        return f"UBND {info.unit_kind} {info.unit_name}"
    return info.unit_full_name


def _header(plan: Plan, *, doc_type: str, summary: str, number: str, symbol: str, date: dt.date | None,
            recipient: str = "") -> DocumentHeader:
    return DocumentHeader(superior_agency=plan.superior_agency, issuing_agency=plan.issuing_agency, number=number,
                          symbol=symbol, place=plan.place, date=date, doc_type=doc_type, summary=summary,
                          recipient=recipient)


def _signer(plan: Plan, recipients: tuple[str, ...]) -> SignerBlock:
    return SignerBlock(authority=plan.signer_authority, deputy=plan.signer_deputy, title=plan.signer_title,
                       name=plan.signer_name, recipients=recipients)


def _unit_names(session, unit_code: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name)
                                .where(ResponsibleUnit.unit_code == unit_code)).all())


def _sections(session, plan: Plan) -> list[PlanSection]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(PlanSection).where(
        PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)).order_by(PlanSection.position)))


def _tasks(session, plan: Plan) -> list[Task]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(Task).where(Task.plan_id == plan.id, Task.deleted_at.is_(None))
                                .order_by(Task.position)))


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in nfc(text or "").splitlines() if line.strip())


def _theme(section: PlanSection) -> str:
    return f"{section.number} {section.title}".strip()


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


def get_plan_document(*, uow_factory: UnitOfWorkFactory) -> PlanDocument:
    """The current plan as the renderer needs it: header, legal bases, sections with tasks, signer, the tasks'
    budgets by source."""
    from kehoach_desktop.services.plan_assignments import budgets_by_source

    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        plan = _current_plan(s, info.unit_code)
        names = _unit_names(s, info.unit_code)
        sections = _sections(s, plan)
        by_section: dict[str, list[Task]] = defaultdict(list)
        tasks = _tasks(s, plan)
        for task in tasks:
            by_section[task.section_id].append(task)
        body = []
        for section in sections:
            rows = tuple(PlanTaskRow(
                theme=_theme(section), content=nfc(task.content), lead_unit=names.get(task.lead_unit_id or "", ""),
                supporting_units=tuple(names[i] for i in (task.supporting_unit_ids or []) if i in names),
                start_date=task.start_date, due_date=task.due_date, budget=task.budget)
                for task in by_section[section.id])
            body.append(BodySection(number=section.number, title=nfc(section.title), depth=section.depth,
                                    paragraphs=_lines(section.text), local_paragraphs=_lines(section.local_text),
                                    tasks=rows))
        header = _header(plan, doc_type=plan.title or "KẾ HOẠCH", summary=nfc(plan.summary), number=plan.number,
                         symbol=plan.symbol or "KH-UBND", date=plan.issue_date)
        header = dataclasses.replace(header, draft=plan.status != PlanStatus.ISSUED.value)
        return PlanDocument(
            header=header, legal_bases=tuple(nfc(b) for b in plan.legal_bases or []), preamble=nfc(plan.preamble),
            sections=tuple(body), closing=nfc(plan.closing),
            signer=_signer(plan, tuple(nfc(r) for r in plan.recipients or [])), unit_code=info.unit_code,
            period=str(plan.year), issuer_short=_issuer_short(info),
            budgets=tuple(budgets_by_source(s, plan, tasks)))


# --------------------------------------------------------------------------------------------
# The progress report
# --------------------------------------------------------------------------------------------


def _receiving_agency(session, info: WorkspaceInfo) -> str:  # type: ignore[no-untyped-def]
    record = session.scalars(select(TemplateRecord).where(TemplateRecord.code == info.template_code)).first()
    if record is None:
        return ""
    return str((record.content.get("receiving_agency") or {}).get("name", ""))


PROGRESS_SYMBOL = "BC-UBND"


def get_progress_document(*, uow_factory: UnitOfWorkFactory, period: str, today: dt.date,
                          report_date: dt.date | None = None, issue: IssueDetails | None = None,
                          text: ReportText | None = None) -> ProgressDocument:
    """The progress report for ``period``, computed as of the period's last day (or the report's day, if the
    period is not over yet): ``today`` is the workspace's day (the demo's own day in a demo).

    Without ``issue`` it is the draft (marked "DỰ THẢO", no number); its text is ``text``, else the officer's
    kept text, else the text the data suggests.
    """
    span = parse_period(period)
    day = issue.issue_date if issue is not None else (report_date or today)
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        plan = _current_plan(s, info.unit_code)
        if span.start.year != plan.year and span.end.year != plan.year:
            raise ValidationError(_("The plan is for {year}; choose a period of that year.").format(year=plan.year))
        data = read_progress_data(s, unit_code=info.unit_code, unit_name=info.unit_full_name, period=span.code,
                                  today=day)
        if text is None:
            text = saved_text(s, unit_code=info.unit_code, period=span.code) or prefill_report_text(
                s, unit_code=info.unit_code, data=data)
        issuer = _issuer_short(info)
        plan_ref = f"số {plan.number}/{plan.symbol}" if plan.number else ""
        plan_date = f" ngày {plan.issue_date.day:02d}/{plan.issue_date.month:02d}/{plan.issue_date.year}" \
            if plan.issue_date else ""
        summary = f"Kết quả thực hiện Kế hoạch {_lower_first(nfc(plan.summary))}"
        if span.kind != "year":
            summary += f" ({span.vietnamese})"
        defaults = _default_issue(s, info, plan, day)
        chosen = issue or defaults
        header = _header(plan, doc_type="BÁO CÁO", summary=summary,
                         number=number_text(issue.number) if issue is not None else "", symbol=PROGRESS_SYMBOL,
                         date=day, recipient=chosen.recipient)
        header = dataclasses.replace(header, draft=issue is None)
        signer = dataclasses.replace(_signer(plan, chosen.recipients), title=chosen.signer_title or plan.signer_title,
                                     name=chosen.signer_name or plan.signer_name)
        return ProgressDocument(
            header=header,
            introduction=(f"Thực hiện Kế hoạch {plan_ref}{plan_date} của {issuer} về "
                          f"{_lower_first(nfc(plan.summary))}, {issuer} báo cáo kết quả thực hiện "
                          f"{span.vietnamese} như sau:").replace("Kế hoạch  ", "Kế hoạch "),
            closing=f"Trên đây là báo cáo kết quả thực hiện Kế hoạch {span.vietnamese} của {issuer}./.",
            signer=signer, data=data, text=text)


def _default_issue(session, info: WorkspaceInfo, plan: Plan, day: dt.date) -> IssueDetails:  # type: ignore[no-untyped-def]
    receiving = _receiving_agency(session, info)
    recipients = ["Như trên;"] if receiving else []
    recipients += [nfc(r) for r in plan.recipients or [] if nfc(r).rstrip(";.") != receiving]
    return IssueDetails(number=next_number(session, unit_code=info.unit_code, year=day.year, symbol=PROGRESS_SYMBOL),
                        issue_date=day, recipient=receiving, recipients=tuple(recipients),
                        signer_title=plan.signer_title, signer_name=plan.signer_name)


@dataclass(frozen=True)
class ProgressIssueState:
    """What the reports page shows of a period's report: issued (and how), or the draft's suggested details."""

    period: str
    issued: RegisterEntry | None
    suggested: IssueDetails
    symbol: str
    text: ReportText


def get_progress_issue_state(*, uow_factory: UnitOfWorkFactory, period: str, today: dt.date,
                             with_text: bool = True) -> ProgressIssueState:
    """Whether the period's report is issued, the details its issue would take, and (``with_text``) its text:
    the kept one, else the one the data suggests (which reads the period's figures)."""
    span = parse_period(period)
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        plan = _current_plan(s, info.unit_code)
        row = progress_row(s, unit_code=info.unit_code, period=span.code)
        issued = issued_entry(row)
        if issued is not None:
            return ProgressIssueState(span.code, issued, IssueDetails(
                issued.number, issued.issue_date, issued.recipient, issued.recipients, issued.signer_title,
                issued.signer_name), issued.symbol, ReportText.from_json(row.text if row is not None else {}))
        day = min(today, span.end + dt.timedelta(days=31)) if today > span.end else today
        suggested = _default_issue(s, info, plan, max(day, span.start))
        text = saved_text(s, unit_code=info.unit_code, period=span.code)
        if text is None and not with_text:
            text = ReportText()
        elif text is None:
            data = read_progress_data(s, unit_code=info.unit_code, unit_name=info.unit_full_name, period=span.code,
                                      today=suggested.issue_date)
            text = prefill_report_text(s, unit_code=info.unit_code, data=data)
        return ProgressIssueState(span.code, None, suggested, PROGRESS_SYMBOL, text)


def issue_progress_report(*, uow_factory: UnitOfWorkFactory, period: str, details: IssueDetails,
                          today: dt.date) -> RegisterEntry:
    """Give the period's report its number, date, addressees and signer; the PDF as issued is kept."""
    from kehoach_desktop.exchange.pdf.progress_pdf import render_progress

    span = parse_period(period)
    if details.issue_date < span.start:
        raise ValidationError(_("The report of {period} cannot be dated before the period begins ({start}).").format(
            period=span.label, start=span.start.strftime("%d/%m/%Y")))
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        row = progress_row(s, unit_code=info.unit_code, period=span.code)
        if row is not None and row.number is not None:
            raise ValidationError(_("The report for this period was already issued as {number}.").format(
                number=f"{number_text(row.number)}/{row.symbol}"))
        check_number(s, unit_code=info.unit_code, symbol=PROGRESS_SYMBOL, details=details, mine=row)
    document = get_progress_document(uow_factory=uow_factory, period=span.code, today=today, issue=details)
    rendered = render_progress(document)
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        row = progress_row(s, unit_code=info.unit_code, period=span.code)
        row = record_issue(s, unit_code=info.unit_code, kind=KIND_PROGRESS, period=span.code,
                           symbol=PROGRESS_SYMBOL, summary=document.header.summary, details=details,
                           pdf=rendered.data, data_json=canonical_json(document.data.to_json()),
                           text=document.text, row=row)
        entry = _entry_of(row)
        uow.commit()
    return entry


def issued_details(*, uow_factory: UnitOfWorkFactory, period: str) -> IssueDetails | None:
    """The number, date, addressees and signer the period's report was issued with; None while it is a draft."""
    code = parse_period(period).code
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        row = progress_row(uow.session, unit_code=info.unit_code, period=code)
        if row is None or row.number is None or row.issue_date is None:
            return None
        return IssueDetails(number=row.number, issue_date=row.issue_date, recipient=row.recipient,
                            recipients=tuple(row.recipients or ()), signer_title=row.signer_title,
                            signer_name=row.signer_name)


def _entry_of(row) -> RegisterEntry:  # type: ignore[no-untyped-def]
    entry = issued_entry(row)
    assert entry is not None
    return entry


# --------------------------------------------------------------------------------------------
# Generating, signing, verifying
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedReport:
    path: Path
    kind: ReportKind
    period: str
    pages: int
    stamp: ReportStamp
    signed: bool


@dataclass(frozen=True)
class P12Credentials:
    path: Path
    password: str  # used for this signature only; never stored


@dataclass(frozen=True)
class TokenCredentials:
    library: str
    slot: int
    pin: str  # used for this signature only; never stored
    label: str = ""  # with serial: the token to use, whatever its slot (exchange/pdf/tokens.py)
    serial: str = ""  # hex of the token's serial number
    cert_id: str = ""  # hex CKA_ID of the chosen certificate; "" for the first one with its private key


Credentials = P12Credentials | TokenCredentials


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    stamp: ReportStamp
    data_json: bytes | None  # the canonical JSON of the report's figures (progress report), hashed in the stamp


def render_report(*, uow_factory: UnitOfWorkFactory, kind: ReportKind, period: str | None,
                  today: dt.date) -> RenderedReport:
    from kehoach_desktop.exchange.pdf.plan_pdf import render_plan
    from kehoach_desktop.exchange.pdf.progress_pdf import render_progress

    if kind == PLAN:
        rendered = render_plan(get_plan_document(uow_factory=uow_factory))
        return RenderedReport(rendered.data, rendered.stamp, None)
    if kind == PROGRESS:
        if not period:
            raise ValidationError(_("Choose the period of the progress report (for example 2021-Q1)."))
        issued = _issued_pdf(uow_factory, period)
        if issued is not None:
            return issued
        document = get_progress_document(uow_factory=uow_factory, period=period, today=today)
        rendered = render_progress(document)
        return RenderedReport(rendered.data, rendered.stamp, canonical_json(document.data.to_json()))
    raise ValidationError(_("Unknown report “{kind}”: choose plan or progress.").format(kind=kind))


def _issued_pdf(uow_factory: UnitOfWorkFactory, period: str) -> RenderedReport | None:
    """The period's report as it was issued (the same bytes every time), or None while it is a draft."""
    code = parse_period(period).code
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        row = progress_row(uow.session, unit_code=info.unit_code, period=code)
        if row is None or row.number is None or row.pdf is None or row.data_json is None:
            return None
        stamp = ReportStamp(f"{number_text(row.number)}/{row.symbol}", info.unit_code, code,
                            hashlib.sha256(row.data_json).hexdigest())
        return RenderedReport(bytes(row.pdf), stamp, bytes(row.data_json))


class SignerMismatchError(UserFacingError):
    """The certificate's organisation is not the unit that issues the document: sign only if confirmed."""

    def __init__(self, holder: SignerIdentity, issuing_unit: str) -> None:
        organisation = holder.organisation or _("no organisation")
        super().__init__(_("The certificate belongs to {holder} ({organisation}), but the document is issued by "
                           "{unit}. Sign with a certificate of {unit}, or confirm that this signature is meant "
                           "(command line: --accept-signer-mismatch).").format(
            holder=holder.name or "?", organisation=organisation, unit=issuing_unit))
        self.holder = holder
        self.issuing_unit = issuing_unit


def issuing_units(*, uow_factory: UnitOfWorkFactory, data: bytes) -> list[str]:
    """Who issues the document: the agency our renderer wrote as its author, and the workspace's unit."""
    from kehoach_desktop.exchange.pdf.signing import document_author

    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        names = [document_author(data), info.unit_full_name]
    return [name for name in dict.fromkeys(nfc(n) for n in names) if name]


def sign_pdf_bytes(*, uow_factory: UnitOfWorkFactory, data: bytes, credentials: Credentials,
                   accept_signer_mismatch: bool = False) -> bytes:
    """Sign a PDF; the stamp and the signature name the certificate's holder and organisation.

    A certificate of another organisation than the issuing unit raises :class:`SignerMismatchError`
    (nothing is signed) unless ``accept_signer_mismatch``.
    """
    from kehoach_desktop.exchange.pdf import signing

    units = issuing_units(uow_factory=uow_factory, data=data)

    def check(holder: SignerIdentity) -> None:
        if not accept_signer_mismatch and not any(same_organisation(holder.organisation, u) for u in units):
            shown = next((u for u in units if not u.isupper()), units[0] if units else "?")  # not in capitals
            raise SignerMismatchError(holder, shown)

    if isinstance(credentials, P12Credentials):
        return signing.sign_with_p12(data, p12=credentials.path, password=credentials.password, check=check)
    return signing.sign_with_pkcs11(data, library=credentials.library, slot=credentials.slot, pin=credentials.pin,
                                    check=check, label=credentials.label, serial=credentials.serial,
                                    cert_id=credentials.cert_id)


def write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserFacingError(_("The file {path} cannot be written: {reason}").format(
            path=path, reason=os_reason(exc))) from exc


def generate_report(*, uow_factory: UnitOfWorkFactory, kind: ReportKind, out: Path, today: dt.date,
                    period: str | None = None, credentials: Credentials | None = None,
                    data_out: Path | None = None, accept_signer_mismatch: bool = False) -> GeneratedReport:
    """Render (and optionally sign) a report, written whole or not at all to ``out``; with ``data_out``, its
    figures as JSON too (the canonical bytes whose SHA-256 the QR code holds)."""
    if data_out is not None and kind != PROGRESS:
        raise ValidationError(_("Only a progress report (and the city's consolidated report) writes its figures "
                                "as JSON."))
    rendered = render_report(uow_factory=uow_factory, kind=kind, period=period, today=today)
    data = rendered.pdf
    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))  # before signing rewrites the signed page
    if credentials is not None:
        data = sign_pdf_bytes(uow_factory=uow_factory, data=data, credentials=credentials,
                              accept_signer_mismatch=accept_signer_mismatch)
    write_atomically(out, data)
    if data_out is not None and rendered.data_json is not None:
        write_atomically(Path(data_out), rendered.data_json)
    return GeneratedReport(path=out, kind=kind, period=rendered.stamp.period, pages=pages,
                           stamp=rendered.stamp, signed=credentials is not None)


def sign_pdf_file(*, uow_factory: UnitOfWorkFactory, source: Path, target: Path, credentials: Credentials,
                  accept_signer_mismatch: bool = False) -> Path:
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise UserFacingError(_("The file {path} cannot be read: {reason}").format(
            path=source, reason=os_reason(exc))) from exc
    write_atomically(target, sign_pdf_bytes(uow_factory=uow_factory, data=data, credentials=credentials,
                                            accept_signer_mismatch=accept_signer_mismatch))
    return target


def verify_pdf_file(*, path: Path, uow_factory: UnitOfWorkFactory | None = None,
                    extra_roots: Sequence[bytes] = ()) -> VerificationReport:
    """Verify a PDF against the workspace's trusted roots (none without a workspace) and ``extra_roots``
    (certificates, PEM or DER, e.g. from ``--trust-root``)."""
    from kehoach_desktop.exchange.pdf.signing import verify_pdf

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserFacingError(_("The file {path} cannot be read: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    roots = [pem.encode("ascii") for pem in list_trusted_roots(uow_factory=uow_factory)] if uow_factory else []
    for blob in extra_roots:
        _load_certificate(blob)  # a file that is not a certificate is refused, not ignored
        roots.append(blob)
    return verify_pdf(data, trusted_roots=roots)


# --------------------------------------------------------------------------------------------
# Settings: the token chosen once, the roots the user trusts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenSettings:
    library: str
    slot: int
    serial: str = ""


def get_token_settings(*, uow_factory: UnitOfWorkFactory) -> TokenSettings | None:
    with uow_factory() as uow:
        library = uow.session.get(Setting, SETTING_PKCS11_LIBRARY)
        slot = uow.session.get(Setting, SETTING_PKCS11_SLOT)
        serial = uow.session.get(Setting, SETTING_PKCS11_TOKEN)
        if library is None or not library.value:
            return None
        return TokenSettings(library.value, int(slot.value) if slot is not None and slot.value.isdigit() else 0,
                             serial.value if serial is not None else "")


def save_token_settings(*, uow_factory: UnitOfWorkFactory, library: str, slot: int, serial: str = "") -> Changes:
    """Remember the token used, so that the signing dialog finds its library and chooses it next time."""
    library = nfc(library)
    if not library:
        raise ValidationError(_("Choose the PKCS#11 library of the token (a .so, .dll or .dylib file)."))
    if slot < 0:
        raise ValidationError(_("The slot is a number from 0 up."))
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        uow.session.merge(Setting(key=SETTING_PKCS11_LIBRARY, value=library))
        uow.session.merge(Setting(key=SETTING_PKCS11_SLOT, value=str(slot)))
        uow.session.merge(Setting(key=SETTING_PKCS11_TOKEN, value=serial))
        audit.record(uow.session, unit_code=info.unit_code, action="signing.token", entity="settings",
                     summary=library, details={"slot": slot})
        uow.commit()
    return Changes(workspace=True)


def list_trusted_roots(*, uow_factory: UnitOfWorkFactory) -> list[str]:
    """The PEM texts of the root certificates the user trusts for verifying signatures."""
    with uow_factory() as uow:
        row = uow.session.get(Setting, SETTING_TRUSTED_ROOTS)
        return list(json.loads(row.value)) if row is not None else []


@dataclass(frozen=True)
class TrustedRoot:
    subject: str
    fingerprint: str  # SHA-256, hex
    pem: str


def describe_trusted_roots(*, uow_factory: UnitOfWorkFactory) -> list[TrustedRoot]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    result = []
    for pem in list_trusted_roots(uow_factory=uow_factory):
        certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
        result.append(TrustedRoot(certificate.subject.rfc4514_string(),
                                  certificate.fingerprint(hashes.SHA256()).hex(), pem))
    return result


def _load_certificate(certificate: bytes):  # type: ignore[no-untyped-def]
    from cryptography import x509

    try:
        return (x509.load_pem_x509_certificate(certificate) if b"-----BEGIN" in certificate
                else x509.load_der_x509_certificate(certificate))
    except ValueError as exc:
        raise ValidationError(_("This file is not a certificate (PEM or DER).")) from exc


def add_trusted_root(*, uow_factory: UnitOfWorkFactory, certificate: bytes) -> Changes:
    """Trust a root certificate (PEM or DER, e.g. a .cer/.crt file)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding

    cert = _load_certificate(certificate)
    pem = cert.public_bytes(Encoding.PEM).decode("ascii")
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        row = uow.session.get(Setting, SETTING_TRUSTED_ROOTS)
        roots = list(json.loads(row.value)) if row is not None else []
        if pem in roots:
            return Changes()
        roots.append(pem)
        uow.session.merge(Setting(key=SETTING_TRUSTED_ROOTS, value=json.dumps(roots)))
        audit.record(uow.session, unit_code=info.unit_code, action="signing.trust_root", entity="settings",
                     summary=cert.subject.rfc4514_string(),
                     details={"sha256": cert.fingerprint(hashes.SHA256()).hex()})
        uow.commit()
    return Changes(workspace=True)


def remove_trusted_root(*, uow_factory: UnitOfWorkFactory, fingerprint: str) -> Changes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        row = uow.session.get(Setting, SETTING_TRUSTED_ROOTS)
        roots = list(json.loads(row.value)) if row is not None else []
        kept = [pem for pem in roots if x509.load_pem_x509_certificate(pem.encode("ascii"))
                .fingerprint(hashes.SHA256()).hex() != fingerprint]
        if kept == roots:
            return Changes()
        uow.session.merge(Setting(key=SETTING_TRUSTED_ROOTS, value=json.dumps(kept)))
        audit.record(uow.session, unit_code=info.unit_code, action="signing.distrust_root", entity="settings",
                     summary=fingerprint)
        uow.commit()
    return Changes(workspace=True)
