"""Signed packages between a district and the city: sync packages, receipts, template packages.

A district exports the whole state of its own records (its plans with their revisions,
sections and tasks, its responsible units, materials, events, photos) and its audit trail
since the previous package. The city verifies a package completely before it writes
anything (``exchange/package.py``, ``exchange/package_schema.py``), then replaces that
unit's records as a whole in one transaction. Refusals are recorded in the audit log in
their own transaction, after the rollback. The format is in ``docs/sync-package.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kehoach_desktop import __version__
from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import TemplateError, UserFacingError, ValidationError
from kehoach_desktop.domain.periods import period_label
from kehoach_desktop.domain.template import MAX_TEMPLATE_BYTES, Template, parse_template
from kehoach_desktop.exchange.keys import fingerprint
from kehoach_desktop.exchange.package import (
    KIND_CITY_TEMPLATE,
    KIND_DISTRICT_REPORT,
    KIND_RECEIPT,
    KINDS,
    Attachment,
    PackageError,
    PackageHead,
    VerifiedPackage,
    is_period,
    read_package,
    read_package_head,
    timestamp,
    write_package,
)
from kehoach_desktop.exchange.package_schema import RECORD_FIELDS, to_json_value, validate_district_report
from kehoach_desktop.exchange.report_data_schema import (
    DOCUMENT_FILE,
    REPORT_FILE,
    validate_issued_document,
    validate_report_data,
)
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.documents import issued_progress, number_text
from kehoach_desktop.services.progress_data import read_progress_data
from kehoach_desktop.services.sync_dto import (
    ACCEPTED,
    KEY_DIFFERENT,
    KEY_NEW,
    KEY_TRUSTED,
    RECEIVED,
    REFUSED,
    RETURNED,
    SENT,
    ExportedPackage,
    ImportOutcome,
    PackageCheck,
    ReceivedPackageRow,
    SentPackageRow,
    SyncStatus,
)
from kehoach_desktop.services.templates import IMPORTED, store_template
from kehoach_desktop.services.years import current_template, template_for_report
from kehoach_desktop.storage.models import (
    Attachment as AttachmentRow,
)
from kehoach_desktop.storage.models import (
    AttachmentLink,
    AuditEntry,
    Event,
    Material,
    Plan,
    PlanRevision,
    PlanSection,
    ReceivedPackage,
    ResponsibleUnit,
    SentPackage,
    Setting,
    Task,
    TemplateRecord,
    TrustedKey,
    WorkspaceInfo,
)
from kehoach_desktop.storage.server import lock_unit_records
from kehoach_desktop.storage.statistics import refresh_if_stale
from kehoach_desktop.storage.uow import UnitOfWorkFactory

AUDIT_SENT_THROUGH = "sync.audit_sent_through"  # the last audit entry id a package carried
CITY_SEQUENCE = "sync.city_sequence"  # the last sequence number of a receipt or template package
_IN_CHUNK = 900
_ATTEMPTS = 3  # an import that met a concurrent writer's commit is tried again (shared PostgreSQL database)
log = logging.getLogger(__name__)

TABLES: dict[str, Table] = {
    "responsible_units": ResponsibleUnit.__table__,  # type: ignore[dict-item]
    "plans": Plan.__table__,  # type: ignore[dict-item]
    "plan_revisions": PlanRevision.__table__,  # type: ignore[dict-item]
    "plan_sections": PlanSection.__table__,  # type: ignore[dict-item]
    "tasks": Task.__table__,  # type: ignore[dict-item]
    "materials": Material.__table__,  # type: ignore[dict-item]
    "events": Event.__table__,  # type: ignore[dict-item]
    "attachments": AttachmentRow.__table__,  # type: ignore[dict-item]
    "attachment_links": AttachmentLink.__table__,  # type: ignore[dict-item]
    "audit": AuditEntry.__table__,  # type: ignore[dict-item]
}
UNIT_TABLES = ("responsible_units", "plans", "plan_revisions", "plan_sections", "tasks", "materials", "events",
               "attachment_links")
"""The tables a district report replaces for its unit, parents first."""

REPORT_CHANGES = Changes(plan=True, tasks=True, units=True, materials=True, events=True, packages=True)


# helpers ---------------------------------------------------------------------------------------
def _workspace(session: Session) -> WorkspaceInfo:
    return session.scalars(select(WorkspaceInfo)).one()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _setting_int(session: Session, key: str) -> int:
    row = session.get(Setting, key)
    return int(row.value) if row is not None else 0


def _refuse(package: PackageHead | Path, message: str, details: list[str] | None = None) -> PackageError:
    path = package.path if isinstance(package, PackageHead) else package
    return PackageError(_("{name}: {problem} Nothing was imported.").format(name=path.name, problem=message),
                        details=details)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start:start + _IN_CHUNK]


def reporting_periods(session: Session) -> tuple[tuple[str, dt.date], ...]:
    return tuple((p.period, p.deadline) for p in current_template(session).reporting_periods)


def default_period(periods: tuple[tuple[str, dt.date], ...], today: dt.date) -> str:
    """The period whose deadline comes next (the last one once all have passed)."""
    upcoming = [period for period, deadline in periods if deadline >= today]
    if upcoming:
        return upcoming[0]
    return periods[-1][0] if periods else str(today.year)


# district: export -------------------------------------------------------------------------------
def _json_rows(session: Session, kind: str, unit_code: str) -> list[dict[str, Any]]:
    table = TABLES[kind]
    specs = RECORD_FIELDS[kind]
    if kind == "plans":
        columns = [table.c[f.name] for f in specs if f.name != "template_code"]
        stmt = (select(*columns, TemplateRecord.code.label("template_code"))
                .join(TemplateRecord, TemplateRecord.id == table.c.template_id))
    else:
        stmt = select(*[table.c[f.name] for f in specs])
    stmt = stmt.where(table.c.unit_code == unit_code).order_by(table.c.id)
    rows = []
    for row in session.execute(stmt).mappings():
        rows.append({spec.name: to_json_value(spec, row[spec.name]) for spec in specs})
    return rows


def _gather_report(session: Session, unit_code: str) -> tuple[dict[str, Any], dict[str, Attachment], int]:
    """The district's records as JSON documents, its photos, and the last audit id carried."""
    data: dict[str, Any] = {kind: _json_rows(session, kind, unit_code) for kind in UNIT_TABLES}
    shas = sorted({link["sha256"] for link in data["attachment_links"]})
    specs = RECORD_FIELDS["attachments"]
    table = TABLES["attachments"]
    data["attachments"] = []
    photos: dict[str, Attachment] = {}
    for chunk in _chunks(shas):
        for row in session.execute(select(table).where(table.c.sha256.in_(chunk))).mappings():
            data["attachments"].append({spec.name: to_json_value(spec, row[spec.name]) for spec in specs})
            photos[row["sha256"]] = Attachment(row["sha256"], row["media_type"], row["data"])
    data["attachments"].sort(key=lambda a: a["sha256"])
    since = _setting_int(session, AUDIT_SENT_THROUGH)
    audit_table = TABLES["audit"]
    audit_specs = RECORD_FIELDS["audit"]
    last = since
    data["audit"] = []
    for row in session.execute(select(audit_table).where(audit_table.c.id > since,
                                                         audit_table.c.unit_code == unit_code)
                               .order_by(audit_table.c.id)).mappings():
        data["audit"].append({spec.name: to_json_value(spec, row[spec.name]) for spec in audit_specs})
        last = row["id"]
    return data, photos, last


