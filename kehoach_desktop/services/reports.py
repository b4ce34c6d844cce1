"""Reports as PDF: the plan and the progress report for a period, signing, verifying.

The workspace's rows are read here into the plain dataclasses of ``exchange/pdf/model.py``;
the renderer draws them and knows nothing of storage. Document text is Vietnamese whatever
the interface language: it is the official document, not the interface.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kehoach_desktop.domain.enums import (
    EventStatus,
    EventType,
    LabelledEnum,
    MaterialStatus,
    MaterialType,
    TaskStatus,
)
from kehoach_desktop.domain.errors import UserFacingError, ValidationError, os_reason
from kehoach_desktop.domain.periods import Period, parse_period
from kehoach_desktop.domain.rules import effective_task_status
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.exchange.pdf.model import (
    BodySection,
    DocumentHeader,
    EventRow,
    IndicatorRow,
    MaterialRow,
    OverdueRemoval,
    OverdueTask,
    PlanDocument,
    PlanTaskRow,
    ProgressDocument,
    ProgressTaskRow,
    ReportStamp,
    SignerBlock,
    ThemeStatusRow,
)
from kehoach_desktop.exchange.pdf.signing import SignatureReport, StampText, VerificationReport
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.years import current_plan
from kehoach_desktop.storage.models import (
    Event,
    Material,
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



def _vietnamese(enum: type[LabelledEnum], code: str) -> str:
    """A stored code as the document writes it: the interface's Vietnamese label (one vocabulary)."""
    try:
        return enum(code).vietnamese
    except ValueError:
        return code


_LIFE_CYCLE = ("planned", "produced", "installed", "damaged", "replaced", "removed")


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
    """The current plan as the renderer needs it: header, legal bases, sections with tasks, signer."""
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        plan = _current_plan(s, info.unit_code)
        names = _unit_names(s, info.unit_code)
        sections = _sections(s, plan)
        by_section: dict[str, list[Task]] = defaultdict(list)
        for task in _tasks(s, plan):
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
        return PlanDocument(
            header=header, legal_bases=tuple(nfc(b) for b in plan.legal_bases or []), preamble=nfc(plan.preamble),
            sections=tuple(body), closing=nfc(plan.closing),
            signer=_signer(plan, tuple(nfc(r) for r in plan.recipients or [])), unit_code=info.unit_code,
            period=str(plan.year), issuer_short=_issuer_short(info))


# --------------------------------------------------------------------------------------------
# The progress report
# --------------------------------------------------------------------------------------------


def _in_period(task: Task, period: Period) -> bool:
    """A task belongs to the period when its timeline meets it; a task without dates, always."""
    if task.start_date is None and task.due_date is None:
        return True
    return period.overlaps(task.start_date, task.due_date)


def _material_status_as_of(material: Material, day: dt.date) -> str | None:
    """The life-cycle step reached by ``day`` from the dates; None when it did not exist yet."""
    dated = [(getattr(material, f"{step}_on"), index, step) for index, step in enumerate(_LIFE_CYCLE)
             if getattr(material, f"{step}_on") is not None]
    if not dated:
        return material.status
    reached = [entry for entry in dated if entry[0] <= day]
    return max(reached)[2] if reached else None


def _receiving_agency(session, info: WorkspaceInfo) -> str:  # type: ignore[no-untyped-def]
    record = session.scalars(select(TemplateRecord).where(TemplateRecord.code == info.template_code)).first()
    if record is None:
        return ""
    return str((record.content.get("receiving_agency") or {}).get("name", ""))


