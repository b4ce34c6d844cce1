"""The events register driven through its widgets: calendar, add on a day, edit, bulk status, undo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from kehoach_desktop.services.events import EventInput, create_event, get_event
from kehoach_desktop.ui.pages.events_page import EventsPage
from tests.services.register_fixtures import district  # noqa: F401
from tests.ui.clicking import answering, press, type_text

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
    problems: list[str] = []

    def fill_in(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.starts.value() == dt.date(2021, 6, 20)  # the day chosen on the calendar
        type_text(dialog.title, "Giải bóng đá thiếu niên hè 2021")
        dialog.ends.set_value(dt.date(2021, 6, 19))
        save(dialog)
        problems.append(dialog.problem.text())  # refused: the form stays open and says why
        dialog.ends.set_value(dt.date(2021, 7, 10))
        save(dialog)

    with answering(qtbot, fill_in):
        qtbot.mouseClick(page.add_on_day, Qt.MouseButton.LeftButton)
    assert "end date 19/06/2021 is before the start date 20/06/2021" in problems[0]
    assert page.model.rowCount() == 1 and page.model.row_at(0).starts_on == dt.date(2021, 6, 20)
    event_id = page.model.row_at(0).id

    def held(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.status.setCurrentIndex(dialog.status.findData("held"))
        QTest.keyClicks(dialog.actual, "1.200")
        type_text(dialog.results, "Thu hút 16 đội bóng tham gia")
        save(dialog)

    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.table.visualRect(page.model.index(0, 1)).center())
    with answering(qtbot, held):
        qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert get_event(uow_factory=district.uow_factory, event_id=event_id).actual_participants == 1200
    assert "1,200 participants" in page.footer.text()
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    record = get_event(uow_factory=district.uow_factory, event_id=event_id)
    assert record.status == "planned" and record.actual_participants is None


def test_bulk_status_and_undo(qtbot, page, district) -> None:  # noqa: F811
    ids = [add(district, f"Tập huấn {n}", dt.date(2021, 4, n + 1), type="training") for n in range(3)]
    page.refresh()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)

    def confirmed(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.status.setCurrentIndex(dialog.status.findData("confirmed"))
        press("OK")(dialog)

    with answering(qtbot, confirmed):
        qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)
    assert {get_event(uow_factory=district.uow_factory, event_id=i).status for i in ids} == {"confirmed"}
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert {get_event(uow_factory=district.uow_factory, event_id=i).status for i in ids} == {"planned"}


def save(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
