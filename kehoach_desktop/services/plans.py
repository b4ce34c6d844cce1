"""Creating the district plan from a template."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import PlanStatus, SectionKind
from kehoach_desktop.domain.template import ReportingUnit, Template, TemplateSection
from kehoach_desktop.services import audit
from kehoach_desktop.storage.models import Plan, PlanSection, TemplateRecord, WorkspaceInfo

_PARTY_COMMITTEE = {"quận": "Quận ủy", "huyện": "Huyện ủy", "thị xã": "Thị ủy"}
_WARDS_OF = {"quận": "UBND các phường", "huyện": "UBND các xã, thị trấn", "thị xã": "UBND các phường, xã"}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _signer_lines(title: str) -> tuple[str, str]:
    """(deputy line, title line): a Vice-Chairman signs ``KT. CHỦ TỊCH / PHÓ CHỦ TỊCH``."""
    upper = title.strip().upper()
    if upper.startswith("PHÓ"):
        return "KT. CHỦ TỊCH", upper
    return "", upper or "CHỦ TỊCH"


def _recipients(template: Template, unit: ReportingUnit) -> list[str]:
    return [
        "UBND Thành phố;",
        f"{template.receiving_agency.name};",
        f"Thường trực {_PARTY_COMMITTEE.get(unit.kind, 'Đảng ủy')};",
        f"Thường trực HĐND {unit.kind};",
        f"Chủ tịch, các PCT UBND {unit.kind};",
        f"Các phòng, ban, đơn vị thuộc {unit.kind};",
        f"{_WARDS_OF.get(unit.kind, 'UBND các đơn vị cấp xã')};",
        "Lưu: VT, VHTT.",
    ]


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
    plan = Plan(
        unit_code=unit.code, template_id=template_record.id, year=template.year, status=PlanStatus.DRAFT.value,
        revision=0, title=template.document_type, summary=summary,
        number="", symbol="KH-UBND", place=unit.name,
        issuing_agency=workspace.unit_full_name.upper(),
        legal_bases=[
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            f"Căn cứ Kế hoạch của UBND Thành phố về {_lower_first(template.summary)}.",
        ],
        preamble=(f"Thực hiện Kế hoạch của UBND Thành phố về {_lower_first(template.summary)}, "
                  f"UBND {unit.kind} {unit.name} ban hành Kế hoạch {_lower_first(summary)}, cụ thể như sau:"),
        closing=(f"Trên đây là Kế hoạch {_lower_first(summary)}. Trong quá trình tổ chức thực hiện, nếu có khó khăn, "
                 f"vướng mắc, các đơn vị báo cáo về Phòng Văn hóa và Thông tin để tổng hợp, báo cáo "
                 f"UBND {unit.kind} theo quy định./."),
        signer_authority=workspace.signer_authority or "TM. ỦY BAN NHÂN DÂN",
        signer_deputy=deputy, signer_title=title, signer_name=workspace.signer_name,
        recipients=_recipients(template, unit),
    )
    session.add(plan)
    session.flush()
    counter = [0]
    content = [s for s in template.sections if s.kind is not SectionKind.ORGANISATION]
    _copy_sections(session, plan, tuple(content), None, 0, counter)
    for organisation in (s for s in template.sections if s.kind is SectionKind.ORGANISATION):
        asked_of_districts = [c for c in organisation.children if c.responsible_unit == "SBN-QH"]
        text = "\n".join(c.text for c in asked_of_districts)
        session.add(PlanSection(
            unit_code=unit.code, plan=plan, template_key=organisation.key, position=counter[0], depth=0,
            number=organisation.number, title=organisation.title, kind=organisation.kind.value,
            locked=False, inferred=False, template_text=text, text=text))
        counter[0] += 1
    session.flush()
    audit.record(session, unit_code=unit.code, action="plan.create", entity="plan", entity_id=plan.id,
                 summary=f"{plan.title} {plan.year}", details={"template": template.code})
    return plan
