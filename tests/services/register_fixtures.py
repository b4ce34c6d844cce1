"""Shared set-up of the register tests: a district workspace (Đống Đa) with its draft plan, and a JPEG maker."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest

from kehoach_desktop.domain.enums import MaterialType, WorkspaceMode
from kehoach_desktop.services.materials import MaterialInput
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup


@pytest.fixture
def district(new_location) -> Iterator[WorkspaceSession]:  # type: ignore[no-untyped-def]
    """A district workspace, on SQLite and on PostgreSQL (``new_location`` in tests/conftest.py)."""
    session = new_workspace(new_location("dongda"), WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    yield session
    session.close()


def banner(content: str = "Nhiệt liệt chào mừng Đại hội Đảng", **changes) -> MaterialInput:
    values = {"type": MaterialType.BANNER.value, "content": content, "quantity": 10, "ward": "Phường Láng Hạ",
              "address": "Đường Láng", "cost": 4_500_000, "supplier": "Công ty In Hà Nội"}
    values.update(changes)
    return MaterialInput(**values)


def jpeg_bytes(width: int = 400, height: int = 300, *, taken: dt.datetime | None = None,
               colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A JPEG made with Pillow, with an EXIF DateTimeOriginal when ``taken`` is given."""
    from PIL import Image

    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 7):  # some structure so that scaling matters
        image.putpixel((x, (x * 3) % height), (20, 20, 200))
    out = io.BytesIO()
    if taken is not None:
        exif = Image.Exif()
        exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()
