"""The small QR code at the foot of a report's last page (reportlab's own vector QR)."""

from __future__ import annotations

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from kehoach_desktop.exchange.pdf.fonts import SERIF

QR_SIZE = 17 * mm


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
        widget = QrCodeWidget(self.payload, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0],
                          initialFontName=SERIF)
        drawing.add(widget)
        canvas.saveState()
        # Back to page coordinates: the flowable's origin is wherever the story ended.
        x, y = canvas.absolutePosition(0, 0)
        canvas.translate(-x, -y)
        left = page_width - 15 * mm - QR_SIZE
        renderPDF.draw(drawing, canvas, left, 2 * mm)
        canvas.setFont(SERIF, 6.5)
        canvas.drawRightString(left - 1.5 * mm, 4 * mm, self.caption)
        canvas.restoreState()
