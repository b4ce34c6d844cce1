"""The city's review of a unit's report for a period: accept it, or return it with a reason the unit reads.

The decision is about the unit's latest package for that period (``ReceivedPackage.status``); the
signed receipt (``services/sync.py`` ``export_receipt``) carries it to the unit, whose Sync page and
dump show it once the receipt is imported. The command line (``kehoach review``) and the board's
buttons both come here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.periods import parse_period
from kehoach_desktop.i18n import _
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.city_board import DISTRICT_REPORT, require_city
from kehoach_desktop.services.sync import decide_package, export_receipt
from kehoach_desktop.services.sync_dto import ACCEPTED, REFUSED, RETURNED, ExportedPackage
from kehoach_desktop.storage.models import ReceivedPackage
from kehoach_desktop.storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class ReviewDone:
    unit_code: str
    period: str
    sequence: int
    decision: str  # "accepted" or "returned"
    message: str
    receipt: ExportedPackage | None
    changes: Changes


def receipt_name(unit_code: str, period: str, sequence: int) -> str:
    """``bien-nhan-00070-2026-Q1-003.khreceipt``: the file name a receipt is offered under."""
    return f"bien-nhan-{unit_code}-{period}-{sequence:03d}.khreceipt"


def latest_report(*, uow_factory: UnitOfWorkFactory, unit_code: str, period: str) -> tuple[str, int]:
    """``(package id, sequence)`` of the unit's latest report for ``period`` that was not refused."""
    with uow_factory() as uow:
        s = uow.session
        require_city(s)
        row = s.execute(select(ReceivedPackage.id, ReceivedPackage.sequence)
                        .where(ReceivedPackage.kind == DISTRICT_REPORT, ReceivedPackage.unit_code == unit_code,
                               ReceivedPackage.period == period, ReceivedPackage.status != REFUSED)
                        .order_by(ReceivedPackage.sequence.desc()).limit(1)).first()
    if row is None:
        raise ValidationError(_("No report of unit {unit} for {period} was received: there is nothing to review."
                                ).format(unit=unit_code, period=parse_period(period).label))
    return row.id, row.sequence


def review_report(*, uow_factory: UnitOfWorkFactory, unit_code: str, period: str, decision: str, reason: str = "",
                  receipt_out: Path | None = None) -> ReviewDone:
    """Accept or return (``decision``) the unit's latest report for ``period``; optionally write the receipt."""
    span = parse_period(period)
    package_id, sequence = latest_report(uow_factory=uow_factory, unit_code=unit_code, period=span.code)
    changes = decide_package(uow_factory=uow_factory, package_id=package_id, decision=decision, reason=reason)
    receipt = None
    if receipt_out is not None:
        with uow_factory() as uow:
            sha256 = uow.session.scalars(select(ReceivedPackage.sha256).where(ReceivedPackage.id == package_id)).one()
        receipt = export_receipt(uow_factory=uow_factory, package_sha256=sha256, out=Path(receipt_out))
    if decision == ACCEPTED:
        message = _("Accepted the report {sequence} of unit {unit} for {period}.")
    elif decision == RETURNED:
        message = _("Returned the report {sequence} of unit {unit} for {period}: {reason}")
    else:  # decide_package refused it already
        raise AssertionError(decision)
    return ReviewDone(unit_code=unit_code, period=span.code, sequence=sequence, decision=decision,
                      message=message.format(sequence=sequence, unit=unit_code, period=span.label,
                                             reason=reason.strip()),
                      receipt=receipt, changes=changes)
