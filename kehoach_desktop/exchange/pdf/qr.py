"""The small QR code at the end of a report (reportlab's QR encoder, drawn as vector runs), with its caption."""

from __future__ import annotations

import itertools

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from kehoach_desktop.exchange.pdf.fonts import SERIF

QR_SIZE = 17 * mm
QR_BORDER = 4  # modules of quiet zone around the code, as reportlab's widget draws it
CAPTION_SIZE = 6.5
_GAP = 3 * mm  # above the code, from what precedes it


def qr_modules(payload: str) -> list[list[bool]]:
    """The code's dark modules, row by row (encoded once: reportlab's widget encodes again on every draw,
    which made a one-page reminder letter take most of a second)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    return [[bool(module) for module in row] for row in code.modules]


class FootQrCode(Flowable):
    """The code at the right edge of the text block, its caption to its left, after the last text.

    It takes its room in the text frame like any paragraph, so it keeps the page's margins: it never
    lands in the bottom margin or under the page's edge. Placed last in the story, it is on the last page.
    """

    def __init__(self, payload: str, caption: str) -> None:
        super().__init__()
        self.payload = payload
        self.caption = caption
        self._width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._width = avail_width
        return avail_width, QR_SIZE + _GAP

    def draw(self) -> None:
        canvas = self.canv
        modules = qr_modules(self.payload)
        box = QR_SIZE / (len(modules) + 2 * QR_BORDER)
        left = self._width - QR_SIZE
        canvas.saveState()
        canvas.setFillColorRGB(0, 0, 0)
        for row_index, row in enumerate(modules):
            column = 0
            for dark, run in itertools.groupby(row):
                count = len(list(run))
                if dark:
                    canvas.rect(left + (column + QR_BORDER) * box, QR_SIZE - (row_index + QR_BORDER + 1) * box,
                                count * box, box, stroke=0, fill=1)
                column += count
        canvas.setFont(SERIF, CAPTION_SIZE)
        canvas.drawRightString(left - 1.5 * mm, 2 * mm, self.caption)
        canvas.restoreState()
