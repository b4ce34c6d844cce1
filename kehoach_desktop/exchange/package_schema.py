"""The records of a sync package: their fields, and a strict validation of what a package holds.

Each data file of a ``district-report`` is a JSON array of records of one kind. Every
field is declared here with its type and limits; a record with a missing, unknown or
wrong field, a value outside its enumeration, a date or UUID that is not one, a record of
another unit, or a reference to a record the package does not hold, is refused. Valid
records come back as Python values (dates, aware datetimes, NFC text) ready to store.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kehoach_desktop.domain.budget_sources import BY_LEAD
from kehoach_desktop.domain.budget_sources import CODES as SOURCE_CODES
from kehoach_desktop.domain.enums import (
    EventStatus,
    EventType,
    MaterialStatus,
    MaterialType,
    PlanStatus,
    PropagandaForm,
    ResponsibleUnitKind,
    SectionKind,
    TaskStatus,
)
from kehoach_desktop.domain.labels import RECORD_KINDS, TEXT_FIELDS, record_name
from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT
from kehoach_desktop.domain.text import control_character_problem, line_breaks, visible_controls
from kehoach_desktop.exchange.package import parse_timestamp, timestamp
from kehoach_desktop.i18n import _

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # uuid, text, int, bool, date, datetime, enum, sha256, uuid_list, text_list, object
    nullable: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    # a field added after format version 1 (``added``): a record written before it lacks it and gets ``default``
    added: bool = False
    default: Any = None


def _enum(name: str, values: Iterable[str]) -> Field:
    return Field(name, "enum", choices=tuple(values))


def _text(name: str, max_length: int | None = None) -> Field:
    return Field(name, "text", max_length=max_length)


def _money(name: str, nullable: bool = False) -> Field:
    return Field(name, "int", nullable=nullable, minimum=0, maximum=MAX_AMOUNT_VND)


def _count(name: str, nullable: bool = False) -> Field:
    return Field(name, "int", nullable=nullable, minimum=0, maximum=MAX_COUNT)


def _date(name: str, nullable: bool = True) -> Field:
    return Field(name, "date", nullable=nullable)


def _ref(name: str, nullable: bool = True) -> Field:
    return Field(name, "uuid", nullable=nullable)


_TRAVELLING = (
    Field("id", "uuid"), Field("unit_code", "unit"), Field("created_at", "datetime"),
    Field("updated_at", "datetime"), Field("deleted_at", "datetime", nullable=True),
    Field("version", "int", minimum=0),
)

RECORD_FIELDS: dict[str, tuple[Field, ...]] = {
    "responsible_units": (*_TRAVELLING, _text("code", 32), _enum("kind", ResponsibleUnitKind),
                          _text("name", 300), Field("position", "int"), Field("active", "bool")),
    "plans": (*_TRAVELLING, _text("template_code", 64), Field("year", "int", minimum=1900, maximum=9999),
              _enum("status", PlanStatus), Field("revision", "int", minimum=0), _text("title", 100),
              _text("summary"), _text("number", 32), _text("symbol", 64), _text("place", 100),
              _date("issue_date"), _text("superior_agency", 300), _text("issuing_agency", 300),
              Field("legal_bases", "text_list"), _text("preamble"), _text("closing"),
              _text("signer_authority", 200), _text("signer_deputy", 200), _text("signer_title", 200),
              _text("signer_name", 200), Field("recipients", "text_list")),
    "plan_revisions": (Field("id", "uuid"), _ref("plan_id", False), Field("unit_code", "unit"),
                       Field("number", "int", minimum=0), _text("reason"), Field("issued_at", "datetime"),
                       _text("issued_by", 200), Field("snapshot", "object")),
    "plan_sections": (*_TRAVELLING, _ref("plan_id", False), _ref("parent_id"),
                      Field("template_key", "text", nullable=True, max_length=32), Field("position", "int"),
                      Field("depth", "int", minimum=0, maximum=100), _text("number", 32), _text("title"),
                      _enum("kind", SectionKind), Field("locked", "bool"), Field("inferred", "bool"),
                      _text("template_text"), _text("text"), _text("local_text")),
    "tasks": (*_TRAVELLING, _ref("plan_id", False), _ref("section_id", False), Field("position", "int"),
              _text("content"), _enum("form", PropagandaForm), _ref("lead_unit_id"),
              Field("supporting_unit_ids", "uuid_list"), _date("start_date"), _date("due_date"), _money("budget"),
              _text("indicator_unit", 100), _count("indicator_target", nullable=True),
              Field("budget_source", "enum", choices=(BY_LEAD, *SOURCE_CODES), added=True, default=BY_LEAD),
              _enum("status", TaskStatus), Field("percent_done", "int", minimum=0, maximum=100),
              _count("indicator_achieved", nullable=True), _money("spent"), _text("result_text"),
              _date("progress_updated_on")),
    "materials": (*_TRAVELLING, _ref("plan_id"), _ref("section_id"), _ref("task_id"), _enum("type", MaterialType),
                  _text("content"), _count("quantity"), _text("size", 100), _text("ward", 200),
                  _text("address"), _enum("status", MaterialStatus), _date("planned_on"), _date("produced_on"),
                  _date("installed_on"), _date("removed_on"), _date("damaged_on"), _date("replaced_on"),
                  _date("planned_removal_on"), _money("cost"), _text("supplier", 300), _text("notes"),
                  _text("search_key")),
    "events": (*_TRAVELLING, _ref("plan_id"), _ref("section_id"), _ref("task_id"), _enum("type", EventType),
               _text("title"), _date("starts_on", nullable=False), _date("ends_on"), _text("venue"),
               _text("ward", 200), _text("organiser", 300),
               _count("expected_participants", nullable=True),
               _count("actual_participants", nullable=True), _money("budget"),
               _money("actual_cost", nullable=True), _enum("status", EventStatus), _text("result_notes"),
               _text("search_key")),
    "attachments": (Field("sha256", "sha256"), _enum("media_type", ("image/jpeg", "image/png")),
                    Field("size", "int", minimum=0), Field("width", "int", nullable=True, minimum=0),
                    Field("height", "int", nullable=True, minimum=0), Field("taken_at", "datetime", nullable=True),
                    Field("created_at", "datetime")),
    "attachment_links": (*_TRAVELLING, _enum("owner_type", ("material", "event")), _ref("owner_id", False),
                         Field("sha256", "sha256"), _text("caption"), Field("position", "int")),
    "audit": (Field("uuid", "uuid"), Field("unit_code", "unit"), Field("at", "datetime"), _text("os_user", 200),
              _text("signer_profile", 200), _text("action", 64), _text("entity", 64), _text("entity_id", 64),
              _text("summary"), Field("details", "object")),
}
"""Record kinds of a ``district-report`` in the order they are stored (parents before children)."""

REPORT_FILES = tuple(RECORD_FIELDS)


class _Problems(Exception):
    pass


@dataclass(frozen=True)
class ValidatedReport:
    """The records of a district report, as Python values, keyed by record kind."""

    records: dict[str, list[dict[str, Any]]]

    def count(self, kind: str) -> int:
        return len(self.records[kind])


# values ---------------------------------------------------------------------------------------
def _convert(spec: Field, value: Any, unit_code: str) -> Any:
    if value is None:
        if spec.nullable:
            return None
        raise ValueError(_("must not be empty"))
    kind = spec.kind
    if kind in ("text", "unit"):
        if not isinstance(value, str):
            raise ValueError(_("must be text"))
        text = unicodedata.normalize("NFC", line_breaks(value))
        if (problem := control_character_problem(text)) is not None:
            raise ValueError(problem)
        if spec.max_length is not None and len(text) > spec.max_length:
            raise ValueError(_("is longer than {n} characters").format(n=spec.max_length))
        if kind == "unit" and text != unit_code:
            raise ValueError(_("is unit {value}, not the unit of the package ({unit})").format(
                value=text, unit=unit_code))
        return text
    if kind == "uuid":
        if not isinstance(value, str) or not _UUID.match(value):
            raise ValueError(_("is not a UUID"))
        return value
    if kind == "sha256":
        if not isinstance(value, str) or not _SHA256.match(value):
            raise ValueError(_("is not a SHA-256 in hexadecimal"))
        return value
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or not _INT_MIN <= value <= _INT_MAX:
            raise ValueError(_("must be a whole number"))
        if spec.minimum is not None and value < spec.minimum:
            raise ValueError(_("must be at least {n}").format(n=spec.minimum))
        if spec.maximum is not None and value > spec.maximum:
            raise ValueError(_("must be at most {n}").format(n=spec.maximum))
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(_("must be true or false"))
        return value
    if kind == "enum":
        if value not in spec.choices:
            raise ValueError(_("is {value!r}, not one of {choices}").format(value=value,
                                                                             choices=", ".join(spec.choices)))
        return str(value)
    if kind == "date":
        if not isinstance(value, str) or not _DATE.match(value):
            raise ValueError(_("is not a date (YYYY-MM-DD)"))
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        try:
            moment = parse_timestamp(value)
        except (ValueError, TypeError, OverflowError):
            raise ValueError(_("is not a UTC timestamp (ISO 8601 ending in Z)")) from None
        if not 1900 <= moment.year <= 2200:  # year 0001 or 9999 breaks every conversion to local time
            raise ValueError(_("is not a time between the years 1900 and 2200"))
        return moment
    if kind == "uuid_list":
        if not isinstance(value, list) or not all(isinstance(v, str) and _UUID.match(v) for v in value):
            raise ValueError(_("must be a list of UUIDs"))
        return list(value)
    if kind == "text_list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("must be a list of texts"))
        texts = [unicodedata.normalize("NFC", line_breaks(v)) for v in value]
        for text in texts:
            if (problem := control_character_problem(text)) is not None:
                raise ValueError(problem)
        return texts
    if kind == "object":
        if not isinstance(value, dict):
            raise ValueError(_("must be a JSON object"))
        return value
    raise AssertionError(kind)


def to_json_value(spec: Field, value: Any) -> Any:
    """The JSON form of a stored value (the inverse of the validation)."""
    if value is None:
        return None
    if spec.kind == "date":
        return value.isoformat()
    if spec.kind == "datetime":
        return timestamp(value)
    return value


def _where(file_name: str, kind: str, index: int, row: dict[str, Any], origins: dict[str, str]) -> str:
    """``visual material “Pa-nô chào mừng…” (Excel: file, sheet, row 12; data/materials.json, record 60)``."""
    name = record_name(kind, row)
    place = _("{file}, record {n}").format(file=file_name, n=index)
    origin = origins.get(row.get("id")) if isinstance(row.get("id"), str) else None
    if origin:
        place = f"{origin}; {place}"
    if not name:
        return _("{kind} ({place})").format(kind=_(RECORD_KINDS[kind]), place=place)
    return _("{kind} “{name}” ({place})").format(kind=_(RECORD_KINDS[kind]), name=name, place=place)


def excel_origins(audit_rows: Any) -> dict[str, str]:
    """Record id → where the district imported it from Excel (file, sheet, row), from the package's audit trail."""
    origins: dict[str, str] = {}
    if not isinstance(audit_rows, list):
        return origins
    for row in audit_rows:
        details = row.get("details") if isinstance(row, dict) else None
        if not isinstance(details, dict) or details.get("source") != "excel":
            continue
        entity_id, file, sheet, number = (row.get("entity_id"), details.get("file"), details.get("sheet"),
                                          details.get("row"))
        if isinstance(entity_id, str) and isinstance(file, str):
            if isinstance(sheet, str) and isinstance(number, int) and not isinstance(number, bool):
                origins[entity_id] = _("from Excel: {file}, sheet “{sheet}”, row {row}").format(
                    file=visible_controls(file[:80]), sheet=visible_controls(sheet[:40]), row=number)
            else:
                origins[entity_id] = _("from Excel: {file}").format(file=visible_controls(file[:80]))
    return origins


