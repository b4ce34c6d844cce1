"""Vietnamese (and English) formatting of dates, numbers and money, through Babel.

Explicit patterns are used on purpose: Babel's short ``vi_VN`` date is ``5/3/21``,
which is not what offices write.
"""

from __future__ import annotations

import datetime as dt
import re

from kehoach_desktop import i18n

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4}|\d{2})")
_YEAR_MONTH_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _locale() -> str:
    return "vi_VN" if i18n.current_language() == "vi" else "en_GB"


def format_date(value: dt.date | None) -> str:
    """``15/03/2021`` — the way offices write dates in tables."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def parse_typed_date(text: str, *, short_year: bool = True) -> dt.date:
    """A date as an officer types it: ``15/08/2021``, ``5/9/2021``, ``15082021``, ``15.8.2021``, ``15-08-21``
    (with ``short_year``), or ``2021-08-15``. Raises ``ValueError`` for anything else, an empty text included."""
    text = text.strip()
    digits = re.fullmatch(r"\d+", text)
    if digits and len(text) == 8:
        day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
    elif digits and len(text) == 6 and short_year:
        day, month, year = int(text[:2]), int(text[2:4]), 2000 + int(text[4:])
    elif found := _YEAR_MONTH_DAY.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    elif (found := _DAY_MONTH_YEAR.fullmatch(text)) and (short_year or len(found.group(3)) == 4):
        day, month, year = (int(part) for part in found.groups())
        if len(found.group(3)) == 2:
            year += 2000
    else:
        raise ValueError(f"not a date: {text!r}")
    return dt.date(year, month, day)


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{format_date(value.date())} {value.hour:02d}:{value.minute:02d}"


VIETNAM = dt.timezone(dt.timedelta(hours=7))


def vietnam_time(moment: dt.datetime) -> str:
    """``20/09/2021 10:15:00 +07:00``: Vietnam's time, whatever the computer's zone (signatures, stamps)."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S") + " +07:00"


def format_number(value: int | float | None) -> str:
    """``1.234.567`` in Vietnamese, ``1,234,567`` in English."""
    if value is None:
        return ""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale())


def format_vnd(amount: int | None) -> str:
    """``1.500.000 ₫`` (no-break space, no decimals): money is integer VND."""
    if amount is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(amount, "VND", locale="vi_VN" if i18n.current_language() == "vi" else "en_GB")


def format_percent(fraction: float | None) -> str:
    if fraction is None:
        return ""
    from babel.numbers import format_percent as _fp

    return _fp(fraction, locale=_locale())


def document_date(place: str, value: dt.date) -> str:
    """Decree 30/2020 place and date: ``Đống Đa, ngày 05 tháng 01 năm 2021``.

    Days below 10 and the months January and February take a leading zero; other months do not.
    Without a place (a template that names none) the line starts with the date.
    """
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    date = f"ngày {day} tháng {month} năm {value.year}"
    return f"{place}, {date}" if place else date[:1].upper() + date[1:]
