"""Frozen DTOs of the plan editor, the revisions, the directory of units and task progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlanDetails:
    """The plan's document details: number and symbol, place and date, bases, signer, recipients."""

    number: str
    symbol: str
    place: str
    issue_date: dt.date | None
    summary: str
    superior_agency: str
    issuing_agency: str
    legal_bases: tuple[str, ...]
    preamble: str
    closing: str
    signer_authority: str
    signer_deputy: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class TaskInput:
    """What the coordinator fills for a task (everything but its progress)."""

    content: str
    form: str  # PropagandaForm value
    lead_unit_id: str | None = None
    supporting_unit_ids: tuple[str, ...] = ()
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    budget: int = 0  # VND
    indicator_unit: str = ""
    indicator_target: int | None = None
    budget_source: str = ""  # domain/budget_sources.py's code; "" the lead unit's budget


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one field of a form; ``blocking`` problems stop the save, others only warn."""

    field: str
    message: str
    blocking: bool = True


@dataclass(frozen=True)
class EditorTask:
    id: str
    section_id: str
    position: int
    fields: TaskInput
    lead_unit_name: str
    status: str  # effective TaskStatus value
    version: int = 0  # of the stored task, for saving an edit made from this state (0: unknown, not checked)


@dataclass(frozen=True)
class EditorSection:
    id: str
    parent_id: str | None
    template_key: str | None
    number: str
    title: str
    kind: str  # SectionKind value
    depth: int
    locked: bool
    inferred: bool
    template_text: str
    text: str
    local_text: str
    accepts_tasks: bool
    tasks: tuple[EditorTask, ...] = ()
    version: int = 0  # of the stored section (its texts), as for EditorTask

    @property
    def changed_from_template(self) -> bool:
        return self.text != self.template_text

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class UnitChoice:
    id: str
    code: str
    name: str
    kind: str  # ResponsibleUnitKind value
    active: bool


@dataclass(frozen=True)
class PlanEditorState:
    """Everything the plan editor shows, read in one transaction."""

    plan_id: str
    year: int
    status: str  # PlanStatus value
    revision: int
    title: str
    details: PlanDetails
    sections: tuple[EditorSection, ...]
    units: tuple[UnitChoice, ...]
    revisions_issued: int
    pending_reason: str  # the reason given when this draft revision was opened
    plan_version: int = 0  # of the stored plan (its details), as for EditorTask
    budget_sources: tuple[tuple[str, str], ...] = ()  # (code, what the plan calls it) a task may choose

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def section(self, section_id: str) -> EditorSection:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def task(self, task_id: str) -> EditorTask:
        for section in self.sections:
            for task in section.tasks:
                if task.id == task_id:
                    return task
        raise KeyError(task_id)

    @property
    def task_count(self) -> int:
        return sum(len(s.tasks) for s in self.sections)


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    reason: str
    issued_at: dt.datetime
    issued_by: str
    plan_number: str  # "05/KH-UBND"
    issue_date: dt.date | None
    tasks: int


@dataclass(frozen=True)
class FieldChange:
    field: str  # a code, e.g. "due_date"
    label: str  # translated
    before: str  # shown values
    after: str


@dataclass(frozen=True)
class SectionChange:
    section_key: str
    label: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class TaskSummary:
    id: str
    section_label: str
    content: str


@dataclass(frozen=True)
class TaskChange:
    id: str
    section_label: str
    content: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class RevisionComparison:
    before_label: str
    after_label: str
    plan_changes: tuple[FieldChange, ...]
    section_changes: tuple[SectionChange, ...]
    tasks_added: tuple[TaskSummary, ...]
    tasks_removed: tuple[TaskSummary, ...]
    tasks_changed: tuple[TaskChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.plan_changes or self.section_changes or self.tasks_added or self.tasks_removed
                    or self.tasks_changed)


@dataclass(frozen=True)
class RevisionView:
    """An issued revision, readable as it was issued."""

    info: RevisionInfo
    details: PlanDetails
    sections: tuple[tuple[str, str, str], ...]  # (label, text, local text)
    tasks: tuple[tuple[str, str, str], ...]  # (section label, content, details line)


@dataclass(frozen=True)
class ResponsibleUnitInput:
    code: str
    name: str
    kind: str  # ResponsibleUnitKind value


@dataclass(frozen=True)
class ResponsibleUnitRow:
    id: str
    code: str
    name: str
    kind: str
    active: bool
    position: int
    tasks: int  # live tasks that name it as lead or supporting unit


@dataclass(frozen=True)
class ProgressUpdate:
    status: str  # TaskStatus value (not "overdue": that one is computed)
    percent_done: int
    indicator_achieved: int | None
    spent: int
    result_text: str
    updated_on: dt.date


@dataclass(frozen=True)
class TaskProgressRow:
    id: str
    section_id: str
    section_number: str
    section_title: str
    section_position: int
    position: int
    content: str
    form: str
    lead_unit_id: str | None
    lead_unit_name: str
    start_date: dt.date | None
    due_date: dt.date | None
    budget: int
    indicator_unit: str
    indicator_target: int | None
    stored_status: str
    status: str  # effective TaskStatus value (an open task past its due date is overdue)
    due_soon: bool
    days_left: int | None  # days from today to the due date (negative when past)
    percent_done: int
    indicator_achieved: int | None
    spent: int
    result_text: str
    progress_updated_on: dt.date | None
    search_key: str = ""  # " " + folded content, theme, unit, result: searched without diacritics
    version: int = 0  # of the stored task, for saving progress from this row

    @property
    def section_label(self) -> str:
        return f"{self.section_number} {self.section_title}".strip()


@dataclass(frozen=True)
class ProgressFilter:
    section_id: str | None = None
    lead_unit_id: str | None = None
    status: str | None = None  # an effective TaskStatus value, or "open"
    due: str | None = None  # "overdue", "7days", "30days", "none"
    search: str = ""


@dataclass(frozen=True)
class ProgressTotal:
    key: str
    label: str
    tasks: int
    done: int
    overdue: int
    budget: int
    spent: int

    @property
    def budget_used_percent(self) -> int | None:
        return None if not self.budget else round(self.spent * 100 / self.budget)


@dataclass(frozen=True)
class ProgressBoard:
    today: dt.date
    plan_id: str | None
    plan_status: str | None
    plan_revision: int
    rows: tuple[TaskProgressRow, ...]
    themes: tuple[tuple[str, str], ...] = field(default=())  # (section id, label) of sections with tasks
    units: tuple[tuple[str, str], ...] = field(default=())  # (unit id, name) of lead units in use
