"""The timeliness rule of the completeness board, at the deadline's boundaries."""

from __future__ import annotations

import datetime as dt

from kehoach_desktop.domain.reporting import Timeliness, report_timeliness

DEADLINE = dt.date(2021, 3, 25)
DAY = dt.timedelta(days=1)


def test_a_report_received_on_the_deadline_day_is_on_time_and_the_next_day_late() -> None:
    assert report_timeliness(DEADLINE - DAY, DEADLINE, DEADLINE + 30 * DAY) is Timeliness.ON_TIME
    assert report_timeliness(DEADLINE, DEADLINE, DEADLINE + 30 * DAY) is Timeliness.ON_TIME
    assert report_timeliness(DEADLINE + DAY, DEADLINE, DEADLINE + 30 * DAY) is Timeliness.LATE


def test_no_report_is_not_yet_due_until_the_deadline_has_passed_then_missing() -> None:
    assert report_timeliness(None, DEADLINE, DEADLINE - DAY) is Timeliness.NOT_DUE
    assert report_timeliness(None, DEADLINE, DEADLINE) is Timeliness.NOT_DUE
    assert report_timeliness(None, DEADLINE, DEADLINE + DAY) is Timeliness.MISSING
    assert Timeliness.MISSING.needs_reminder and not Timeliness.NOT_DUE.needs_reminder