def export_sync_package(*, uow_factory: UnitOfWorkFactory, out: Path, period: str | None = None,
                        today: dt.date | None = None) -> ExportedPackage:
    """Write the district's signed sync package for ``period`` to ``out`` and remember it was sent."""
    today = today or dt.date.today()
    out = Path(out)
    with uow_factory() as uow:
        s = uow.session
        info = _workspace(s)
        if info.mode != WorkspaceMode.DISTRICT.value:
            raise ValidationError(_("Only a reporting unit's workspace sends sync packages."))
        periods = reporting_periods(s)
        chosen = period or default_period(periods, today)
        if not is_period(chosen):
            raise ValidationError(_("{period} is not a reporting period; write it as 2021, 2021-H1, 2021-Q1 or "
                                    "2021-03.").format(period=chosen))
        if periods and chosen not in [p for p, _deadline in periods]:
            raise ValidationError(_("The template {template} defines no reporting period {period}; choose one of: "
                                    "{periods}.").format(template=info.template_code, period=chosen,
                                                         periods=", ".join(p for p, _deadline in periods)))
        sequence = (s.scalar(select(func.max(SentPackage.sequence))) or 0) + 1
        data, photos, audit_through = _gather_report(s, info.unit_code)
        # the city's own checks, here first: a record it would refuse is named to the officer who can correct it
        validate_district_report({f"data/{kind}.json": rows for kind, rows in data.items()}, info.unit_code,
                                 lambda message, details: ValidationError(
                                     _("The package was not written: the city would refuse some records. Correct "
                                       "them in the application and export again."), details=details))
        # The period's progress data, the very JSON its report prints (and hashes in its QR code).
        data["report"] = read_progress_data(s, unit_code=info.unit_code, unit_name=info.unit_full_name,
                                            period=chosen, today=today).to_json()
        issued = issued_progress(s, unit_code=info.unit_code, period=chosen)
        if issued is not None and issued.data_json is not None and issued.issue_date is not None:
            # The report as issued: its figures (the hash its paper's QR code holds) and its number and date.
            data["report"] = json.loads(issued.data_json)
            data["document"] = {"period": chosen, "number": number_text(issued.number or 0),
                                "symbol": issued.symbol, "issue_date": issued.issue_date.isoformat()}
        written = write_package(
            out, private_key=info.signing_private_key, kind=KIND_DISTRICT_REPORT, unit_code=info.unit_code,
            unit_name=info.unit_full_name, workspace_id=info.id, sequence=sequence, period=chosen,
            created_at=dt.datetime.now(dt.UTC), app_version=__version__, data=data, attachments=photos)
        try:
            s.add(SentPackage(sequence=sequence, period=chosen, file_name=out.name, size=written.size,
                              sha256=written.sha256, fingerprint=written.fingerprint))
            s.merge(Setting(key=AUDIT_SENT_THROUGH, value=str(audit_through)))
            audit.record(s, unit_code=info.unit_code, action="package.export", entity="package",
                         entity_id=written.sha256[:64], summary=out.name,
                         details={"file": out.name, "sha256": written.sha256, "sequence": sequence,
                                  "period": chosen, "result": "written",
                                  "record_counts": written.manifest["record_counts"]})
            uow.commit()
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return ExportedPackage(path=str(out), kind=KIND_DISTRICT_REPORT, unit_code=info.unit_code, sequence=sequence,
                           period=chosen, size=written.size, sha256=written.sha256, fingerprint=written.fingerprint,
                           record_counts=dict(written.manifest["record_counts"]))


