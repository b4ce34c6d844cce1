"""The events register driven through its widgets: calendar, add on a day, edit, bulk status, undo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate

from kehoach_desktop.services.events import EventInput, create_event, get_event
from kehoach_desktop.ui.pages.events_page import EventsPage
from tests.services.register_fixtures import district  # noqa: F401

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, district):  # noqa: F811
    page = EventsPage(district)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    return page


def add(district, title: str, starts: dt.date, **changes) -> str:  # noqa: F811
    values = {"type": "arts", "title": title, "starts_on": starts, **changes}
    return create_event(uow_factory=district.uow_factory, values=EventInput(**values))[0]


def test_the_table_model_passes_the_model_tester(qtmodeltester, page, district) -> None:  # noqa: F811
    for n in range(4):
        add(district, f"Văn nghệ {n}", dt.date(2021, 5, n + 1))
    page.refresh()
    qtmodeltester.check(page.model)


def test_the_calendar_marks_days_and_lists_the_day(qtbot, page, district) -> None:  # noqa: F811
    add(district, "Triển lãm ảnh", dt.date(2021, 5, 15), ends_on=dt.date(2021, 5, 17), type="cultural")
    add(district, "Họp báo", dt.date(2021, 5, 16), type="press_conference")
    page.refresh()
    page.calendar.setCurrentPage(2021, 5)
    assert page.days_with_events == {dt.date(2021, 5, 15): 1, dt.date(2021, 5, 16): 2, dt.date(2021, 5, 17): 1}
    assert page.calendar.dateTextFormat(QDate(2021, 5, 16)).fontWeight() > 400
    page.calendar.setSelectedDate(QDate(2021, 5, 16))
    assert [page.day_list.item(i).text().split("\n")[0] for i in range(page.day_list.count())] == [
        "Triển lãm ảnh", "Họp báo"]
    page.type_filter.setCurrentIndex(page.type_filter.findData("press_conference"))
    assert page.days_with_events == {dt.date(2021, 5, 16): 1}
    assert page.model.rowCount() == 1


def test_add_on_a_day_edit_results_and_undo(qtbot, page, district) -> None:  # noqa: F811
    page.calendar.setSelectedDate(QDate(2021, 6, 20))
    dialog = page.make_dialog(None, starts_on=page.selected_day())
    qtbot.addWidget(dialog)
    dialog.title.setPlainText("Giải bóng đá thiếu niên hè 2021")
    dialog.ends.set_value(dt.date(2021, 6, 19))
    dialog.accept()
    assert "end date 19/06/2021 is before the start date 20/06/2021" in dialog.problem.text()
    dialog.ends.set_value(dt.date(2021, 7, 10))
    dialog.accept()
    assert page.model.rowCount() == 1 and page.model.row_at(0).starts_on == dt.date(2021, 6, 20)
    event_id = page.model.row_at(0).id
    edit = page.make_dialog(page.model.row_at(0))
    qtbot.addWidget(edit)
    edit.status.setCurrentIndex(edit.status.findData("held"))
    edit.actual.setText("1.200")
    edit.results.setPlainText("Thu hút 16 đội bóng tham gia")
    edit.accept()
    assert get_event(uow_factory=district.uow_factory, event_id=event_id).actual_participants == 1200
    assert "1,200 participants" in page.footer.text()
    page.undo_stack.undo()
    record = get_event(uow_factory=district.uow_factory, event_id=event_id)
    assert record.status == "planned" and record.actual_participants is None


def test_bulk_status_and_undo(qtbot, page, district) -> None:  # noqa: F811
    ids = [add(district, f"Tập huấn {n}", dt.date(2021, 4, n + 1), type="training") for n in range(3)]
    page.refresh()
    page.table.selectAll()
    assert page.set_status(page.selected_rows(), "confirmed")
    assert {get_event(uow_factory=district.uow_factory, event_id=i).status for i in ids} == {"confirmed"}
    page.undo_stack.undo()
    assert {get_event(uow_factory=district.uow_factory, event_id=i).status for i in ids} == {"planned"}
