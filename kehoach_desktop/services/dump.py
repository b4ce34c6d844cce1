"""``kehoach dump``: a canonical JSON of the whole workspace, for backups, diffs and checks.

The format is documented in ``docs/dump.md``. Keys are sorted and records ordered by a
stable key, so two dumps of the same data are byte-identical. The audit trail is kept
under its own top-level key (``audit``) so that a comparison of content can leave it out.
The workspace's private signing key is never dumped.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import inspect, select

from kehoach_desktop.exchange.keys import fingerprint
from kehoach_desktop.storage.models import (
    Attachment,
    AttachmentLink,
    AuditEntry,
    Base,
    Event,
    IssuedDocument,
    Material,
    Plan,
    PlanRevision,
    PlanSection,
    ReceivedPackage,
    ResponsibleUnit,
    SentPackage,
    Task,
    TemplateRecord,
    TrustedKey,
    WorkspaceInfo,
)
from kehoach_desktop.storage.uow import UnitOfWorkFactory

DUMP_FORMAT = "kehoach-dump"
DUMP_FORMAT_VERSION = 1


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _row(record: Base, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    mapper = inspect(type(record))
    return {attr.key: _value(getattr(record, attr.key)) for attr in mapper.column_attrs if attr.key not in exclude}


def dump_workspace(*, uow_factory: UnitOfWorkFactory) -> dict[str, Any]:
    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        workspace = _row(info, exclude=("signing_private_key",))
        workspace["key_fingerprint"] = fingerprint(info.signing_public_key)

        plans = []
        for plan in s.scalars(select(Plan).order_by(Plan.unit_code, Plan.year, Plan.id)):
            entry = _row(plan)
            entry["sections"] = [_row(sec) for sec in s.scalars(
                select(PlanSection).where(PlanSection.plan_id == plan.id).order_by(PlanSection.position))]
            positions = {sec["id"]: sec["position"] for sec in entry["sections"]}
            tasks = [_row(task) for task in s.scalars(select(Task).where(Task.plan_id == plan.id))]
            entry["tasks"] = sorted(tasks, key=lambda t: (positions.get(t["section_id"], -1), t["position"], t["id"]))
            entry["revisions"] = [_row(rev) for rev in s.scalars(
                select(PlanRevision).where(PlanRevision.plan_id == plan.id).order_by(PlanRevision.number))]
            plans.append(entry)

        return {
            "format": DUMP_FORMAT,
            "format_version": DUMP_FORMAT_VERSION,
            "workspace": workspace,
            "templates": [_row(t, exclude=("content",)) for t in s.scalars(
                select(TemplateRecord).order_by(TemplateRecord.code))],
            "responsible_units": [_row(u) for u in s.scalars(
                select(ResponsibleUnit).order_by(ResponsibleUnit.unit_code, ResponsibleUnit.position,
                                                 ResponsibleUnit.id))],
            "plans": plans,
            "materials": [_row(m, exclude=("search_key",)) for m in s.scalars(
                select(Material).order_by(Material.unit_code, Material.id))],
            "events": [_row(e, exclude=("search_key",)) for e in s.scalars(
                select(Event).order_by(Event.unit_code, Event.id))],
            "attachments": [_row(a, exclude=("data",)) for a in s.scalars(
                select(Attachment).order_by(Attachment.sha256))],
            "attachment_links": [_row(link) for link in s.scalars(
                select(AttachmentLink).order_by(AttachmentLink.owner_id, AttachmentLink.position,
                                                AttachmentLink.id))],
            "trusted_keys": [_row(k) for k in s.scalars(select(TrustedKey).order_by(TrustedKey.unit_code,
                                                                                   TrustedKey.id))],
            "sent_packages": [_row(p) for p in s.scalars(select(SentPackage).order_by(SentPackage.sequence))],
            "received_packages": [_row(p) for p in s.scalars(
                select(ReceivedPackage).order_by(ReceivedPackage.unit_code, ReceivedPackage.sequence,
                                                 ReceivedPackage.id))],
            "issued_documents": [_issued(d) for d in s.scalars(
                select(IssuedDocument).order_by(IssuedDocument.unit_code, IssuedDocument.year, IssuedDocument.symbol,
                                                IssuedDocument.number, IssuedDocument.id))],
            "audit": [_row(a, exclude=("id",)) for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))],
        }


def _issued(document: IssuedDocument) -> dict[str, Any]:
    """A register entry; the PDF and the figures as issued by their SHA-256, not their bytes."""
    row = _row(document, exclude=("pdf", "data_json"))
    for key, blob in (("pdf_sha256", document.pdf), ("data_sha256", document.data_json)):
        row[key] = hashlib.sha256(blob).hexdigest() if blob is not None else None
    return row


def dump_to_text(dump: dict[str, Any]) -> str:
    return json.dumps(dump, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