def _field(name: str) -> str:
    label = TEXT_FIELDS.get(name)
    return f"{_(label)} ({name})" if label else name


def parse_records(file_name: str, kind: str, rows: Any, unit_code: str, problems: list[str],
                  origins: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Validate the records of one data file; problems are appended, in words, to ``problems``.

    Each problem names the record as the officer knows it (its content or title, and where it came
    from when the district imported it from Excel), then the file and the record's number.
    """
    fields = RECORD_FIELDS[kind]
    names = {f.name for f in fields}
    if not isinstance(rows, list):
        problems.append(_("{file} is not a list of records").format(file=file_name))
        return []
    result = []
    for index, row in enumerate(rows, start=1):
        if len(problems) >= MAX_PROBLEMS:
            raise _Problems
        if not isinstance(row, dict):
            problems.append(_("{file}, record {n}: not a JSON object").format(file=file_name, n=index))
            continue
        where = _where(file_name, kind, index, row, origins or {})
        row = {**{f.name: f.default for f in fields if f.added and f.name not in row}, **row}
        if missing := sorted(names - row.keys()):
            problems.append(_("{where}: missing fields {fields}").format(where=where, fields=", ".join(missing)))
            continue
        if unknown := sorted(row.keys() - names):
            problems.append(_("{where}: unknown fields {fields}").format(where=where, fields=", ".join(unknown)))
            continue
        out: dict[str, Any] = {}
        for spec in fields:
            try:
                out[spec.name] = _convert(spec, row[spec.name], unit_code)
            except ValueError as exc:
                problems.append(_("{where}: {field} {problem}").format(where=where, field=_field(spec.name),
                                                                       problem=exc))
                break
        else:
            result.append(out)
    return result


def _check_references(records: dict[str, list[dict[str, Any]]], problems: list[str]) -> None:
    def ids(kind: str, key: str = "id") -> set[str]:
        return {r[key] for r in records[kind]}

    def check(kind: str, field: str, targets: set[str], target_kind: str) -> None:
        for record in records[kind]:
            value = record[field]
            values = value if isinstance(value, list) else [value]
            for item in values:
                if item is not None and item not in targets:
                    problems.append(_("{kind} {id}: {field} refers to {target} {ref}, which the package does not "
                                      "hold").format(kind=kind, id=record.get("id", ""), field=field,
                                                     target=target_kind, ref=item))
                    if len(problems) >= MAX_PROBLEMS:
                        raise _Problems

    for kind, key in (*((k, "id") for k in RECORD_FIELDS if k not in ("attachments", "audit")),
                      ("attachments", "sha256"), ("audit", "uuid")):
        seen: set[str] = set()
        for record in records[kind]:
            if record[key] in seen:
                problems.append(_("{kind}: the identifier {id} appears twice").format(kind=kind, id=record[key]))
            seen.add(record[key])
    plans, sections, tasks, units = ids("plans"), ids("plan_sections"), ids("tasks"), ids("responsible_units")
    check("plan_revisions", "plan_id", plans, "plan")
    check("plan_sections", "plan_id", plans, "plan")
    check("plan_sections", "parent_id", sections, "section")
    check("tasks", "plan_id", plans, "plan")
    check("tasks", "section_id", sections, "section")
    check("tasks", "lead_unit_id", units, "responsible unit")
    check("tasks", "supporting_unit_ids", units, "responsible unit")
    for register in ("materials", "events"):
        check(register, "plan_id", plans, "plan")
        check(register, "section_id", sections, "section")
        check(register, "task_id", tasks, "task")
    owners = {"material": ids("materials"), "event": ids("events")}
    for link in records["attachment_links"]:
        if link["owner_id"] not in owners[link["owner_type"]]:
            problems.append(_("attachment_links {id}: its {owner} {ref} is not in the package").format(
                id=link["id"], owner=link["owner_type"], ref=link["owner_id"]))
    check("attachment_links", "sha256", ids("attachments", "sha256"), "photo")
    depth = {s["id"]: s for s in records["plan_sections"]}
    for section in records["plan_sections"]:  # a parent must be shallower: no cycles
        parent = depth.get(section["parent_id"] or "")
        if parent is not None and parent["depth"] >= section["depth"]:
            problems.append(_("plan_sections {id}: its parent is not above it").format(id=section["id"]))


def validate_district_report(data: dict[str, Any], unit_code: str,
                             refuse: Callable[[str, list[str]], Exception]) -> ValidatedReport:
    """Check every record of a district report; ``refuse(message, details)`` makes the error raised."""
    problems: list[str] = []
    records: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RECORD_FIELDS}
    missing = [f"data/{kind}.json" for kind in RECORD_FIELDS if f"data/{kind}.json" not in data]
    if missing:
        raise refuse(_("the package lacks files that a report of a unit needs."), missing)
    origins = excel_origins(data["data/audit.json"])
    try:
        for kind in RECORD_FIELDS:
            records[kind] = parse_records(f"data/{kind}.json", kind, data[f"data/{kind}.json"], unit_code, problems,
                                          origins)
        if not problems:
            _check_references(records, problems)
    except _Problems:
        pass
    if problems:
        raise refuse(_("records in the package break the rules of the data ({count} problems shown)."
                       ).format(count=len(problems)), problems[:MAX_PROBLEMS])
    return ValidatedReport(records)
