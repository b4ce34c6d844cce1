"""Backup rotation: the newest ten, and the first backup of each of the last twelve months."""

from __future__ import annotations

import datetime as dt

from kehoach_desktop.domain.backups import BackupReason, BackupStamp, backups_to_keep, daily_backup_due, reason_label


def daily(first: dt.date, days: int) -> list[BackupStamp]:
    return [BackupStamp(f"b{i:04d}", dt.datetime.combine(first + dt.timedelta(days=i), dt.time(8, 30)))
            for i in range(days)]


def test_fewer_than_ten_are_all_kept() -> None:
    stamps = daily(dt.date(2021, 3, 1), 7)
    assert backups_to_keep(stamps, now=dt.datetime(2021, 3, 8)) == {s.key for s in stamps}


def test_a_year_of_daily_backups_keeps_ten_newest_and_one_per_month() -> None:
    stamps = daily(dt.date(2020, 1, 1), 731)  # two years of daily backups, to 31 Dec 2021
    now = dt.datetime(2021, 12, 31, 20, 0)
    keep = backups_to_keep(stamps, now=now)
    by_key = {s.key: s.taken_at for s in stamps}
    kept = sorted(by_key[k] for k in keep)
    newest = sorted(s.taken_at for s in stamps)[-10:]
    assert set(newest) <= set(kept)
    firsts = {dt.datetime(2021, month, 1, 8, 30) for month in range(1, 13)}
    assert firsts <= set(kept)
    assert set(kept) == set(newest) | firsts  # and nothing else: 2020 is gone
    assert len(keep) == 22  # 22-31 Dec, and the 1st of each month of 2021


def test_month_boundary_the_first_of_the_new_month_is_kept_not_the_last_of_the_old() -> None:
    stamps = [BackupStamp("jan31-late", dt.datetime(2021, 1, 31, 23, 59, 59)),
              BackupStamp("feb01-early", dt.datetime(2021, 2, 1, 0, 0, 1)),
              BackupStamp("jan15", dt.datetime(2021, 1, 15, 9, 0))]
    keep = backups_to_keep(stamps, now=dt.datetime(2021, 2, 1, 10, 0), keep_last=0)
    assert keep == {"jan15", "feb01-early"}


def test_twelve_months_back_counts_across_the_new_year() -> None:
    # now is January 2022: the twelve months are Feb 2021 … Jan 2022
    stamps = [BackupStamp("2021-01", dt.datetime(2021, 1, 10)), BackupStamp("2021-02", dt.datetime(2021, 2, 10)),
              BackupStamp("2021-12", dt.datetime(2021, 12, 31, 23, 0)),
              BackupStamp("2022-01", dt.datetime(2022, 1, 1, 0, 30))]
    keep = backups_to_keep(stamps, now=dt.datetime(2022, 1, 5), keep_last=0)
    assert keep == {"2021-02", "2021-12", "2022-01"}


def test_leap_day_and_short_months() -> None:
    stamps = [BackupStamp("feb29", dt.datetime(2024, 2, 29, 12)), BackupStamp("mar01", dt.datetime(2024, 3, 1, 0)),
              BackupStamp("feb28", dt.datetime(2024, 2, 28, 12))]
    assert backups_to_keep(stamps, now=dt.datetime(2024, 3, 1, 1), keep_last=0) == {"feb28", "mar01"}


def test_a_backup_dated_in_the_future_is_kept() -> None:
    stamps = [*daily(dt.date(2021, 1, 1), 30), BackupStamp("future", dt.datetime(2030, 1, 1))]
    assert "future" in backups_to_keep(stamps, now=dt.datetime(2021, 1, 30), keep_last=0)


def test_rotation_is_stable_once_applied() -> None:
    stamps = daily(dt.date(2021, 1, 1), 400)
    now = dt.datetime(2022, 2, 4, 12)
    keep = backups_to_keep(stamps, now=now)
    remaining = [s for s in stamps if s.key in keep]
    assert backups_to_keep(remaining, now=now) == keep


def test_daily_backup_is_due_once_per_calendar_day() -> None:
    now = dt.datetime(2021, 3, 15, 0, 5)
    assert daily_backup_due(None, now=now)
    assert daily_backup_due(dt.datetime(2021, 3, 14, 23, 59), now=now)
    assert not daily_backup_due(dt.datetime(2021, 3, 15, 0, 1), now=now)


def test_reasons_have_labels_and_unknown_codes_show_as_they_are(english) -> None:
    assert reason_label(BackupReason.BEFORE_MIGRATION.value) == "Before an upgrade of the workspace"
    assert reason_label("before-something-new") == "before-something-new"