# trust -------------------------------------------------------------------------------------------
def _active_key(session: Session, unit_code: str) -> TrustedKey | None:
    return session.scalars(select(TrustedKey).where(TrustedKey.unit_code == unit_code,
                                                    TrustedKey.retired_at.is_(None))
                           .order_by(TrustedKey.confirmed_at.desc())).first()


def _key_state(session: Session, package: PackageHead) -> tuple[str, str]:
    key = _active_key(session, package.unit_code)
    if key is None and _workspace(session).mode == WorkspaceMode.DISTRICT.value:
        # A unit trusts only the city's key: the city keeps it when its template names another agency
        # (a new code), so the same key under a new code is still the city (years.follow_agency).
        key = session.scalars(select(TrustedKey).where(TrustedKey.public_key == package.public_key,
                                                       TrustedKey.retired_at.is_(None))).first()
    if key is None:
        return KEY_NEW, ""
    if key.public_key == package.public_key:
        return KEY_TRUSTED, key.fingerprint
    return KEY_DIFFERENT, key.fingerprint


class UnknownKeyError(PackageError):
    """The first package of a unit: its key's fingerprint must be confirmed before import."""

    def __init__(self, message: str, *, fingerprint: str, unit_code: str) -> None:
        super().__init__(message)
        self.fingerprint = fingerprint
        self.unit_code = unit_code


def _check_trust(session: Session, package: PackageHead, *, trust_new_keys: bool,
                 confirmed_fingerprints: Collection[str]) -> TrustedKey | None:
    """The key must be the one registered for the unit; a first key needs the user's confirmation.

    Returns the new key to register (added by the caller with the rest of the import).
    """
    state, registered = _key_state(session, package)
    if state == KEY_TRUSTED:
        return None
    if state == KEY_DIFFERENT:
        raise _refuse(package, _("it is signed with the key {new}, but the key registered for unit {unit} is "
                                 "{old}. If the unit really has a new key, check its fingerprint by phone and "
                                 "replace the key (with a reason); then import again.").format(
                                     new=package.fingerprint, unit=package.unit_code, old=registered))
    if not trust_new_keys and package.fingerprint not in confirmed_fingerprints:
        raise UnknownKeyError(
            _("{name}: this is the first package from unit {unit}, signed with a key not yet known here. Check by "
              "phone that its fingerprint is {fingerprint}, then confirm it (command line: --trust-new-keys). "
              "Nothing was imported.").format(name=package.file_name, unit=package.unit_code,
                                              fingerprint=package.fingerprint),
            fingerprint=package.fingerprint, unit_code=package.unit_code)
    return TrustedKey(unit_code=package.unit_code, public_key=package.public_key, fingerprint=package.fingerprint,
                      confirmed_by=audit.os_user())


def check_package(*, uow_factory: UnitOfWorkFactory, path: Path) -> PackageCheck:
    """Verify a package (nothing is written) and say whether its key is known, for the confirmation dialog."""
    package = read_package_head(Path(path))  # the data is read once the key is confirmed, not before
    with uow_factory() as uow:
        state, registered = _key_state(uow.session, package)
    return PackageCheck(path=str(path), kind=package.kind, unit_code=package.unit_code,
                        unit_name=str(package.manifest.get("unit_name", "")), sequence=package.sequence,
                        period=package.period, created_at=package.created_at, fingerprint=package.fingerprint,
                        key_state=state, registered_fingerprint=registered)


