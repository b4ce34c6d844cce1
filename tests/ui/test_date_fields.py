"""Dates typed whole, as officers type them, into the real forms: material, event, task, register filters.

Each case clicks into the field and types keys (``qtbot.keyClicks``): ``15/08/2021``, ``5/9/2021``,
``15082021``, ``15/8/21`` (taken when the field is left), an empty field typed into, a field cleared,
a text that is no date (put back), the focus leaving; calendars of empty dates open on the plan's year
(today when today is within it: the demo's day, recorded in the workspace), never on January 2000.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QCalendarWidget, QDialogButtonBox, QWidget

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.formats import format_date, parse_typed_date
from kehoach_desktop.services.demo import DEMO_TODAY
from kehoach_desktop.services.events import get_event
from kehoach_desktop.services.materials import MaterialFilter, get_material, material_totals
from kehoach_desktop.services.plan_editing import get_plan_editor, revise_plan
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, new_workspace, open_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.dialogs.issue_dialogs import IssueDialog
from kehoach_desktop.ui.input_fields import DateEdit
from kehoach_desktop.ui.pages.events_page import EventsPage
from kehoach_desktop.ui.pages.materials_page import MaterialsPage
from kehoach_desktop.ui.pages.plan_page import PlanPage
from tests.ui.clicking import type_text

pytestmark = pytest.mark.gui


# typed text → date, without Qt ------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "day"), [
    ("15/08/2021", dt.date(2021, 8, 15)), ("5/9/2021", dt.date(2021, 9, 5)), ("05/09/2021", dt.date(2021, 9, 5)),
    ("15082021", dt.date(2021, 8, 15)), ("15.8.2021", dt.date(2021, 8, 15)), ("15-08-2021", dt.date(2021, 8, 15)),
    (" 5 / 9 / 2021 ", dt.date(2021, 9, 5)), ("15/8/21", dt.date(2021, 8, 15)), ("150821", dt.date(2021, 8, 15)),
    ("2021-08-15", dt.date(2021, 8, 15)), ("29/02/2024", dt.date(2024, 2, 29)),
])
def test_typed_dates(typed: str, day: dt.date) -> None:
    assert parse_typed_date(typed) == day


@pytest.mark.parametrize("typed", ["", "32/01/2021", "29/02/2021", "15/13/2021", "1/2", "15/08/2", "1508202",
                                   "15/08/2021x", "mười lăm"])
def test_texts_that_are_no_date_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_typed_date(typed)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_shown_date_reads_back_the_same(day: dt.date) -> None:
    assert parse_typed_date(format_date(day)) == day
    assert parse_typed_date(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_typed_date(day.strftime("%d%m") + f"{day.year:04d}") == day


# the widgets, in the real forms ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.khws"
    new_demo_workspace(path).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[WorkspaceSession]:
    shutil.copy(demo_file, tmp_path / "demo.khws")
    session = open_workspace(tmp_path / "demo.khws")
    assert session.today() == DEMO_TODAY
    yield session
    session.close()


def activate(qtbot, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Bring the window to the front, as the user's click does: focus changes reach only an active window."""
    window.show()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def click_into(qtbot, field: DateEdit) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=field.rect().center())
    assert field.hasFocus()


