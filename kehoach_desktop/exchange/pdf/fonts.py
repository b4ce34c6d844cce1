"""The bundled fonts: Liberation Serif (Times New Roman metrics, full Vietnamese) for documents,
Noto Serif (1000 units per em) for the signature stamp. Both OFL-1.1, licences beside them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kehoach_desktop.resources import resources_dir

SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"
_FILES = {SERIF: "LiberationSerif-Regular.ttf", SERIF_BOLD: "LiberationSerif-Bold.ttf",
          SERIF_ITALIC: "LiberationSerif-Italic.ttf", SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf"}
STAMP_FONT_FILE = "NotoSerif-Regular.ttf"


def font_path(file_name: str) -> Path:
    return resources_dir() / "fonts" / file_name


@cache
def register_fonts() -> None:
    """Register the four styles and the family, so ``<b>`` and ``<i>`` in paragraphs pick the right file."""
    for name, file_name in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_path(file_name))))
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC,
                                  boldItalic=SERIF_BOLD_ITALIC)
    for bold, italic, name in ((0, 0, SERIF), (1, 0, SERIF_BOLD), (0, 1, SERIF_ITALIC), (1, 1, SERIF_BOLD_ITALIC)):
        addMapping(SERIF, bold, italic, name)


def stamp_font_path() -> Path:
    return font_path(STAMP_FONT_FILE)
