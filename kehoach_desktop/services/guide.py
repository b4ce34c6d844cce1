"""The bundled user guide: its chapters in each language, its screenshots, its printable copy."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.guide import Guide, parse_guide
from kehoach_desktop.i18n import _
from kehoach_desktop.resources import resources_dir

GUIDE_FOLDER = "guide"
IMAGES_FOLDER = "images"


def guide_dir(language: str) -> Path:
    return resources_dir() / GUIDE_FOLDER / language


def images_dir(language: str) -> Path:
    return guide_dir(language) / IMAGES_FOLDER


def chapter_files(language: str) -> list[Path]:
    """The chapter files in reading order (their names start with a two-digit number)."""
    return sorted(guide_dir(language).glob("[0-9][0-9]-*.md"))


@cache
def load_guide(language: str) -> Guide:
    """The guide in ``language`` (``vi`` or ``en``); read once, the files being part of the program."""
    files = [(f"{language}/{path.name}", path.read_text(encoding="utf-8")) for path in chapter_files(language)]
    return parse_guide(language, files)


def write_guide_pdf(*, language: str, out: Path | str) -> int:
    """Write the printable guide (A4, fonts embedded) to ``out``; returns its number of pages."""
    from kehoach_desktop.exchange.pdf.guide_pdf import build_guide_pdf
    from kehoach_desktop.services.reports import write_atomically

    out = Path(out)
    if not out.parent.is_dir():  # said at once, not after the whole guide is built (seconds)
        raise UserFacingError(_("The file {path} cannot be written: {reason}").format(
            path=out, reason=_("the folder {folder} does not exist").format(folder=out.parent)))
    guide = load_guide(language)
    data, pages = build_guide_pdf(guide, images_dir(language))
    write_atomically(out, data)
    return pages
