"""``data/report.json`` of a district's sync package: its progress data of the package's period, checked.

The district writes the whole ``ProgressData`` JSON (``domain/report_data.py``; the same bytes as its
report's ``--data-out``, so the file's SHA-256 in the manifest is the hash in the report's QR code).
The city keeps what it adds up: the unit, the period, the day it was computed as of, the plan's
number, the flows and stocks, and per material type what was put up in the period and what stands.
Anything else in the file is ignored; anything malformed refuses the package.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from kehoach_desktop.domain.enums import MaterialType, PlanStatus
from kehoach_desktop.domain.periods import parse_period
from kehoach_desktop.domain.report_data import DATA_FORMAT, DATA_VERSION, Flows, Stocks
from kehoach_desktop.i18n import _

REPORT_FILE = "data/report.json"
MAX_FIGURE = 10**18  # a unit's sums of 64-bit amounts stay below it (domain/rules.py bounds each record)


def _figures(value: Any, names: tuple[str, ...], where: str, problems: list[str]) -> dict[str, int]:
    if not isinstance(value, dict):
        problems.append(_("{where} is not an object").format(where=where))
        return {}
    out = {}
    for name in names:
        item = value.get(name)
        if type(item) is not int or not 0 <= item <= MAX_FIGURE:
            problems.append(_("{where}.{name} is not a whole number from 0 up").format(where=where, name=name))
        else:
            out[name] = item
    return out


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def validate_report_data(document: Any, *, unit_code: str, period: str,
                         refuse: Callable[[str, list[str]], Exception]) -> dict[str, Any]:
    """The summary of ``data/report.json`` the city keeps; ``refuse(message, details)`` makes the error."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise refuse(_("{file} is not a report's data.").format(file=REPORT_FILE), [REPORT_FILE])
    if document.get("format") != DATA_FORMAT or document.get("kind") != "progress":
        problems.append(_("format and kind are not {format} / progress").format(format=DATA_FORMAT))
    version = document.get("format_version")
    if type(version) is not int or not 1 <= version <= DATA_VERSION:
        problems.append(_("format_version {version} is not one this version reads").format(version=version))
    if document.get("unit") != unit_code:
        problems.append(_("unit is not the package's unit {unit}").format(unit=unit_code))
    if document.get("period") != period:
        problems.append(_("period is not the package's period {period}").format(period=period))
    span = parse_period(period)
    try:
        as_of = dt.date.fromisoformat(str(document.get("as_of")))
    except ValueError:
        as_of = None
    if as_of is None or not dt.date(span.year - 1, 1, 1) <= as_of <= span.end:
        problems.append(_("as_of is not a day on or before the end of the period"))
    plan = document.get("plan")
    number, status, issued = "", "", None
    if not isinstance(plan, dict) or not isinstance(plan.get("number"), str) or len(plan["number"]) > 100 \
            or plan.get("status") not in ("", *(s.value for s in PlanStatus)):
        problems.append(_("plan is not a plan's number and status"))
    else:
        number, status, issued = plan["number"], plan["status"], _day(plan.get("issue_date"))
        if plan.get("issue_date") is not None and issued is None:
            problems.append(_("plan.issue_date is not a date"))
    flows = _figures(document.get("flows"), tuple(f.name for f in dataclasses.fields(Flows)), "flows", problems)
    stocks = _figures(document.get("stocks"), tuple(f.name for f in dataclasses.fields(Stocks)), "stocks",
                      problems)
    types = document.get("material_types")
    kept = []
    if not isinstance(types, list) or len(types) > len(MaterialType):
        problems.append(_("material_types is not a list of the material types"))
    else:
        for index, item in enumerate(types):
            where = f"material_types[{index}]"
            if not isinstance(item, dict) or item.get("type") not in {t.value for t in MaterialType}:
                problems.append(_("{where} is not a material type").format(where=where))
                continue
            installed = _figures(item.get("flows"), ("installed",), f"{where}.flows", problems)
            in_place = _figures(item.get("stocks"), ("in_place",), f"{where}.stocks", problems)
            if installed and in_place:
                kept.append({"type": item["type"], "installed": installed["installed"],
                             "in_place": in_place["in_place"]})
    if problems:
        raise refuse(_("{file} breaks the rules of a report's data ({count} problems shown).").format(
            file=REPORT_FILE, count=len(problems)), problems[:20])
    return {"unit": unit_code, "period": period, "as_of": as_of.isoformat() if as_of else "",
            "plan": {"number": number, "status": status, "issue_date": issued.isoformat() if issued else None},
            "flows": flows, "stocks": stocks,
            "material_types": kept}


DOCUMENT_FILE = "data/document.json"  # the period's report as issued: its number, symbol and date


def validate_issued_document(document: Any, *, period: str,
                             refuse: Callable[[str, list[str]], Exception]) -> dict[str, str]:
    """``data/document.json``: the number and date the unit gave its report of ``period`` (checked, kept)."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise refuse(_("{file} is not an issued report's number and date.").format(file=DOCUMENT_FILE),
                     [DOCUMENT_FILE])
    if document.get("period") != period:
        problems.append(_("period is not the package's period {period}").format(period=period))
    number, symbol = document.get("number"), document.get("symbol")
    if not isinstance(number, str) or not number.isdigit() or len(number) > 8:
        problems.append(_("number is not a document's number"))
    if not isinstance(symbol, str) or not 0 < len(symbol) <= 64:
        problems.append(_("symbol is not a document's symbol"))
    try:
        issued = dt.date.fromisoformat(str(document.get("issue_date")))
    except ValueError:
        issued = None
    if issued is None or not dt.date(parse_period(period).year - 1, 1, 1) <= issued:
        problems.append(_("issue_date is not a date"))
    if problems:
        raise refuse(_("{file} breaks the rules of the data.").format(file=DOCUMENT_FILE), problems)
    return {"period": period, "number": str(number), "symbol": str(symbol), "issue_date": str(issued)}