def replace_trusted_key(*, uow_factory: UnitOfWorkFactory, path: Path, reason: str) -> Changes:
    """Register the key a (valid) package is signed with as the unit's key, retiring the old one."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason why the unit's key is replaced; it is kept in the audit log."))
    package = read_package_head(Path(path))
    with uow_factory() as uow:
        s = uow.session
        info = _workspace(s)
        old = _active_key(s, package.unit_code)
        if old is not None and old.public_key == package.public_key:
            raise ValidationError(_("The key {fingerprint} is already the registered key of unit {unit}.").format(
                fingerprint=package.fingerprint, unit=package.unit_code))
        now = dt.datetime.now(dt.UTC)
        if old is not None:
            old.retired_at = now
            old.retire_reason = reason
        s.add(TrustedKey(unit_code=package.unit_code, public_key=package.public_key,
                         fingerprint=package.fingerprint, confirmed_at=now, confirmed_by=audit.os_user()))
        audit.record(s, unit_code=info.unit_code, action="key.replace", entity="trusted_key",
                     entity_id=package.unit_code, summary=reason,
                     details={"unit": package.unit_code, "old": old.fingerprint if old else "",
                              "new": package.fingerprint, "file": package.file_name, "sha256": package.sha256,
                              "reason": reason})
        uow.commit()
    return Changes(packages=True)


# import ------------------------------------------------------------------------------------------
def _already_imported(session: Session, package: PackageHead) -> ReceivedPackage | None:
    return session.scalar(select(ReceivedPackage).where(ReceivedPackage.sha256 == package.sha256))


def _check_sequence(session: Session, package: VerifiedPackage, rows: Iterable[ReceivedPackage]) -> None:
    same_source = [r for r in rows if r.manifest.get("workspace_id") == package.manifest["workspace_id"]]
    if not same_source:
        return
    last = max(r.sequence for r in same_source)
    if package.sequence <= last:
        raise _refuse(package, _("its sequence number {sequence} is not newer than the last package accepted from "
                                 "unit {unit} ({last}): it is an old or replayed package.").format(
                                     sequence=package.sequence, unit=package.unit_code, last=last))


def _check_foreign_ids(session: Session, package: VerifiedPackage, records: dict[str, list[dict[str, Any]]]) -> None:
    """No record of the package may carry the identifier of another unit's record."""
    for kind in UNIT_TABLES:
        table = TABLES[kind]
        ids = [r["id"] for r in records[kind]]
        for chunk in _chunks(ids):
            clash = session.scalar(select(table.c.id).where(table.c.id.in_(chunk),
                                                            table.c.unit_code != package.unit_code).limit(1))
            if clash is not None:
                raise _refuse(package, _("the record {id} ({kind}) belongs to another unit in this workspace."
                                         ).format(id=clash, kind=kind))


def _store_report(session: Session, package: VerifiedPackage, records: dict[str, list[dict[str, Any]]]) -> None:
    """Replace the unit's records by the package's (inside the caller's transaction)."""
    unit = package.unit_code
    templates = dict(session.execute(select(TemplateRecord.code, TemplateRecord.id)).all())
    for plan in records["plans"]:
        if plan["template_code"] not in templates:
            raise _refuse(package, _("its plan refers to the template {code}, which this workspace does not "
                                     "know.").format(code=plan["template_code"]))
    shas = [a["sha256"] for a in records["attachments"]]
    known: set[str] = set()
    for chunk in _chunks(shas):
        known.update(session.scalars(select(AttachmentRow.sha256).where(AttachmentRow.sha256.in_(chunk))))
    for photo in records["attachments"]:
        if photo["sha256"] in known:
            continue
        data = package.read_attachment(photo["sha256"])
        if len(data) != photo["size"]:
            raise _refuse(package, _("the size of the photo {sha} does not match its record.").format(
                sha=photo["sha256"]))
        session.execute(insert(TABLES["attachments"]), [{**photo, "data": data}])
    for kind in reversed(UNIT_TABLES):
        table = TABLES[kind]
        session.execute(delete(table).where(table.c.unit_code == unit))
    for kind in UNIT_TABLES:
        rows = records[kind]
        if kind == "plans":
            rows = [{**{k: v for k, v in r.items() if k != "template_code"},
                     "template_id": templates[r["template_code"]]} for r in rows]
        elif kind == "plan_sections":
            rows = sorted(rows, key=lambda r: r["depth"])
        if rows:
            session.execute(insert(TABLES[kind]), rows)
    uuids = [a["uuid"] for a in records["audit"]]
    present: set[str] = set()
    for chunk in _chunks(uuids):
        present.update(session.scalars(select(AuditEntry.uuid).where(AuditEntry.uuid.in_(chunk))))
    new_entries = [a for a in records["audit"] if a["uuid"] not in present]
    if new_entries:
        session.execute(insert(TABLES["audit"]), new_entries)


def _record_received(session: Session, package: VerifiedPackage, *, status: str, reason: str = "",
                     extra: dict[str, Any] | None = None) -> ReceivedPackage:
    row = ReceivedPackage(kind=package.kind, unit_code=package.unit_code, sequence=package.sequence,
                          period=package.period, sha256=package.sha256, file_name=package.file_name,
                          size=package.size, created_at=package.created_at, status=status, decision_reason=reason,
                          manifest={**package.manifest, **(extra or {})})
    session.add(row)
    return row


def _import_report(session: Session, info: WorkspaceInfo, package: VerifiedPackage) -> ImportOutcome:
    if info.mode != WorkspaceMode.CITY.value:
        raise _refuse(package, _("a reporting unit's sync package can only be imported into a city workspace."))
    if template_for_report(session, package.unit_code, package.period) is None:
        raise _refuse(package, _("it comes from unit {unit} for the period {period}, but no template of this "
                                 "workspace names that unit and that period (the template in use is {template})."
                                 ).format(unit=package.unit_code, period=period_label(package.period),
                                          template=info.template_code))
    report = validate_district_report(package.data, package.unit_code,
                                      lambda message, details: _refuse(package, message, details))
    _check_sequence(session, package, session.scalars(select(ReceivedPackage).where(
        ReceivedPackage.kind == KIND_DISTRICT_REPORT, ReceivedPackage.unit_code == package.unit_code)))
    _check_foreign_ids(session, package, report.records)
    figures = None
    if REPORT_FILE in package.data:  # packages of earlier versions carry no progress data
        figures = validate_report_data(package.data[REPORT_FILE], unit_code=package.unit_code,
                                       period=package.period,
                                       refuse=lambda message, details: _refuse(package, message, details))
    extra: dict[str, Any] = {"report": figures} if figures else {}
    if DOCUMENT_FILE in package.data:  # the unit's report of the period was issued: its number and date
        extra["document"] = validate_issued_document(
            package.data[DOCUMENT_FILE], period=package.period,
            refuse=lambda message, details: _refuse(package, message, details))
    _store_report(session, package, report.records)
    _record_received(session, package, status=RECEIVED, extra=extra or None)
    counts = {kind: report.count(kind) for kind in report.records}
    return ImportOutcome(
        path=str(package.path), kind=package.kind, unit_code=package.unit_code, sequence=package.sequence,
        period=package.period, sha256=package.sha256, imported=True,
        message=_("{name}: the package {sequence} of unit {unit} for {period} was imported ({tasks} tasks, "
                  "{materials} materials, {events} events).").format(
                      name=package.file_name, sequence=package.sequence, unit=package.unit_code,
                      period=period_label(package.period), tasks=counts["tasks"], materials=counts["materials"],
                      events=counts["events"]),
        record_counts=counts, changes=REPORT_CHANGES)


