"""What the PDF renderer draws: plain frozen dataclasses, filled by ``services/reports.py``.

The renderer knows nothing of storage or Qt; everything it prints is in these objects,
already in the document's language (Vietnamese: documents are Vietnamese whatever the UI).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentHeader:
    superior_agency: str  # "" when the issuing agency has none to name (a People's Committee)
    issuing_agency: str  # "ỦY BAN NHÂN DÂN QUẬN ĐỐNG ĐA"
    number: str  # "05", or "" before the number is given
    symbol: str  # "KH-UBND"
    place: str  # "Đống Đa"
    date: dt.date | None  # None before the date is set: the line is left to be filled by hand
    doc_type: str  # "KẾ HOẠCH"
    summary: str  # trích yếu
    recipient: str = ""  # "Kính gửi: …" on reports sent upward

    @property
    def number_symbol(self) -> str:
        return f"{self.number}/{self.symbol}" if self.number else f"/{self.symbol}"


@dataclass(frozen=True)
class SignerBlock:
    authority: str  # "TM. ỦY BAN NHÂN DÂN"
    deputy: str  # "KT. CHỦ TỊCH" or ""
    title: str  # "PHÓ CHỦ TỊCH"
    name: str
    recipients: tuple[str, ...]  # "UBND Thành phố;" … "Lưu: VT, VHTT."


@dataclass(frozen=True)
class PlanTaskRow:
    theme: str  # "1.1. Hoạt động chỉ đạo…"
    content: str
    lead_unit: str
    supporting_units: tuple[str, ...]
    start_date: dt.date | None
    due_date: dt.date | None
    budget: int  # VND


@dataclass(frozen=True)
class BodySection:
    number: str
    title: str
    depth: int
    paragraphs: tuple[str, ...]
    local_paragraphs: tuple[str, ...]
    tasks: tuple[PlanTaskRow, ...]


@dataclass(frozen=True)
class PlanDocument:
    header: DocumentHeader
    legal_bases: tuple[str, ...]
    preamble: str
    sections: tuple[BodySection, ...]
    closing: str
    signer: SignerBlock
    unit_code: str
    period: str  # the plan's year
    issuer_short: str  # "UBND quận Đống Đa", as the appendix names the issuer


@dataclass(frozen=True)
class Count:
    label: str
    value: int


@dataclass(frozen=True)
class ThemeStatusRow:
    theme: str
    total: int
    done: int
    in_progress: int
    not_started: int
    overdue: int
    cancelled: int
    average_percent: int
    budget: int
    spent: int


@dataclass(frozen=True)
class ProgressTaskRow:
    theme: str
    content: str
    lead_unit: str
    due_date: dt.date | None
    status: str  # Vietnamese label
    percent_done: int
    indicator: str  # "159/252 buổi phát thanh" or ""


@dataclass(frozen=True)
class IndicatorRow:
    content: str
    unit: str
    target: int
    achieved: int | None


@dataclass(frozen=True)
class MaterialRow:
    type: str  # Vietnamese label
    by_status: tuple[int, ...]  # quantities in the order of ProgressDocument.material_statuses
    total: int
    cost: int


@dataclass(frozen=True)
class EventRow:
    title: str
    type: str
    starts_on: dt.date
    venue: str
    participants: int | None
    cost: int | None


@dataclass(frozen=True)
class OverdueTask:
    content: str
    lead_unit: str
    due_date: dt.date | None
    days_late: int


@dataclass(frozen=True)
class OverdueRemoval:
    type: str
    content: str
    place: str
    planned_removal_on: dt.date | None
    days_late: int


@dataclass(frozen=True)
class ProgressDocument:
    header: DocumentHeader
    introduction: str
    as_of: dt.date  # "today" for overdue: the period's end, or the workspace's today if earlier
    period: str  # "2021-Q1"
    period_label: str  # "quý I năm 2021"
    theme_rows: tuple[ThemeStatusRow, ...]
    task_rows: tuple[ProgressTaskRow, ...]
    indicators: tuple[IndicatorRow, ...]
    material_statuses: tuple[str, ...]  # Vietnamese labels, column order of MaterialRow.by_status
    material_rows: tuple[MaterialRow, ...]
    events: tuple[EventRow, ...]
    events_planned: int
    budget_planned: int
    budget_spent: int
    events_cost: int
    materials_cost: int
    overdue_tasks: tuple[OverdueTask, ...]
    overdue_removals: tuple[OverdueRemoval, ...]
    closing: str
    signer: SignerBlock
    unit_code: str


Document = PlanDocument | ProgressDocument


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def canonical_json(document: Document) -> bytes:
    """The report's data as canonical JSON (sorted keys, no blanks, UTF-8): what the hash is taken of."""
    data = {"kind": type(document).__name__, **_plain(dataclasses.asdict(document))}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def data_sha256(document: Document) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


@dataclass(frozen=True)
class ReportStamp:
    """What the QR code and the PDF metadata carry, so a printed paper can be matched to its data."""

    number_symbol: str
    unit_code: str
    period: str
    sha256: str

    def payload(self) -> str:
        return f"KHDESKTOP|{self.number_symbol}|{self.unit_code}|{self.period}|sha256:{self.sha256}"

    @classmethod
    def of(cls, document: Document) -> ReportStamp:
        return cls(document.header.number_symbol, document.unit_code, document.period, data_sha256(document))

    @classmethod
    def from_payload(cls, text: str) -> ReportStamp | None:
        parts = text.split("|")
        if len(parts) != 5 or parts[0] != "KHDESKTOP" or not parts[4].startswith("sha256:"):
            return None
        return cls(parts[1], parts[2], parts[3], parts[4].removeprefix("sha256:"))
