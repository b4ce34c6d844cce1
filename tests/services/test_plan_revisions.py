"""Issued revisions: snapshots kept readable, and the comparison of two revisions."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.formats import format_vnd
from kehoach_desktop.services.plan_editing import (
    create_task,
    delete_task,
    issue_plan,
    revise_plan,
    set_section_local_text,
    set_section_text,
    update_plan_details,
    update_task,
)
from kehoach_desktop.services.plan_revisions import compare_revisions, get_revision, list_revisions
from tests.services.plan_fixtures import district, editor, task_input, theme

__all__ = ["district"]


@pytest.fixture
def two_revisions(district):  # type: ignore[no-untyped-def]
    """Revision 1 with two tasks; revision 2 edits one, removes one, adds one, edits texts and details."""
    uow = district.uow_factory
    state = editor(district)
    economy, visual = theme(state, "II.1.2"), theme(state, "II.2.3")
    lead = state.units[1]
    kept = create_task(uow_factory=uow, section_id=economy.id, fields=task_input("Pa nô Đống Đa",
                                                                                  lead_unit_id=lead.id)).id
    dropped = create_task(uow_factory=uow, section_id=visual.id, fields=task_input("Tờ rơi")).id
    issue_plan(uow_factory=uow, plan_id=state.plan_id, number="05", issue_date=dt.date(2021, 1, 20))
    revise_plan(uow_factory=uow, plan_id=state.plan_id, reason="Bổ sung nhiệm vụ quý III")
    update_task(uow_factory=uow, task_id=kept, fields=task_input(
        "Pa nô Đống Đa", lead_unit_id=lead.id, due_date=dt.date(2021, 9, 30), budget=2_500_000))
    delete_task(uow_factory=uow, task_id=dropped)
    added = create_task(uow_factory=uow, section_id=economy.id, fields=task_input("Màn hình LED")).id
    set_section_text(uow_factory=uow, section_id=visual.id, text="Văn bản quận sửa.")
    set_section_local_text(uow_factory=uow, section_id=economy.id, text="Bổ sung của quận.")
    update_plan_details(uow_factory=uow, plan_id=state.plan_id, details=type(state.details)(
        **{**editor(district).details.__dict__, "recipients": ("UBND Thành phố;", "Lưu: VT.")}))
    issue_plan(uow_factory=uow, plan_id=state.plan_id, number="12", issue_date=dt.date(2021, 7, 1))
    return {"kept": kept, "dropped": dropped, "added": added, "lead": lead}


def test_each_issue_keeps_a_readable_revision(district, two_revisions) -> None:
    revisions = list_revisions(uow_factory=district.uow_factory)
    assert [(r.number, r.plan_number, r.tasks) for r in revisions] == [(1, "05/KH-UBND", 2), (2, "12/KH-UBND", 2)]
    assert revisions[0].reason == "" and revisions[1].reason == "Bổ sung nhiệm vụ quý III"
    assert revisions[1].issued_by == "Nguyễn Văn An"
    first = get_revision(uow_factory=district.uow_factory, number=1)
    assert first.details.number == "05" and first.details.issue_date == dt.date(2021, 1, 20)
    assert [t[1] for t in first.tasks] == ["Pa nô Đống Đa", "Tờ rơi"]
    assert first.tasks[0][0] == "1.2. Về phát triển kinh tế"
    assert "01/02/2021 – 31/12/2021" in first.tasks[0][2]
    visual = next(sec for sec in first.sections if sec[0].startswith("2.3."))
    assert visual[1] != "Văn bản quận sửa."  # the text as it was issued
    with pytest.raises(ValidationError):
        get_revision(uow_factory=district.uow_factory, number=3)


def test_the_comparison_shows_sections_and_tasks_field_by_field(district, two_revisions) -> None:
    diff = compare_revisions(uow_factory=district.uow_factory, before=1, after=2)
    assert (diff.before_label, diff.after_label) == ("Revision 1", "Revision 2")
    assert [t.content for t in diff.tasks_added] == ["Màn hình LED"]
    assert [t.content for t in diff.tasks_removed] == ["Tờ rơi"]
    [changed] = diff.tasks_changed
    assert changed.id == two_revisions["kept"]
    assert {(c.field, c.before, c.after) for c in changed.changes} == {
        ("due_date", "31/12/2021", "30/09/2021"), ("budget", format_vnd(1_500_000), format_vnd(2_500_000))}
    sections = {c.label: {f.field for f in c.changes} for c in diff.section_changes}
    assert sections["1.2. Về phát triển kinh tế"] == {"local_text"}
    assert next(k for k in sections if k.startswith("2.3.")) and {"text"} in sections.values()
    fields = {c.field: (c.before, c.after) for c in diff.plan_changes}
    assert fields["number"] == ("05", "12")
    assert fields["issue_date"] == ("20/01/2021", "01/07/2021")
    assert fields["recipients"][1] == "UBND Thành phố;\nLưu: VT."


def test_comparing_with_the_current_draft_and_with_itself(district, two_revisions) -> None:
    state = editor(district)
    assert compare_revisions(uow_factory=district.uow_factory, before=2, after=2).is_empty
    revise_plan(uow_factory=district.uow_factory, plan_id=state.plan_id, reason="Lần 3")
    update_task(uow_factory=district.uow_factory, task_id=two_revisions["added"], fields=task_input(
        "Màn hình LED tại ngã tư", lead_unit_id=two_revisions["lead"].id))
    diff = compare_revisions(uow_factory=district.uow_factory, before=2, after=None)
    assert diff.after_label == "Revision 3 (current draft)"
    [changed] = diff.tasks_changed
    assert {c.field for c in changed.changes} == {"content", "lead_unit_id"}
    lead_change = next(c for c in changed.changes if c.field == "lead_unit_id")
    assert lead_change.after == two_revisions["lead"].name and lead_change.before == ""


def test_a_demo_revision_compares_with_the_plan(tmp_path) -> None:
    from kehoach_desktop.services.session import new_demo_workspace

    session = new_demo_workspace(tmp_path / "demo.khws")
    try:
        [revision] = list_revisions(uow_factory=session.uow_factory)
        assert revision.number == 1 and revision.tasks == 40
        diff = compare_revisions(uow_factory=session.uow_factory, before=1, after=None)
        assert not diff.tasks_added and not diff.tasks_removed and not diff.tasks_changed
    finally:
        session.close()
