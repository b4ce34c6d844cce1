"""The city template of themes: its structure, and a strict loader with clear errors.

A template is a JSON document (format ``kehoach-template``, version 1). It names the
reporting units (the 30 districts of 2021, or any other list), the receiving agency,
the plan's sections with their text, the forms of propaganda, and the reporting
periods with their deadlines. The file format is documented in ``docs/formats.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kehoach_desktop.domain.enums import ResponsibleUnitKind, SectionKind
from kehoach_desktop.domain.errors import TemplateError, os_reason
from kehoach_desktop.domain.text import control_character_problem, fold, nfc
from kehoach_desktop.domain.unit_plan import (
    PLACEHOLDERS,
    DirectoryEntry,
    KindWord,
    PlaceKind,
    UnitPlanText,
    placeholders_of,
    unit_plan_to_json,
)
from kehoach_desktop.i18n import _

TEMPLATE_FORMAT = "kehoach-template"
TEMPLATE_FORMAT_VERSION = 1
_PERIOD_RE = re.compile(r"^\d{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])))?$")
_PARAGRAPH_STYLES = ("paragraph", "bullet")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What a template may hold (the 2021 plan: 38 KB, sections three deep, its longest paragraph 786 characters).
MAX_TEMPLATE_BYTES = 4 << 20  # a template file or the template of a package
MAX_TEXT = 20_000  # characters in one text (a heading, a paragraph, a name)
MAX_DEPTH = 8  # sections within sections
MAX_ITEMS = 2_000  # sections in all, reporting units, paragraphs of a section, periods…


@dataclass(frozen=True)
class Place:
    """A place inside a reporting unit (a ward of a 2021 district, a neighbourhood of a ward)."""

    kind: str
    name: str

    @property
    def label(self) -> str:
        """``phường Phúc Xá``: how registers write the place of a material or an event."""
        return f"{self.kind} {self.name}".strip()


@dataclass(frozen=True)
class ReportingUnit:
    """A unit that reports to the city: a district of 2021, or a commune after 2025."""

    code: str
    kind: str  # as the template writes it: "quận", "huyện", "thị xã", "phường", "xã"
    name: str
    places: tuple[Place, ...] = ()  # the places inside it (its wards, its neighbourhoods), when known

    @property
    def display_name(self) -> str:
        """``Quận Đống Đa``."""
        return f"{self.kind[:1].upper()}{self.kind[1:]} {self.name}"

    @property
    def committee_name(self) -> str:
        """``Ủy ban nhân dân quận Đống Đa`` — the usual full name of the reporting body."""
        return f"Ủy ban nhân dân {self.kind} {self.name}"

    def search_key(self) -> str:
        return fold(f"{self.code} {self.kind} {self.name}")


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    abbreviation: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "paragraph"  # "paragraph" or "bullet"


@dataclass(frozen=True)
class TemplateSection:
    key: str  # stable identifier across years, e.g. "II.1.2"
    number: str  # as printed: "1.2."
    title: str
    kind: SectionKind
    paragraphs: tuple[Paragraph, ...] = ()
    locked: bool = False  # the city's own wording: districts cannot change it
    inferred: bool = False  # heading missing from the source text and restored
    responsible_unit: str | None = None  # city unit code, for organisation sections
    children: tuple[TemplateSection, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    def walk(self) -> list[TemplateSection]:
        result = [self]
        for child in self.children:
            result.extend(child.walk())
        return result


@dataclass(frozen=True)
class ReportingPeriod:
    period: str  # "2021", "2021-H1", "2021-Q1", "2021-03"
    deadline: dt.date


@dataclass(frozen=True)
class Template:
    code: str
    year: int
    document_type: str
    summary: str
    issuing_agency: Agency
    superior_agency: str
    receiving_agency: Agency
    unit_term: str  # "quận, huyện, thị xã" or "phường, xã"
    reporting_units: tuple[ReportingUnit, ...]
    city_units: tuple[Agency, ...]
    preamble: tuple[Paragraph, ...]
    sections: tuple[TemplateSection, ...]
    closing: tuple[Paragraph, ...]
    recipients: tuple[str, ...]
    reporting_periods: tuple[ReportingPeriod, ...]
    source: str = ""
    notes: tuple[str, ...] = field(default=())
    plan_summary: str = ""  # the district plan's summary line; "{unit}" and "{year}" are filled in
    place: str = ""  # where the city's documents are dated: "Hà Nội, ngày …"
    report_symbol: str = ""  # of the city's consolidated report, e.g. "BC-STTTT"; "" → "BC-" + abbreviation
    reminder_symbol: str = ""  # of the city's reminder letters; "" → the receiving agency's abbreviation
    number: str = ""  # the city plan's own "Số", e.g. "24/KH-UBND": the units' plans cite it ({city_plan})
    issue_date: dt.date | None = None  # the city plan's date
    unit_plan: UnitPlanText = field(default=UnitPlanText())

    def district_summary(self, unit: ReportingUnit) -> str:
        pattern = self.plan_summary or "Tuyên truyền các nhiệm vụ phát triển kinh tế - xã hội của {unit} năm {year}"
        return pattern.format(unit=f"{unit.kind} {unit.name}", year=self.year)

    def all_sections(self) -> list[TemplateSection]:
        result: list[TemplateSection] = []
        for section in self.sections:
            result.extend(section.walk())
        return result

    def section(self, key: str) -> TemplateSection:
        for section in self.all_sections():
            if section.key == key:
                return section
        raise KeyError(key)

    def themes(self) -> list[TemplateSection]:
        return [s for s in self.all_sections() if s.kind in (SectionKind.THEME, SectionKind.FORM)]

    def unit(self, code: str) -> ReportingUnit:
        for unit in self.reporting_units:
            if unit.code == code:
                return unit
        raise KeyError(code)

    def find_units(self, query: str) -> list[ReportingUnit]:
        """Units whose code, kind or name contains every word of ``query``, ignoring diacritics."""
        words = fold(query).split()
        return [u for u in self.reporting_units if all(w in u.search_key() for w in words)]


class _Reader:
    """Reads one JSON document, collecting every problem with its path in the document."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []
        self.sections = 0

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(f"{where}.{key}", _("a non-empty text is required"))
            return ""
        return self.clean(value, f"{where}.{key}")

    def clean(self, value: str, where: str) -> str:
        """NFC text within :data:`MAX_TEXT` characters and without control characters (else a problem)."""
        if len(value) > MAX_TEXT:
            self.problem(where, _("a text of at most {n} characters is allowed (this one has {count})").format(
                n=f"{MAX_TEXT:,}".replace(",", "."), count=f"{len(value):,}".replace(",", ".")))
            return ""
        text = nfc(value)
        if (problem := control_character_problem(text)) is not None:
            self.problem(where, problem)
        return text

    def optional_date(self, data: dict[str, Any], key: str, where: str) -> dt.date | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(f"{where}.{key}", _("a date written YYYY-MM-DD is required"))
            return None

    def items(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> list[Any]:
        value = data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.problem(f"{where}.{key}", _("a non-empty list is required"))
            return []
        if len(value) > MAX_ITEMS:
            self.problem(f"{where}.{key}", _("a list of at most {n} items is allowed").format(n=MAX_ITEMS))
            return []
        return value

    def texts(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        return tuple(self.clean(item, f"{where}.{key}[{index}]")
                     for index, item in enumerate(self.items(data, key, where, required=False))
                     if isinstance(item, str))

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(where, _("an object is required"))
            return {}
        return value

    def paragraphs(self, data: dict[str, Any], key: str, where: str) -> tuple[Paragraph, ...]:
        result = []
        for index, item in enumerate(self.items(data, key, where, required=False)):
            place = f"{where}.{key}[{index}]"
            if isinstance(item, str):
                result.append(Paragraph(self.clean(item, place)))
                continue
            item = self.mapping(item, place)
            style = item.get("style", "paragraph")
            if style not in _PARAGRAPH_STYLES:
                self.problem(f"{place}.style", _("must be one of: {choices}").format(
                    choices=", ".join(_PARAGRAPH_STYLES)))
            result.append(Paragraph(self.text(item, "text", place), style))
        return tuple(result)

    def agency(self, value: Any, where: str) -> Agency:
        data = self.mapping(value, where)
        return Agency(
            code=self.text(data, "code", where),
            name=self.text(data, "name", where),
            abbreviation=self.text(data, "abbreviation", where, required=False),
        )

    def places(self, data: dict[str, Any], where: str) -> tuple[Place, ...]:
        result = []
        seen: set[tuple[str, str]] = set()
        for index, item in enumerate(self.items(data, "places", where, required=False)):
            place = f"{where}.places[{index}]"
            item = self.mapping(item, place)
            found = Place(kind=self.text(item, "kind", place), name=self.text(item, "name", place))
            if (found.kind, found.name) in seen:
                self.problem(place, _("{place} is listed twice").format(place=found.label))
            seen.add((found.kind, found.name))
            result.append(found)
        return tuple(result)

    def rows(self, data: dict[str, Any], key: str, where: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
        """A list of objects with the text ``fields`` (each required)."""
        result = []
        for index, item in enumerate(self.items(data, key, where, required=False)):
            place = f"{where}.{key}[{index}]"
            item = self.mapping(item, place)
            result.append({name: self.text(item, name, place) for name in fields})
        return result

    def lines(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        result = []
        for index, item in enumerate(self.items(data, key, where, required=False)):
            if not isinstance(item, str) or not item.strip():
                self.problem(f"{where}.{key}[{index}]", _("a non-empty text is required"))
                continue
            result.append(self.clean(item, f"{where}.{key}[{index}]"))
        return tuple(result)

    def unit_plan(self, value: Any, where: str, section_keys: set[str]) -> UnitPlanText:
        """The wording of the units' plans; every field is optional (the neutral default)."""
        if value is None:
            return UnitPlanText()
        data = self.mapping(value, where)
        default = UnitPlanText()
        kinds = {k.value for k in ResponsibleUnitKind}
        directory = [DirectoryEntry(**row) for row in self.rows(data, "directory", where, ("code", "kind", "name"))]
        for index, entry in enumerate(directory):
            if entry.kind and entry.kind not in kinds:
                self.problem(f"{where}.directory[{index}].kind", _("must be one of: {choices}").format(
                    choices=", ".join(sorted(kinds))))
            if entry.code and [d.code for d in directory].index(entry.code) != index:
                self.problem(f"{where}.directory[{index}].code",
                             _("the code {code} is used twice").format(code=entry.code))
        place_kinds = [PlaceKind(**row) for row in self.rows(data, "place_kinds", where, ("kind", "directory_kind"))]
        for index, place_kind in enumerate(place_kinds):
            if place_kind.directory_kind and place_kind.directory_kind not in kinds:
                self.problem(f"{where}.place_kinds[{index}].directory_kind", _("must be one of: {choices}").format(
                    choices=", ".join(sorted(kinds))))
        text = UnitPlanText(
            responsibility=self.text(data, "responsibility", where, required=False),
            office=self.text(data, "office", where, required=False),
            legal_bases=self.lines(data, "legal_bases", where) if "legal_bases" in data else default.legal_bases,
            preamble=self.text(data, "preamble", where, required=False) or default.preamble,
            closing=self.text(data, "closing", where, required=False) or default.closing,
            recipients=self.lines(data, "recipients", where) if "recipients" in data else default.recipients,
            directory=tuple(directory), place_kinds=tuple(place_kinds),
            words=tuple(KindWord(**row) for row in self.rows(data, "words", where, ("kind", "word", "text"))),
            superior_budget=self.text(data, "superior_budget", where, required=False),
        )
        if text.responsibility and text.responsibility not in section_keys:
            self.problem(f"{where}.responsibility",
                         _("names the section {key}, which the template does not have").format(key=text.responsibility))
        known = set(PLACEHOLDERS) | text.word_names()
        for field_name, pattern in text.patterns():
            try:
                unknown = sorted(set(placeholders_of(pattern)) - known)
            except ValueError:
                self.problem(f"{where}.{field_name}", _("a brace {{ or }} is not closed in “{text}”").format(
                    text=pattern))
                continue
            if unknown:
                self.problem(f"{where}.{field_name}", _("unknown placeholder {name} in “{text}”").format(
                    name="{" + unknown[0] + "}", text=pattern))
        return text

    def section(self, value: Any, where: str, seen: set[str], depth: int = 1) -> TemplateSection:
        data = self.mapping(value, where)
        self.sections += 1
        if self.sections == MAX_ITEMS + 1:
            self.problem(where, _("a template of at most {n} sections is allowed").format(n=MAX_ITEMS))
        if depth > MAX_DEPTH:  # its children are not read: a template nested 490 deep costs one problem
            self.problem(where, _("sections may be nested at most {n} deep").format(n=MAX_DEPTH))
            data = {k: v for k, v in data.items() if k != "children"}
        key = self.text(data, "key", where)
        if key in seen:
            self.problem(f"{where}.key", _("the key {key} is used twice").format(key=key))
        seen.add(key)
        kind_value = data.get("kind")
        try:
            kind = SectionKind(kind_value)
        except ValueError:
            self.problem(f"{where}.kind", _("unknown section kind {value!r}").format(value=kind_value))
            kind = SectionKind.CONTENT
        children = tuple(
            self.section(child, f"{where}.children[{i}]", seen, depth + 1)
            for i, child in enumerate(self.items(data, "children", where, required=False))
        ) if self.sections <= MAX_ITEMS else ()
        for flag in ("locked", "inferred"):
            if not isinstance(data.get(flag, False), bool):
                self.problem(f"{where}.{flag}", _("must be true or false"))
        return TemplateSection(
            key=key,
            number=self.text(data, "number", where, required=False),
            title=self.text(data, "title", where),
            kind=kind,
            paragraphs=self.paragraphs(data, "paragraphs", where),
            locked=bool(data.get("locked", False)),
            inferred=bool(data.get("inferred", False)),
            responsible_unit=self.text(data, "responsible_unit", where, required=False) or None,
            children=children,
        )


def parse_template(document: Any, origin: str = "template") -> Template:
    """Build a :class:`Template` from decoded JSON, or raise :class:`TemplateError` listing every problem."""
    reader = _Reader(origin)
    data = reader.mapping(document, "$")
    if data.get("format") != TEMPLATE_FORMAT:
        raise TemplateError(
            _("{origin} is not a Kế hoạch Desktop template.").format(origin=origin))
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= TEMPLATE_FORMAT_VERSION:
        raise TemplateError(
            _("{origin} uses template format version {version}, which this version of the "
              "application cannot read. Update the application.").format(origin=origin, version=version))

    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        reader.problem("$.year", _("a year between 2000 and 2100 is required"))
        year = 2000

    units = []
    codes: set[str] = set()
    for index, item in enumerate(reader.items(data, "reporting_units", "$")):
        where = f"$.reporting_units[{index}]"
        item = reader.mapping(item, where)
        unit = ReportingUnit(
            code=reader.text(item, "code", where),
            kind=reader.text(item, "kind", where),
            name=reader.text(item, "name", where),
            places=reader.places(item, where),
        )
        if unit.code in codes:
            reader.problem(f"{where}.code", _("the code {code} is used twice").format(code=unit.code))
        codes.add(unit.code)
        units.append(unit)

    city_units = tuple(
        reader.agency(item, f"$.city_units[{i}]")
        for i, item in enumerate(reader.items(data, "city_units", "$", required=False))
    )
    seen: set[str] = set()
    sections = tuple(
        reader.section(item, f"$.sections[{i}]", seen)
        for i, item in enumerate(reader.items(data, "sections", "$"))
    )
    for index, unit in enumerate(city_units):
        if unit.code and [u.code for u in city_units].index(unit.code) != index:
            reader.problem(f"$.city_units[{index}].code", _("the code {code} is used twice").format(code=unit.code))
    city_codes = {unit.code for unit in city_units}
    for section in (s for top in sections for s in top.walk()):
        if section.responsible_unit and section.responsible_unit not in city_codes:
            reader.problem(
                f"section {section.key}",
                _("names the unit {code}, which is not in city_units").format(code=section.responsible_unit))

    periods = []
    for index, item in enumerate(reader.items(data, "reporting_periods", "$", required=False)):
        where = f"$.reporting_periods[{index}]"
        item = reader.mapping(item, where)
        period = reader.text(item, "period", where)
        if period and not _PERIOD_RE.match(period):
            reader.problem(f"{where}.period", _("{value!r} is not a period such as 2021, 2021-H1, "
                                                "2021-Q1 or 2021-03").format(value=period))
        raw_deadline = item.get("deadline")
        try:
            if not isinstance(raw_deadline, str) or not _DATE_RE.match(raw_deadline):
                raise ValueError(raw_deadline)
            deadline = dt.date.fromisoformat(raw_deadline)
        except ValueError:
            reader.problem(f"{where}.deadline", _("a date written YYYY-MM-DD is required"))
            deadline = dt.date(year, 12, 31)
        periods.append(ReportingPeriod(period, deadline))

    unit_plan = reader.unit_plan(data.get("unit_plan"), "$.unit_plan",
                                 {s.key for top in sections for s in top.walk()})
    template = Template(
        code=reader.text(data, "code", "$"),
        year=year,
        document_type=reader.text(data, "document_type", "$"),
        summary=reader.text(data, "summary", "$"),
        issuing_agency=reader.agency(data.get("issuing_agency"), "$.issuing_agency"),
        superior_agency=reader.text(data, "superior_agency", "$", required=False),
        receiving_agency=reader.agency(data.get("receiving_agency"), "$.receiving_agency"),
        unit_term=reader.text(data, "unit_term", "$"),
        reporting_units=tuple(units),
        city_units=city_units,
        preamble=reader.paragraphs(data, "preamble", "$"),
        sections=sections,
        closing=reader.paragraphs(data, "closing", "$"),
        recipients=reader.texts(data, "recipients", "$"),
        reporting_periods=tuple(periods),
        source=reader.text(data, "source", "$", required=False),
        notes=reader.texts(data, "notes", "$"),
        plan_summary=reader.text(data, "plan_summary", "$", required=False),
        place=reader.text(data, "place", "$", required=False),
        report_symbol=reader.text(data, "report_symbol", "$", required=False),
        reminder_symbol=reader.text(data, "reminder_symbol", "$", required=False),
        number=reader.text(data, "number", "$", required=False),
        issue_date=reader.optional_date(data, "issue_date", "$"),
        unit_plan=unit_plan,
    )
    if reader.problems:
        raise TemplateError(
            _("The template {origin} has {count} problem(s) and cannot be used.").format(
                origin=origin, count=len(reader.problems)),
            details=reader.problems,
        )
    return template


def load_template(path: Path) -> Template:
    """Read and validate a template file (at most :data:`MAX_TEMPLATE_BYTES`, refused before it is read)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise TemplateError(_("The template file {path} cannot be read: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateError(_("The template file {path} is larger than a template can be (at most {size} MB).").format(
            path=path, size=MAX_TEMPLATE_BYTES >> 20))
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise TemplateError(_("The template file {path} is not UTF-8 text.").format(path=path)) from exc
    except json.JSONDecodeError as exc:
        raise TemplateError(_("The template file {path} is not valid JSON (line {line}, column {column}: "
                              "{reason}).").format(path=path, line=exc.lineno, column=exc.colno,
                                                   reason=exc.msg)) from exc
    except (RecursionError, ValueError) as exc:  # nested thousands deep, or a number of thousands of digits
        raise TemplateError(_("The template file {path} is not a template: its JSON is nested too deep or holds "
                              "numbers too long.").format(path=path)) from exc
    return parse_template(document, origin=path.name)


def template_to_json(template: Template) -> dict[str, Any]:
    """The JSON document of ``template`` (the inverse of :func:`parse_template`)."""

    def paragraphs(items: tuple[Paragraph, ...]) -> list[dict[str, str]]:
        return [{"text": p.text, "style": p.style} for p in items]

    def section(s: TemplateSection) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": s.key, "number": s.number, "title": s.title, "kind": s.kind.value,
            "locked": s.locked, "inferred": s.inferred, "paragraphs": paragraphs(s.paragraphs),
        }
        if s.responsible_unit:
            out["responsible_unit"] = s.responsible_unit
        if s.children:
            out["children"] = [section(c) for c in s.children]
        return out

    def agency(a: Agency) -> dict[str, str]:
        return {"code": a.code, "name": a.name, "abbreviation": a.abbreviation}

    return {
        "format": TEMPLATE_FORMAT,
        "format_version": TEMPLATE_FORMAT_VERSION,
        "code": template.code,
        "year": template.year,
        "source": template.source,
        "notes": list(template.notes),
        "document_type": template.document_type,
        "summary": template.summary,
        **({"plan_summary": template.plan_summary} if template.plan_summary else {}),
        "superior_agency": template.superior_agency,
        "issuing_agency": agency(template.issuing_agency),
        "receiving_agency": agency(template.receiving_agency),
        "unit_term": template.unit_term,
        "reporting_units": [unit_to_json(u) for u in template.reporting_units],
        "city_units": [agency(a) for a in template.city_units],
        "preamble": paragraphs(template.preamble),
        "sections": [section(s) for s in template.sections],
        "closing": paragraphs(template.closing),
        "recipients": list(template.recipients),
        "reporting_periods": [{"period": p.period, "deadline": p.deadline.isoformat()}
                              for p in template.reporting_periods],
        **{key: value for key in ("place", "report_symbol", "reminder_symbol", "number")
           if (value := getattr(template, key))},
        **({"issue_date": template.issue_date.isoformat()} if template.issue_date else {}),
        "unit_plan": unit_plan_to_json(template.unit_plan),
    }


def unit_to_json(unit: ReportingUnit) -> dict[str, Any]:
    out: dict[str, Any] = {"code": unit.code, "kind": unit.kind, "name": unit.name}
    if unit.places:
        out["places"] = [{"kind": p.kind, "name": p.name} for p in unit.places]
    return out
