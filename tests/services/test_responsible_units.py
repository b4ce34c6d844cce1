"""The directory of responsible units: seeded, then added to, edited, deactivated."""

from __future__ import annotations

import pytest

from kehoach_desktop.domain.enums import ResponsibleUnitKind
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.services.plan_dto import ResponsibleUnitInput
from kehoach_desktop.services.plan_editing import create_task
from kehoach_desktop.services.responsible_units import (
    create_responsible_unit,
    list_responsible_units,
    set_responsible_unit_active,
    update_responsible_unit,
)
from tests.services.plan_fixtures import audit_actions, district, editor, task_input, theme

__all__ = ["district"]


def test_the_seeded_directory_names_the_offices_and_the_wards(district) -> None:
    units = list_responsible_units(uow_factory=district.uow_factory)
    names = [u.name for u in units]
    assert "Phòng Văn hóa và Thông tin" in names
    assert "UBND phường Văn Miếu" in names
    assert all(u.active for u in units)


def test_add_edit_deactivate_and_reactivate(district) -> None:
    uow = district.uow_factory
    created = create_responsible_unit(uow_factory=uow, data=ResponsibleUnitInput(
        code="", name="Hội Liên hiệp Phụ nữ quận", kind=ResponsibleUnitKind.MASS_ORGANISATION.value))
    unit = next(u for u in list_responsible_units(uow_factory=uow) if u.id == created.id)
    assert unit.code == "HOI-LIEN-HIEP-PHU-NU-QUAN"
    with pytest.raises(ValidationError, match="already used"):
        create_responsible_unit(uow_factory=uow, data=ResponsibleUnitInput(
            code="hoi-lien-hiep-phu-nu-quan", name="Khác", kind="other"))
    with pytest.raises(ValidationError, match="name"):
        create_responsible_unit(uow_factory=uow, data=ResponsibleUnitInput(code="X", name=" ", kind="other"))
    update_responsible_unit(uow_factory=uow, unit_id=created.id, data=ResponsibleUnitInput(
        code="PN", name="Hội LHPN quận Đống Đa", kind=ResponsibleUnitKind.MASS_ORGANISATION.value))
    section = theme(editor(district), "II.1.4")
    create_task(uow_factory=uow, section_id=section.id, fields=task_input(lead_unit_id=created.id))
    set_responsible_unit_active(uow_factory=uow, unit_id=created.id, active=False)
    row = next(u for u in list_responsible_units(uow_factory=uow) if u.id == created.id)
    assert (row.code, row.name, row.active, row.tasks) == ("PN", "Hội LHPN quận Đống Đa", False, 1)
    assert created.id not in {u.id for u in list_responsible_units(uow_factory=uow, include_inactive=False)}
    assert editor(district).task(theme(editor(district), "II.1.4").tasks[0].id).lead_unit_name == row.name
    set_responsible_unit_active(uow_factory=uow, unit_id=created.id, active=True)
    assert audit_actions(district)[-5:] == ["unit.create", "unit.update", "task.create", "unit.deactivate",
                                            "unit.activate"]


def test_the_ward_lists_offer_the_units_wards_then_the_places_already_written() -> None:
    from kehoach_desktop.services.templates import builtin_template
    from kehoach_desktop.services.units import ward_choices

    def places(code: str) -> list[tuple[str, str]]:  # what places_of gives in a workspace on the template
        return [(p.kind, p.name) for p in builtin_template().unit(code).places]

    dong_da = [name for _kind, name in places("006")]
    assert ward_choices(places("006")) == tuple(dong_da) and "Láng Hạ" in dong_da
    # "Phường Láng Hạ" is Láng Hạ written with its kind; "Ngõ 12" is a place of the register's own
    assert ward_choices(places("006"), ["Phường Láng Hạ", "LANG HA", "Ngõ 12"]) == (*dong_da, "Ngõ 12")
    # Gia Lâm has a township and a commune both named Yên Viên: the kind tells them apart
    gia_lam = ward_choices(places("018"))
    assert "thị trấn Yên Viên" in gia_lam and "xã Yên Viên" in gia_lam and "Yên Viên" not in gia_lam
    assert ward_choices([], ["Khu A"]) == ("Khu A",)  # a unit whose template lists no places


def test_changes_name_the_officer_in_charge_not_the_computers_login(district) -> None:
    from sqlalchemy import select

    from kehoach_desktop.services.workspace import update_workspace_settings
    from kehoach_desktop.storage.models import AuditEntry

    update_workspace_settings(uow_factory=district.uow_factory, officer_name="Trần Thị Bình", documents_folder="")
    assert district.summary().officer_name == "Trần Thị Bình"
    create_task(uow_factory=district.uow_factory, section_id=theme(editor(district), "II.1.1").id, fields=task_input())
    with district.uow_factory() as uow:
        entry = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert entry.action == "task.create" and entry.signer_profile == "Trần Thị Bình"
    with pytest.raises(ValidationError, match="too long"):
        update_workspace_settings(uow_factory=district.uow_factory, officer_name="x" * 201, documents_folder="")
    assert district.summary().officer_name == "Trần Thị Bình"  # nothing written
