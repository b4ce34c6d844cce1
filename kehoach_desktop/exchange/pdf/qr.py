"""The small QR code at the end of a report (reportlab's own, vector), with its one-line caption."""

from __future__ import annotations

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from kehoach_desktop.exchange.pdf.fonts import SERIF

QR_SIZE = 17 * mm
CAPTION_SIZE = 6.5
_GAP = 3 * mm  # above the code, from what precedes it


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
        widget = QrCodeWidget(self.payload, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0],
                          initialFontName=SERIF)
        drawing.add(widget)
        left = self._width - QR_SIZE
        renderPDF.draw(drawing, self.canv, left, 0)
        self.canv.setFont(SERIF, CAPTION_SIZE)
        self.canv.drawRightString(left - 1.5 * mm, 2 * mm, self.caption)
