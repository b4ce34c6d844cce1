"""The audit log: what changed, when, and by whom.

"By whom" is the officer in charge named in the workspace's settings (kept in the entry's
``signer_profile`` column and shown to users) and the operating system's user (kept for the record).
"""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy.orm import Session

from kehoach_desktop.storage.models import AuditEntry, Setting

OFFICER_SETTING = "officer.name"


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment (some services, containers)
        return ""


def officer_name(session: Session) -> str:
    """The officer in charge, from the workspace's settings ("" when none was given); read once a transaction."""
    if OFFICER_SETTING not in session.info:
        with session.no_autoflush:  # a write half-way through is not flushed early by this read
            setting = session.get(Setting, OFFICER_SETTING)
        session.info[OFFICER_SETTING] = setting.value if setting is not None else ""
    return str(session.info[OFFICER_SETTING])


def set_officer_name(session: Session, name: str) -> None:
    """Store the officer in charge ("" removes it); later entries of this transaction name them."""
    setting = session.get(Setting, OFFICER_SETTING)
    if name:
        if setting is None:
            session.add(Setting(key=OFFICER_SETTING, value=name))
        else:
            setting.value = name
    elif setting is not None:
        session.delete(setting)
    session.info[OFFICER_SETTING] = name


def record(session: Session, *, unit_code: str, action: str, entity: str = "", entity_id: str = "",
           summary: str = "", details: dict[str, Any] | None = None, signer_profile: str | None = None) -> None:
    session.add(AuditEntry(
        unit_code=unit_code, os_user=os_user(),
        signer_profile=officer_name(session) if signer_profile is None else signer_profile, action=action,
        entity=entity, entity_id=entity_id, summary=summary, details=details or {},
    ))
