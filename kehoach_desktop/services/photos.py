"""Photos of materials and events, stored in the workspace once, addressed by SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from kehoach_desktop.domain.errors import UserFacingError, ValidationError, os_reason
from kehoach_desktop.exchange.images import VIETNAM, prepare_photo
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.storage.models import Attachment, AttachmentLink, Event, Material, utcnow
from kehoach_desktop.storage.uow import UnitOfWorkFactory

OWNERS = {"material": Material, "event": Event}
MAX_FILE_BYTES = 60 * 1024 * 1024


@dataclass(frozen=True)
class PhotoInfo:
    link_id: str
    sha256: str
    width: int | None
    height: int | None
    size: int
    taken_at: dt.datetime | None
    caption: str

    @property
    def taken_on(self) -> dt.date | None:
        """The local (Vietnam) day the photo was taken, when the camera said so."""
        return self.taken_at.astimezone(VIETNAM).date() if self.taken_at else None


@dataclass(frozen=True)
class PhotoAdded:
    photo: PhotoInfo
    stored_new: bool  # False when the same picture was already in the workspace
    changes: Changes


def _changes(owner_type: str) -> Changes:
    return Changes(materials=True) if owner_type == "material" else Changes(events=True)


def _owner(session, owner_type: str, owner_id: str):  # type: ignore[no-untyped-def]
    model = OWNERS.get(owner_type)
    record = session.get(model, owner_id) if model is not None else None
    if record is None or record.deleted_at is not None:
        raise ValidationError(_("The record to attach the photo to no longer exists."))
    return record


def read_photo_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserFacingError(_("The file {name} is too large for a photo (more than 60 MB).").format(
                name=path.name))
        return path.read_bytes()
    except OSError as exc:
        raise UserFacingError(_("The file {name} cannot be read: {reason}").format(
            name=path.name, reason=os_reason(exc))) from exc


def add_photo(*, uow_factory: UnitOfWorkFactory, owner_type: str, owner_id: str, data: bytes,
              name: str = "") -> PhotoAdded:
    """Downscale and store ``data``; the same picture is stored once and linked once per record."""
    prepared = prepare_photo(data, name=name)
    sha = hashlib.sha256(prepared.data).hexdigest()
    with uow_factory() as uow:
        s = uow.session
        owner = _owner(s, owner_type, owner_id)
        attachment = s.get(Attachment, sha)
        stored_new = attachment is None
        if attachment is None:
            attachment = Attachment(sha256=sha, media_type="image/jpeg", size=len(prepared.data),
                                    width=prepared.width, height=prepared.height,
                                    taken_at=prepared.taken_at.astimezone(dt.UTC) if prepared.taken_at else None,
                                    data=prepared.data)
            s.add(attachment)
        link = s.scalars(select(AttachmentLink).where(
            AttachmentLink.owner_type == owner_type, AttachmentLink.owner_id == owner_id,
            AttachmentLink.sha256 == sha)).first()
        if link is None or link.deleted_at is not None:
            if link is None:
                position = s.scalar(select(func.coalesce(func.max(AttachmentLink.position), -1)).where(
                    AttachmentLink.owner_id == owner_id)) + 1
                link = AttachmentLink(unit_code=owner.unit_code, owner_type=owner_type, owner_id=owner_id,
                                      sha256=sha, caption=name, position=position)
                s.add(link)
            link.deleted_at = None
            s.flush()
            audit.record(s, unit_code=owner.unit_code, action=f"{owner_type}.photo_add", entity=owner_type,
                         entity_id=owner_id, summary=_("Photo added: {name}").format(name=name or sha[:12]),
                         details={"sha256": sha, "link": link.id})
        info = _info(link, attachment)
        uow.commit()
        return PhotoAdded(info, stored_new, _changes(owner_type))


def _info(link: AttachmentLink, attachment: Attachment) -> PhotoInfo:
    return PhotoInfo(link.id, attachment.sha256, attachment.width, attachment.height, attachment.size,
                     attachment.taken_at, link.caption)


def list_photos(*, uow_factory: UnitOfWorkFactory, owner_type: str, owner_id: str) -> tuple[PhotoInfo, ...]:
    with uow_factory() as uow:
        rows = uow.session.execute(select(AttachmentLink, Attachment).join(
            Attachment, Attachment.sha256 == AttachmentLink.sha256).where(
            AttachmentLink.owner_type == owner_type, AttachmentLink.owner_id == owner_id,
            AttachmentLink.deleted_at.is_(None)).order_by(AttachmentLink.position)).all()
        return tuple(_info(link, attachment) for link, attachment in rows)


def photo_data(*, uow_factory: UnitOfWorkFactory, sha256: str) -> bytes:
    with uow_factory() as uow:
        data = uow.session.scalar(select(Attachment.data).where(Attachment.sha256 == sha256))
        if data is None:
            raise UserFacingError(_("This photo is no longer in the workspace."))
        return data


def remove_photo(*, uow_factory: UnitOfWorkFactory, link_id: str) -> Changes:
    """Detach a photo from its record (kept in the workspace for audit and sync)."""
    with uow_factory() as uow:
        s = uow.session
        link = s.get(AttachmentLink, link_id)
        if link is None or link.deleted_at is not None:
            return Changes()
        link.deleted_at = utcnow()
        audit.record(s, unit_code=link.unit_code, action=f"{link.owner_type}.photo_remove", entity=link.owner_type,
                     entity_id=link.owner_id, summary=_("Photo removed: {name}").format(
                         name=link.caption or link.sha256[:12]), details={"sha256": link.sha256})
        uow.commit()
        return _changes(link.owner_type)


def photo_counts(*, uow_factory: UnitOfWorkFactory, owner_ids: list[str]) -> dict[str, int]:
    if not owner_ids:
        return {}
    with uow_factory() as uow:
        return dict(uow.session.execute(select(AttachmentLink.owner_id, func.count()).where(
            AttachmentLink.owner_id.in_(owner_ids), AttachmentLink.deleted_at.is_(None))
            .group_by(AttachmentLink.owner_id)).all())