def get_progress_document(*, uow_factory: UnitOfWorkFactory, period: str, today: dt.date,
                          report_date: dt.date | None = None) -> ProgressDocument:
    """The progress report for ``period``; overdue is judged at the period's end, or ``today`` if earlier."""
    span = parse_period(period)
    as_of = min(span.end, today)
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        plan = _current_plan(s, info.unit_code)
        if span.start.year != plan.year and span.end.year != plan.year:
            raise ValidationError(_("The plan is for {year}; choose a period of that year.").format(year=plan.year))
        names = _unit_names(s, info.unit_code)
        sections = _sections(s, plan)
        section_of = {section.id: section for section in sections}
        order = {section.id: index for index, section in enumerate(sections)}
        tasks = sorted((t for t in _tasks(s, plan) if _in_period(t, span)),
                       key=lambda t: (order.get(t.section_id, 0), t.position))

        counts: dict[str, Counter[str]] = defaultdict(Counter)
        money: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # budget, spent, percent sum
        task_rows, indicators, overdue_tasks = [], [], []
        for task in tasks:
            status = effective_task_status(task.status, task.due_date, as_of)
            counts[task.section_id][status] += 1
            counts[task.section_id]["*"] += 1
            money[task.section_id][0] += task.budget
            money[task.section_id][1] += task.spent
            money[task.section_id][2] += task.percent_done
            lead = names.get(task.lead_unit_id or "", "")
            indicator = ""
            if task.indicator_target is not None:
                achieved = "-" if task.indicator_achieved is None else str(task.indicator_achieved)
                indicator = f"{achieved}/{task.indicator_target} {task.indicator_unit}".strip()
                indicators.append(IndicatorRow(nfc(task.content), nfc(task.indicator_unit), task.indicator_target,
                                               task.indicator_achieved))
            task_rows.append(ProgressTaskRow(
                theme=_theme(section_of[task.section_id]) if task.section_id in section_of else "",
                content=nfc(task.content), lead_unit=lead, due_date=task.due_date,
                status=_vietnamese(TaskStatus, status), percent_done=task.percent_done, indicator=indicator))
            if status == TaskStatus.OVERDUE.value:
                late = (as_of - task.due_date).days if task.due_date else 0
                overdue_tasks.append(OverdueTask(nfc(task.content), lead, task.due_date, late))
        theme_rows = tuple(
            ThemeStatusRow(
                theme=_theme(section), total=counts[section.id]["*"],
                done=counts[section.id][TaskStatus.DONE.value],
                in_progress=counts[section.id][TaskStatus.IN_PROGRESS.value],
                not_started=counts[section.id][TaskStatus.NOT_STARTED.value],
                overdue=counts[section.id][TaskStatus.OVERDUE.value],
                cancelled=counts[section.id][TaskStatus.CANCELLED.value],
                average_percent=round(money[section.id][2] / counts[section.id]["*"]),
                budget=money[section.id][0], spent=money[section.id][1])
            for section in sections if counts[section.id]["*"])

        material_quantity: dict[str, Counter[str]] = defaultdict(Counter)
        material_cost: Counter[str] = Counter()
        removals = []
        for material in s.scalars(select(Material).where(
                Material.unit_code == info.unit_code, Material.deleted_at.is_(None))
                .order_by(Material.planned_removal_on, Material.created_at)):
            status = _material_status_as_of(material, as_of)
            if status is None or (material.removed_on is not None and material.removed_on < span.start):
                continue
            material_quantity[material.type][status] += material.quantity
            material_cost[material.type] += material.cost
            if (status == MaterialStatus.INSTALLED.value and material.planned_removal_on is not None
                    and material.planned_removal_on < as_of):
                removals.append(OverdueRemoval(
                    type=_vietnamese(MaterialType, material.type), content=nfc(material.content),
                    place=", ".join(p for p in (nfc(material.address), nfc(material.ward)) if p),
                    planned_removal_on=material.planned_removal_on,
                    days_late=(as_of - material.planned_removal_on).days))
        statuses = [st.value for st in MaterialStatus
                    if any(material_quantity[t][st.value] for t in material_quantity)]
        material_rows = tuple(
            MaterialRow(type=t.vietnamese, by_status=tuple(material_quantity[t.value][st]
                                                                          for st in statuses),
                        total=sum(material_quantity[t.value].values()), cost=material_cost[t.value])
            for t in MaterialType if material_quantity[t.value])

        events = list(s.scalars(select(Event).where(
            Event.unit_code == info.unit_code, Event.deleted_at.is_(None), Event.starts_on >= span.start,
            Event.starts_on <= span.end).order_by(Event.starts_on)))
        held = [e for e in events if e.status == EventStatus.HELD.value and e.starts_on <= as_of]
        event_rows = tuple(EventRow(title=nfc(e.title), type=_vietnamese(EventType, e.type),
                                    starts_on=e.starts_on, venue=nfc(e.venue), participants=e.actual_participants,
                                    cost=e.actual_cost) for e in held)
        issuer = _issuer_short(info)
        plan_ref = f"số {plan.number}/{plan.symbol}" if plan.number else ""
        plan_date = f" ngày {plan.issue_date.day:02d}/{plan.issue_date.month:02d}/{plan.issue_date.year}" \
            if plan.issue_date else ""
        summary = f"Kết quả thực hiện Kế hoạch {_lower_first(nfc(plan.summary))}"
        if span.kind != "year":
            summary += f" ({span.vietnamese})"
        receiving = _receiving_agency(s, info)
        recipients = ["Như trên;"] if receiving else []
        recipients += [nfc(r) for r in plan.recipients or [] if nfc(r).rstrip(";.") != receiving]
        header = _header(plan, doc_type="BÁO CÁO", summary=summary, number="", symbol="BC-UBND",
                         date=report_date or today, recipient=receiving)
        return ProgressDocument(
            header=header,
            introduction=(f"Thực hiện Kế hoạch {plan_ref}{plan_date} của {issuer} về "
                          f"{_lower_first(nfc(plan.summary))}, {issuer} báo cáo kết quả thực hiện "
                          f"{span.vietnamese} như sau:").replace("Kế hoạch  ", "Kế hoạch "),
            as_of=as_of, period=span.code, period_label=span.vietnamese, theme_rows=theme_rows,
            task_rows=tuple(task_rows), indicators=tuple(indicators),
            material_statuses=tuple(_vietnamese(MaterialStatus, st) for st in statuses), material_rows=material_rows,
            events=event_rows, events_planned=len([e for e in events if e.status != EventStatus.CANCELLED.value]),
            budget_planned=sum(r.budget for r in theme_rows), budget_spent=sum(r.spent for r in theme_rows),
            events_cost=sum(e.actual_cost or 0 for e in held),
            materials_cost=sum(material_cost.values()), overdue_tasks=tuple(overdue_tasks),
            overdue_removals=tuple(removals),
            closing=f"Trên đây là báo cáo kết quả thực hiện Kế hoạch {span.vietnamese} của {issuer}./.",
            signer=_signer(plan, tuple(recipients)), unit_code=info.unit_code)


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


