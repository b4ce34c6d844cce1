"""Typed SQLAlchemy 2 models of the whole workspace.

Every record that travels (plan, sections, tasks, units, materials, events) carries a
UUID primary key, ``created_at``/``updated_at`` in UTC, and the code of the unit that
owns it (a district's own records, or, in a city workspace, the records a district
sent). Deletes are soft (``deleted_at``) so that audit and sync keep them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps stored naive in UTC and given back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TravellingRecord:
    """Columns shared by every record that travels in packages."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    unit_code: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        """Optimistic concurrency: an UPDATE names the version it read and raises StaleDataError if it changed."""
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class WorkspaceInfo(Base):
    """The one row that says whose workspace this is."""

    __tablename__ = "workspace"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    mode: Mapped[str] = mapped_column(String(16))  # WorkspaceMode
    unit_code: Mapped[str] = mapped_column(String(16))
    unit_kind: Mapped[str] = mapped_column(String(32))
    unit_name: Mapped[str] = mapped_column(String(200))
    unit_full_name: Mapped[str] = mapped_column(String(300))
    template_code: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_authority: Mapped[str] = mapped_column(String(200), default="")  # "TM. ỦY BAN NHÂN DÂN"
    export_folder: Mapped[str] = mapped_column(Text, default="")
    signing_public_key: Mapped[bytes] = mapped_column(LargeBinary)
    signing_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    app_version: Mapped[str] = mapped_column(String(32))


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TemplateRecord(Base):
    """A template of themes known to the workspace: the built-in one, or one imported."""

    __tablename__ = "templates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))  # "builtin" or "imported"
    content: Mapped[dict] = mapped_column(JSON)  # the template document (template_to_json)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponsibleUnit(TravellingRecord, Base):
    """A unit of the district that tasks are given to: an office, a centre, a ward."""

    __tablename__ = "responsible_units"

    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))  # ResponsibleUnitKind
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("unit_code", "code", name="uq_responsible_units_unit_code_code"),)


class Plan(TravellingRecord, Base):
    __tablename__ = "plans"

    template_id: Mapped[str] = mapped_column(ForeignKey("templates.id"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # PlanStatus
    revision: Mapped[int] = mapped_column(Integer, default=0)  # 0 while the first draft is unissued
    title: Mapped[str] = mapped_column(String(100))  # "KẾ HOẠCH"
    summary: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(String(32), default="")  # "05"
    symbol: Mapped[str] = mapped_column(String(64), default="")  # "KH-UBND"
    place: Mapped[str] = mapped_column(String(100), default="")
    issue_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    superior_agency: Mapped[str] = mapped_column(String(300), default="")
    issuing_agency: Mapped[str] = mapped_column(String(300), default="")
    legal_bases: Mapped[list] = mapped_column(JSON, default=list)
    preamble: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    signer_authority: Mapped[str] = mapped_column(String(200), default="")
    signer_deputy: Mapped[str] = mapped_column(String(200), default="")  # "KT. CHỦ TỊCH"
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    recipients: Mapped[list] = mapped_column(JSON, default=list)

    sections: Mapped[list[PlanSection]] = relationship(
        back_populates="plan", order_by="PlanSection.position", cascade="all, delete-orphan")
    revisions: Mapped[list[PlanRevision]] = relationship(
        back_populates="plan", order_by="PlanRevision.number", cascade="all, delete-orphan")


class PlanRevision(Base):
    """An issued state of the plan, kept readable for comparison."""

    __tablename__ = "plan_revisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(200), default="")
    snapshot: Mapped[dict] = mapped_column(JSON)  # the plan, its sections and tasks at issue

    plan: Mapped[Plan] = relationship(back_populates="revisions")

    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_revisions_plan_id_number"),)


class IssuedDocument(Base):
    """The register of documents (sổ đăng ký văn bản đi): a progress report, a plan revision, a reminder letter.

    A row with ``number`` None is the draft of a progress report: its edited text, kept until it is issued.
    An issued row keeps its number, date, addressees and signer, and the PDF as issued (unsigned), so that
    printing it again gives the same document. Numbers restart each year, per symbol.
    """

    __tablename__ = "issued_documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    unit_code: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "progress", "plan", "reminder"
    period: Mapped[str] = mapped_column(String(16), default="")  # the progress report's or reminder's period
    year: Mapped[int] = mapped_column(Integer)  # the numbering year (the issue date's)
    number: Mapped[int | None] = mapped_column(Integer, default=None)  # None: a draft
    symbol: Mapped[str] = mapped_column(String(64), default="")  # "BC-UBND"
    issue_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    summary: Mapped[str] = mapped_column(Text, default="")  # trích yếu
    recipient: Mapped[str] = mapped_column(Text, default="")  # "Kính gửi"
    recipients: Mapped[list] = mapped_column(JSON, default=list)  # Nơi nhận
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[dict] = mapped_column(JSON, default=dict)  # the report's edited sections
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)  # as issued, unsigned
    data_json: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)  # its figures, as issued
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    issued_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("unit_code", "year", "symbol", "number", name="uq_issued_documents_number"),
        Index("ix_issued_documents_kind_period", "unit_code", "kind", "period"),
    )


class PlanSection(TravellingRecord, Base):
    """A section of the district plan, made from a template section (or added locally)."""

    __tablename__ = "plan_sections"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("plan_sections.id"), default=None)
    template_key: Mapped[str | None] = mapped_column(String(32), default=None)
    position: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(32), default="")
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))  # SectionKind
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    template_text: Mapped[str] = mapped_column(Text, default="")  # the city's wording, never edited
    text: Mapped[str] = mapped_column(Text, default="")  # the district's text (equal to it if untouched)
    local_text: Mapped[str] = mapped_column(Text, default="")  # district additions beside locked text

    plan: Mapped[Plan] = relationship(back_populates="sections")
    tasks: Mapped[list[Task]] = relationship(
        back_populates="section", order_by="Task.position", cascade="all, delete-orphan")


class Task(TravellingRecord, Base):
    """A local task of the district under a theme, with its progress."""

    __tablename__ = "tasks"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("plan_sections.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    form: Mapped[str] = mapped_column(String(32))  # PropagandaForm
    lead_unit_id: Mapped[str | None] = mapped_column(ForeignKey("responsible_units.id"), default=None)
    supporting_unit_ids: Mapped[list] = mapped_column(JSON, default=list)
    start_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    budget: Mapped[int] = mapped_column(BigInteger, default=0)  # VND
    # who pays: domain/budget_sources.py's codes; "" the lead unit's budget
    budget_source: Mapped[str] = mapped_column(String(16), default="")
    indicator_unit: Mapped[str] = mapped_column(String(100), default="")
    indicator_target: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # progress
    status: Mapped[str] = mapped_column(String(16), default="not_started")  # TaskStatus
    percent_done: Mapped[int] = mapped_column(Integer, default=0)
    indicator_achieved: Mapped[int | None] = mapped_column(BigInteger, default=None)
    spent: Mapped[int] = mapped_column(BigInteger, default=0)  # VND used
    result_text: Mapped[str] = mapped_column(Text, default="")
    progress_updated_on: Mapped[dt.date | None] = mapped_column(Date, default=None)

    section: Mapped[PlanSection] = relationship(back_populates="tasks")

    __table_args__ = (
        # covers the city board's task figures (status, overdue, budget, indicators per unit)
        Index("ix_tasks_board", "unit_code", "plan_id", "deleted_at", "status", "due_date", "budget", "spent",
              "indicator_target", "indicator_achieved"),
    )


class Material(TravellingRecord, Base):
    """A visual campaign material (one item or a batch) through its life cycle."""

    __tablename__ = "materials"

    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"), default=None, index=True)
    section_id: Mapped[str | None] = mapped_column(ForeignKey("plan_sections.id"), default=None)
    task_id: Mapped[str | None] = mapped_column(ForeignKey("tasks.id"), default=None)
    type: Mapped[str] = mapped_column(String(32))  # MaterialType
    content: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    size: Mapped[str] = mapped_column(String(100), default="")
    ward: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")  # MaterialStatus
    planned_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    produced_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    installed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    removed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    damaged_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    replaced_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    planned_removal_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    cost: Mapped[int] = mapped_column(BigInteger, default=0)  # VND
    supplier: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(Text, default="")  # folded text for diacritic-free search

    __table_args__ = (
        # covers the register's filters and totals (count, quantity, cost) and the city board's
        # GROUP BY unit, status, type: DESIGN P6 at 300,000 rows
        Index("ix_materials_register", "unit_code", "status", "type", "deleted_at", "ward", "section_id",
              "planned_removal_on", "quantity", "cost"),
        # the register's default order (newest first), walked page by page without sorting
        Index("ix_materials_recent", "unit_code", "deleted_at", "updated_at", "id"),
    )


class Event(TravellingRecord, Base):
    """A cultural, arts or sports event, a press conference, a training course…"""

    __tablename__ = "events"

    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"), default=None, index=True)
    section_id: Mapped[str | None] = mapped_column(ForeignKey("plan_sections.id"), default=None)
    task_id: Mapped[str | None] = mapped_column(ForeignKey("tasks.id"), default=None)
    type: Mapped[str] = mapped_column(String(32))  # EventType
    title: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    venue: Mapped[str] = mapped_column(Text, default="")
    ward: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(300), default="")
    expected_participants: Mapped[int | None] = mapped_column(Integer, default=None)
    actual_participants: Mapped[int | None] = mapped_column(Integer, default=None)
    budget: Mapped[int] = mapped_column(BigInteger, default=0)
    actual_cost: Mapped[int | None] = mapped_column(BigInteger, default=None)
    status: Mapped[str] = mapped_column(String(16), default="planned")  # EventStatus
    result_notes: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_events_unit_starts_on", "unit_code", "starts_on"),
        # covers the city board's event figures (held, participants, cost per unit)
        Index("ix_events_board", "unit_code", "deleted_at", "status", "actual_participants", "actual_cost"),
    )


class Attachment(Base):
    """A photo stored once, addressed by the SHA-256 of its (downscaled) bytes."""

    __tablename__ = "attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AttachmentLink(TravellingRecord, Base):
    """A photo attached to a material or an event."""

    __tablename__ = "attachment_links"

    owner_type: Mapped[str] = mapped_column(String(16))  # "material" or "event"
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachments.sha256"))
    caption: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(Base):
    """What changed, when, and by whom."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), default=new_id, unique=True)
    unit_code: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    os_user: Mapped[str] = mapped_column(String(200), default="")
    signer_profile: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(64))  # "workspace.create", "plan.create", ...
    entity: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class TrustedKey(Base):
    """A signing key the workspace trusts: a district's key (city mode) or the city's (district mode)."""

    __tablename__ = "trusted_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    unit_code: Mapped[str] = mapped_column(String(16), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(128))
    confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by: Mapped[str] = mapped_column(String(200), default="")
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    retire_reason: Mapped[str] = mapped_column(Text, default="")


class SentPackage(Base):
    """A sync package this district exported."""

    __tablename__ = "sent_packages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    period: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    file_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(128))


class ReceivedPackage(Base):
    """A package the city received from a district (or a receipt/template a district received)."""

    __tablename__ = "received_packages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(32))  # "district-report", "city-template", "receipt"
    unit_code: Mapped[str] = mapped_column(String(16), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(16), default="")
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # as the package says
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16))  # "accepted", "refused", "returned"
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    manifest: Mapped[dict] = mapped_column(JSON, default=dict)
