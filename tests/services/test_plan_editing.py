"""Editing the draft plan through the services, without Qt: template, texts, locks, tasks, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach_desktop.domain.enums import PlanStatus, SectionKind
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.services.plan_editing import (
    create_task,
    delete_task,
    duplicate_task,
    issue_plan,
    move_task,
    restore_task,
    revise_plan,
    set_section_local_text,
    set_section_text,
    update_plan_details,
    update_task,
    validate_task,
)
from kehoach_desktop.services.templates import builtin_template
from tests.services.plan_fixtures import TODAY, audit_actions, district, editor, task_input, theme

__all__ = ["district"]


def test_the_plan_reproduces_every_theme_of_the_2021_template_exactly(district) -> None:
    template = builtin_template()
    state = editor(district)
    by_key = {s.template_key: s for s in state.sections}
    copied = [s for s in template.all_sections() if not s.key.startswith("III")]
    assert len(copied) == 13
    for source in copied:
        section = by_key[source.key]
        assert (section.number, section.title, section.kind) == (source.number, source.title, source.kind.value)
        assert section.text == section.template_text == source.text
        assert (section.locked, section.inferred) == (source.locked, source.inferred)
    themes = [s for s in state.sections if s.kind == SectionKind.THEME.value]
    assert [s.template_key for s in themes] == ["II.1.1", "II.1.2", "II.1.3", "II.1.4"]
    assert all(s.accepts_tasks for s in themes)
    assert "“mục tiêu kép” - vừa phòng, chống dịch bệnh" in by_key["II.1.2"].text
    organisation = by_key["III"]
    assert organisation.text == template.section("III.8").text and not organisation.locked
    assert [s.template_key for s in state.sections][:3] == ["I", "II", "II.1"]
    assert state.status == PlanStatus.DRAFT.value and state.revision == 0
    assert state.details.symbol == "KH-UBND" and state.details.signer_deputy == "KT. CHỦ TỊCH"


def test_locked_text_is_refused_and_local_text_is_kept_beside_it(district) -> None:
    state = editor(district)
    locked = theme(state, "II.1.2")
    assert locked.locked
    with pytest.raises(ValidationError, match="locked"):
        set_section_text(uow_factory=district.uow_factory, section_id=locked.id, text="Văn bản khác")
    set_section_local_text(uow_factory=district.uow_factory, section_id=locked.id,
                           text="Quận Đống Đa tập trung tuyên truyền\u0301 ")  # stray combining mark: NFC
    section = theme(editor(district), "II.1.2")
    assert section.text == section.template_text
    assert section.local_text.startswith("Quận Đống Đa tập trung")


def test_unlocked_text_departs_from_the_template_and_can_be_reverted(district) -> None:
    form = theme(editor(district), "II.2.3")
    assert not form.locked
    set_section_text(uow_factory=district.uow_factory, section_id=form.id, text="Văn bản của quận.")
    changed = theme(editor(district), "II.2.3")
    assert changed.text == "Văn bản của quận." and changed.changed_from_template
    set_section_text(uow_factory=district.uow_factory, section_id=form.id, text=changed.template_text)
    assert not theme(editor(district), "II.2.3").changed_from_template


def test_tasks_are_created_updated_moved_duplicated_removed_and_restored(district) -> None:
    uow = district.uow_factory
    section = theme(editor(district), "II.1.2")
    first = create_task(uow_factory=uow, section_id=section.id, fields=task_input("Một")).id
    second = create_task(uow_factory=uow, section_id=section.id, fields=task_input("Hai")).id
    third = create_task(uow_factory=uow, section_id=section.id, fields=task_input("Ba"), after_task_id=first).id

    def contents() -> list[str]:
        return [t.fields.content for t in theme(editor(district), "II.1.2").tasks]

    assert contents() == ["Một", "Ba", "Hai"]
    move_task(uow_factory=uow, task_id=second, offset=-1)
    assert contents() == ["Một", "Hai", "Ba"]
    move_task(uow_factory=uow, task_id=first, offset=-1)  # already first: nothing moves
    assert contents() == ["Một", "Hai", "Ba"]
    copy = duplicate_task(uow_factory=uow, task_id=first).id
    assert contents() == ["Một", "Một", "Hai", "Ba"]
    update_task(uow_factory=uow, task_id=copy, fields=task_input("Bốn", budget=2_000_000, lead_unit_id=None))
    assert contents() == ["Một", "Bốn", "Hai", "Ba"]
    delete_task(uow_factory=uow, task_id=copy)
    assert contents() == ["Một", "Hai", "Ba"]
    restore_task(uow_factory=uow, task_id=copy)
    assert contents() == ["Một", "Bốn", "Hai", "Ba"]
    task = editor(district).task(copy)
    assert task.fields.budget == 2_000_000 and task.fields.indicator_target == 120
    assert third in {t.id for t in theme(editor(district), "II.1.2").tasks}


def test_tasks_pick_lead_and_supporting_units_from_the_directory(district) -> None:
    state = editor(district)
    lead, *others = [u.id for u in state.units[:4]]
    section = theme(state, "II.1.1")
    task_id = create_task(uow_factory=district.uow_factory, section_id=section.id, fields=task_input(
        lead_unit_id=lead, supporting_unit_ids=(others[0], lead, others[1], others[0]))).id
    task = editor(district).task(task_id)
    assert task.fields.supporting_unit_ids == (others[0], others[1])  # lead and repeats dropped
    assert task.lead_unit_name == state.units[0].name
    with pytest.raises(ValidationError, match="directory"):
        update_task(uow_factory=district.uow_factory, task_id=task_id, fields=task_input(lead_unit_id="nope"))


def test_tasks_only_go_under_themes_and_forms(district) -> None:
    purposes = theme(editor(district), "I")
    with pytest.raises(ValidationError, match="theme or a form"):
        create_task(uow_factory=district.uow_factory, section_id=purposes.id, fields=task_input())


@pytest.mark.parametrize(("changes", "field", "blocking"), [
    ({"content": "  "}, "content", True),
    ({"budget": -1}, "budget", True),
    ({"start_date": dt.date(2021, 5, 2), "due_date": dt.date(2021, 5, 1)}, "due_date", True),
    ({"due_date": dt.date(2022, 1, 1)}, "due_date", False),
    ({"start_date": dt.date(2020, 12, 31)}, "start_date", False),
    ({"indicator_target": -5}, "indicator_target", True),
])
def test_task_validation_names_the_field_and_the_reason(district, changes, field, blocking) -> None:
    problems = validate_task(task_input(**changes), year=2021)
    assert [(p.field, p.blocking) for p in problems] == [(field, blocking)]
    section = theme(editor(district), "II.1.3")
    if blocking:
        with pytest.raises(ValidationError):
            create_task(uow_factory=district.uow_factory, section_id=section.id, fields=task_input(**changes))
    else:  # only flagged: saved
        create_task(uow_factory=district.uow_factory, section_id=section.id, fields=task_input(**changes))


def test_same_day_start_and_due_is_valid() -> None:
    day = dt.date(2021, 3, 8)
    assert validate_task(task_input(start_date=day, due_date=day), year=2021) == ()


def test_plan_details_are_edited_and_normalised(district) -> None:
    state = editor(district)
    details = state.details
    new = type(details)(**{**details.__dict__, "number": " 07 ", "legal_bases": ("Căn cứ A;", "", "Căn cứ B."),
                           "recipients": (*details.recipients, "Lưu: VT.")})
    update_plan_details(uow_factory=district.uow_factory, plan_id=state.plan_id, details=new)
    after = editor(district).details
    assert after.number == "07" and after.legal_bases == ("Căn cứ A;", "Căn cứ B.")
    assert after.recipients[-1] == "Lưu: VT."
    with pytest.raises(ValidationError, match="symbol"):
        update_plan_details(uow_factory=district.uow_factory, plan_id=state.plan_id,
                            details=type(details)(**{**details.__dict__, "symbol": ""}))


def test_an_issued_plan_refuses_every_edit_until_revised(district) -> None:
    uow = district.uow_factory
    state = editor(district)
    section = theme(state, "II.2.3")
    task_id = create_task(uow_factory=uow, section_id=section.id, fields=task_input()).id
    with pytest.raises(ValidationError, match="number"):
        issue_plan(uow_factory=uow, plan_id=state.plan_id, number=" ", issue_date=dt.date(2021, 1, 20))
    issue_plan(uow_factory=uow, plan_id=state.plan_id, number="05", issue_date=dt.date(2021, 1, 20))
    issued = editor(district)
    assert (issued.status, issued.revision, issued.details.number) == (PlanStatus.ISSUED.value, 1, "05")
    for attempt in (
        lambda: set_section_text(uow_factory=uow, section_id=section.id, text="x"),
        lambda: set_section_local_text(uow_factory=uow, section_id=section.id, text="x"),
        lambda: create_task(uow_factory=uow, section_id=section.id, fields=task_input()),
        lambda: update_task(uow_factory=uow, task_id=task_id, fields=task_input("x")),
        lambda: delete_task(uow_factory=uow, task_id=task_id),
        lambda: move_task(uow_factory=uow, task_id=task_id, offset=1),
        lambda: duplicate_task(uow_factory=uow, task_id=task_id),
        lambda: update_plan_details(uow_factory=uow, plan_id=state.plan_id, details=state.details),
        lambda: issue_plan(uow_factory=uow, plan_id=state.plan_id, number="06", issue_date=TODAY),
    ):
        with pytest.raises(ValidationError, match="issued"):
            attempt()
    with pytest.raises(ValidationError, match="reason"):
        revise_plan(uow_factory=uow, plan_id=state.plan_id, reason="  ")
    revise_plan(uow_factory=uow, plan_id=state.plan_id, reason="Bổ sung nhiệm vụ")
    draft = editor(district)
    assert (draft.status, draft.revision, draft.pending_reason) == ("draft", 2, "Bổ sung nhiệm vụ")
    update_task(uow_factory=uow, task_id=task_id, fields=task_input("Nội dung mới"))
    with pytest.raises(ValidationError, match="already a draft"):
        revise_plan(uow_factory=uow, plan_id=state.plan_id, reason="again")


def test_the_audit_log_records_each_change(district) -> None:
    uow = district.uow_factory
    state = editor(district)
    section = theme(state, "II.2.4")
    set_section_text(uow_factory=uow, section_id=section.id, text="Văn bản mới")
    set_section_text(uow_factory=uow, section_id=section.id, text="Văn bản mới")  # no change: no entry
    set_section_local_text(uow_factory=uow, section_id=section.id, text="Bổ sung")
    task_id = create_task(uow_factory=uow, section_id=section.id, fields=task_input()).id
    update_task(uow_factory=uow, task_id=task_id, fields=task_input(budget=3_000_000))
    copy = duplicate_task(uow_factory=uow, task_id=task_id).id
    move_task(uow_factory=uow, task_id=copy, offset=-1)
    delete_task(uow_factory=uow, task_id=copy)
    restore_task(uow_factory=uow, task_id=copy)
    issue_plan(uow_factory=uow, plan_id=state.plan_id, number="05", issue_date=dt.date(2021, 1, 20))
    revise_plan(uow_factory=uow, plan_id=state.plan_id, reason="Điều chỉnh")
    assert audit_actions(district) == [
        "workspace.create", "plan.create", "section.text", "section.local_text", "task.create", "task.update",
        "task.duplicate", "task.move", "task.delete", "task.restore", "plan.issue", "plan.revise"]


def test_a_failed_write_leaves_nothing_behind(district) -> None:
    section = theme(editor(district), "II.1.1")
    before = audit_actions(district)
    with pytest.raises(ValidationError):
        create_task(uow_factory=district.uow_factory, section_id=section.id, fields=task_input(budget=-5))
    assert audit_actions(district) == before
    assert theme(editor(district), "II.1.1").tasks == ()