def _import_receipt(session: Session, info: WorkspaceInfo, package: VerifiedPackage) -> ImportOutcome:
    if info.mode != WorkspaceMode.DISTRICT.value:
        raise _refuse(package, _("a receipt can only be imported into the workspace of the unit it was sent to."))
    receipt = package.data.get("data/receipt.json")
    fields = ("unit_code", "workspace_id", "sequence", "period", "sha256")
    if (not isinstance(receipt, dict) or not isinstance(receipt.get("package"), dict)
            or any(k not in receipt["package"] for k in fields)
            or receipt.get("result") not in (ACCEPTED, REFUSED)
            or not isinstance(receipt.get("reason", ""), str)
            or not isinstance(receipt.get("decision"), dict)
            or receipt["decision"].get("status") not in ("pending", ACCEPTED, RETURNED)
            or not isinstance(receipt["decision"].get("reason", ""), str)):
        raise _refuse(package, _("the receipt is malformed."))
    about = receipt["package"]
    if about["unit_code"] != info.unit_code or about["workspace_id"] != info.id:
        raise _refuse(package, _("this receipt is for another unit or another workspace ({unit})."
                                 ).format(unit=about["unit_code"]))
    sent = session.scalar(select(SentPackage).where(SentPackage.sha256 == about["sha256"]))
    if sent is None:
        raise _refuse(package, _("this receipt is about a package this workspace did not send."))
    earlier = [r for r in session.scalars(select(ReceivedPackage).where(ReceivedPackage.kind == KIND_RECEIPT))
               if (r.manifest.get("receipt") or {}).get("package", {}).get("sha256") == about["sha256"]]
    _check_sequence(session, package, earlier)
    if receipt["result"] == REFUSED:
        status, reason = REFUSED, receipt.get("reason", "")
    else:
        status = {"pending": RECEIVED, ACCEPTED: ACCEPTED, RETURNED: RETURNED}[receipt["decision"]["status"]]
        reason = receipt["decision"].get("reason", "")
    _record_received(session, package, status=status, reason=reason, extra={"receipt": receipt})
    return ImportOutcome(
        path=str(package.path), kind=package.kind, unit_code=package.unit_code, sequence=package.sequence,
        period=package.period, sha256=package.sha256, imported=True,
        message=_("{name}: the city's receipt for package {sequence} ({period}) was imported.").format(
            name=package.file_name, sequence=sent.sequence, period=period_label(sent.period)),
        changes=Changes(packages=True))


def _check_template_size(package: PackageHead) -> None:
    """A template package's template within :data:`MAX_TEMPLATE_BYTES`, from its signed manifest: before parsing."""
    if package.kind != KIND_CITY_TEMPLATE:
        return
    size = next((f["size"] for f in package.manifest["files"] if f["path"] == "data/template.json"), 0)
    if size > MAX_TEMPLATE_BYTES:
        raise _refuse(package, _("the template it carries is larger than a template can be (at most {size} "
                                 "MB).").format(size=MAX_TEMPLATE_BYTES >> 20))


def template_in_package(package: VerifiedPackage) -> Template:
    """The template a verified ``.khtemplate`` carries, validated like any template (and bounded in size)."""
    _check_template_size(package)
    try:
        return parse_template(package.data.get("data/template.json"), origin=package.file_name)
    except TemplateError as exc:
        raise _refuse(package, _("the template it carries is not valid: {reason}").format(reason=exc)) from exc


def read_template_package(path: Path) -> tuple[VerifiedPackage, Template]:
    """Verify a ``.khtemplate`` (signature, hashes) and read its template; nothing is written."""
    package = read_package(Path(path), kinds=(KIND_CITY_TEMPLATE,), check_key=_check_template_size)
    return package, template_in_package(package)


def register_city_package(session: Session, package: VerifiedPackage) -> None:
    """A new unit's workspace starts from the city's template package: its key is the city's, trusted from now on."""
    session.add(TrustedKey(unit_code=package.unit_code, public_key=package.public_key,
                           fingerprint=package.fingerprint, confirmed_by=audit.os_user()))
    _record_received(session, package, status=RECEIVED)