def render_report(*, uow_factory: UnitOfWorkFactory, kind: ReportKind, period: str | None,
                  today: dt.date) -> tuple[bytes, ReportStamp]:
    from kehoach_desktop.exchange.pdf.plan_pdf import render_plan
    from kehoach_desktop.exchange.pdf.progress_pdf import render_progress

    if kind == PLAN:
        rendered = render_plan(get_plan_document(uow_factory=uow_factory))
    elif kind == PROGRESS:
        if not period:
            raise ValidationError(_("Choose the period of the progress report (for example 2021-Q1)."))
        rendered = render_progress(get_progress_document(uow_factory=uow_factory, period=period, today=today))
    else:
        raise ValidationError(_("Unknown report “{kind}”: choose plan or progress.").format(kind=kind))
    return rendered.data, rendered.stamp


def _stamp_text(uow_factory: UnitOfWorkFactory) -> StampText:
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        plan = current_plan(uow.session, info.unit_code)
        signer = (plan.signer_name if plan else "") or info.signer_name
        return StampText(signer=signer, organisation=info.unit_full_name)


def sign_pdf_bytes(*, uow_factory: UnitOfWorkFactory, data: bytes, credentials: Credentials) -> bytes:
    """Sign a PDF with the workspace's signer and unit in the visible stamp."""
    from kehoach_desktop.exchange.pdf import signing

    stamp = _stamp_text(uow_factory)
    if isinstance(credentials, P12Credentials):
        return signing.sign_with_p12(data, p12=credentials.path, password=credentials.password, stamp=stamp)
    return signing.sign_with_pkcs11(data, library=credentials.library, slot=credentials.slot, pin=credentials.pin,
                                    stamp=stamp, label=credentials.label, serial=credentials.serial,
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
                    period: str | None = None, credentials: Credentials | None = None) -> GeneratedReport:
    """Render (and optionally sign) a report, written whole or not at all to ``out``."""
    data, stamp = render_report(uow_factory=uow_factory, kind=kind, period=period, today=today)
    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))  # before signing rewrites the signed page
    if credentials is not None:
        data = sign_pdf_bytes(uow_factory=uow_factory, data=data, credentials=credentials)
    write_atomically(out, data)
    return GeneratedReport(path=out, kind=kind, period=stamp.period, pages=pages,
                           stamp=stamp, signed=credentials is not None)


def sign_pdf_file(*, uow_factory: UnitOfWorkFactory, source: Path, target: Path, credentials: Credentials) -> Path:
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise UserFacingError(_("The file {path} cannot be read: {reason}").format(
            path=source, reason=os_reason(exc))) from exc
    write_atomically(target, sign_pdf_bytes(uow_factory=uow_factory, data=data, credentials=credentials))
    return target


def verify_pdf_file(*, path: Path, uow_factory: UnitOfWorkFactory | None = None) -> VerificationReport:
    """Verify a PDF against the workspace's trusted roots (none without a workspace)."""
    from kehoach_desktop.exchange.pdf.signing import verify_pdf

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserFacingError(_("The file {path} cannot be read: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    roots = [pem.encode("ascii") for pem in list_trusted_roots(uow_factory=uow_factory)] if uow_factory else []
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


def add_trusted_root(*, uow_factory: UnitOfWorkFactory, certificate: bytes) -> Changes:
    """Trust a root certificate (PEM or DER, e.g. a .cer/.crt file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        cert = (x509.load_pem_x509_certificate(certificate) if b"-----BEGIN" in certificate
                else x509.load_der_x509_certificate(certificate))
    except ValueError as exc:
        raise ValidationError(_("This file is not a certificate (PEM or DER).")) from exc
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
