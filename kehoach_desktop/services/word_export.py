"""The documents as Word files (.docx), for review and editing in an office before they are issued.

The same document models as the PDF (``services/reports.py`` and ``services/city_reports.py`` fill them),
written by ``exchange/docx_writer.py``. A Word copy is never signed: the signed PDF is the issued document.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.reports import (
    PLAN,
    PROGRESS,
    get_plan_document,
    get_progress_document,
    issued_details,
    write_atomically,
)
from kehoach_desktop.storage.models import WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

CITY = "city"
REMINDERS = "reminders"
WORD_KINDS = (PLAN, PROGRESS, CITY, REMINDERS)


def render_docx(*, uow_factory: UnitOfWorkFactory, kind: str, period: str | None, today: dt.date,
                city_options: Any = None, unit_codes: tuple[str, ...] | None = None) -> bytes:
    """The .docx bytes of the plan, the progress report of ``period``, the city's consolidated report
    (``city_options``: its ``city_reports.CityDocumentOptions``, number and date, as for its PDF), or the draft of
    the city's reminder letter to the units late for ``period`` (or to ``unit_codes``; dated ``city_options.date``
    if given, else left to write by hand; never numbered: the register numbers the issued PDF)."""
    from kehoach_desktop.exchange import docx_writer

    if kind == PLAN:
        return docx_writer.plan_docx(get_plan_document(uow_factory=uow_factory))
    if kind not in WORD_KINDS:
        raise ValidationError(_("Unknown report “{kind}”: choose plan or progress.").format(kind=kind))
    if not period:
        raise ValidationError(_("Choose the period of the progress report (for example 2021-Q1)."))
    if kind == PROGRESS:
        # An issued report's copy has its number, date, addressees and signer (its figures as of the issue date);
        # a draft's is marked DỰ THẢO, as its PDF is.
        issue = issued_details(uow_factory=uow_factory, period=period)
        return docx_writer.progress_docx(get_progress_document(uow_factory=uow_factory, period=period, today=today,
                                                               issue=issue))
    from kehoach_desktop.services.city_reports import CityDocumentOptions, draft_reminder, get_city_report_document

    if kind == REMINDERS:
        return docx_writer.reminder_docx(draft_reminder(
            uow_factory=uow_factory, period=period, today=today, unit_codes=unit_codes,
            date=city_options.date if city_options is not None else None))
    return docx_writer.city_report_docx(get_city_report_document(
        uow_factory=uow_factory, period=period, today=today, options=city_options or CityDocumentOptions()))


def write_docx(*, uow_factory: UnitOfWorkFactory, kind: str, out: Path, today: dt.date,
               period: str | None = None, city_options: Any = None,
               unit_codes: tuple[str, ...] | None = None) -> Path:
    """Write the Word copy whole or not at all to ``out``, and note it in the workspace's history."""
    data = render_docx(uow_factory=uow_factory, kind=kind, period=period, today=today, city_options=city_options,
                       unit_codes=unit_codes)
    write_atomically(Path(out), data)
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        audit.record(uow.session, unit_code=info.unit_code, action="report.docx", entity="document",
                     summary=Path(out).name, details={"file": Path(out).name, "kind": kind, "period": period or ""})
        uow.commit()
    return Path(out)
