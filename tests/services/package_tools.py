"""Building packages by hand for tests: genuine ones taken apart, changed and put back together."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.exchange.keys import generate_keypair
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup


def unpack(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and the other files of a package (signature left out)."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = {name: archive.read(name) for name in archive.namelist()
                 if name not in ("manifest.json", "manifest.sig")}
    return manifest, files


def sign(manifest_bytes: bytes, private_key: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(manifest_bytes)


def rehash(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    manifest["files"] = [{"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                         for name, data in sorted(files.items())]


def manifest_bytes_of(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")


def write_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


def repack(source: Path, target: Path, private_key: bytes, *,
           edit_data: Callable[[dict[str, Any]], None] | None = None,
           edit_manifest: Callable[[dict[str, Any]], None] | None = None,
           edit_files: Callable[[dict[str, bytes]], None] | None = None,
           rehash_files: bool = True, signature: bytes | None = None) -> Path:
    """Take ``source`` apart, change it, and sign it again with ``private_key`` (a well-formed forgery)."""
    manifest, files = unpack(source)
    if edit_data is not None:
        data = {name: json.loads(content) for name, content in files.items() if name.startswith("data/")}
        edit_data(data)
        for name, document in data.items():
            files[name] = json.dumps(document, ensure_ascii=False).encode("utf-8")
    if edit_files is not None:
        edit_files(files)
    if rehash_files:
        rehash(manifest, files)
    if edit_manifest is not None:
        edit_manifest(manifest)
    raw = manifest_bytes_of(manifest)
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [("manifest.json", raw)]
    entries += sorted(files.items())
    entries.append(("manifest.sig", signature if signature is not None else sign(raw, private_key)))
    return write_zip(target, entries)


def new_key() -> tuple[bytes, bytes]:
    pair = generate_keypair()
    return pair.private_bytes, pair.public_bytes


def new_city(path: Path) -> WorkspaceSession:
    return new_workspace(path, WorkspaceSetup(mode=WorkspaceMode.CITY))


def content_of(session: WorkspaceSession) -> dict[str, Any]:
    """The dump without its audit trail: what "unchanged in content" compares."""
    dump = dump_workspace(uow_factory=session.uow_factory)
    dump.pop("audit")
    return dump


def unit_view(dump: dict[str, Any], unit_code: str) -> dict[str, Any]:
    """One unit's records in a dump, with each plan's template named by its code (ids differ per workspace)."""
    codes = {t["id"]: t["code"] for t in dump["templates"]}
    plans = [{**plan, "template_id": codes[plan["template_id"]]} for plan in dump["plans"]
             if plan["unit_code"] == unit_code]
    view = {"plans": plans}
    for key in ("responsible_units", "materials", "events", "attachment_links"):
        view[key] = [row for row in dump[key] if row["unit_code"] == unit_code]
    shas = {link["sha256"] for link in view["attachment_links"]}
    view["attachments"] = [a for a in dump["attachments"] if a["sha256"] in shas]
    return view


def private_key_of(session: WorkspaceSession) -> bytes:
    from sqlalchemy import select

    from kehoach_desktop.storage.models import WorkspaceInfo

    with session.uow_factory() as uow:
        return uow.session.scalars(select(WorkspaceInfo.signing_private_key)).one()
