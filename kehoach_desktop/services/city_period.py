"""Which package stands for each unit in the city's report of a period, and with which figures.

The rule, in one place (the city's review decides it): among a unit's district-report packages *of
exactly that period* that were not refused, the newest one the city accepted; when none is
accepted, the newest one received and not returned. A unit without such a package is missing (out
of the totals, listed with no figures). A unit is late when its first package of the period arrived
after the period's deadline. The figures are the package's own progress data (``data/report.json``);
a package of an earlier version, which carries none, is counted from the unit's records held here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import MaterialType
from kehoach_desktop.domain.periods import parse_period
from kehoach_desktop.domain.report_data import (
    LATE,
    MISSING,
    REPORTED,
    CityData,
    CityUnitLine,
    Flows,
    PlanRef,
    Stocks,
    flows_from_json,
    stocks_from_json,
)
from kehoach_desktop.domain.template import Template
from kehoach_desktop.exchange.report_data_schema import REPORT_FILE
from kehoach_desktop.services.progress_data import MATERIAL_TYPE_VI, read_progress_data, require_begun
from kehoach_desktop.services.sync_dto import ACCEPTED, REFUSED, RETURNED
from kehoach_desktop.storage.models import ReceivedPackage

DISTRICT_REPORT = "district-report"


@dataclass(frozen=True)
class PeriodChoice:
    """A unit's state for a period: the package used (if any), whether it came late, the review."""

    unit_code: str
    status: str  # REPORTED, LATE or MISSING
    review: str  # the used package's status ("received", "accepted"), "returned" when only returned ones, or ""
    received_on: dt.date | None  # the first package of the period
    package: ReceivedPackage | None


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone().date()


def choose_period_packages(session: Session, template: Template, period: str) -> dict[str, PeriodChoice]:
    """For every reporting unit of ``template``: the package whose figures stand for ``period`` (rule above)."""
    deadline = next((p.deadline for p in template.reporting_periods if p.period == period), None)
    by_unit: dict[str, list[ReceivedPackage]] = defaultdict(list)
    for row in session.scalars(select(ReceivedPackage).where(
            ReceivedPackage.kind == DISTRICT_REPORT, ReceivedPackage.period == period,
            ReceivedPackage.status != REFUSED).order_by(ReceivedPackage.unit_code, ReceivedPackage.sequence)):
        by_unit[row.unit_code].append(row)
    choices = {}
    for unit in template.reporting_units:
        packages = by_unit.get(unit.code, [])
        accepted = [p for p in packages if p.status == ACCEPTED]
        usable = accepted or [p for p in packages if p.status != RETURNED]
        chosen = usable[-1] if usable else None
        first = min((_local_day(p.received_at) for p in packages), default=None)
        if chosen is None:
            choices[unit.code] = PeriodChoice(unit.code, MISSING, RETURNED if packages else "", first, None)
            continue
        late = deadline is not None and first is not None and first > deadline
        choices[unit.code] = PeriodChoice(unit.code, LATE if late else REPORTED, chosen.status, first, chosen)
    return choices


def _report_file_sha256(package: ReceivedPackage) -> str:
    return next((f.get("sha256", "") for f in package.manifest.get("files", [])
                 if isinstance(f, dict) and f.get("path") == REPORT_FILE), "")


def unit_line(session: Session, choice: PeriodChoice, *, name: str, period: str,
              today: dt.date) -> tuple[CityUnitLine, list[dict[str, Any]]]:
    """The unit's line of the consolidated report (its package's figures, none when it is missing), and its
    materials by type (``type``, ``installed`` in the period, ``in_place`` at its end)."""
    package = choice.package
    if package is None:
        return CityUnitLine(code=choice.unit_code, name=name, status=MISSING, review=choice.review,
                            received_on=choice.received_on), []
    figures: dict[str, Any] | None = package.manifest.get("report")
    if figures:
        flows, stocks = flows_from_json(figures["flows"]), stocks_from_json(figures["stocks"])
        issued = figures["plan"].get("issue_date")
        plan = PlanRef(figures["plan"]["number"], figures["plan"]["status"],
                       dt.date.fromisoformat(issued) if issued else None)
        as_of, source = dt.date.fromisoformat(figures["as_of"]), "package"
        types = list(figures.get("material_types", []))
    else:
        data = read_progress_data(session, unit_code=choice.unit_code, unit_name=name, period=period, today=today)
        flows, stocks, plan, as_of, source = data.flows, data.stocks, data.plan, data.as_of, "records"
        types = [{"type": t.type, "installed": t.installed, "in_place": t.in_place} for t in data.material_types]
    return CityUnitLine(
        code=choice.unit_code, name=name, status=choice.status, review=choice.review, received_on=choice.received_on,
        sequence=package.sequence, package_sha256=package.sha256, data_sha256=_report_file_sha256(package),
        source=source, as_of=as_of, plan=plan, flows=flows, stocks=stocks), types


def totals(lines: list[CityUnitLine]) -> tuple[Flows, Stocks]:
    """Over the units that reported (a missing unit has no figures and is out of the totals)."""
    flows, stocks = Flows(), Stocks()
    for line in lines:
        if line.flows is not None and line.stocks is not None:
            flows, stocks = flows + line.flows, stocks + line.stocks
    return flows, stocks


def period_as_of(period: str, today: dt.date) -> dt.date:
    return min(parse_period(period).end, today)


def read_city_data(session: Session, template: Template, *, unit_code: str, unit_name: str, period: str,
                   today: dt.date) -> CityData:
    """The consolidated figures of ``period``: each unit from its package of that period, the totals over the
    units that reported, the materials by type over them."""
    span = parse_period(period)
    require_begun(span, today)
    choices = choose_period_packages(session, template, span.code)
    lines = []
    installed: dict[str, int] = defaultdict(int)
    standing: dict[str, int] = defaultdict(int)
    for unit in template.reporting_units:
        line, types = unit_line(session, choices[unit.code], name=unit.display_name, period=span.code, today=today)
        lines.append(line)
        for item in types:
            installed[item["type"]] += item["installed"]
            standing[item["type"]] += item["in_place"]
    flows, stocks = totals(lines)
    material_types = tuple((t.value, MATERIAL_TYPE_VI[t.value], installed[t.value], standing[t.value])
                           for t in MaterialType if installed[t.value] or standing[t.value])
    return CityData(unit=unit_code, unit_name=unit_name, period=span.code, start=span.start, end=span.end,
                    as_of=period_as_of(span.code, today), units=tuple(lines), material_types=material_types,
                    totals_flows=flows, totals_stocks=stocks)