def retype(qtbot, field: DateEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click into the field, select what is there (Ctrl+A) and type over it."""
    click_into(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def leave(qtbot, field: DateEdit) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert not field.hasFocus()


def open_calendar(qtbot, field: DateEdit) -> QCalendarWidget:  # type: ignore[no-untyped-def]
    click_into(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendarWidget()
    assert calendar.isVisible()
    return calendar


def test_the_material_form_takes_whole_dates(qtbot, demo: WorkspaceSession) -> None:
    page = MaterialsPage(demo)
    qtbot.addWidget(page)
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    activate(qtbot, dialog)
    removal = dialog.planned_removal
    assert removal.value() is None and removal.text() == ""  # an empty field: nothing to type around

    # the calendar of the empty date opens on the demo's day, in the plan's year
    calendar = open_calendar(qtbot, removal)
    assert (calendar.yearShown(), calendar.monthShown()) == (2021, 9)
    assert calendar.selectedDate().toPython() == DEMO_TODAY
    days = calendar.findChild(QAbstractItemView, "qt_calendar_calendarview")  # where the keyboard goes
    qtbot.keyClick(days, Qt.Key.Key_Right)  # the next day
    qtbot.keyClick(days, Qt.Key.Key_Return)
    assert not calendar.isVisible() and removal.value() == dt.date(2021, 9, 21) and removal.text() == "21/09/2021"

    click_into(qtbot, removal)
    qtbot.keyClick(removal, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(removal, Qt.Key.Key_Delete)
    assert removal.value() is None  # cleared
    leave(qtbot, removal)
    assert removal.text() == "" and removal.value() is None

    click_into(qtbot, removal)
    qtbot.keyClicks(removal, "15/08/2021")  # typed into the empty field
    assert removal.value() == dt.date(2021, 8, 15)
    retype(qtbot, removal, "5/9/2021")
    assert removal.value() == dt.date(2021, 9, 5)
    leave(qtbot, removal)
    assert removal.text() == "05/09/2021"
    retype(qtbot, removal, "15082021")
    assert removal.value() == dt.date(2021, 8, 15)
    retype(qtbot, removal, "1/10/21")
    assert removal.value() == dt.date(2021, 8, 15)  # a short year is taken when the field is left
    leave(qtbot, removal)
    assert removal.value() == dt.date(2021, 10, 1) and removal.text() == "01/10/2021"
    retype(qtbot, removal, "31/02/2021")
    leave(qtbot, removal)  # no such day: the date stays, the focus leaves
    assert removal.value() == dt.date(2021, 10, 1) and removal.text() == "01/10/2021"

    planned = dialog.dates["planned_on"]
    retype(qtbot, planned, "20/07/2021")
    leave(qtbot, planned)
    type_text(dialog.content, "Băng rôn chào mừng Quốc khánh 2/9")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.saved_id is not None
    saved = get_material(uow_factory=demo.uow_factory, material_id=dialog.saved_id)
    assert (saved.planned_on, saved.planned_removal_on) == (dt.date(2021, 7, 20), dt.date(2021, 10, 1))
    assert saved.content == "Băng rôn chào mừng Quốc khánh 2/9"


def test_the_event_form_takes_whole_dates(qtbot, demo: WorkspaceSession) -> None:
    page = EventsPage(demo)
    qtbot.addWidget(page)
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    activate(qtbot, dialog)
    assert dialog.starts.value() == DEMO_TODAY and dialog.ends.value() is None
    retype(qtbot, dialog.starts, "5/9/2021")
    leave(qtbot, dialog.starts)
    calendar = open_calendar(qtbot, dialog.ends)  # empty: it opens on the demo's day
    assert (calendar.yearShown(), calendar.monthShown()) == (2021, 9)
    qtbot.keyClick(calendar, Qt.Key.Key_Escape)
    assert not calendar.isVisible() and dialog.ends.value() is None
    click_into(qtbot, dialog.ends)
    qtbot.keyClicks(dialog.ends, "07092021")
    leave(qtbot, dialog.ends)
    type_text(dialog.title, "Hội diễn văn nghệ mừng Quốc khánh")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.saved_id is not None
    saved = get_event(uow_factory=demo.uow_factory, event_id=dialog.saved_id)
    assert (saved.starts_on, saved.ends_on) == (dt.date(2021, 9, 5), dt.date(2021, 9, 7))


def test_the_task_form_takes_whole_dates_and_saves_them(qtbot, demo: WorkspaceSession) -> None:
    state = get_plan_editor(uow_factory=demo.uow_factory, today=demo.today())
    revise_plan(uow_factory=demo.uow_factory, plan_id=state.plan_id, reason="Bổ sung nhiệm vụ quý IV")
    page = PlanPage(demo)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    activate(qtbot, page)
    page.refresh()
    page.select_section(next(s.template_key for s in page.state.sections if s.tasks))
    qtbot.mouseClick(page.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=page.tabs.tabBar().tabRect(1).center())
    form = page.task_form
    task_id = form.task_id
    assert task_id is not None and form.due.isEnabled()

    retype(qtbot, form.due, "15/12/2021")
    leave(qtbot, form.due)
    click_into(qtbot, form.start)
    qtbot.keyClick(form.start, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(form.start, Qt.Key.Key_Backspace)
    leave(qtbot, form.start)
    qtbot.waitUntil(lambda: saved_task(demo, task_id).due_date == dt.date(2021, 12, 15))
    assert saved_task(demo, task_id).start_date is None
    calendar = open_calendar(qtbot, form.start)  # empty now: the demo's day, in the plan's year
    assert (calendar.yearShown(), calendar.monthShown()) == (2021, 9)
    qtbot.keyClick(calendar, Qt.Key.Key_Escape)


def saved_task(session: WorkspaceSession, task_id: str):  # type: ignore[no-untyped-def]
    state = get_plan_editor(uow_factory=session.uow_factory, today=session.today())
    return state.task(task_id).fields


def test_a_calendar_opens_on_the_plans_year_when_today_is_outside_it(qtbot, tmp_path: Path) -> None:
    session = new_workspace(tmp_path / "new.khws", WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006"))
    try:
        page = PlanPage(session)
        qtbot.addWidget(page)
        activate(qtbot, page)
        page.refresh()
        year = page.state.year
        assert session.today().year != year  # the 2021 template, used today
        page.select_section("II.1.2")
        qtbot.mouseClick(page.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=page.tabs.tabBar().tabRect(1).center())
        page.task_table.setFocus()
        qtbot.keyClick(page.task_table, Qt.Key.Key_Insert)  # a new task: start and due are set, clear the start
        form = page.task_form
        retype(qtbot, form.start, "")
        qtbot.keyClick(form.start, Qt.Key.Key_Delete)
        leave(qtbot, form.start)
        assert form.start.value() is None
        calendar = open_calendar(qtbot, form.start)
        assert (calendar.yearShown(), calendar.monthShown()) == (year, 1)
        qtbot.keyClick(calendar, Qt.Key.Key_Escape)
    finally:
        session.close()


def test_the_register_filters_take_typed_dates(qtbot, demo: WorkspaceSession) -> None:
    page = MaterialsPage(demo)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    activate(qtbot, page)
    page.refresh()
    everything = page.shown_totals.count
    click_into(qtbot, page.date_from)
    qtbot.keyClicks(page.date_from, "1/9/2021")
    leave(qtbot, page.date_from)
    expected = material_totals(uow_factory=demo.uow_factory, flt=MaterialFilter(date_from=dt.date(2021, 9, 1)))
    assert page.shown_totals.count == expected.count < everything
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.date_from.value() is None and page.date_from.text() == ""
    assert page.shown_totals.count == everything


def test_a_required_date_cannot_be_emptied(qtbot) -> None:
    dialog = IssueDialog(number="05", symbol="KH-UBND", issue_date=dt.date(2021, 1, 20), revision=1, reason="")
    qtbot.addWidget(dialog)
    activate(qtbot, dialog)
    retype(qtbot, dialog.date, "")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Delete)
    leave(qtbot, dialog.date)
    assert dialog.date.text() == "20/01/2021" and dialog.issue_date() == dt.date(2021, 1, 20)
    retype(qtbot, dialog.date, "25/1/2021")
    leave(qtbot, dialog.date)
    assert dialog.issue_date() == dt.date(2021, 1, 25)
    click_into(qtbot, dialog.date)
    qtbot.keyClick(dialog.date, Qt.Key.Key_Up)  # a day later, as in a spin box
    assert dialog.issue_date() == dt.date(2021, 1, 26)
