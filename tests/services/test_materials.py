"""The materials register without Qt: writes, life cycle, filters, search, totals, paging, audit, dump."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.materials import (
    MaterialFilter,
    create_material,
    delete_materials,
    get_material,
    iter_materials,
    material_totals,
    material_wards,
    query_materials,
    restore_materials,
    set_materials_status,
    undelete_materials,
    update_material,
)
from kehoach_desktop.services.registers import LifecycleSkipError, SortSpec, get_history, list_themes
from kehoach_desktop.storage.models import AuditEntry, Material
from tests.services.register_fixtures import banner, district  # noqa: F401

BY_CONTENT = SortSpec("content")


def ids(session, flt: MaterialFilter = MaterialFilter(), sort: SortSpec = BY_CONTENT) -> list[str]:  # noqa: B008
    return [r.id for r in iter_materials(uow_factory=session.uow_factory, flt=flt, sort=sort)]


def test_create_normalises_text_keeps_the_search_key_and_audits(district) -> None:  # noqa: F811
    nfd = "Chào mừng Đại hội".encode().decode()
    import unicodedata

    material_id, changes = create_material(uow_factory=district.uow_factory, values=banner(
        unicodedata.normalize("NFD", nfd) + "  "))
    assert changes.materials
    record = get_material(uow_factory=district.uow_factory, material_id=material_id)
    assert record.content == unicodedata.normalize("NFC", nfd)
    with district.uow_factory() as uow:
        row = uow.session.get(Material, material_id)
        assert row.search_key.startswith("chao mung dai hoi")
        assert row.plan_id is not None and row.unit_code == "006"
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == material_id)).one()
        assert entry.action == "material.create" and entry.details["changes"]["quantity"] == [None, 10]


def test_saving_unchanged_values_writes_nothing_and_keeps_the_version(district) -> None:  # noqa: F811
    """Even over a stale search key (a workspace made by an older version): a save that changes nothing must not
    move the version, or the list would later refuse the row as changed by someone else."""
    material_id, _changes = create_material(uow_factory=district.uow_factory, values=banner("Pano chào mừng"))
    with district.uow_factory() as uow:
        uow.session.get(Material, material_id).search_key = "stale key"
        uow.commit()
    record = get_material(uow_factory=district.uow_factory, material_id=material_id)
    changes = update_material(uow_factory=district.uow_factory, material_id=material_id, values=record.as_input(),
                              expected_version=record.version)
    assert not changes.materials
    assert get_material(uow_factory=district.uow_factory, material_id=material_id).version == record.version
    set_materials_status(uow_factory=district.uow_factory, material_ids=[material_id], status=record.status,
                         on=None, expected_versions={material_id: record.version})  # the list's version still holds


def test_search_ignores_diacritics_and_case_and_needs_every_word(district) -> None:  # noqa: F811
    f = district.uow_factory
    a, _ = create_material(uow_factory=f, values=banner("Chào mừng Đại hội Đảng", ward="Phường Ô Chợ Dừa"))
    b, _ = create_material(uow_factory=f, values=banner("Bầu cử đại biểu Quốc hội", ward="Phường Láng Hạ"))
    assert ids(district, MaterialFilter(search="đại hội đảng")) == [a]
    assert ids(district, MaterialFilter(search="DAI HOI DANG")) == [a]
    assert ids(district, MaterialFilter(search="dai bieu lang ha")) == [b]
    assert ids(district, MaterialFilter(search="o cho dua")) == [a]
    assert sorted(ids(district, MaterialFilter(search="Đại hội"))) == sorted([a, b])  # "đại biểu Quốc hội"
    assert ids(district, MaterialFilter(search="100%")) == []
    assert sorted(ids(district, MaterialFilter(search="  "))) == sorted([a, b])
    # an edit keeps the key up to date
    update_material(uow_factory=f, material_id=b, values=banner("Tuyên truyền an toàn giao thông"))
    assert ids(district, MaterialFilter(search="dai bieu")) == []
    assert ids(district, MaterialFilter(search="giao thong")) == [b]


def test_filters_and_totals_agree(district) -> None:  # noqa: F811
    f = district.uow_factory
    theme = next(t for t in list_themes(uow_factory=f) if t.number.endswith("1.2") or "kinh tế" in t.title.lower())
    create_material(uow_factory=f, values=banner(quantity=5, cost=1_000_000, section_id=theme.id))
    create_material(uow_factory=f, values=banner(type="poster", quantity=100, cost=2_000_000, ward="Phường Kim Liên"))
    create_material(uow_factory=f, values=banner(status="installed", installed_on=dt.date(2021, 3, 1), quantity=7,
                                                 cost=300_000))
    everything = material_totals(uow_factory=f, flt=MaterialFilter())
    assert (everything.count, everything.quantity, everything.cost) == (3, 112, 3_300_000)
    assert material_totals(uow_factory=f, flt=MaterialFilter(types=("poster",))).quantity == 100
    assert material_totals(uow_factory=f, flt=MaterialFilter(statuses=("installed",))).count == 1
    assert material_totals(uow_factory=f, flt=MaterialFilter(section_id=theme.id)).cost == 1_000_000
    assert material_totals(uow_factory=f, flt=MaterialFilter(ward="Phường Kim Liên")).count == 1
    in_march = MaterialFilter(date_from=dt.date(2021, 3, 1), date_to=dt.date(2021, 3, 31))
    assert material_totals(uow_factory=f, flt=in_march).quantity == 7
    assert material_totals(uow_factory=f, flt=replace(in_march, date_from=dt.date(2021, 3, 2))).count == 0
    assert material_wards(uow_factory=f) == ("Phường Kim Liên", "Phường Láng Hạ")


def test_paging_by_key_visits_every_row_once_in_order(district) -> None:  # noqa: F811
    f = district.uow_factory
    for n in range(23):
        create_material(uow_factory=f, values=banner(f"Khẩu hiệu số {n:02d}", quantity=n % 4 + 1, cost=n * 1000))
    for sort in (SortSpec("content"), SortSpec("quantity"), SortSpec("cost", descending=True),
                 SortSpec("status_date"), SortSpec("theme"), SortSpec("updated_at", descending=True)):
        seen, after = [], None
        while True:
            page = query_materials(uow_factory=f, flt=MaterialFilter(), sort=sort, after=after, limit=5)
            seen += page.rows
            if page.after is None:
                break
            after = page.after
        assert len({r.id for r in seen}) == 23
        if sort.key == "cost":
            assert [r.cost for r in seen] == sorted((r.cost for r in seen), reverse=True)
        if sort.key == "content":
            assert [r.content for r in seen] == sorted(r.content for r in seen)


def test_a_removal_before_installation_is_refused(district) -> None:  # noqa: F811
    with pytest.raises(ValidationError, match="removal date 01/03/2021 is before the installation date 05/03/2021"):
        create_material(uow_factory=district.uow_factory, values=banner(
            status="removed", installed_on=dt.date(2021, 3, 5), removed_on=dt.date(2021, 3, 1)))
    assert material_totals(uow_factory=district.uow_factory, flt=MaterialFilter()).count == 0


def test_a_skipped_step_needs_confirmation_and_fills_nothing_else(district) -> None:  # noqa: F811
    f = district.uow_factory
    material_id, _ = create_material(uow_factory=f, values=banner())
    skipping = banner(status="installed", installed_on=dt.date(2021, 3, 5))
    with pytest.raises(LifecycleSkipError) as refused:
        update_material(uow_factory=f, material_id=material_id, values=skipping)
    assert "Produced" in refused.value.message
    assert get_material(uow_factory=f, material_id=material_id).status == "planned"
    update_material(uow_factory=f, material_id=material_id, values=skipping, confirm_step=True)
    record = get_material(uow_factory=f, material_id=material_id)
    assert record.status == "installed" and record.produced_on is None and record.version == 2


def test_bulk_status_change_is_one_transaction(district) -> None:  # noqa: F811
    f = district.uow_factory
    installed = [create_material(uow_factory=f, values=banner(
        f"Băng rôn {n}", status="installed", installed_on=dt.date(2021, 3, 1)))[0] for n in range(40)]
    day = dt.date(2021, 3, 20)
    set_materials_status(uow_factory=f, material_ids=installed, status="removed", on=day)
    records = list(iter_materials(uow_factory=f, flt=MaterialFilter(statuses=("removed",)), sort=BY_CONTENT))
    assert len(records) == 40 and {r.removed_on for r in records} == {day}
    history = get_history(uow_factory=f, entity_id=installed[0])
    assert history[0].action == "material.status" and ("removed_on", "", "2021-03-20") in history[0].changes
    # one bad date refuses the whole batch
    planned, _ = create_material(uow_factory=f, values=banner("Mới"))
    with pytest.raises(LifecycleSkipError):
        set_materials_status(uow_factory=f, material_ids=[*installed, planned], status="damaged", on=day)
    early = dt.date(2021, 2, 1)
    with pytest.raises(ValidationError, match="40 materials cannot take this date"):
        set_materials_status(uow_factory=f, material_ids=installed, status="damaged", on=early, confirm_step=True)
    assert material_totals(uow_factory=f, flt=MaterialFilter(statuses=("removed",))).count == 40


def test_undo_restores_exactly_and_delete_is_soft(district) -> None:  # noqa: F811
    f = district.uow_factory
    material_id, _ = create_material(uow_factory=f, values=banner())
    before = get_material(uow_factory=f, material_id=material_id)
    set_materials_status(uow_factory=f, material_ids=[material_id], status="produced", on=dt.date(2021, 2, 2))
    restore_materials(uow_factory=f, items=[(material_id, before.as_input())])
    assert get_material(uow_factory=f, material_id=material_id).as_input() == before.as_input()
    delete_materials(uow_factory=f, material_ids=[material_id])
    assert material_totals(uow_factory=f, flt=MaterialFilter()).count == 0
    with district.uow_factory() as uow:
        assert uow.session.get(Material, material_id).deleted_at is not None
    undelete_materials(uow_factory=f, material_ids=[material_id])
    assert material_totals(uow_factory=f, flt=MaterialFilter()).count == 1


def test_everything_changed_is_in_the_audit_log_and_the_dump(district) -> None:  # noqa: F811
    f = district.uow_factory
    material_id, _ = create_material(uow_factory=f, values=banner("=SUM(A1:A2)"))
    update_material(uow_factory=f, material_id=material_id, values=banner("=SUM(A1:A2)", quantity=12))
    dump = dump_workspace(uow_factory=f)
    [material] = dump["materials"]
    assert material["content"] == "=SUM(A1:A2)" and material["quantity"] == 12 and material["version"] == 2
    actions = [a["action"] for a in dump["audit"] if a["entity_id"] == material_id]
    assert actions == ["material.create", "material.update"]
    history = get_history(uow_factory=f, entity_id=material_id)
    assert history[0].changes == (("quantity", "10", "12"),)


def test_a_city_sees_every_unit_only_when_asked(district) -> None:  # noqa: F811
    f = district.uow_factory
    material_id, _ = create_material(uow_factory=f, values=banner())
    with f() as uow:
        uow.session.get(Material, material_id).unit_code = "001"
        uow.commit()
    assert material_totals(uow_factory=f, flt=MaterialFilter()).count == 0
    assert material_totals(uow_factory=f, flt=MaterialFilter(all_units=True)).count == 1


def test_amounts_and_quantities_past_the_bounds_are_refused_as_typing_mistakes(district) -> None:  # noqa: F811
    from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT

    f = district.uow_factory
    create_material(uow_factory=f, values=banner(cost=MAX_AMOUNT_VND, quantity=MAX_COUNT))
    with pytest.raises(ValidationError, match="amount is too large; check the number of zeros"):
        create_material(uow_factory=f, values=banner(cost=MAX_AMOUNT_VND + 1))
    with pytest.raises(ValidationError, match="number is too large; check the number of zeros"):
        create_material(uow_factory=f, values=banner(quantity=MAX_COUNT + 1))
    assert material_totals(uow_factory=f, flt=MaterialFilter()).count == 1
