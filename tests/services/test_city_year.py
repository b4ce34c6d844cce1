"""The city's year on today's map: the template chosen, years that follow, wording from the template, review."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kehoach_desktop.domain.enums import MaterialType, WorkspaceMode
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.services import sync
from kehoach_desktop.services.city_board import get_completeness_board
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.materials import MaterialInput, create_material
from kehoach_desktop.services.review import review_report
from kehoach_desktop.services.session import WorkspaceSession, new_workspace, open_workspace
from kehoach_desktop.services.template_editing import (
    copy_template_for_new_year,
    delete_template,
    get_template_document,
    save_template_document,
)
from kehoach_desktop.services.templates import builtin_template
from kehoach_desktop.services.workspace import WorkspaceSetup, choose_template
from kehoach_desktop.services.years import list_years, use_template
from kehoach_desktop.storage.models import Material, Plan
from tests.services.ward_fixtures import PERIOD, TODAY, WARD, new_city_2026, new_ward

DONG_DA_SUMMARY = "tuyên truyền các nhiệm vụ phát triển kinh tế - xã hội của quận Đống Đa năm 2021"


def _district(path: Path, code: str = "006", template: str = "") -> WorkspaceSession:
    return new_workspace(path, WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code=code, signer_name="Nguyễn Văn An",
                                              signer_title="Phó Chủ tịch", template=template))


def _plan(session: WorkspaceSession, year: int | None = None) -> dict:  # type: ignore[type-arg]
    plans = dump_workspace(uow_factory=session.uow_factory)["plans"]
    return next(p for p in plans if year is None or p["year"] == year)


@pytest.fixture
def city(tmp_path: Path) -> Iterator[WorkspaceSession]:
    session = new_workspace(tmp_path / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    try:
        yield session
    finally:
        session.close()


# 2021 as before ---------------------------------------------------------------------------------
def test_a_2021_district_plan_has_the_wording_it_always_had(tmp_path: Path) -> None:
    """The words that were in the code are now in the built-in template: the plan comes out the same."""
    district = _district(tmp_path / "d.khws")
    try:
        plan = _plan(district)
        assert plan["recipients"] == [
            "UBND Thành phố;", "Sở Thông tin và Truyền thông;", "Thường trực Quận ủy;", "Thường trực HĐND quận;",
            "Chủ tịch, các PCT UBND quận;", "Các phòng, ban, đơn vị thuộc quận;", "UBND các phường;",
            "Lưu: VT, VHTT."]
        assert plan["legal_bases"] == [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Căn cứ Kế hoạch của UBND Thành phố về tuyên truyền các nhiệm vụ phát triển kinh tế - xã hội của thành "
            "phố Hà Nội năm 2021."]
        assert plan["closing"] == (
            f"Trên đây là Kế hoạch {DONG_DA_SUMMARY}. Trong quá trình tổ chức thực hiện, nếu có khó khăn, vướng mắc, "
            "các đơn vị báo cáo về Phòng Văn hóa và Thông tin để tổng hợp, báo cáo UBND quận theo quy định./.")
        assert plan["preamble"].startswith("Thực hiện Kế hoạch của UBND Thành phố về tuyên truyền")
        assert plan["preamble"].endswith(f"UBND quận Đống Đa ban hành Kế hoạch {DONG_DA_SUMMARY}, cụ thể như sau:")
        organisation = plan["sections"][-1]
        assert organisation["template_key"] == "III"
        assert organisation["text"] == builtin_template().section("III.8").text != ""
        units = dump_workspace(uow_factory=district.uow_factory)["responsible_units"]
        assert len(units) == 22 + 21  # the district's offices, then its 21 wards
        assert units[1]["name"] == "Phòng Văn hóa và Thông tin" and units[1]["kind"] == "office"
        assert units[22]["code"] == "UB-P-PHUONG-LIEN" or units[22]["code"].startswith("UB-P-")
        assert {u["kind"] for u in units[22:]} == {"ward"}
    finally:
        district.close()


@pytest.mark.parametrize(("code", "party", "places"), [
    ("271", "Thường trực Huyện ủy;", "UBND các xã, thị trấn;"),
    ("269", "Thường trực Thị ủy;", "UBND các phường, xã;"),
])
def test_the_words_follow_the_kind_of_unit(tmp_path: Path, code: str, party: str, places: str) -> None:
    district = _district(tmp_path / "d.khws", code)
    try:
        recipients = _plan(district)["recipients"]
        assert recipients[2] == party and recipients[6] == places
        units = dump_workspace(uow_factory=district.uow_factory)["responsible_units"]
        if code == "271":  # Ba Vì: a township and communes, each of its kind in the directory
            assert {u["kind"] for u in units[22:]} == {"township", "commune"}
            assert "UB-TT-TAY-DANG" in {u["code"] for u in units}
    finally:
        district.close()


# a new year ----------------------------------------------------------------------------------------
def test_the_city_starts_2026_with_the_official_126_units_in_one_step(city: WorkspaceSession) -> None:
    done = copy_template_for_new_year(uow_factory=city.uow_factory, year=2026, units="official-2025", use=True)
    assert done.code == "hanoi-2026" and done.changes.packages
    template = city.template()
    assert template.code == "hanoi-2026" and template.year == 2026
    assert len(template.reporting_units) == 126 and template.unit_term == "phường, xã"
    assert template.unit("00070").display_name == "Phường Hoàn Kiếm"
    assert [(p.period, p.deadline) for p in template.reporting_periods] == [
        ("2026-Q1", dt.date(2026, 3, 25)), ("2026-H1", dt.date(2026, 6, 25)), ("2026-Q3", dt.date(2026, 9, 25)),
        ("2026", dt.date(2026, 12, 15))]
    # the old unit term in the city's own text follows; codes and section keys stay
    assert template.section("III.8").title == "Các Sở, Ban, ngành, UBND các phường, xã"
    assert template.section("III.8").responsible_unit == "SBN-QH"
    assert "UBND các phường, xã;" in template.recipients
    assert template.unit_plan.office == "Phòng Văn hóa - Xã hội" and template.unit_plan.responsibility == "III.8"
    board = get_completeness_board(uow_factory=city.uow_factory, today=TODAY)
    assert len(board.rows) == 126 and board.template_year == 2026
    assert board.periods[0].period == "2026-Q1"
    # 2021 is still there, and viewable again
    assert [(y.code, y.in_use) for y in list_years(uow_factory=city.uow_factory)] == [
        ("hanoi-2021", False), ("hanoi-2026", True)]
    use_template(uow_factory=city.uow_factory, code="hanoi-2021")
    assert len(get_completeness_board(uow_factory=city.uow_factory, today=TODAY).rows) == 30


def test_a_ward_workspace_from_the_template_speaks_the_ward_level(tmp_path: Path) -> None:
    new_city_2026(tmp_path)
    ward = new_ward(tmp_path, tmp_path / "hanoi-2026.khtemplate")
    try:
        summary = ward.summary()
        assert (summary.unit_code, summary.unit_full_name, summary.template_code) == (
            WARD, "Ủy ban nhân dân phường Hoàn Kiếm", "hanoi-2026")
        plan = _plan(ward)
        assert plan["year"] == 2026 and plan["issuing_agency"] == "ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM"
        assert plan["recipients"] == [
            "UBND Thành phố;", "Sở Thông tin và Truyền thông;", "Thường trực Đảng ủy phường;",
            "Thường trực HĐND phường;", "Chủ tịch, các PCT UBND phường;", "Các phòng, đơn vị thuộc UBND phường;",
            "Ủy ban MTTQ Việt Nam phường và các đoàn thể;", "Lưu: VT, VHXH."]
        assert plan["legal_bases"][0] == "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
        assert "báo cáo về Phòng Văn hóa - Xã hội để tổng hợp, báo cáo UBND phường" in plan["closing"]
        assert plan["sections"][-1]["text"] == ward.template().section("III.8").text
        dump = dump_workspace(uow_factory=ward.uow_factory)
        names = [u["name"] for u in dump["responsible_units"]]
        assert names[:5] == ["Văn phòng HĐND và UBND", "Phòng Văn hóa - Xã hội", "Phòng Kinh tế, Hạ tầng và Đô thị",
                             "Trung tâm Phục vụ hành chính công", "Công an phường Hoàn Kiếm"]
        assert not {"Phòng Tài nguyên và Môi trường", "Phòng Văn hóa và Thông tin", "Đội Quản lý trật tự xây dựng "
                    "đô thị"} & set(names)
        text = json.dumps(dump, ensure_ascii=False)
        assert "quận" not in text.replace("quận Đống Đa", "")  # only the placeholder's example, in no record
        # the city's key came with the template package and is trusted; the package is recorded
        assert [k["unit_code"] for k in dump["trusted_keys"]] == ["STTTT"]
        assert [(r["kind"], r["unit_code"]) for r in dump["received_packages"]] == [("city-template", "STTTT")]
    finally:
        ward.close()


def test_a_commune_gets_the_commune_words(tmp_path: Path) -> None:
    new_city_2026(tmp_path)
    commune_code = next(u.code for u in choose_template(str(tmp_path / "hanoi-2026.khtemplate")).template
                        .reporting_units if u.kind == "xã")
    commune = new_workspace(tmp_path / "x.khws", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code=commune_code, template=str(tmp_path / "hanoi-2026.khtemplate")))
    try:
        names = [u["name"] for u in dump_workspace(uow_factory=commune.uow_factory)["responsible_units"]]
        assert names[2] == "Phòng Kinh tế" and names[4].startswith("Công an xã ")
        assert _plan(commune)["recipients"][2] == "Thường trực Đảng ủy xã;"
    finally:
        commune.close()


def test_a_unit_starts_the_next_year_from_the_city_s_newer_template_and_keeps_the_earlier(
        city: WorkspaceSession, tmp_path: Path) -> None:
    copy_template_for_new_year(uow_factory=city.uow_factory, use=True)  # hanoi-2022, the same 30 districts
    sync.export_template_package(uow_factory=city.uow_factory, out=tmp_path / "hanoi-2022.khtemplate")
    district = _district(tmp_path / "d.khws")
    try:
        units_before = len(dump_workspace(uow_factory=district.uow_factory)["responsible_units"])
        outcome = sync.import_template_package(uow_factory=district.uow_factory,
                                               path=tmp_path / "hanoi-2022.khtemplate", trust_new_keys=True)
        assert outcome.template_code == "hanoi-2022" and outcome.trusted_key
        assert district.plan_outline().year == 2021  # nothing changes until the unit starts the year
        change = use_template(uow_factory=district.uow_factory, code="hanoi-2022")
        assert change.plan_created and change.year == 2022
        outline = district.plan_outline()
        assert outline.year == 2022 and "năm 2022" in outline.summary
        assert len(dump_workspace(uow_factory=district.uow_factory)["responsible_units"]) == units_before
        material_id, _changes = create_material(uow_factory=district.uow_factory, values=MaterialInput(
            type=MaterialType.PANEL.value, content="Pa nô chào mừng năm 2022"))
        with district.uow_factory() as uow:
            plan_year = uow.session.scalar(select(Plan.year).join(Material, Material.plan_id == Plan.id)
                                           .where(Material.id == material_id))
        assert plan_year == 2022
        assert [(y.year, y.has_plan, y.in_use) for y in list_years(uow_factory=district.uow_factory)] == [
            (2021, True, False), (2022, True, True)]
        # the earlier year stays viewable, then the unit comes back to 2022 (its plan is not made twice)
        assert not use_template(uow_factory=district.uow_factory, code="hanoi-2021").plan_created
        assert district.plan_outline().year == 2021
        assert not use_template(uow_factory=district.uow_factory, code="hanoi-2022").plan_created
        # the package carries both years; the city, on 2022, sees the 2022 plan
        sync.export_sync_package(uow_factory=district.uow_factory, out=tmp_path / "p.khsync", period="2022-Q1")
        sync.import_package(uow_factory=city.uow_factory, path=tmp_path / "p.khsync", trust_new_keys=True)
        board = get_completeness_board(uow_factory=city.uow_factory, today=dt.date(2022, 4, 1))
        row = board.row("006")
        assert row.plan_status == "draft" and row.cell("2022-Q1").sequence == 1
    finally:
        district.close()


def test_a_late_report_of_an_earlier_year_is_still_received(city: WorkspaceSession, tmp_path: Path) -> None:
    district = _district(tmp_path / "d.khws")
    try:
        sync.export_sync_package(uow_factory=district.uow_factory, out=tmp_path / "late.khsync", period="2021")
    finally:
        district.close()
    copy_template_for_new_year(uow_factory=city.uow_factory, year=2026, units="official-2025", use=True)
    outcome = sync.import_package(uow_factory=city.uow_factory, path=tmp_path / "late.khsync", trust_new_keys=True)
    assert outcome.imported  # 006 and 2021 are in hanoi-2021, which the city still has
    use_template(uow_factory=city.uow_factory, code="hanoi-2021")
    assert get_completeness_board(uow_factory=city.uow_factory, today=TODAY).row("006").cell("2021").sequence == 1


def test_a_package_of_a_unit_no_template_names_is_refused(city: WorkspaceSession, tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    new_city_2026(tmp_path / "other")
    ward = new_ward(tmp_path, tmp_path / "other" / "hanoi-2026.khtemplate")
    try:
        sync.export_sync_package(uow_factory=ward.uow_factory, out=tmp_path / "w.khsync", period=PERIOD)
    finally:
        ward.close()
    with pytest.raises(sync.PackageError, match="no template of this workspace names that unit"):
        sync.import_package(uow_factory=city.uow_factory, path=tmp_path / "w.khsync", trust_new_keys=True)


# the city's own identity -----------------------------------------------------------------------------
def test_the_city_follows_the_receiving_agency_its_template_names_and_units_keep_trusting_its_key(
        tmp_path: Path) -> None:
    city_path = new_city_2026(tmp_path)
    ward = new_ward(tmp_path, tmp_path / "hanoi-2026.khtemplate")
    city = open_workspace(city_path)
    try:
        sync.export_sync_package(uow_factory=ward.uow_factory, out=tmp_path / "w.khsync", period=PERIOD)
        sync.import_package(uow_factory=city.uow_factory, path=tmp_path / "w.khsync", trust_new_keys=True)
        document = get_template_document(uow_factory=city.uow_factory, code="hanoi-2026").document
        document["receiving_agency"] = {"code": "SVHTT", "name": "Sở Văn hóa và Thể thao", "abbreviation": "SVHTT"}
        save_template_document(uow_factory=city.uow_factory, code="hanoi-2026", document=document)
        summary = city.summary()
        assert (summary.unit_code, summary.unit_name, summary.unit_full_name) == (
            "SVHTT", "Sở Văn hóa và Thể thao", "Sở Văn hóa và Thể thao")
        receipt = review_report(uow_factory=city.uow_factory, unit_code=WARD, period=PERIOD, decision="accepted",
                                receipt_out=tmp_path / "r.khreceipt").receipt
        assert receipt is not None
        with zipfile.ZipFile(tmp_path / "r.khreceipt") as archive:
            manifest = json.loads(archive.read("manifest.json"))
        assert (manifest["unit_code"], manifest["unit_name"]) == ("SVHTT", "Sở Văn hóa và Thể thao")
        # the ward trusted STTTT's key; the same key under the agency's new code is still the city
        outcome = sync.import_package(uow_factory=ward.uow_factory, path=tmp_path / "r.khreceipt")
        assert outcome.imported and not outcome.trusted_key
        assert [(p.status, p.period) for p in sync.get_sync_status(uow_factory=ward.uow_factory,
                                                                   today=TODAY).packages] == [("accepted", PERIOD)]
    finally:
        city.close()
        ward.close()


# templates made here -----------------------------------------------------------------------------------
def test_a_template_made_by_mistake_is_deleted_but_not_one_in_use_or_with_plans(city: WorkspaceSession,
                                                                                  tmp_path: Path) -> None:
    copy_template_for_new_year(uow_factory=city.uow_factory)  # hanoi-2022, not in use
    copy_template_for_new_year(uow_factory=city.uow_factory, year=2026, units="official-2025", use=True)
    with pytest.raises(ValidationError, match="came with the application"):
        delete_template(uow_factory=city.uow_factory, code="hanoi-2021")
    with pytest.raises(ValidationError, match="is the one in use"):
        delete_template(uow_factory=city.uow_factory, code="hanoi-2026")
    delete_template(uow_factory=city.uow_factory, code="hanoi-2022")
    assert [y.code for y in list_years(uow_factory=city.uow_factory)] == ["hanoi-2021", "hanoi-2026"]
    # a template's code may be changed while no plan was made from it
    document = get_template_document(uow_factory=city.uow_factory, code="hanoi-2026").document
    document["code"] = "hanoi-2026-phuong-xa"
    assert save_template_document(uow_factory=city.uow_factory, code="hanoi-2026", document=document).code == \
        "hanoi-2026-phuong-xa"
    assert city.summary().template_code == "hanoi-2026-phuong-xa"


def test_export_refuses_a_period_the_template_does_not_define(tmp_path: Path) -> None:
    district = _district(tmp_path / "d.khws")
    try:
        for period in ("2099", "2021-Q2", "2021-05"):
            with pytest.raises(ValidationError, match=f"defines no reporting period {period}"):
                sync.export_sync_package(uow_factory=district.uow_factory, out=tmp_path / "p.khsync", period=period)
            assert not (tmp_path / "p.khsync").exists()
    finally:
        district.close()


def test_choose_template_refuses_what_it_does_not_know(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="neither a template shipped"):
        choose_template("hanoi-2030")
    (tmp_path / "x.khtemplate").write_bytes(b"not a zip")
    with pytest.raises(sync.PackageError, match=r"x\.khtemplate"):
        choose_template(str(tmp_path / "x.khtemplate"))
    assert choose_template("hanoi-2021").template is builtin_template()


# review ---------------------------------------------------------------------------------------------
def test_a_return_needs_a_reason_and_reaches_the_unit(tmp_path: Path) -> None:
    city_path = new_city_2026(tmp_path)
    ward = new_ward(tmp_path, tmp_path / "hanoi-2026.khtemplate")
    city = open_workspace(city_path)
    try:
        sync.export_sync_package(uow_factory=ward.uow_factory, out=tmp_path / "w.khsync", period=PERIOD)
        with pytest.raises(ValidationError, match="nothing to review"):
            review_report(uow_factory=city.uow_factory, unit_code=WARD, period=PERIOD, decision="accepted")
        sync.import_package(uow_factory=city.uow_factory, path=tmp_path / "w.khsync", trust_new_keys=True)
        with pytest.raises(ValidationError):
            review_report(uow_factory=city.uow_factory, unit_code=WARD, period=PERIOD, decision="returned",
                          reason="  ")
        done = review_report(uow_factory=city.uow_factory, unit_code=WARD, period=PERIOD, decision="returned",
                             reason="Thiếu kết quả sự kiện quý I", receipt_out=tmp_path / "r.khreceipt")
        assert done.decision == "returned" and done.sequence == 1
        cell = get_completeness_board(uow_factory=city.uow_factory, today=TODAY).row(WARD).cell(PERIOD)
        assert (cell.timeliness, cell.reason) == ("returned", "Thiếu kết quả sự kiện quý I")
        sync.import_package(uow_factory=ward.uow_factory, path=tmp_path / "r.khreceipt")
        sent = sync.get_sync_status(uow_factory=ward.uow_factory, today=TODAY).packages[0]
        assert (sent.status, sent.reason) == ("returned", "Thiếu kết quả sự kiện quý I")
        received = dump_workspace(uow_factory=ward.uow_factory)["received_packages"][-1]
        assert (received["status"], received["decision_reason"]) == ("returned", "Thiếu kết quả sự kiện quý I")
    finally:
        city.close()
        ward.close()


def test_the_places_of_a_unit_come_from_the_template_in_use(tmp_path: Path) -> None:
    """What the registers' ward lists offer (``services/units.py`` ``places_of``): the template's places."""
    from kehoach_desktop.services.units import places_of

    district = _district(tmp_path / "d.khws")
    try:
        with district.uow_factory() as uow:
            places = places_of(uow.session, "006")
            assert len(places) == 21 and ("phường", "Văn Miếu") in places
            assert places_of(uow.session, "00070") == []  # not a unit of this template
    finally:
        district.close()
    new_city_2026(tmp_path)
    ward = new_ward(tmp_path, tmp_path / "hanoi-2026.khtemplate")
    try:
        with ward.uow_factory() as uow:
            assert places_of(uow.session, WARD) == []  # the official list names no neighbourhoods
    finally:
        ward.close()
