"""The audit log: what changed, when, and by whom (the OS user and the signer profile)."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy.orm import Session

from kehoach_desktop.storage.models import AuditEntry


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment (some services, containers)
        return ""


def record(session: Session, *, unit_code: str, action: str, entity: str = "", entity_id: str = "",
           summary: str = "", details: dict[str, Any] | None = None, signer_profile: str = "") -> None:
    session.add(AuditEntry(
        unit_code=unit_code, os_user=os_user(), signer_profile=signer_profile, action=action,
        entity=entity, entity_id=entity_id, summary=summary, details=details or {},
    ))
