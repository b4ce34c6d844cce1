"""Assemble a document: portrait pages, an optional landscape appendix, page numbers, the QR code
and the metadata. Returns the PDF's bytes and where the signature stamp belongs."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageBreak, PageTemplate, Spacer

from kehoach_desktop import __version__
from kehoach_desktop.exchange.pdf.fonts import SERIF, register_fonts
from kehoach_desktop.exchange.pdf.layout import (
    LANDSCAPE,
    LANDSCAPE_MARGINS,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PORTRAIT,
    AppendixStart,
    ChunkedTable,
    PageNumbering,
    SignatureSlot,
)
from kehoach_desktop.exchange.pdf.model import Document, ReportStamp
from kehoach_desktop.exchange.pdf.qr import FootQrCode

# Keys of the document information dictionary that the verify view reads back.
INFO_STAMP = "KHStamp"
INFO_SIGNATURE_BOX = "KHSignatureBox"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    stamp: ReportStamp
    signature_page: int  # 1-based
    signature_box: tuple[float, float, float, float]  # x1, y1, x2, y2 in points


def build_pdf(document: Document, story: list[Flowable], appendix: list[Flowable] | None,
              slot: SignatureSlot) -> RenderedPdf:
    register_fonts()
    stamp = ReportStamp.of(document)
    numbering = PageNumbering()
    buffer = io.BytesIO()
    header = document.header
    doc = BaseDocTemplate(
        buffer, pagesize=PORTRAIT, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=f"{header.doc_type} {header.number_symbol}".strip(),
        author=header.issuing_agency, subject=header.summary, keywords=stamp.payload(),
        creator=f"Kế hoạch Desktop {__version__}", initialFontName=SERIF)
    portrait = Frame(MARGIN_LEFT, MARGIN_BOTTOM, PORTRAIT[0] - MARGIN_LEFT - MARGIN_RIGHT,
                     PORTRAIT[1] - MARGIN_TOP - MARGIN_BOTTOM, leftPadding=0, rightPadding=0, topPadding=0,
                     bottomPadding=0, id="portrait")
    top, bottom, left, right = LANDSCAPE_MARGINS
    wide = Frame(left, bottom, LANDSCAPE[0] - left - right, LANDSCAPE[1] - top - bottom, leftPadding=0,
                 rightPadding=0, topPadding=0, bottomPadding=0, id="landscape")
    doc.addPageTemplates([
        PageTemplate("portrait", [portrait], onPageEnd=numbering.draw, pagesize=PORTRAIT),
        PageTemplate("landscape", [wide], onPageEnd=numbering.draw, pagesize=LANDSCAPE),
    ])
    caption = " · ".join(part for part in (stamp.number_symbol, stamp.unit_code, stamp.period,
                                           f"SHA-256 {stamp.sha256[:16]}") if part)
    flowables = list(story)
    if appendix:
        flowables += [NextPageTemplate("landscape"), PageBreak(), AppendixStart(), *appendix]
    qr = FootQrCode(stamp.payload(), caption)
    while flowables and isinstance(flowables[-1], Spacer):  # room before the QR code is its own
        flowables.pop()
    if flowables and isinstance(flowables[-1], ChunkedTable):  # the QR code never stands alone on a page
        flowables[-1].after = qr.wrap(0, 0)[1]
    flowables.append(qr)
    numbering.info.extra[INFO_STAMP] = stamp.payload()
    numbering.info.slot = slot
    doc.build(flowables, canvasmaker=numbering.make_canvas())
    return RenderedPdf(data=buffer.getvalue(), stamp=stamp, signature_page=slot.page, signature_box=slot.box)