def _import_template(session: Session, info: WorkspaceInfo, package: VerifiedPackage) -> ImportOutcome:
    if info.mode != WorkspaceMode.DISTRICT.value:
        raise _refuse(package, _("a template package is imported by the reporting units, not by the city."))
    template = template_in_package(package)
    _check_sequence(session, package, session.scalars(select(ReceivedPackage).where(
        ReceivedPackage.kind == KIND_CITY_TEMPLATE, ReceivedPackage.unit_code == package.unit_code)))
    existing = session.scalar(select(TemplateRecord).where(TemplateRecord.code == template.code))
    if existing is not None:
        raise _refuse(package, _("this workspace already has a template with the code {code}. A corrected "
                                 "template must be published under a new code.").format(code=template.code))
    store_template(session, template, origin=IMPORTED)
    _record_received(session, package, status=RECEIVED)
    return ImportOutcome(
        path=str(package.path), kind=package.kind, unit_code=package.unit_code, sequence=package.sequence,
        period=package.period, sha256=package.sha256, imported=True,
        message=_("{name}: the template {code} ({year}) was imported. Start its plan year with “Plan years…” "
                  "(command line: kehoach template use --code {code}).").format(
            name=package.file_name, code=template.code, year=template.year),
        changes=Changes(workspace=True, packages=True), template_code=template.code)


_IMPORTERS = {KIND_DISTRICT_REPORT: _import_report, KIND_RECEIPT: _import_receipt,
              KIND_CITY_TEMPLATE: _import_template}


def _apply(uow_factory: UnitOfWorkFactory, package: VerifiedPackage, *, trust_new_keys: bool,
           confirmed_fingerprints: Collection[str]) -> ImportOutcome:
    path = package.path
    with uow_factory() as uow:
        s = uow.session
        lock_unit_records(s, package.unit_code)  # on a shared server: one import per unit at a time
        info = _workspace(s)
        previous = _already_imported(s, package)
        if previous is not None:
            outcome = ImportOutcome(
                path=str(path), kind=package.kind, unit_code=package.unit_code, sequence=package.sequence,
                period=package.period, sha256=package.sha256, imported=False,
                message=_("{name}: this package was already imported on {date}; nothing changed.").format(
                    name=path.name, date=previous.received_at.astimezone().strftime("%d/%m/%Y %H:%M")))
        else:
            new_key = _check_trust(s, package, trust_new_keys=trust_new_keys,
                                   confirmed_fingerprints=confirmed_fingerprints)
            outcome = _IMPORTERS[package.kind](s, info, package)
            refresh_if_stale(s)  # a city's register grows by a district at a time
            if new_key is not None:
                s.add(new_key)
                audit.record(s, unit_code=info.unit_code, action="key.trust", entity="trusted_key",
                             entity_id=package.unit_code, summary=package.fingerprint,
                             details={"unit": package.unit_code, "fingerprint": package.fingerprint})
                outcome = replace(outcome, trusted_key=package.fingerprint)
        audit.record(s, unit_code=info.unit_code, action="package.import", entity="package",
                     entity_id=package.sha256, summary=path.name,
                     details={"file": path.name, "sha256": package.sha256, "kind": package.kind,
                              "unit": package.unit_code, "sequence": package.sequence,
                              "period": package.period,
                              "result": "imported" if outcome.imported else "unchanged"})
        uow.commit()
    return outcome


def import_package(*, uow_factory: UnitOfWorkFactory, path: Path, trust_new_keys: bool = False,
                   confirmed_fingerprints: Collection[str] = (), kinds: tuple[str, ...] = KINDS) -> ImportOutcome:
    """Verify and apply one package (a district report, a receipt or a template) in one transaction.

    The same package again changes nothing and says so. A refusal raises a
    :class:`PackageError` after it was recorded in the audit log.
    """
    path = Path(path)
    package: PackageHead | None = None

    def check_key(head: PackageHead) -> None:
        """Before any data file is parsed: a package signed by a key that is not the unit's costs its manifest only."""
        nonlocal package
        package = head
        _check_template_size(head)
        with uow_factory() as uow:
            if _already_imported(uow.session, head) is None:
                _check_trust(uow.session, head, trust_new_keys=trust_new_keys,
                             confirmed_fingerprints=confirmed_fingerprints)

    try:
        package = read_package(path, kinds=kinds, check_key=check_key)
        for attempt in range(_ATTEMPTS):
            try:
                return _apply(uow_factory, package, trust_new_keys=trust_new_keys,
                              confirmed_fingerprints=confirmed_fingerprints)
            except IntegrityError as exc:  # every rule was checked before; this is the database's last word
                # On a shared database another officer may have written the same package (or the same photo)
                # between our checks and our commit: once that is committed, a new attempt sees it
                # ("already imported"), so try again before calling the package conflicting.
                if attempt + 1 == _ATTEMPTS:
                    raise _refuse(path, _("its records conflict with the data of this workspace.")) from exc
                log.info("import of %s met a concurrent write; trying again", path)
        raise AssertionError("unreachable")
    except UserFacingError as error:
        _record_refusal(uow_factory, path, error, package)
        raise


