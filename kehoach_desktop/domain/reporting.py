"""Whether a reporting unit reported a period on time: the rule the city's completeness board applies."""

from __future__ import annotations

import datetime as dt

from kehoach_desktop.domain.enums import _LABELS, LabelledEnum
from kehoach_desktop.i18n import N_


class Timeliness(LabelledEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # no report and the deadline has passed
    NOT_DUE = "not_due"  # no report yet, and the deadline is still to come
    RETURNED = "returned"  # the city returned the latest report: the unit must send a new one

    @property
    def needs_reminder(self) -> bool:
        return self in (Timeliness.MISSING, Timeliness.RETURNED)


_LABELS[Timeliness] = {"on_time": N_("On time"), "late": N_("Late"), "missing": N_("Missing"),
                       "not_due": N_("Not yet due"), "returned": N_("Returned")}


def report_timeliness(received_on: dt.date | None, deadline: dt.date, today: dt.date) -> Timeliness:
    """A report received on the deadline day is on time, from the next day late; none is missing after it."""
    if received_on is None:
        return Timeliness.MISSING if today > deadline else Timeliness.NOT_DUE
    return Timeliness.ON_TIME if received_on <= deadline else Timeliness.LATE
