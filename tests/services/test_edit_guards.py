"""An edit saved from a form filled before someone else's save is refused with the newer values; text too
long for its column is refused with the limit. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from kehoach_desktop.domain.enums import EventType, TaskStatus
from kehoach_desktop.domain.errors import ConcurrentEditError, ValidationError
from kehoach_desktop.services.events import EventInput, create_event, get_event, update_event
from kehoach_desktop.services.materials import create_material, get_material, update_material
from kehoach_desktop.services.plan_dto import ProgressUpdate, ResponsibleUnitInput
from kehoach_desktop.services.plan_editing import (
    create_task,
    set_section_local_text,
    set_section_text,
    update_plan_details,
    update_task,
)
from kehoach_desktop.services.progress import get_progress_board, update_task_progress
from kehoach_desktop.services.responsible_units import create_responsible_unit
from tests.services.plan_fixtures import TODAY, district, editor, task_input, theme
from tests.services.register_fixtures import banner

__all__ = ["district"]


def test_a_material_saved_from_a_stale_form_is_refused_and_the_newer_value_kept(district) -> None:
    uow = district.uow_factory
    material_id, _changes = create_material(uow_factory=uow, values=banner("Chào mừng Đại hội"))
    opened_by_a = get_material(uow_factory=uow, material_id=material_id)
    opened_by_b = get_material(uow_factory=uow, material_id=material_id)
    update_material(uow_factory=uow, material_id=material_id, expected_version=opened_by_b.version,
                    values=replace(opened_by_b.as_input(), content="Nội dung cán bộ B đã lưu"))
    mine = replace(opened_by_a.as_input(), quantity=99)
    with pytest.raises(ConcurrentEditError) as caught:
        update_material(uow_factory=uow, material_id=material_id, values=mine, expected_version=opened_by_a.version)
    message = caught.value.message
    assert "was changed by someone else since you opened it" in message
    assert "Content / slogan is now “Nội dung cán bộ B đã lưu”" in message
    assert "Quantity is now “10”" in message  # the stored quantity, which A's change would have replaced
    assert "not saved" in message
    saved = get_material(uow_factory=uow, material_id=material_id)
    assert (saved.content, saved.quantity, saved.version) == ("Nội dung cán bộ B đã lưu", 10, opened_by_b.version + 1)
    # with the version now shown, the same change goes through; an undo (no version) always does
    update_material(uow_factory=uow, material_id=material_id, values=mine, expected_version=saved.version)
    assert get_material(uow_factory=uow, material_id=material_id).quantity == 99
    update_material(uow_factory=uow, material_id=material_id, values=opened_by_a.as_input())
    assert get_material(uow_factory=uow, material_id=material_id).content == "Chào mừng Đại hội"


def test_an_event_saved_from_a_stale_form_is_refused(district) -> None:
    uow = district.uow_factory
    values = EventInput(type=EventType.CULTURAL.value, title="Liên hoan văn nghệ", starts_on=dt.date(2021, 3, 26),
                        venue="Nhà văn hóa quận")
    event_id, _changes = create_event(uow_factory=uow, values=values)
    opened = get_event(uow_factory=uow, event_id=event_id)
    update_event(uow_factory=uow, event_id=event_id, values=replace(values, venue="Cung Văn hóa Hữu nghị"),
                 expected_version=opened.version)
    with pytest.raises(ConcurrentEditError) as caught:
        update_event(uow_factory=uow, event_id=event_id, values=replace(values, budget=5),
                     expected_version=opened.version)
    assert "Venue is now “Cung Văn hóa Hữu nghị”" in caught.value.message
    saved = get_event(uow_factory=uow, event_id=event_id)
    assert (saved.venue, saved.budget) == ("Cung Văn hóa Hữu nghị", 0)


def test_a_task_section_and_progress_saved_from_a_stale_editor_are_refused(district) -> None:
    uow = district.uow_factory
    section = theme(editor(district), "II.2.3")
    task_id = create_task(uow_factory=uow, section_id=section.id, fields=task_input()).id
    shown = editor(district)  # what officer A's editor shows
    task, section = shown.task(task_id), shown.section(section.id)
    assert task.version >= 1 and section.version >= 1

    update_task(uow_factory=uow, task_id=task_id, fields=task_input(budget=2_000_000), expected_version=task.version)
    with pytest.raises(ConcurrentEditError) as caught:
        update_task(uow_factory=uow, task_id=task_id, fields=task_input(indicator_target=5),
                    expected_version=task.version)
    assert "Budget is now “2,000,000”" in caught.value.message
    assert editor(district).task(task_id).fields.indicator_target == 120

    set_section_text(uow_factory=uow, section_id=section.id, text="Văn bản của cán bộ B.",
                     expected_version=section.version)
    with pytest.raises(ConcurrentEditError) as caught:
        set_section_local_text(uow_factory=uow, section_id=section.id, text="Bổ sung của A",
                               expected_version=section.version)
    assert editor(district).section(section.id).local_text == ""
    with pytest.raises(ConcurrentEditError) as caught:
        set_section_text(uow_factory=uow, section_id=section.id, text="Văn bản của A.",
                         expected_version=section.version)
    assert "Text is now “Văn bản của cán bộ B.”" in caught.value.message
    assert editor(district).section(section.id).text == "Văn bản của cán bộ B."

    row = next(r for r in get_progress_board(uow_factory=uow, today=TODAY).rows if r.id == task_id)
    progress = ProgressUpdate(status=TaskStatus.IN_PROGRESS.value, percent_done=40, indicator_achieved=50, spent=0,
                              result_text="Đã phát 50 buổi", updated_on=TODAY)
    update_task_progress(uow_factory=uow, task_id=task_id, update=progress, expected_version=row.version)
    with pytest.raises(ConcurrentEditError) as caught:
        update_task_progress(uow_factory=uow, task_id=task_id, expected_version=row.version,
                             update=ProgressUpdate(status=TaskStatus.DONE.value, percent_done=100,
                                                   indicator_achieved=120, spent=0, result_text="", updated_on=TODAY))
    assert "Result is now “Đã phát 50 buổi”" in caught.value.message
    assert next(r for r in get_progress_board(uow_factory=uow, today=TODAY).rows if r.id == task_id).percent_done == 40

    plan = editor(district)
    update_plan_details(uow_factory=uow, plan_id=plan.plan_id, expected_version=plan.plan_version,
                        details=replace(plan.details, place="Quận Đống Đa, Hà Nội"))
    with pytest.raises(ConcurrentEditError):
        update_plan_details(uow_factory=uow, plan_id=plan.plan_id, details=plan.details,
                            expected_version=plan.plan_version)
    assert editor(district).details.place == "Quận Đống Đa, Hà Nội"


def test_text_longer_than_its_column_is_refused_with_the_limit_on_both_stores(district) -> None:
    uow = district.uow_factory
    with pytest.raises(ValidationError) as caught:
        create_material(uow_factory=uow, values=banner(size="3" * 101, supplier="Công ty " * 40))
    assert caught.value.message == "Size is too long: at most 100 characters (101 typed)."
    assert caught.value.details == ["Supplier is too long: at most 300 characters (319 typed)."]
    with pytest.raises(ValidationError, match="Organiser is too long: at most 300 characters"):
        create_event(uow_factory=uow, values=EventInput(type=EventType.CULTURAL.value, title="Hội diễn",
                                                        starts_on=TODAY, organiser="Đ" * 301))
    section = theme(editor(district), "II.2.3")
    with pytest.raises(ValidationError, match="Indicator unit is too long: at most 100 characters"):
        create_task(uow_factory=uow, section_id=section.id, fields=task_input(indicator_unit="buổi " * 21))
    with pytest.raises(ValidationError, match="The unit's name is too long: at most 300 characters"):
        create_responsible_unit(uow_factory=uow, data=ResponsibleUnitInput(code="", name="Phòng " * 61,
                                                                           kind="office"))
    plan = editor(district)
    with pytest.raises(ValidationError, match="Symbol is too long: at most 64 characters"):
        update_plan_details(uow_factory=uow, plan_id=plan.plan_id,
                            details=replace(plan.details, symbol="KH-" * 30))
    # exactly at the limit is fine, and stored whole on both stores
    material_id, _changes = create_material(uow_factory=uow, values=banner(size="Ư" * 100))
    assert get_material(uow_factory=uow, material_id=material_id).size == "Ư" * 100
