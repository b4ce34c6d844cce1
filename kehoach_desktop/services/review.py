"""The city's review of a unit's report for a period: accept it, or return it with a reason the unit reads.

The decision is about the unit's latest package for that period (``ReceivedPackage.status``); the
signed receipt (``services/sync.py`` ``export_receipt``) carries it to the unit, whose Sync page and
dump show it once the receipt is imported. The command line (``kehoach review``) and the board's
buttons both come here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.periods import parse_period
from kehoach_desktop.i18n import _
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.city_board import DISTRICT_REPORT, require_city
from kehoach_desktop.services.sync import record_decision, write_receipt
from kehoach_desktop.services.sync_dto import ACCEPTED, REFUSED, ExportedPackage
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


def _latest_report(session: Session, unit_code: str, period: str) -> ReceivedPackage:
    """The unit's latest report for ``period`` that was not refused."""
    require_city(session)
    row = session.scalars(select(ReceivedPackage)
                          .where(ReceivedPackage.kind == DISTRICT_REPORT, ReceivedPackage.unit_code == unit_code,
                                 ReceivedPackage.period == period, ReceivedPackage.status != REFUSED)
                          .order_by(ReceivedPackage.sequence.desc()).limit(1)).first()
    if row is None:
        raise ValidationError(_("No report of unit {unit} for {period} was received: there is nothing to review."
                                ).format(unit=unit_code, period=parse_period(period).label))
    return row


def review_report(*, uow_factory: UnitOfWorkFactory, unit_code: str, period: str, decision: str, reason: str = "",
                  receipt_out: Path | None = None) -> ReviewDone:
    """Accept or return (``decision``) the unit's latest report for ``period``; optionally write the receipt.

    The decision and the receipt are one write: the receipt file exists only if the decision was kept.
    """
    span = parse_period(period)
    with uow_factory() as uow:
        s = uow.session
        row = _latest_report(s, unit_code, span.code)
        sequence = row.sequence
        changes = record_decision(s, package_id=row.id, decision=decision, reason=reason)
        receipt = None
        # the receipt is written under a passing name and takes its own only once the decision is kept
        partial = Path(receipt_out).with_name(Path(receipt_out).name + ".partial") if receipt_out else None
        try:
            if partial is not None:
                receipt = write_receipt(s, package_sha256=row.sha256, out=partial, name=Path(receipt_out).name)
            uow.commit()
        except BaseException:
            if partial is not None:
                partial.unlink(missing_ok=True)
            raise
    if partial is not None and receipt is not None:
        partial.replace(receipt_out)  # type: ignore[arg-type]
        receipt = replace(receipt, path=str(receipt_out))
    if decision == ACCEPTED:
        message = _("Accepted the report {sequence} of unit {unit} for {period}.")
    else:
        message = _("Returned the report {sequence} of unit {unit} for {period}: {reason}")
    return ReviewDone(unit_code=unit_code, period=span.code, sequence=sequence, decision=decision,
                      message=message.format(sequence=sequence, unit=unit_code, period=span.label,
                                             reason=reason.strip()),
                      receipt=receipt, changes=changes)