def _record_refusal(uow_factory: UnitOfWorkFactory, path: Path, error: UserFacingError,
                    package: PackageHead | None) -> None:
    details: dict[str, Any] = {"file": path.name, "sha256": package.sha256 if package else _file_sha256(path),
                               "result": "refused", "reason": str(error)}
    if package is not None:
        details.update(kind=package.kind, unit=package.unit_code, sequence=package.sequence,
                       period=package.period, workspace_id=package.manifest["workspace_id"],
                       created_at=package.manifest["created_at"])
    try:
        with uow_factory() as uow:
            info = _workspace(uow.session)
            audit.record(uow.session, unit_code=info.unit_code, action="package.refuse", entity="package",
                         entity_id=details["sha256"], summary=path.name, details=details)
            uow.commit()
    except Exception:  # the refusal itself is what the user must see; the log keeps this failure
        log.exception("the refusal of %s could not be recorded in the audit log", path)


def import_template_package(*, uow_factory: UnitOfWorkFactory, path: Path, trust_new_keys: bool = False,
                            confirmed_fingerprints: Collection[str] = ()) -> ImportOutcome:
    """Import a city's ``.khtemplate`` into a district workspace (as a template of origin "imported")."""
    return import_package(uow_factory=uow_factory, path=path, trust_new_keys=trust_new_keys,
                          confirmed_fingerprints=confirmed_fingerprints, kinds=(KIND_CITY_TEMPLATE,))


# city: receipts and templates --------------------------------------------------------------------
def _next_city_sequence(session: Session) -> int:
    value = _setting_int(session, CITY_SEQUENCE) + 1
    session.merge(Setting(key=CITY_SEQUENCE, value=str(value)))
    return value


def _receipt_for(session: Session, sha256: str) -> dict[str, Any]:
    row = session.scalar(select(ReceivedPackage).where(ReceivedPackage.sha256 == sha256,
                                                       ReceivedPackage.kind == KIND_DISTRICT_REPORT))
    if row is not None:
        decision = {RECEIVED: "pending", ACCEPTED: ACCEPTED, RETURNED: RETURNED}.get(row.status, "pending")
        return {
            "package": {"unit_code": row.unit_code, "workspace_id": row.manifest.get("workspace_id", ""),
                        "sequence": row.sequence, "period": row.period, "sha256": row.sha256,
                        "file_name": row.file_name, "created_at": timestamp(row.created_at)},
            "received_at": timestamp(row.received_at), "result": ACCEPTED, "reason": "",
            "decision": {"status": decision, "reason": row.decision_reason if decision == RETURNED else ""},
        }
    refusals = session.scalars(select(AuditEntry).where(AuditEntry.action == "package.refuse",
                                                        AuditEntry.entity_id == sha256)
                               .order_by(AuditEntry.id.desc()))
    for entry in refusals:
        d = entry.details
        if d.get("unit") and d.get("workspace_id") and d.get("kind") == KIND_DISTRICT_REPORT:
            return {
                "package": {"unit_code": d["unit"], "workspace_id": d["workspace_id"], "sequence": d["sequence"],
                            "period": d["period"], "sha256": sha256, "file_name": d["file"],
                            "created_at": d.get("created_at", "")},
                "received_at": timestamp(entry.at), "result": REFUSED, "reason": d.get("reason", ""),
                "decision": {"status": "pending", "reason": ""},
            }
    raise ValidationError(_("No package with the SHA-256 {sha} was received from a reporting unit (a package "
                            "refused before its signature could be checked gets no receipt).").format(sha=sha256))


def export_receipt(*, uow_factory: UnitOfWorkFactory, package_sha256: str, out: Path) -> ExportedPackage:
    """Write the city's signed receipt for a received (or refused) district package."""
    out = Path(out)
    with uow_factory() as uow:
        try:
            done = write_receipt(uow.session, package_sha256=package_sha256, out=out)
            uow.commit()
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return done


def write_receipt(session: Session, *, package_sha256: str, out: Path, name: str = "") -> ExportedPackage:
    """The receipt's file and its record, inside the caller's transaction (the caller removes the file if it
    does not commit)."""
    info = _workspace(session)
    if info.mode != WorkspaceMode.CITY.value:
        raise ValidationError(_("Only a city workspace writes receipts."))
    receipt = _receipt_for(session, package_sha256)
    sequence = _next_city_sequence(session)
    written = write_package(
        out, private_key=info.signing_private_key, kind=KIND_RECEIPT, unit_code=info.unit_code,
        unit_name=info.unit_full_name, workspace_id=info.id, sequence=sequence,
        period=receipt["package"]["period"], created_at=dt.datetime.now(dt.UTC), app_version=__version__,
        data={"receipt": receipt}, record_counts={})
    name = name or out.name  # the file's final name when it is written under a passing one
    audit.record(session, unit_code=info.unit_code, action="receipt.export", entity="package",
                 entity_id=package_sha256, summary=name,
                 details={"file": name, "sha256": written.sha256, "about": package_sha256,
                          "unit": receipt["package"]["unit_code"], "result": receipt["result"]})
    return ExportedPackage(path=str(out), kind=KIND_RECEIPT, unit_code=receipt["package"]["unit_code"],
                           sequence=sequence, period=receipt["package"]["period"], size=written.size,
                           sha256=written.sha256, fingerprint=written.fingerprint)


