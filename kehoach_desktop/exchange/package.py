"""The signed package container shared by sync packages, receipts and template packages.

A package is a ZIP holding ``manifest.json`` (what the package is and the size and SHA-256
of every other file), the files it lists (JSON data under ``data/``, photos under
``attachments/``) and ``manifest.sig``: an Ed25519 signature over the exact bytes of
``manifest.json``. The format is documented in ``docs/sync-package.md``.

Reading verifies everything a hostile file could get wrong before any caller can use a
byte of it, cheapest first: the ZIP structure and its limits (no bombs), names (nothing outside
the package, no links, no duplicates), the signature, the format and version; then the caller's
check of the key (``check_key``: is it the unit's registered key?) *before* any data file is
read; then every file's size and hash, and the data files parsed within a budget of JSON values
(:class:`Limits`) so that no package, signed by whatever key, can make the reader use more than a
bounded amount of memory. Pure functions over paths and bytes: no storage, no Qt.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import errno
import hashlib
import json
import os
import re
import secrets
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kehoach_desktop.domain.errors import UserFacingError, os_reason
from kehoach_desktop.exchange.keys import fingerprint
from kehoach_desktop.i18n import _

FORMAT = "kehoach-sync"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"

KIND_DISTRICT_REPORT = "district-report"
KIND_CITY_TEMPLATE = "city-template"
KIND_RECEIPT = "receipt"
KINDS = (KIND_DISTRICT_REPORT, KIND_CITY_TEMPLATE, KIND_RECEIPT)
SUFFIX_OF_KIND = {KIND_DISTRICT_REPORT: ".khsync", KIND_CITY_TEMPLATE: ".khtemplate", KIND_RECEIPT: ".khreceipt"}

MEDIA_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}
_DATA_NAME = re.compile(r"^data/[a-z_]{1,40}\.json$")
_ATTACHMENT_NAME = re.compile(r"^attachments/([0-9a-f]{64})\.(jpg|png)$")
_PERIOD = re.compile(r"^\d{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])))?$")
_UNIT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """What a package may hold; anything beyond is refused before it is decompressed or parsed.

    The data limits are sized on the largest real unit: a district with 10,000 materials, 2,000
    tasks and 1,200 events sends about 14 MB of JSON holding 0.85 million values, and its first
    package of a year (the whole audit trail, 10,000 created materials) about 26 MB and 2 million
    values. Parsing is bounded by the count of values (every ``,``, ``:``, ``[`` and ``{`` starts at
    most one Python object), so that the most hostile data files within these limits parse in
    under 250 MB; a package beyond them is refused before a byte of its data is parsed.
    """

    max_file_size: int = 1 << 30  # the .khsync file itself (photos included)
    max_entries: int = 100_000
    max_entry_size: int = 32 << 20  # one photo (a photo is downscaled to 1600 px on import: about 0.5 MB)
    max_data_size: int = 64 << 20  # all the data files together, uncompressed
    max_json_values: int = 3_000_000  # all the data files together (see above)
    max_total_size: int = 1 << 31  # all files, uncompressed
    max_ratio: int = 200  # uncompressed / compressed, for entries above ratio_floor
    ratio_floor: int = 1 << 20
    max_manifest_size: int = 16 << 20


DEFAULT_LIMITS = Limits()


class PackageError(UserFacingError):
    """A package that cannot be used; the message names the file and says why."""


@dataclass(frozen=True)
class Attachment:
    sha256: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class WrittenPackage:
    path: Path
    size: int
    sha256: str
    fingerprint: str
    manifest: dict[str, Any]


@dataclass(frozen=True)
class PackageHead:
    """A package whose structure, signature and manifest have been checked (its data not read yet)."""

    path: Path
    size: int
    sha256: str  # of the whole file: the package's identity
    manifest: dict[str, Any]
    public_key: bytes
    fingerprint: str

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def unit_code(self) -> str:
        return str(self.manifest["unit_code"])

    @property
    def sequence(self) -> int:
        return int(self.manifest["sequence"])

    @property
    def period(self) -> str:
        return str(self.manifest.get("period", ""))

    @property
    def created_at(self) -> dt.datetime:
        return parse_timestamp(self.manifest["created_at"])


@dataclass(frozen=True)
class VerifiedPackage(PackageHead):
    """A package whose structure, signature, key (as the caller checked it) and hashes have been checked."""

    data: dict[str, Any] = field(default_factory=dict)  # "data/plans.json" -> parsed JSON
    attachment_entries: dict[str, str] = field(default_factory=dict)  # sha256 -> entry name

    def read_attachment(self, sha256: str) -> bytes:
        """Read a photo again from the file and check its hash (the file may have changed since)."""
        entry = self.attachment_entries[sha256]
        with _open_zip(self.path) as archive:
            data = _read_entry(archive, archive.getinfo(entry), self.path, DEFAULT_LIMITS.max_entry_size)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise PackageError(_("The package {name} changed while it was being imported; nothing was "
                                 "changed. Import it again.").format(name=self.path.name))
        return data


def timestamp(value: dt.datetime) -> str:
    """UTC ISO 8601 ending in ``Z``, as everywhere in the exchange formats."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def parse_timestamp(text: Any) -> dt.datetime:
    if not isinstance(text, str) or not text.endswith("Z"):
        raise ValueError(text)
    value = dt.datetime.fromisoformat(text[:-1] + "+00:00")
    return value.astimezone(dt.UTC)


def is_period(text: Any) -> bool:
    return isinstance(text, str) and bool(_PERIOD.match(text))


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# writing -------------------------------------------------------------------------------------
def build_manifest(*, kind: str, unit_code: str, unit_name: str, workspace_id: str, sequence: int, period: str,
                   created_at: dt.datetime, app_version: str, public_key: bytes,
                   files: Mapping[str, bytes], record_counts: Mapping[str, int]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": app_version,
        "kind": kind,
        "unit_code": unit_code,
        "unit_name": unit_name,
        "workspace_id": workspace_id,
        "sequence": sequence,
        "period": period,
        "created_at": timestamp(created_at),
        "files": [{"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(files.items())],
        "record_counts": dict(sorted(record_counts.items())),
        "public_key": base64.b64encode(public_key).decode("ascii"),
        "key_fingerprint": fingerprint(public_key),
    }


def write_package(path: Path, *, private_key: bytes, kind: str, unit_code: str, unit_name: str,
                  workspace_id: str, sequence: int, period: str, created_at: dt.datetime, app_version: str,
                  data: Mapping[str, Any], attachments: Mapping[str, Attachment] = (),  # type: ignore[assignment]
                  record_counts: Mapping[str, int] | None = None) -> WrittenPackage:
    """Write a signed package atomically: a temporary file in the same folder, then a rename.

    ``data`` maps a name (``plans``) to its JSON document (``data/plans.json``).
    """
    signer = Ed25519PrivateKey.from_private_bytes(private_key)
    public_key = signer.public_key().public_bytes_raw()
    files: dict[str, bytes] = {f"data/{name}.json": canonical_json(document) for name, document in data.items()}
    for attachment in dict(attachments).values():
        extension = MEDIA_EXTENSIONS.get(attachment.media_type, "jpg")
        files[f"attachments/{attachment.sha256}.{extension}"] = attachment.data
    counts = dict(record_counts) if record_counts is not None else {
        name: len(document) for name, document in data.items() if isinstance(document, list)}
    manifest = build_manifest(kind=kind, unit_code=unit_code, unit_name=unit_name, workspace_id=workspace_id,
                              sequence=sequence, period=period, created_at=created_at, app_version=app_version,
                              public_key=public_key, files=files, record_counts=counts)
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")
    signature = signer.sign(manifest_bytes)
    path = Path(path)
    try:
        handle, partial = _new_partial(path)
    except OSError as exc:
        raise PackageError(_("The file {path} cannot be written: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    try:
        with handle, zipfile.ZipFile(handle, "w") as archive:
            archive.writestr(_entry(MANIFEST), manifest_bytes, zipfile.ZIP_DEFLATED)
            for name, content in sorted(files.items()):
                method = zipfile.ZIP_STORED if name.startswith("attachments/") else zipfile.ZIP_DEFLATED
                archive.writestr(_entry(name), content, method)
            archive.writestr(_entry(SIGNATURE), signature, zipfile.ZIP_STORED)
            archive.close()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise PackageError(_("The file {path} cannot be written: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as written:
        for chunk in iter(lambda: written.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return WrittenPackage(path=path, size=size, sha256=digest.hexdigest(), fingerprint=fingerprint(public_key),
                          manifest=manifest)


def _new_partial(path: Path) -> tuple[IO[bytes], Path]:
    """A new hidden file beside ``path``, with the permissions of any document the user saves (0666 less the
    umask, 0644 usually): a package is sent to others, it is not a secret (``tempfile`` would make it 0600)."""
    for _attempt in range(100):
        partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        return os.fdopen(descriptor, "wb"), partial
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


# reading -------------------------------------------------------------------------------------
def _refuse(path: Path, message: str, details: list[str] | None = None) -> PackageError:
    return PackageError(_("{name}: {problem} Nothing was imported.").format(name=path.name, problem=message),
                        details=details)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _refuse(path, _("the file is not a package (it is not a ZIP archive, or it is damaged).")) from exc
    except OSError as exc:
        raise PackageError(_("The file {path} cannot be read: {reason}").format(
            path=path, reason=os_reason(exc))) from exc


def _stream_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limit: int) -> Iterator[bytes]:
    """The chunks of one entry, never decompressing more than its declared size or ``limit``."""
    if info.file_size > limit:
        raise _refuse(path, _("the entry {entry} is too large ({size} bytes; at most {limit}).").format(
            entry=info.filename, size=info.file_size, limit=limit))
    total = 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > info.file_size:
                    raise _refuse(path, _("the entry {entry} is larger than it claims to be (a ZIP bomb?).").format(
                        entry=info.filename))
                yield chunk
    except PackageError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, RuntimeError,
            NotImplementedError, zlib.error) as exc:  # zlib.error: damaged compressed data
        raise _refuse(path, _("the entry {entry} is damaged ({reason}).").format(
            entry=info.filename, reason=exc)) from exc
    if total != info.file_size:
        raise _refuse(path, _("the entry {entry} is damaged (its size is wrong).").format(entry=info.filename))


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limit: int) -> bytes:
    """Read one entry, never decompressing more than its declared size or ``limit``."""
    return b"".join(_stream_entry(archive, info, path, limit))


def json_values(content: bytes) -> int:
    """An upper bound of the Python objects parsing ``content`` can make: one per ``,`` ``:`` and two per bracket.

    Every value but the first of a container follows a comma, every key a colon; each container
    is one object and may hold one value without a comma. Counting is done in C, at memory speed.
    """
    return (content.count(b",") + content.count(b":")
            + 2 * (content.count(b"[") + content.count(b"{")) + 1)


def _check_names(archive: zipfile.ZipFile, path: Path, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _refuse(path, _("the package holds {count} files, more than the {limit} allowed.").format(
            count=len(infos), limit=limits.max_entries))
    entries: dict[str, zipfile.ZipInfo] = {}
    folded: set[str] = set()
    total = data_total = 0
    for info in infos:
        name = info.filename
        if (name.startswith(("/", "\\")) or "\\" in name or ":" in name or "\x00" in name
                or any(part in ("", ".", "..") for part in name.split("/"))):
            raise _refuse(path, _("the entry {entry} points outside the package.").format(entry=name))
        file_type = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver gave no Unix mode
        if info.is_dir() or file_type not in (0, stat.S_IFREG):
            raise _refuse(path, _("the entry {entry} is a link or a folder, not a file.").format(entry=name))
        if info.flag_bits & 0x1:
            raise _refuse(path, _("the entry {entry} is encrypted.").format(entry=name))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(path, _("the entry {entry} uses an unsupported compression.").format(entry=name))
        if name in entries or name.casefold() in folded:
            raise _refuse(path, _("the entry {entry} appears twice.").format(entry=name))
        limit = limits.max_data_size if name.startswith("data/") else limits.max_entry_size
        if info.file_size > limit:
            raise _refuse(path, _("the entry {entry} is too large ({size} bytes; at most {limit}).").format(
                entry=name, size=info.file_size, limit=limit))
        if (info.file_size > limits.ratio_floor
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise _refuse(path, _("the entry {entry} is compressed suspiciously well (a ZIP bomb?).").format(
                entry=name))
        total += info.file_size
        if total > limits.max_total_size:
            raise _refuse(path, _("the files of the package are too large together (at most {limit} bytes)."
                                  ).format(limit=limits.max_total_size))
        if name.startswith("data/"):
            data_total += info.file_size
            if data_total > limits.max_data_size:
                raise _refuse(path, _("the JSON files of the package are too large together ({size} bytes; at most "
                                      "{limit}).").format(size=data_total, limit=limits.max_data_size))
        entries[name] = info
        folded.add(name.casefold())
    return entries


def _check_manifest_fields(manifest: Any, path: Path) -> None:
    if not isinstance(manifest, dict):
        raise _refuse(path, _("manifest.json is not a JSON object."))
    if manifest.get("format") != FORMAT:
        raise _refuse(path, _("this is not a Kế hoạch Desktop package (format {format!r}).").format(
            format=manifest.get("format")))
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(path, _("the manifest has no valid format version."))
    if version > FORMAT_VERSION:
        raise _refuse(path, _("the package has format version {version}, newer than this application reads "
                              "({known}). Install the newer version of Kế hoạch Desktop.").format(
                                  version=version, known=FORMAT_VERSION))
    problems = []
    if manifest.get("kind") not in KINDS:
        problems.append(_("unknown kind {value!r}").format(value=manifest.get("kind")))
    if not isinstance(manifest.get("unit_code"), str) or not _UNIT_CODE.match(manifest["unit_code"]):
        problems.append(_("unit code {value!r}").format(value=manifest.get("unit_code")))
    if not isinstance(manifest.get("workspace_id"), str) or not _UUID.match(manifest["workspace_id"]):
        problems.append(_("workspace id {value!r}").format(value=manifest.get("workspace_id")))
    sequence = manifest.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 1 <= sequence < 2**31:
        problems.append(_("sequence number {value!r}").format(value=sequence))
    if not (manifest.get("period") == "" or is_period(manifest.get("period"))):
        problems.append(_("reporting period {value!r}").format(value=manifest.get("period")))
    try:
        if not 2000 <= parse_timestamp(manifest.get("created_at")).year <= 2200:  # year 9999 breaks local time
            raise ValueError(manifest.get("created_at"))
    except (ValueError, TypeError, OverflowError):
        problems.append(_("creation time {value!r}").format(value=manifest.get("created_at")))
    for name in ("app_version", "unit_name", "key_fingerprint"):
        if not isinstance(manifest.get(name), str):
            problems.append(_("field {field}").format(field=name))
    counts = manifest.get("record_counts")
    if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
        problems.append(_("record counts"))
    files = manifest.get("files")
    if not isinstance(files, list) or not all(
            isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("size"), int)
            and isinstance(f.get("sha256"), str) and re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in files):
        problems.append(_("list of files"))
    if problems:
        raise _refuse(path, _("the manifest is malformed."), problems)


def read_package_head(path: Path, *, limits: Limits = DEFAULT_LIMITS,
                      kinds: tuple[str, ...] = KINDS) -> PackageHead:
    """Open a package and verify its structure, signature and manifest; no data file is read."""
    path = Path(path)
    size, sha256 = _whole_file(path, limits)
    with _open_zip(path) as archive:
        head, _entries = _read_head(archive, path, size, sha256, limits, kinds)
    return head


def read_package(path: Path, *, limits: Limits = DEFAULT_LIMITS, kinds: tuple[str, ...] = KINDS,
                 check_key: Callable[[PackageHead], None] | None = None) -> VerifiedPackage:
    """Open and verify a package; raise :class:`PackageError` naming the file and the problem.

    ``check_key(head)`` is called once the signature is verified and before any data file is read
    or parsed: a package signed by a key that is not the unit's costs no more than its manifest.
    """
    path = Path(path)
    size, sha256 = _whole_file(path, limits)
    with _open_zip(path) as archive:
        head, entries = _read_head(archive, path, size, sha256, limits, kinds)
        if check_key is not None:
            check_key(head)
        data: dict[str, Any] = {}
        attachments: dict[str, str] = {}
        budget = limits.max_json_values
        for item in sorted(head.manifest["files"], key=lambda f: f["path"]):
            name = item["path"]
            info = entries[name]
            if match := _ATTACHMENT_NAME.match(name):
                _check_entry(archive, info, path, limits.max_entry_size, item["sha256"])
                if match.group(1) != item["sha256"]:
                    raise _refuse(path, _("the photo {entry} is not named by its SHA-256.").format(entry=name))
                attachments[item["sha256"]] = name
                continue
            budget -= _check_entry(archive, info, path, limits.max_data_size, item["sha256"], count_values=True)
            if budget < 0:
                raise _refuse(path, _("its JSON files hold more values than the package of the largest reporting "
                                      "unit (at most {limit}); it was refused before they were read.").format(
                    limit=f"{limits.max_json_values:,}".replace(",", ".")))
            data[name] = _load_json(archive, info, path, limits.max_data_size, item["sha256"])
    return VerifiedPackage(path=head.path, size=head.size, sha256=head.sha256, manifest=head.manifest,
                           public_key=head.public_key, fingerprint=head.fingerprint, data=data,
                           attachment_entries=attachments)


def _hash_mismatch(path: Path, name: str) -> PackageError:
    return _refuse(path, _("the SHA-256 of {entry} does not match the manifest: the file was changed or "
                           "damaged.").format(entry=name))


def _check_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limit: int, sha256: str, *,
                 count_values: bool = False) -> int:
    """Check an entry's hash while streaming it (nothing kept); with ``count_values``, its :func:`json_values`."""
    digest = hashlib.sha256()
    values = 1
    for chunk in _stream_entry(archive, info, path, limit):
        digest.update(chunk)
        if count_values:
            values += json_values(chunk) - 1
    if digest.hexdigest() != sha256:
        raise _hash_mismatch(path, info.filename)
    return values


def _load_json(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limit: int, sha256: str) -> Any:
    """Read an entry (again, into one buffer), check its hash once more and parse it; at most its size, its text
    and the objects the value budget allowed are in memory at once."""
    content = bytearray(info.file_size)
    view = memoryview(content)
    position = 0
    for chunk in _stream_entry(archive, info, path, limit):
        view[position:position + len(chunk)] = chunk
        position += len(chunk)
    view.release()
    if hashlib.sha256(content).hexdigest() != sha256:  # the file changed since the first reading
        raise _hash_mismatch(path, info.filename)
    try:
        text = content.decode("utf-8")
        del content
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # ValueError: a 5,000-digit number too
        raise _refuse(path, _("{entry} is not valid JSON.").format(entry=info.filename)) from exc


def _whole_file(path: Path, limits: Limits) -> tuple[int, str]:
    """The file's size and SHA-256 (its identity), refusing a file too large before reading it."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_size:
            raise _refuse(path, _("the file is too large for a package ({size} bytes; at most {limit}).").format(
                size=size, limit=limits.max_file_size))
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise PackageError(_("The file {path} cannot be read: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    if not zipfile.is_zipfile(path):
        raise _refuse(path, _("the file is not a package (it is not a ZIP archive, or it is damaged)."))
    return size, digest.hexdigest()


def _read_head(archive: zipfile.ZipFile, path: Path, size: int, sha256: str, limits: Limits,
               kinds: tuple[str, ...]) -> tuple[PackageHead, dict[str, zipfile.ZipInfo]]:
    entries = _check_names(archive, path, limits)
    if MANIFEST not in entries:
        raise _refuse(path, _("the package has no manifest.json."))
    if SIGNATURE not in entries:
        raise _refuse(path, _("the package is not signed (manifest.sig is missing)."))
    manifest_bytes = _read_entry(archive, entries[MANIFEST], path, limits.max_manifest_size)
    signature = _read_entry(archive, entries[SIGNATURE], path, 1024)
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _refuse(path, _("manifest.json is not valid JSON.")) from exc
    public_key = _public_key(manifest, path)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, manifest_bytes)
    except (InvalidSignature, ValueError) as exc:
        raise _refuse(path, _("the signature does not match the manifest: the package was changed after it "
                              "was signed, or it is forged.")) from exc
    _check_manifest_fields(manifest, path)
    if manifest["key_fingerprint"] != fingerprint(public_key):
        raise _refuse(path, _("the key fingerprint in the manifest does not match its key."))
    if manifest["kind"] not in kinds:
        raise _refuse(path, _("this is a package of kind {kind}, which cannot be imported here.").format(
            kind=manifest["kind"]))
    listed: dict[str, dict[str, Any]] = {}
    for item in manifest["files"]:
        name = item["path"]
        if name in listed:
            raise _refuse(path, _("the manifest lists {entry} twice.").format(entry=name))
        if not (_DATA_NAME.match(name) or _ATTACHMENT_NAME.match(name)):
            raise _refuse(path, _("the manifest lists a file with a name not allowed: {entry}.").format(
                entry=name))
        listed[name] = item
    present = set(entries) - {MANIFEST, SIGNATURE}
    if missing := sorted(set(listed) - present):
        raise _refuse(path, _("files listed in the manifest are missing."), missing)
    if extra := sorted(present - set(listed)):
        raise _refuse(path, _("the package holds files its manifest does not list."), extra)
    for name, item in listed.items():
        if entries[name].file_size != item["size"]:
            raise _refuse(path, _("the size of {entry} does not match the manifest.").format(entry=name))
    head = PackageHead(path=path, size=size, sha256=sha256, manifest=manifest, public_key=public_key,
                       fingerprint=fingerprint(public_key))
    return head, entries


def _public_key(manifest: Any, path: Path) -> bytes:
    raw = manifest.get("public_key") if isinstance(manifest, dict) else None
    try:
        key = base64.b64decode(raw, validate=True) if isinstance(raw, str) else b""
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise _refuse(path, _("the manifest carries no valid public key."))
    return key
