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

from kehoach_desktop.domain.report_data import ProgressData
from kehoach_desktop.domain.report_data import canonical_json as canonical_data_json


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
    draft: bool = False  # not issued yet: printed with the "DỰ THẢO" mark

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
    budgets: tuple[tuple[str, int], ...] = ()  # the tasks' budgets by source: ("ngân sách quận", VND), in order


TEXT_PARTS = ("results", "shortcomings", "causes", "directions", "proposals")


@dataclass(frozen=True)
class ReportText:
    """The officer's words of a progress report: pre-filled from the data, edited before issuing, kept with it.

    Each part is a tuple of paragraphs; a paragraph starting with "- " is an item of a list.
    """

    results: tuple[str, ...] = ()  # results by theme: the figures and the tasks' written results
    shortcomings: tuple[str, ...] = ()  # tồn tại, hạn chế
    causes: tuple[str, ...] = ()  # nguyên nhân
    directions: tuple[str, ...] = ()  # phương hướng, nhiệm vụ kỳ tới
    proposals: tuple[str, ...] = ()  # đề xuất, kiến nghị

    def to_json(self) -> dict[str, list[str]]:
        return {part: list(getattr(self, part)) for part in TEXT_PARTS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportText:
        return cls(**{part: tuple(str(p) for p in data.get(part) or ()) for part in TEXT_PARTS})


@dataclass(frozen=True)
class ProgressDocument:
    """The progress report: the document's words around the figures of ``data`` (the one model of them)."""

    header: DocumentHeader
    introduction: str
    closing: str
    signer: SignerBlock
    data: ProgressData
    text: ReportText = ReportText()

    @property
    def unit_code(self) -> str:
        return self.data.unit

    @property
    def period(self) -> str:
        return self.data.period

    def stamp_data(self) -> dict[str, Any]:
        return self.data.to_json()


Document = PlanDocument | ProgressDocument  # and the city's documents (exchange/pdf/city_pdf.py)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def canonical_json(document: Any) -> bytes:
    """The report's data as canonical JSON (sorted keys, no blanks, UTF-8): what the hash is taken of.

    A report with a data model (``stamp_data``: the progress and the city's reports) is hashed as its
    ``--data-out`` JSON, the very bytes its sync package carries; the others as the renderer's input.
    """
    if hasattr(document, "stamp_data"):
        return canonical_data_json(document.stamp_data())
    data = {"kind": type(document).__name__, **_plain(dataclasses.asdict(document))}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def data_sha256(document: Any) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


STAMP_PREFIX = "KHDESKTOP"
STAMP_VERSION = "2"


@dataclass(frozen=True)
class ReportStamp:
    """What the QR code and the PDF metadata carry, so a printed paper can be matched to its data:
    ``KHDESKTOP|2|<unit>|<period>|<number/symbol, empty before it is numbered>|sha256:<hex>``."""

    number_symbol: str  # "05/BC-UBND", or "" while the report has no number
    unit_code: str
    period: str
    sha256: str

    def payload(self) -> str:
        return "|".join((STAMP_PREFIX, STAMP_VERSION, self.unit_code, self.period, self.number_symbol,
                         f"sha256:{self.sha256}"))

    @classmethod
    def of(cls, document: Any) -> ReportStamp:
        header = document.header
        return cls(header.number_symbol if header.number else "", document.unit_code, document.period,
                   data_sha256(document))

    @classmethod
    def from_payload(cls, text: str) -> ReportStamp | None:
        """The stamp of a QR code's text (also the first form, ``KHDESKTOP|number|unit|period|sha256:…``)."""
        parts = text.strip().split("|")
        if not parts or parts[0] != STAMP_PREFIX or not parts[-1].startswith("sha256:"):
            return None
        digest = parts[-1].removeprefix("sha256:").strip().lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            return None
        if len(parts) == 6 and parts[1] == STAMP_VERSION:
            return cls(parts[4], parts[2], parts[3], digest)
        if len(parts) == 5:
            number = parts[1] if not parts[1].startswith("/") else ""
            return cls(number, parts[2], parts[3], digest)
        return None
