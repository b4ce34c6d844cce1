"""Photos in: decode, turn upright, downscale to a long side of at most 1600 px, encode as JPEG.

Pure Pillow work, so that it runs without Qt. The output is deterministic for the same
input, which is what lets the workspace store the same photo only once.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.i18n import _

MAX_SIDE = 1600
JPEG_QUALITY = 85
MAX_PIXELS = 80_000_000  # a 80-megapixel photo is real; beyond, refuse (decompression bombs)
VIETNAM = dt.timezone(dt.timedelta(hours=7))

_EXIF_IFD = 0x8769
_PLAUSIBLE_YEARS = (1990, 2200)  # a photo's date outside these is a camera's unset clock, not a date to keep
_DATETIME_ORIGINAL = 36867
_OFFSET_TIME_ORIGINAL = 36881
_DATETIME = 306


@dataclass(frozen=True)
class PreparedImage:
    data: bytes  # JPEG
    width: int
    height: int
    taken_at: dt.datetime | None  # aware; from EXIF DateTimeOriginal when present


def _exif_taken_at(image: object) -> dt.datetime | None:
    try:
        exif = image.getexif()  # type: ignore[attr-defined]
        sub = exif.get_ifd(_EXIF_IFD)
        raw = sub.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        if not raw:
            return None
        text = raw.decode("ascii", "replace") if isinstance(raw, bytes) else str(raw)
        taken = dt.datetime.strptime(text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
        zone = VIETNAM  # cameras write local time without a zone; the product is used in Vietnam
        offset = sub.get(_OFFSET_TIME_ORIGINAL)
        if offset:
            sign = -1 if str(offset).startswith("-") else 1
            hours, minutes = str(offset).lstrip("+-").split(":")[:2]
            zone = dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
        if not _PLAUSIBLE_YEARS[0] <= taken.year <= _PLAUSIBLE_YEARS[1]:
            return None  # a camera with its clock unset (year 0001) or a forged date (9999): no date, not an error
        return taken.replace(tzinfo=zone)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
        return None


def prepare_photo(raw: bytes, *, name: str = "") -> PreparedImage:
    """Decode ``raw`` (JPEG, PNG, …) into the stored form; refuses what is not a picture."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            taken_at = _exif_taken_at(image)
            if image.format == "JPEG":
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at a reduced scale when it can
            image = ImageOps.exif_transpose(image)
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise UserFacingError(_("The file {name} is not a picture this application can read.").format(
            name=name or _("(unnamed)"))) from exc
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreparedImage(out.getvalue(), image.width, image.height, taken_at)


def thumbnail(data: bytes, size: int = 160) -> bytes:
    """A small JPEG of a stored photo (for lists and reports)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (size, size))
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()
