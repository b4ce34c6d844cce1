"""The small QR code at the foot of a report's last page (reportlab's QR encoder, drawn as vector runs)."""

from __future__ import annotations

import itertools

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from kehoach_desktop.exchange.pdf.fonts import SERIF

QR_SIZE = 17 * mm
QR_BORDER = 4  # modules of quiet zone around the code, as reportlab's widget draws it


def qr_modules(payload: str) -> list[list[bool]]:
    """The code's dark modules, row by row (encoded once: reportlab's widget encodes again on every draw,
    which made a one-page reminder letter take most of a second)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    return [[bool(module) for module in row] for row in code.modules]


class FootQrCode(Flowable):
    """Takes no room in the text: draws the code in the bottom margin of the page it lands on.

    Placed last in the story, that page is the last page.
    """

    def __init__(self, payload: str, caption: str) -> None:
        super().__init__()
        self.payload = payload
        self.caption = caption

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        page_width, _page_height = canvas._pagesize
        modules = qr_modules(self.payload)
        box = QR_SIZE / (len(modules) + 2 * QR_BORDER)
        canvas.saveState()
        # Back to page coordinates: the flowable's origin is wherever the story ended.
        x, y = canvas.absolutePosition(0, 0)
        canvas.translate(-x, -y)
        left, bottom = page_width - 15 * mm - QR_SIZE, 2 * mm
        canvas.setFillColorRGB(0, 0, 0)
        for row_index, row in enumerate(modules):
            column = 0
            for dark, run in itertools.groupby(row):
                count = len(list(run))
                if dark:
                    canvas.rect(left + (column + QR_BORDER) * box, bottom + QR_SIZE - (row_index + QR_BORDER + 1) * box,
                                count * box, box, stroke=0, fill=1)
                column += count
        canvas.setFont(SERIF, 6.5)
        canvas.drawRightString(left - 1.5 * mm, 4 * mm, self.caption)
        canvas.restoreState()
