"""Tổng quan of a new unit's workspace: the first steps, each ticked when done and a button to where it is done."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.first_steps import FirstSteps
from kehoach_desktop.ui import icons


@dataclass(frozen=True)
class Step:
    key: str  # the field of FirstSteps
    text: str  # N_() source texts
    button: str  # "" for a button that only shows the page: "Go to <the page's title>"
    area: str  # the page of the main window where it is done
    target: str = ""  # the object name of the action or button clicked there ("" to only show the page)


STEPS = (
    Step("plan_details", N_("Fill in the plan's details: number and symbol, legal bases, signer, recipients"),
         N_("Plan details…"), "plan", "plan_details"),
    Step("draft", N_("Draft the plan: adapt the text of each theme and add the unit's own tasks"),
         "", "plan"),
    Step("responsible_units", N_("Check the directory of responsible units: add, rename or set aside units"),
         N_("Responsible units…"), "plan", "plan_units"),
    Step("issued", N_("Issue the plan, with its number and date of issue"), N_("Issue…"), "plan", "plan_issue"),
    Step("materials", N_("Record the first visual material"), N_("Add a material…"), "materials", "add"),
    Step("events", N_("Record the first event"), N_("Add an event…"), "events", "add"),
    Step("workbooks", N_("Send the responsible units their progress workbooks (Excel)"),
         N_("Export progress to Excel…"), "", "excel_export"),
    Step("package", N_("Export the first package for the city"), "", "sync"),
)
PAGE_TITLES = {"plan": N_("Plan"), "sync": N_("Sync")}  # the side bar's words (main_window.DISTRICT_AREAS)


class FirstStepsPanel(QFrame):
    """``go_requested(area, target)``: the user asked to do a step (the main window goes there)."""

    go_requested = Signal(str, str)
    hide_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_steps")
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title = QLabel(_("First steps"))
        self.title.setProperty("role", "section-title")
        self.hide_button = QPushButton(_("Hide these steps"))
        self.hide_button.setObjectName("first_steps_hide")
        self.hide_button.setToolTip(_("Help → First steps shows them again"))
        self.hide_button.clicked.connect(self.hide_requested)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        self.progress = QLabel()
        self.progress.setObjectName("first_steps_progress")
        self.progress.setProperty("role", "hint")
        self.progress.setWordWrap(True)
        layout.addLayout(title_row)
        layout.addWidget(self.progress)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(10)
        self.marks: dict[str, QLabel] = {}
        self.texts: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        for row, step in enumerate(STEPS):
            mark = QLabel()
            mark.setFixedSize(icons.SIZE, icons.SIZE + 6)
            mark.setAlignment(Qt.AlignmentFlag.AlignBottom)
            text = QLabel(f"{row + 1}. {_(step.text)}")
            text.setWordWrap(True)
            text.setObjectName(f"first_step_{step.key}")
            button = QPushButton(_(step.button) if step.button else _("Go to “{page}”").format(
                page=_(PAGE_TITLES[step.area])))
            button.setObjectName(f"first_step_{step.key}_go")
            button.clicked.connect(lambda _checked=False, s=step: self.go_requested.emit(s.area, s.target))
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, row, 1)
            grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
            self.marks[step.key], self.texts[step.key], self.buttons[step.key] = mark, text, button
        layout.addLayout(grid)
        self.done_keys: set[str] = set()

    def show_steps(self, steps: FirstSteps) -> None:
        """Tick what is done; the panel hides once every step is, or when the officer hid it."""
        self.setVisible(not steps.all_done and not steps.hidden)
        self.progress.setText(_("{done} of {total} steps done. Each button leads to where the step is done; "
                                "the guide (F1) explains each of them.").format(done=steps.done, total=steps.total))
        self.done_keys = {step.key for step in STEPS if getattr(steps, step.key)}
        for step in STEPS:
            done = step.key in self.done_keys
            self.marks[step.key].setPixmap(icons.icon(icons.CHECK if done else icons.NOT_STARTED).pixmap(icons.SIZE))
            self.marks[step.key].setToolTip(_("Done") if done else _("Not done yet"))
            self.texts[step.key].setStyleSheet("color: #6b7280;" if done else "color: #111827;")
