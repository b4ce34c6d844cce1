"""Photos stored in the workspace: downscaled, content-addressed, stored once, EXIF date read."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.materials import create_material
from kehoach_desktop.services.photos import add_photo, list_photos, photo_data, remove_photo
from kehoach_desktop.services.registers import get_history
from kehoach_desktop.storage.models import Attachment
from tests.services.register_fixtures import banner, district, jpeg_bytes  # noqa: F401


def test_a_large_photo_is_downscaled_and_its_exif_date_offered(district) -> None:  # noqa: F811
    f = district.uow_factory
    material_id, _ = create_material(uow_factory=f, values=banner())
    taken = dt.datetime(2021, 3, 12, 22, 30, 0)  # late evening in Hanoi: still the 12th locally
    added = add_photo(uow_factory=f, owner_type="material", owner_id=material_id,
                      data=jpeg_bytes(3200, 2000, taken=taken), name="pano.jpg")
    assert added.stored_new and (added.photo.width, added.photo.height) == (1600, 1000)
    assert added.photo.taken_on == dt.date(2021, 3, 12)
    assert added.photo.taken_at == dt.datetime(2021, 3, 12, 15, 30, tzinfo=dt.UTC)
    stored = Image.open(io.BytesIO(photo_data(uow_factory=f, sha256=added.photo.sha256)))
    assert stored.format == "JPEG" and max(stored.size) == 1600
    assert [p.sha256 for p in list_photos(uow_factory=f, owner_type="material", owner_id=material_id)] == [
        added.photo.sha256]
    assert get_history(uow_factory=f, entity_id=material_id)[0].action == "material.photo_add"


def test_the_same_photo_twice_is_stored_once(district) -> None:  # noqa: F811
    f = district.uow_factory
    first, _ = create_material(uow_factory=f, values=banner("Một"))
    second, _ = create_material(uow_factory=f, values=banner("Hai"))
    data = jpeg_bytes(2000, 1500)
    a = add_photo(uow_factory=f, owner_type="material", owner_id=first, data=data)
    again = add_photo(uow_factory=f, owner_type="material", owner_id=first, data=data)
    b = add_photo(uow_factory=f, owner_type="material", owner_id=second, data=data)
    assert a.stored_new and not again.stored_new and not b.stored_new
    assert a.photo.sha256 == again.photo.sha256 == b.photo.sha256 and again.photo.link_id == a.photo.link_id
    with f() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert len(list_photos(uow_factory=f, owner_type="material", owner_id=first)) == 1
    small = add_photo(uow_factory=f, owner_type="material", owner_id=first, data=jpeg_bytes(300, 200))
    assert (small.photo.width, small.photo.height) == (300, 200) and small.photo.taken_at is None
    remove_photo(uow_factory=f, link_id=a.photo.link_id)
    assert [p.sha256 for p in list_photos(uow_factory=f, owner_type="material", owner_id=first)] == [
        small.photo.sha256]
    dump = dump_workspace(uow_factory=f)
    assert len(dump["attachments"]) == 2 and len(dump["attachment_links"]) == 3


def test_a_file_that_is_not_a_picture_is_refused(district) -> None:  # noqa: F811
    material_id, _ = create_material(uow_factory=district.uow_factory, values=banner())
    with pytest.raises(UserFacingError, match=r"notes\.txt is not a picture"):
        add_photo(uow_factory=district.uow_factory, owner_type="material", owner_id=material_id,
                  data=b"just text", name="notes.txt")
