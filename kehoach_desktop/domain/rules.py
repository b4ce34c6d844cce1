"""Rules of the domain that several layers share."""

from __future__ import annotations

import datetime as dt

from kehoach_desktop.domain.enums import TaskStatus

DUE_SOON_DAYS = 7
# Upper bounds of what a person types. More is a typing mistake, and the sums of a city's 300,000
# rows must stay inside the 64-bit integers of SQLite and PostgreSQL (300,000 × 10^13 < 9.2 × 10^18).
MAX_AMOUNT_VND = 10**13  # ten thousand billion đồng for one task, material or event
MAX_COUNT = 10**9  # quantities, participants, indicator targets and results (a 32-bit integer holds it)
_CLOSED = {TaskStatus.DONE.value, TaskStatus.CANCELLED.value}


def is_task_overdue(status: str, due_date: dt.date | None, today: dt.date) -> bool:
    """A task is overdue when marked so, or open with its due date already past."""
    if status == TaskStatus.OVERDUE.value:
        return True
    return status not in _CLOSED and due_date is not None and due_date < today


def is_task_due_soon(status: str, due_date: dt.date | None, today: dt.date) -> bool:
    """Open, not yet overdue, and due within the next seven days (today included)."""
    if status in _CLOSED or due_date is None:
        return False
    return today <= due_date <= today + dt.timedelta(days=DUE_SOON_DAYS)


def effective_task_status(status: str, due_date: dt.date | None, today: dt.date) -> str:
    """The status to show: an open task past its due date shows as overdue."""
    return TaskStatus.OVERDUE.value if is_task_overdue(status, due_date, today) else status
