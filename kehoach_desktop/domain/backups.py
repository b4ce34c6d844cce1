"""Which backups to keep, and why a backup was made. Pure rules, no files.

Rotation keeps the newest :data:`KEEP_LAST` backups and, for each of the last
:data:`KEEP_MONTHS` calendar months (the current one included), the first backup made
in that month. Keeping the *first* of a month (not the last) means a month's kept copy
never changes once the month has one, so older states survive a month of daily backups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kehoach_desktop.domain.enums import _LABELS, LabelledEnum
from kehoach_desktop.i18n import N_, _

KEEP_LAST = 10
KEEP_MONTHS = 12


class BackupReason(LabelledEnum):
    DAILY = "daily"
    MANUAL = "manual"
    BEFORE_IMPORT = "before-import"
    BEFORE_PACKAGE_IMPORT = "before-package-import"
    BEFORE_EXCEL_IMPORT = "before-excel-import"
    BEFORE_MIGRATION = "before-migration"
    BEFORE_RESTORE = "before-restore"
    DAMAGED = "damaged"
    AFTER_ISSUE = "after-issue"
    AFTER_REVISION = "after-revision"
    AT_EXIT = "at-exit"


_LABELS[BackupReason] = {
    "daily": N_("Daily backup"),
    "manual": N_("Backed up by hand"),
    "before-import": N_("Before an import"),
    "before-package-import": N_("Before a package import"),
    "before-excel-import": N_("Before an Excel import"),
    "before-migration": N_("Before an upgrade of the workspace"),
    "before-restore": N_("Before a restore"),
    "damaged": N_("Damaged workspace set aside"),
    "after-issue": N_("After the plan was issued"),
    "after-revision": N_("After a revision of the plan was opened"),
    "at-exit": N_("On closing, after changes"),
}


def reason_label(code: str) -> str:
    """The label of a known reason; an unknown code (a newer version's) is shown as it is."""
    try:
        return BackupReason(code).label
    except ValueError:
        return _(code) if code else ""


@dataclass(frozen=True)
class BackupStamp:
    key: str  # what identifies the backup to the caller (a file name)
    taken_at: dt.datetime


def _month_index(moment: dt.datetime | dt.date) -> int:
    return moment.year * 12 + moment.month - 1


def backups_to_keep(stamps: Iterable[BackupStamp], *, now: dt.datetime, keep_last: int = KEEP_LAST,
                    keep_months: int = KEEP_MONTHS) -> set[str]:
    """The keys of the backups rotation keeps; every other backup may be deleted.

    ``now`` and the stamps must be both naive or both aware. Backups dated after ``now``
    (a clock set wrong) count among the newest and are never dropped for their month.
    """
    ordered = sorted(stamps, key=lambda s: (s.taken_at, s.key))
    keep = {s.key for s in ordered[-keep_last:]} if keep_last > 0 else set()
    current = _month_index(now)
    first_of_month: dict[int, BackupStamp] = {}
    for stamp in ordered:
        month = _month_index(stamp.taken_at)
        if month > current:
            keep.add(stamp.key)
        elif current - month < keep_months and month not in first_of_month:
            first_of_month[month] = stamp
    keep.update(s.key for s in first_of_month.values())
    return keep


def daily_backup_due(last_taken: dt.datetime | None, *, now: dt.datetime) -> bool:
    """A daily backup is due when none was made on ``now``'s calendar day (or the last is in the future)."""
    return last_taken is None or last_taken.date() != now.date()
