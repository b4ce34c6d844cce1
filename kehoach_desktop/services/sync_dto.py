"""Frozen read models of sync packages, receipts and template packages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kehoach_desktop.services.changes import Changes

# what a district sees of a package it sent, from the receipts the city sent back
SENT = "sent"
RECEIVED = "received"  # the city imported it; no decision yet
ACCEPTED = "accepted"
RETURNED = "returned"
REFUSED = "refused"

# whether the workspace knows the key a package is signed with
KEY_TRUSTED = "trusted"
KEY_NEW = "new"  # the first package of that unit: confirm the fingerprint
KEY_DIFFERENT = "different"  # another key is registered for the unit


@dataclass(frozen=True)
class ExportedPackage:
    path: str
    kind: str
    unit_code: str
    sequence: int
    period: str
    size: int
    sha256: str
    fingerprint: str
    record_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SentPackageRow:
    sequence: int
    period: str
    created_at: dt.datetime
    file_name: str
    size: int
    sha256: str
    fingerprint: str
    status: str  # SENT, RECEIVED, ACCEPTED, RETURNED, REFUSED
    reason: str = ""
    receipt_at: dt.datetime | None = None


@dataclass(frozen=True)
class SyncStatus:
    """The Gửi báo cáo page of a district: its key, the city's key, and every package sent."""

    unit_code: str
    unit_full_name: str
    key_fingerprint: str
    city_key_fingerprint: str  # "" until a receipt or template from the city was imported
    default_period: str
    periods: tuple[str, ...]
    packages: tuple[SentPackageRow, ...]


@dataclass(frozen=True)
class PackageCheck:
    """A verified package before import: what it is and whether its key is known."""

    path: str
    kind: str
    unit_code: str
    unit_name: str
    sequence: int
    period: str
    created_at: dt.datetime
    fingerprint: str
    key_state: str  # KEY_TRUSTED, KEY_NEW, KEY_DIFFERENT
    registered_fingerprint: str = ""


@dataclass(frozen=True)
class ImportOutcome:
    path: str
    kind: str
    unit_code: str
    sequence: int
    period: str
    sha256: str
    imported: bool  # False: the same package was imported before, nothing changed
    message: str
    record_counts: dict[str, int] = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)
    trusted_key: str = ""  # the fingerprint of the unit's key, when this import registered it
    template_code: str = ""  # of the template a template package brought


@dataclass(frozen=True)
class ReceivedPackageRow:
    id: str
    kind: str
    unit_code: str
    unit_name: str
    sequence: int
    period: str
    created_at: dt.datetime
    received_at: dt.datetime
    file_name: str
    size: int
    sha256: str
    status: str
    reason: str
    fingerprint: str
