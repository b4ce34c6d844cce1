"""Creating a reporting unit's plan from a template, in the wording the template gives its units' level."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import PlanStatus, SectionKind
from kehoach_desktop.domain.template import ReportingUnit, Template, TemplateSection
from kehoach_desktop.domain.unit_plan import fill
from kehoach_desktop.services import audit
from kehoach_desktop.storage.models import Plan, PlanSection, TemplateRecord, WorkspaceInfo


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _signer_lines(title: str) -> tuple[str, str]:
    """(deputy line, title line): a Vice-Chairman signs ``KT. CHỦ TỊCH / PHÓ CHỦ TỊCH``."""
    upper = title.strip().upper()
    if upper.startswith("PHÓ"):
        return "KT. CHỦ TỊCH", upper
    return "", upper or "CHỦ TỊCH"


def plan_words(template: Template, unit: ReportingUnit, summary: str = "") -> dict[str, str]:
    """The values of the template's placeholders for ``unit`` (``domain/unit_plan.py``)."""
    text = template.unit_plan
    values = {w.word: w.text for w in text.words if w.kind == unit.kind}
    values.update(
        unit=f"{unit.kind} {unit.name}", Unit=unit.display_name, kind=unit.kind, name=unit.name,
        receiving_agency=template.receiving_agency.name, city_summary=_lower_first(template.summary),
        summary=_lower_first(summary or template.district_summary(unit)), office=text.office,
        place_committees=text.place_committees([p.kind for p in unit.places]), city_plan=city_plan(template))
    return values


def city_plan(template: Template) -> str:
    """``số 24/KH-UBND ngày 25/01/2021``: the city's plan as the units' plans cite it ("" when not given)."""
    parts = [f"số {template.number}"] if template.number else []
    if template.issue_date:
        day = template.issue_date
        parts.append(f"ngày {day.day:02d}/{day.month:02d}/{day.year}")
    return " ".join(parts)


def _filled(patterns: tuple[str, ...], values: dict[str, str]) -> list[str]:
    return [line for pattern in patterns if (line := fill(pattern, values))]


def _copy_sections(session: Session, plan: Plan, sections: tuple[TemplateSection, ...],
                   parent: PlanSection | None, depth: int, counter: list[int]) -> None:
    for section in sections:
        record = PlanSection(
            unit_code=plan.unit_code, plan=plan, parent_id=parent.id if parent else None,
            template_key=section.key, position=counter[0], depth=depth, number=section.number,
            title=section.title, kind=section.kind.value, locked=section.locked, inferred=section.inferred,
            template_text=section.text, text=section.text)
        counter[0] += 1
        session.add(record)
        session.flush()
        _copy_sections(session, plan, section.children, record, depth + 1, counter)


def create_plan_from_template(session: Session, *, workspace: WorkspaceInfo, template_record: TemplateRecord,
                              template: Template) -> Plan:
    """The district's draft plan: every purpose, theme and form of the template becomes a section.

    The city's organisation section (who does what in the city) is replaced by the
    district's own, which starts from what the city asks of its districts.
    """
    unit = template.unit(workspace.unit_code)
    deputy, title = _signer_lines(workspace.signer_title)
    summary = template.district_summary(unit)
    text = template.unit_plan
    words = plan_words(template, unit, summary)
    plan = Plan(
        unit_code=unit.code, template_id=template_record.id, year=template.year, status=PlanStatus.DRAFT.value,
        revision=0, title=template.document_type, summary=summary,
        number="", symbol="KH-UBND", place=unit.name,
        issuing_agency=workspace.unit_full_name.upper(),
        legal_bases=_filled(text.legal_bases, words),
        preamble=fill(text.preamble, words) or "",
        closing=fill(text.closing, words) or "",
        signer_authority=workspace.signer_authority or "TM. ỦY BAN NHÂN DÂN",
        signer_deputy=deputy, signer_title=title, signer_name=workspace.signer_name,
        recipients=_filled(text.recipients, words),
    )
    session.add(plan)
    session.flush()
    counter = [0]
    content = [s for s in template.sections if s.kind is not SectionKind.ORGANISATION]
    _copy_sections(session, plan, tuple(content), None, 0, counter)
    for organisation in (s for s in template.sections if s.kind is SectionKind.ORGANISATION):
        asked_of_units = [c for c in organisation.walk() if c.key == text.responsibility]
        asked = "\n".join(c.text for c in asked_of_units)
        session.add(PlanSection(
            unit_code=unit.code, plan=plan, template_key=organisation.key, position=counter[0], depth=0,
            number=organisation.number, title=organisation.title, kind=organisation.kind.value,
            locked=False, inferred=False, template_text=asked, text=asked))
        counter[0] += 1
    session.flush()
    audit.record(session, unit_code=unit.code, action="plan.create", entity="plan", entity_id=plan.id,
                 summary=f"{plan.title} {plan.year}", details={"template": template.code})
    return plan