def decide_package(*, uow_factory: UnitOfWorkFactory, package_id: str, decision: str, reason: str = "") -> Changes:
    """The city's decision on a received report: ``accepted``, or ``returned`` with a reason."""
    with uow_factory() as uow:
        changes = record_decision(uow.session, package_id=package_id, decision=decision, reason=reason)
        uow.commit()
    return changes


def record_decision(session: Session, *, package_id: str, decision: str, reason: str = "") -> Changes:
    """:func:`decide_package` inside the caller's transaction."""
    if decision not in (ACCEPTED, RETURNED):
        raise ValidationError(_("The decision must be accepted or returned."))
    reason = reason.strip()
    if decision == RETURNED and not reason:
        raise ValidationError(_("Say why the report is returned; the unit will read it."))
    info = _workspace(session)
    row = session.get(ReceivedPackage, package_id)
    if row is None or row.kind != KIND_DISTRICT_REPORT:
        raise ValidationError(_("There is no such received package."))
    row.status = decision
    row.decision_reason = reason
    audit.record(session, unit_code=info.unit_code, action="package.decide", entity="package",
                 entity_id=row.sha256, summary=f"{row.unit_code} {row.period}: {decision}",
                 details={"unit": row.unit_code, "sequence": row.sequence, "decision": decision, "reason": reason})
    session.flush()
    return Changes(packages=True)


def export_template_package(*, uow_factory: UnitOfWorkFactory, out: Path,
                            template_code: str | None = None) -> ExportedPackage:
    """Write the city's template (the workspace's own by default) as a signed ``.khtemplate``."""
    out = Path(out)
    with uow_factory() as uow:
        s = uow.session
        info = _workspace(s)
        if info.mode != WorkspaceMode.CITY.value:
            raise ValidationError(_("Only a city workspace publishes templates."))
        code = template_code or info.template_code
        record = s.scalar(select(TemplateRecord).where(TemplateRecord.code == code))
        if record is None:
            raise ValidationError(_("This workspace has no template with the code {code}.").format(code=code))
        sequence = _next_city_sequence(s)
        written = write_package(
            out, private_key=info.signing_private_key, kind=KIND_CITY_TEMPLATE, unit_code=info.unit_code,
            unit_name=info.unit_full_name, workspace_id=info.id, sequence=sequence, period=str(record.year),
            created_at=dt.datetime.now(dt.UTC), app_version=__version__, data={"template": record.content},
            record_counts={})
        try:
            audit.record(s, unit_code=info.unit_code, action="template.export", entity="template",
                         entity_id=record.code, summary=out.name,
                         details={"file": out.name, "sha256": written.sha256, "template": record.code,
                                  "result": "written"})
            uow.commit()
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return ExportedPackage(path=str(out), kind=KIND_CITY_TEMPLATE, unit_code=info.unit_code, sequence=sequence,
                           period=str(record.year), size=written.size, sha256=written.sha256,
                           fingerprint=written.fingerprint)


# read models -------------------------------------------------------------------------------------
def get_sync_status(*, uow_factory: UnitOfWorkFactory, today: dt.date) -> SyncStatus:
    with uow_factory() as uow:
        s = uow.session
        info = _workspace(s)
        periods = reporting_periods(s)
        receipts: dict[str, ReceivedPackage] = {}
        city_key = ""
        for row in s.scalars(select(ReceivedPackage).where(ReceivedPackage.kind == KIND_RECEIPT)
                             .order_by(ReceivedPackage.sequence)):
            about = (row.manifest.get("receipt") or {}).get("package", {}).get("sha256", "")
            receipts[about] = row  # the latest receipt about a package wins
        for key in s.scalars(select(TrustedKey).where(TrustedKey.retired_at.is_(None))):
            city_key = key.fingerprint
        rows = []
        for sent in s.scalars(select(SentPackage).order_by(SentPackage.sequence.desc())):
            receipt = receipts.get(sent.sha256)
            rows.append(SentPackageRow(
                sequence=sent.sequence, period=sent.period, created_at=sent.created_at, file_name=sent.file_name,
                size=sent.size, sha256=sent.sha256, fingerprint=sent.fingerprint,
                status=receipt.status if receipt else SENT, reason=receipt.decision_reason if receipt else "",
                receipt_at=receipt.received_at if receipt else None))
        return SyncStatus(unit_code=info.unit_code, unit_full_name=info.unit_full_name,
                          key_fingerprint=fingerprint(info.signing_public_key), city_key_fingerprint=city_key,
                          default_period=default_period(periods, today), periods=tuple(p for p, _d in periods),
                          packages=tuple(rows))


def list_received_packages(*, uow_factory: UnitOfWorkFactory) -> tuple[ReceivedPackageRow, ...]:
    with uow_factory() as uow:
        s = uow.session
        return tuple(
            ReceivedPackageRow(
                id=row.id, kind=row.kind, unit_code=row.unit_code, unit_name=str(row.manifest.get("unit_name", "")),
                sequence=row.sequence, period=row.period, created_at=row.created_at, received_at=row.received_at,
                file_name=row.file_name, size=row.size, sha256=row.sha256, status=row.status,
                reason=row.decision_reason, fingerprint=str(row.manifest.get("key_fingerprint", "")))
            for row in s.scalars(select(ReceivedPackage).order_by(ReceivedPackage.received_at.desc(),
                                                                  ReceivedPackage.unit_code)))
