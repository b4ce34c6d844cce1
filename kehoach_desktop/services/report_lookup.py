"""Checking a paper copy at the city: which received package holds the data its QR code names.

A report's QR code holds ``KHDESKTOP|2|<unit>|<period>|<number>|sha256:<hex>``; the hash is the
SHA-256 of the report's data JSON, which the unit's sync package of that period carries as
``data/report.json`` and lists (with that SHA-256) in its signed manifest. So a paper matches a
received package when its hash is the one the package's manifest lists for that file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from kehoach_desktop.domain.periods import period_label
from kehoach_desktop.exchange.pdf.model import ReportStamp
from kehoach_desktop.exchange.report_data_schema import REPORT_FILE
from kehoach_desktop.formats import format_date
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.city_board import require_city
from kehoach_desktop.storage.models import ReceivedPackage
from kehoach_desktop.storage.uow import UnitOfWorkFactory

DISTRICT_REPORT = "district-report"


@dataclass(frozen=True)
class ReceivedReport:
    unit_code: str
    unit_name: str
    period: str
    sequence: int
    received_at: dt.datetime
    file_name: str
    status: str  # "received" (no decision yet), "accepted", "returned"
    data_sha256: str  # of its data/report.json, "" for a package without one


@dataclass(frozen=True)
class LookupResult:
    stamp: ReportStamp | None  # None: the text is not a report's QR code
    matches: tuple[ReceivedReport, ...]  # the packages whose data is the paper's
    same_period: tuple[ReceivedReport, ...]  # the unit's packages of the paper's period (to say what differs)

    @property
    def found(self) -> bool:
        return bool(self.matches)


def _data_sha256(row: ReceivedPackage) -> str:
    return next((str(f.get("sha256", "")) for f in row.manifest.get("files", [])
                 if isinstance(f, dict) and f.get("path") == REPORT_FILE), "")


def lookup_report(*, uow_factory: UnitOfWorkFactory, text: str) -> LookupResult:
    """The received packages whose report data has the hash of ``text`` (a QR code's content)."""
    stamp = ReportStamp.from_payload(text)
    if stamp is None:
        return LookupResult(None, (), ())
    with uow_factory() as uow:
        require_city(uow.session)
        rows = uow.session.scalars(select(ReceivedPackage).where(
            ReceivedPackage.kind == DISTRICT_REPORT, ReceivedPackage.unit_code == stamp.unit_code)
            .order_by(ReceivedPackage.period, ReceivedPackage.sequence))
        reports = [ReceivedReport(row.unit_code, str(row.manifest.get("unit_name", "")), row.period, row.sequence,
                                  row.received_at, row.file_name, row.status, _data_sha256(row)) for row in rows]
    return LookupResult(stamp, tuple(r for r in reports if r.data_sha256 == stamp.sha256),
                        tuple(r for r in reports if r.period == stamp.period))


_STATUS = {"received": N_("not yet reviewed"), "accepted": N_("accepted"), "returned": N_("returned")}


def describe_lookup(result: LookupResult) -> list[str]:
    """The result in words, one line each: what the paper is, which package it matches, or why none."""
    stamp = result.stamp
    if stamp is None:
        return [_("This is not the text of a report's QR code (it starts with KHDESKTOP|).")]
    lines = [_("Paper: unit {unit}, period {period}, number {number}, data SHA-256 {sha256}.").format(
        unit=stamp.unit_code, period=period_label(stamp.period), number=stamp.number_symbol or _("(none)"),
        sha256=stamp.sha256)]
    for match in result.matches:
        lines.append(_("It matches package {sequence} of {unit} for {period}, received on {date} ({file}); the "
                       "city's decision: {status}.").format(
            sequence=match.sequence, unit=match.unit_name or match.unit_code, period=period_label(match.period),
            date=format_date(match.received_at.astimezone().date()), file=match.file_name,
            status=_(_STATUS.get(match.status, match.status))))
    if not result.matches:
        lines.append(_("No package received from unit {unit} holds these figures.").format(unit=stamp.unit_code))
        if result.same_period:
            lines.append(_("Packages received for {period}: {sequences}. Their figures differ from the paper's: "
                           "it was printed from other data than the unit sent.").format(
                period=period_label(stamp.period), sequences=", ".join(str(r.sequence) for r in result.same_period)))
        else:
            lines.append(_("No package of that unit for {period} has been received.").format(
                period=period_label(stamp.period)))
    return lines
