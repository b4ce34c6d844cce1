"""The city's template editor, without Qt: copy for a new year, edit, validate, save, publish."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import TemplateError, ValidationError
from kehoach_desktop.domain.template import parse_template
from kehoach_desktop.services import sync, template_editing
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from tests.services.package_tools import new_city


@pytest.fixture
def city(tmp_path: Path) -> WorkspaceSession:
    session = new_city(tmp_path / "city.kehoach")
    yield session
    session.close()


def test_copy_for_a_new_year_moves_year_periods_and_deadlines_on(city: WorkspaceSession) -> None:
    done = template_editing.copy_template_for_new_year(uow_factory=city.uow_factory)
    assert done.code == "hanoi-2022" and done.changes.workspace
    doc = template_editing.get_template_document(uow_factory=city.uow_factory, code="hanoi-2022")
    assert doc.editable and doc.document["year"] == 2022
    assert doc.document["reporting_periods"][0] == {"period": "2022-Q1", "deadline": "2022-03-25"}
    assert parse_template(doc.document).year == 2022
    items = {t.code: t for t in template_editing.list_templates(uow_factory=city.uow_factory)}
    assert items["hanoi-2021"].in_use and not items["hanoi-2021"].editable and items["hanoi-2022"].editable
    with pytest.raises(ValidationError, match="already has a template"):
        template_editing.copy_template_for_new_year(uow_factory=city.uow_factory)
    with pytest.raises(ValidationError, match="lower-case"):
        template_editing.copy_template_for_new_year(uow_factory=city.uow_factory, new_code="Hà Nội 2023")
    actions = [a["action"] for a in dump_workspace(uow_factory=city.uow_factory)["audit"]]
    assert "template.copy" in actions


def test_validation_lists_each_problem_with_its_path(city: WorkspaceSession) -> None:
    doc = template_editing.get_template_document(uow_factory=city.uow_factory, code="hanoi-2021").document
    assert template_editing.validate_template_document(doc) == []
    doc["reporting_units"].append({"code": doc["reporting_units"][0]["code"], "kind": "xã", "name": "Tân Xã"})
    doc["reporting_periods"][1]["deadline"] = "25/06/2022"
    doc["sections"][0]["title"] = " "
    problems = template_editing.validate_template_document(doc)
    paths = {p.path for p in problems}
    assert paths == {"$.reporting_units[30].code", "$.reporting_periods[1].deadline", "$.sections[0].title"}
    assert any("used twice" in p.message for p in problems)
    assert template_editing.validate_template_document({"format": "other"})[0].path == "$"


def test_save_validates_records_audit_and_refuses_builtin(city: WorkspaceSession) -> None:
    template_editing.copy_template_for_new_year(uow_factory=city.uow_factory)
    doc = template_editing.get_template_document(uow_factory=city.uow_factory, code="hanoi-2022").document
    doc["sections"][1]["children"][0]["title"] = "1. Nội dung tuyên truyền năm 2022"
    doc["reporting_units"].append({"code": "031", "kind": "xã", "name": "Tân Xã"})
    doc["receiving_agency"] = {"code": "SVHTT", "name": "Sở Văn hóa và Thể thao", "abbreviation": "SVHTT"}
    template_editing.save_template_document(uow_factory=city.uow_factory, code="hanoi-2022", document=doc)
    saved = parse_template(template_editing.get_template_document(uow_factory=city.uow_factory,
                                                                  code="hanoi-2022").document)
    assert saved.section("II.1").title == "1. Nội dung tuyên truyền năm 2022"
    assert saved.unit("031").name == "Tân Xã" and saved.receiving_agency.code == "SVHTT"
    doc["reporting_units"].append({"code": "031", "kind": "xã", "name": "Again"})
    with pytest.raises(TemplateError) as caught:
        template_editing.save_template_document(uow_factory=city.uow_factory, code="hanoi-2022", document=doc)
    assert any("reporting_units[31].code" in d for d in caught.value.details)
    assert parse_template(template_editing.get_template_document(
        uow_factory=city.uow_factory, code="hanoi-2022").document).unit("031").name == "Tân Xã"  # unchanged
    builtin = template_editing.get_template_document(uow_factory=city.uow_factory, code="hanoi-2021").document
    with pytest.raises(ValidationError, match="cannot be changed"):
        template_editing.save_template_document(uow_factory=city.uow_factory, code="hanoi-2021", document=builtin)
    actions = [a["action"] for a in dump_workspace(uow_factory=city.uow_factory)["audit"]]
    assert actions.count("template.edit") == 1


def test_an_edited_template_is_published_and_a_district_imports_it(city: WorkspaceSession, tmp_path: Path) -> None:
    template_editing.copy_template_for_new_year(uow_factory=city.uow_factory)
    doc = template_editing.get_template_document(uow_factory=city.uow_factory, code="hanoi-2022").document
    doc["summary"] = "Kế hoạch tuyên truyền năm 2022 (đã sửa)"
    template_editing.save_template_document(uow_factory=city.uow_factory, code="hanoi-2022", document=doc)
    out = tmp_path / "hanoi-2022.khtemplate"
    done = sync.export_template_package(uow_factory=city.uow_factory, out=out, template_code="hanoi-2022")
    assert done.period == "2022"
    district = new_workspace(tmp_path / "d.kehoach", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    try:
        assert sync.import_template_package(uow_factory=district.uow_factory, path=out, trust_new_keys=True).imported
        seen = {t.code: t for t in template_editing.list_templates(uow_factory=district.uow_factory)}
        assert seen["hanoi-2022"].origin == "imported"
        assert seen["hanoi-2022"].summary == "Kế hoạch tuyên truyền năm 2022 (đã sửa)"
        with pytest.raises(ValidationError, match="Only a city"):
            template_editing.copy_template_for_new_year(uow_factory=district.uow_factory)
    finally:
        district.close()
