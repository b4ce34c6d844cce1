"""Reporting periods: the four written forms, their spans, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach_desktop import i18n
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.periods import parse_period, periods_of_year


@pytest.mark.parametrize(("code", "kind", "start", "end", "words"), [
    ("2021", "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31), "năm 2021"),
    ("2021-H1", "half", dt.date(2021, 1, 1), dt.date(2021, 6, 30), "6 tháng đầu năm 2021"),
    ("2021-h2", "half", dt.date(2021, 7, 1), dt.date(2021, 12, 31), "6 tháng cuối năm 2021"),
    ("2021-Q1", "quarter", dt.date(2021, 1, 1), dt.date(2021, 3, 31), "quý I/2021"),
    ("2021-Q4", "quarter", dt.date(2021, 10, 1), dt.date(2021, 12, 31), "quý IV/2021"),
    ("2021-03", "month", dt.date(2021, 3, 1), dt.date(2021, 3, 31), "tháng 3/2021"),
    ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "tháng 2/2024"),
])
def test_periods_parse_to_their_span(code: str, kind: str, start: dt.date, end: dt.date, words: str) -> None:
    period = parse_period(code)
    assert (period.kind, period.start, period.end, period.vietnamese) == (kind, start, end, words)
    assert period.code == code.upper()


@pytest.mark.parametrize("text", ["", "21", "2021-13", "2021-00", "2021-Q5", "2021-H3", "2021/03", "1999", "2021-3"])
def test_malformed_periods_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_period(text)


def test_overlap_and_contains() -> None:
    q1 = parse_period("2021-Q1")
    assert q1.overlaps(dt.date(2020, 12, 1), dt.date(2021, 1, 1))
    assert q1.overlaps(None, dt.date(2021, 2, 1))
    assert not q1.overlaps(dt.date(2021, 4, 1), None)
    assert not q1.overlaps(None, None)
    assert q1.contains(dt.date(2021, 3, 31)) and not q1.contains(dt.date(2021, 4, 1))


def test_a_year_offers_nineteen_periods() -> None:
    codes = [p.code for p in periods_of_year(2021)]
    assert codes[:3] == ["2021", "2021-H1", "2021-H2"] and codes[-1] == "2021-12" and len(codes) == 19


def test_a_period_is_shown_in_the_words_of_the_interface(english) -> None:
    assert [parse_period(code).label for code in ("2021", "2021-H1", "2021-H2", "2021-Q3", "2021-03")] == [
        "year 2021", "first half of 2021", "second half of 2021", "quarter III/2021", "month 3/2021"]
    assert parse_period("2021-Q3").vietnamese == "quý III/2021"  # documents stay Vietnamese


def test_the_vietnamese_interface_names_periods_as_documents_do(vietnamese) -> None:
    for period in periods_of_year(2021):
        assert period.label == period.vietnamese
        assert i18n.current_language() == "vi"


@pytest.mark.parametrize(("code", "vietnamese", "english"), [
    ("2021", "năm 2021", "year 2021"),
    ("2021-H1", "6 tháng đầu năm 2021", "first half of 2021"),
    ("2021-H2", "6 tháng cuối năm 2021", "second half of 2021"),
    ("2021-Q3", "quý III/2021", "quarter III/2021"),
    ("2021-03", "tháng 3/2021", "month 3/2021"),
    ("not a period", "not a period", "not a period"),
])
def test_periods_are_named_in_words_on_screen(code: str, vietnamese: str, english: str) -> None:
    from kehoach_desktop import i18n
    from kehoach_desktop.domain.periods import period_label

    i18n.setup("vi")
    assert period_label(code) == vietnamese
    i18n.setup("en")
    assert period_label(code) == english


@pytest.mark.parametrize(("code", "vietnamese", "english"), [
    ("2021", "Năm 2021", "Year 2021"),
    ("2021-H1", "6 tháng đầu năm 2021", "First half of 2021"),
    ("2021-Q3", "Quý III/2021", "Quarter III/2021"),
    ("2021-03", "Tháng 3/2021", "Month 3/2021"),
    ("not a period", "Not a period", "Not a period"),
])
def test_a_period_standing_alone_starts_with_a_capital(code: str, vietnamese: str, english: str) -> None:
    """A column header or a list item: "Quý III/2021"; inside a sentence it stays "quý III/2021"."""
    from kehoach_desktop import i18n
    from kehoach_desktop.domain.periods import parse_period, period_heading

    i18n.setup("vi")
    try:
        assert period_heading(code) == vietnamese
        if code != "not a period":
            assert parse_period(code).heading == vietnamese
            assert parse_period(code).vietnamese == vietnamese[:1].lower() + vietnamese[1:] or code == "2021-H1"
    finally:
        i18n.setup("en")
    assert period_heading(code) == english
