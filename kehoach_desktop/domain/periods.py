"""Reporting periods: coded ``2021``, ``2021-H1``, ``2021-Q1``, ``2021-03`` in files and on the command line,
shown in words — ``năm 2021``, ``6 tháng đầu năm 2021``, ``quý I/2021``, ``tháng 3/2021`` (docs/glossary.md)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.i18n import N_, _, in_vietnamese

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|(?P<month>\d{2})))?$")
_ROMAN = ("I", "II", "III", "IV")
_WORDS = {
    "year": N_("year {year}"),
    "first_half": N_("first half of {year}"),
    "second_half": N_("second half of {year}"),
    "quarter": N_("quarter {roman}/{year}"),
    "month": N_("month {month}/{year}"),
}


@dataclass(frozen=True)
class Period:
    code: str  # "2021-Q1"
    kind: str  # "year", "half", "quarter", "month"
    year: int
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        """True when the span [start, end] (either end open) meets the period."""
        if start is None and end is None:
            return False
        return (start or end) <= self.end and (end or start) >= self.start  # type: ignore[operator]

    @property
    def label(self) -> str:
        """The period in words, in the interface's language: ``quý I/2021`` (``Q1 2021``)."""
        return self._words(_)

    @property
    def heading(self) -> str:
        """The period standing alone (a column header, a list item, a table cell): ``Quý I/2021``."""
        text = self.label
        return text[:1].upper() + text[1:]

    @property
    def vietnamese(self) -> str:
        """The period in the words of Vietnamese documents and workbooks, whatever the interface's language."""
        return self._words(in_vietnamese)

    def _words(self, translate: Callable[[str], str]) -> str:
        key = ("first_half" if self.start.month == 1 else "second_half") if self.kind == "half" else self.kind
        return translate(_WORDS[key]).format(year=self.year, roman=_ROMAN[(self.start.month - 1) // 3],
                                             month=self.start.month)


def period_label(code: str) -> str:
    """The on-screen name of a period code (``2021-H1`` → ``6 tháng đầu năm 2021``); an unknown code as it is."""
    try:
        return parse_period(code).label
    except ValidationError:
        return code


def period_heading(code: str) -> str:
    """:func:`period_label` standing alone, with a capital letter (``Quý I/2021``)."""
    text = period_label(code)
    return text[:1].upper() + text[1:]


def parse_period(text: str) -> Period:
    """Parse and validate a period code; raises :class:`ValidationError` with the accepted forms."""
    value = (text or "").strip().upper()
    match = _PATTERN.match(value)
    year = int(match["year"]) if match else 0
    if not match or not 2000 <= year <= 2100:
        raise ValidationError(_("“{text}” is not a reporting period. Write a year (2021), a half-year (2021-H1), "
                                "a quarter (2021-Q1) or a month (2021-03).").format(text=text))
    if match["half"]:
        first = 1 if match["half"] == "H1" else 7
        return Period(value, "half", year, dt.date(year, first, 1), _month_end(year, first + 5))
    if match["quarter"]:
        first = 3 * (int(match["quarter"][1]) - 1) + 1
        return Period(value, "quarter", year, dt.date(year, first, 1), _month_end(year, first + 2))
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValidationError(_("“{text}” names no month: months are 01 to 12.").format(text=text))
        return Period(value, "month", year, dt.date(year, month, 1), _month_end(year, month))
    return Period(value, "year", year, dt.date(year, 1, 1), dt.date(year, 12, 31))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def periods_of_year(year: int) -> list[Period]:
    """Every period of a year, year first: what a period chooser offers."""
    codes = [str(year), f"{year}-H1", f"{year}-H2", *(f"{year}-Q{q}" for q in range(1, 5)),
             *(f"{year}-{m:02d}" for m in range(1, 13))]
    return [parse_period(code) for code in codes]


def following_period(period: Period) -> Period:
    """The period of the same kind that comes next: ``2021-Q3`` → ``2021-Q4``, ``2021-Q4`` → ``2022-Q1``."""
    day = period.end + dt.timedelta(days=1)
    if period.kind == "year":
        return parse_period(str(day.year))
    if period.kind == "half":
        return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")
    if period.kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(f"{day.year}-{day.month:02d}")
