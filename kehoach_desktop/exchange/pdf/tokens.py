"""Finding the signing tokens (USB keys, smart cards) on this computer through their PKCS#11 libraries.

Vendor libraries are native code of uneven quality: one can hang, or crash the process that loads it. So each
library is *probed* in a child process of its own (``kehoach token probe LIB --out FILE``) under a time limit, and
the application only reads the JSON the child wrote. Which libraries to try: the best-effort list in
``resources/reference/pkcs11-libraries.toml``, the modules registered with p11-kit (Linux), and any the user chose.

Signing itself opens the chosen token in-process (:func:`open_session`), by its serial number and label rather
than its slot number, which changes when keys are plugged in another order.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.i18n import _
from kehoach_desktop.resources import resources_dir

log = logging.getLogger(__name__)
PROBE_TIMEOUT = 20.0  # seconds a library may take to list its tokens (a slow card reader takes a few)
_VARIABLE = re.compile(r"%([^%]+)%|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class TokenCertificate:
    cert_id: str  # CKA_ID, hex: the private key has the same id
    holder: str  # the subject's common name: the person (or unit) the certificate was issued to
    organisation: str  # the subject's organisation, "" when absent
    issuer: str  # the issuing CA's common name
    valid_until: str  # ISO date


@dataclass(frozen=True)
class FoundToken:
    library: str
    slot: int  # index among the library's slots (what --slot and pyHanko's slot_no mean)
    label: str
    serial: str  # hex of the token's serial number field, to find the same token again
    manufacturer: str
    certificates: tuple[TokenCertificate, ...] = ()

    @property
    def serial_text(self) -> str:
        return bytes.fromhex(self.serial).decode("ascii", "replace").strip()


@dataclass(frozen=True)
class LibraryProbe:
    library: str
    tokens: tuple[FoundToken, ...] = ()
    problem: str = ""  # why the library could not be used, in the interface language; "" when it answered


# --------------------------------------------------------------------------------------------
# Which libraries to try
# --------------------------------------------------------------------------------------------


def system_key(platform: str = sys.platform) -> str:
    if platform.startswith("win"):
        return "windows"
    return "macos" if platform == "darwin" else "linux"


def known_libraries_file() -> Path:
    return resources_dir() / "reference" / "pkcs11-libraries.toml"


def expand_path(text: str, environ: Mapping[str, str], home: str) -> str | None:
    """``%NAME%``, ``$NAME``, ``${NAME}`` and a leading ``~``; None when a variable is not set."""
    folded = {key.upper(): value for key, value in environ.items()}  # Windows' variables ignore case
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        name = next(group for group in match.groups() if group)
        found = folded.get(name.upper())
        if found is None:
            missing = True
            return ""
        return found

    expanded = _VARIABLE.sub(value, text)
    if expanded.startswith("~"):
        expanded = home + expanded[1:]
    return None if missing else expanded


def _p11_kit_modules(config: Mapping[str, Any], home: str) -> list[str]:
    """The ``module:`` lines of p11-kit's module files; a bare file name lives in one of the module folders."""
    skip = {name.lower() for name in config.get("skip", ())}
    found = []
    for folder_text in config.get("config_folders", ()):
        folder = Path(home + folder_text[1:] if folder_text.startswith("~") else folder_text)
        try:
            files = sorted(folder.glob("*.module"))
        except OSError:
            continue
        for module_file in files:
            try:
                lines = module_file.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            for line in lines:
                key, _sep, value = line.partition(":")
                module = value.strip()
                if key.strip() != "module" or not module or Path(module).name.lower() in skip:
                    continue
                if os.path.isabs(module):
                    found.append(module)
                else:
                    found.extend(str(Path(base) / module) for base in config.get("module_folders", ()))
    return found


def candidate_libraries(*, system: str | None = None, environ: Mapping[str, str] | None = None,
                        home: str | None = None, known: Path | None = None,
                        extra: Iterable[str] = ()) -> list[str]:
    """The PKCS#11 libraries present on this computer, in the order to try them, each once.

    ``extra`` (libraries the user chose) come first. A list file that cannot be read is logged and skipped:
    discovery then relies on p11-kit and on what the user browses to.
    """
    system = system or system_key()
    environ = os.environ if environ is None else environ
    home = home if home is not None else str(Path.home())
    try:
        config = tomllib.loads((known or known_libraries_file()).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("the list of PKCS#11 libraries cannot be read: %s", exc)
        config = {}
    patterns: list[str] = list(extra)
    folders = config.get("folders", {}).get(system, ())
    for vendor in config.get("vendor", ()):
        patterns.extend(vendor.get(system, ()))
        for name in vendor.get("names", ()):
            patterns.extend(folder.rstrip("\\/") + ("\\" if "\\" in folder else "/") + name for folder in folders)
    if system == "linux":
        patterns.extend(_p11_kit_modules(config.get("p11-kit", {}), home))
    seen: set[str] = set()
    result = []
    for pattern in patterns:
        expanded = expand_path(pattern, environ, home)
        if not expanded:
            continue
        matches = sorted(glob.glob(expanded)) if "*" in expanded else [expanded]
        for path in matches:
            if not os.path.isfile(path):
                continue
            key = os.path.normcase(os.path.realpath(path))
            if key not in seen:
                seen.add(key)
                result.append(path)
    return result


def library_folder(*, system: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Where to start browsing for a library: where the CAs' installers put them (System32), else /usr/lib."""
    system = system or system_key()
    environ = os.environ if environ is None else environ
    try:
        config = tomllib.loads(known_libraries_file().read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        config = {}
    for folder in config.get("folders", {}).get(system, ()):
        expanded = expand_path(folder, environ, str(Path.home()))
        if expanded and os.path.isdir(expanded):
            return expanded
    fallback = "/usr/lib" if system == "linux" else "/usr/local/lib" if system == "macos" else ""
    return fallback if fallback and os.path.isdir(fallback) else ""


# --------------------------------------------------------------------------------------------
# Probing a library: in the child process, and from the parent
# --------------------------------------------------------------------------------------------


def _certificate(value: bytes, cert_id: bytes) -> TokenCertificate | None:
    """An end-entity certificate as a person reads it; None for a CA's (tokens often carry their chain)."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    certificate = x509.load_der_x509_certificate(value)
    try:
        if certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return None
    except x509.ExtensionNotFound:
        pass

    def first(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
        values = name.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    return TokenCertificate(
        cert_id=cert_id.hex(), holder=first(certificate.subject, NameOID.COMMON_NAME),
        organisation=first(certificate.subject, NameOID.ORGANIZATION_NAME),
        issuer=first(certificate.issuer, NameOID.COMMON_NAME),
        valid_until=certificate.not_valid_after_utc.date().isoformat())


def _token_certificates(token: Any) -> tuple[TokenCertificate, ...]:
    """The certificates readable without the PIN (most tokens keep them public)."""
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    found = []
    try:
        with token.open() as session:
            for item in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                try:
                    value, cert_id = item[Attribute.VALUE], item[Attribute.ID]
                    certificate = _certificate(bytes(value), bytes(cert_id))
                except (pkcs11.PKCS11Error, ValueError, TypeError) as exc:
                    log.info("a certificate on token %r cannot be read: %s", token.label, exc)
                    continue
                if certificate is not None:
                    found.append(certificate)
    except pkcs11.PKCS11Error as exc:  # some tokens refuse a session before the PIN
        log.info("token %r lists no certificate before login: %s", token.label, exc)
    return tuple(found)


def probe_here(library: str) -> LibraryProbe:
    """Load the library in this process and list its tokens. Meant for the child process only."""
    import pkcs11
    from pkcs11 import SlotFlag, TokenFlag

    lib = pkcs11.lib(library)
    tokens = []
    for index, slot in enumerate(lib.get_slots()):
        if not slot.flags & SlotFlag.TOKEN_PRESENT:
            continue
        try:
            token = slot.get_token()
        except pkcs11.PKCS11Error:
            continue
        if not token.flags & TokenFlag.TOKEN_INITIALIZED:  # SoftHSM's spare slot, a blank card
            continue
        tokens.append(FoundToken(
            library=library, slot=index, label=str(token.label).strip(), serial=bytes(token.serial).hex(),
            manufacturer=str(token.manufacturer_id).strip(), certificates=_token_certificates(token)))
    return LibraryProbe(library, tuple(tokens))


def write_probe(library: str, out: Path) -> int:
    """The child's work: probe, write JSON to ``out``; 0 if the library answered, 1 if it refused to load."""
    try:
        payload: dict[str, Any] = asdict(probe_here(library))
        code = 0
    except Exception as exc:  # any failure of a foreign library is an answer, not a crash
        payload = {"library": library, "error": f"{type(exc).__name__}: {exc}".strip().rstrip(":")}
        code = 1
    out.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return code


def _from_json(payload: Mapping[str, Any], library: str) -> LibraryProbe:
    tokens = tuple(
        FoundToken(library=library, slot=int(t["slot"]), label=str(t["label"]), serial=str(t["serial"]),
                   manufacturer=str(t["manufacturer"]),
                   certificates=tuple(TokenCertificate(**c) for c in t.get("certificates", ())))
        for t in payload.get("tokens", ()))
    return LibraryProbe(library, tokens)


def probe_command(library: str, out: Path) -> list[str]:
    """This program again: the bundle's executable takes the command line itself; a Python install runs -m."""
    own = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "kehoach_desktop"]
    return [*own, "token", "probe", library, "--out", str(out)]


def probe(library: str, *, timeout: float = PROBE_TIMEOUT) -> LibraryProbe:
    """List a library's tokens from a child process; a hang, a crash or a refusal becomes ``problem``."""
    name = Path(library).name
    with tempfile.TemporaryDirectory(prefix="kehoach-token-") as folder:
        out = Path(folder) / "probe.json"
        try:
            done = subprocess.run(probe_command(library, out), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=timeout, check=False,
                                  creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except subprocess.TimeoutExpired:
            log.warning("PKCS#11 library %s did not answer within %s s", library, timeout)
            return LibraryProbe(library, problem=_("The library {name} did not answer within {seconds} seconds.")
                                .format(name=name, seconds=round(timeout)))
        except OSError as exc:
            return LibraryProbe(library, problem=_("The library {name} could not be tried: {reason}").format(
                name=name, reason=exc.strerror or exc))
        try:
            payload = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("PKCS#11 library %s stopped its probe (exit code %s): %s", library, done.returncode,
                        done.stderr.decode("utf-8", "replace")[-2000:])
            return LibraryProbe(library, problem=_("The library {name} stopped abruptly (exit code {code}): it "
                                                   "is not a working PKCS#11 library for this computer.").format(
                name=name, code=done.returncode))
    if "error" in payload:
        log.info("PKCS#11 library %s refused: %s", library, payload["error"])
        return LibraryProbe(library, problem=_("The library {name} cannot be used: {reason}").format(
            name=name, reason=payload["error"]))
    return _from_json(payload, library)


def discover(libraries: Sequence[str], *, timeout: float = PROBE_TIMEOUT,
             prober: Callable[..., LibraryProbe] = probe) -> list[LibraryProbe]:
    """Probe the libraries side by side (each in its own process); the answers in the order given."""
    if not libraries:
        return []
    with ThreadPoolExecutor(max_workers=min(4, len(libraries))) as pool:
        return list(pool.map(lambda library: prober(library, timeout=timeout), libraries))


def found_tokens(probes: Iterable[LibraryProbe]) -> list[FoundToken]:
    """Every token once: one seen through two libraries (a vendor's and OpenSC) is kept from the first."""
    seen: set[tuple[str, str]] = set()
    tokens = []
    for result in probes:
        for token in result.tokens:
            key = (token.serial, token.label)
            if key not in seen:
                seen.add(key)
                tokens.append(token)
    return tokens


@dataclass(frozen=True)
class Choice:
    """One line of the signing dialog: a certificate on a token (or a token whose certificates need the PIN)."""

    token: FoundToken
    certificate: TokenCertificate | None = None


def choices(tokens: Iterable[FoundToken]) -> list[Choice]:
    result = []
    for token in tokens:
        if token.certificates:
            result.extend(Choice(token, certificate) for certificate in token.certificates)
        else:
            result.append(Choice(token))
    return result


# --------------------------------------------------------------------------------------------
# Opening the chosen token to sign
# --------------------------------------------------------------------------------------------


def open_session(library: str, *, slot: int, pin: str, label: str = "", serial: str = "") -> Any:
    """A logged-in session on the token: found by serial number and label when given, else by slot index."""
    import pkcs11
    from pyhanko.sign.pkcs11 import TokenCriteria, open_pkcs11_session

    criteria = TokenCriteria(label=label or None, serial=bytes.fromhex(serial) if serial else None) \
        if label or serial else None
    where = label or _("slot {slot}").format(slot=slot)
    try:
        # A library stays loaded once used: start it afresh so that it sees the tokens as they are now.
        pkcs11.lib(library).reinitialize()
        return open_pkcs11_session(library, slot_no=None if criteria else slot, token_criteria=criteria,
                                   user_pin=pin)
    except pkcs11.PinIncorrect as exc:
        raise UserFacingError(_("The PIN of the token {token} is not right. Type it again (after a few wrong "
                                "tries the token locks itself).").format(token=where)) from exc
    except pkcs11.PinLocked as exc:
        raise UserFacingError(_("The token {token} is locked after too many wrong PINs: its provider can "
                                "unlock it.").format(token=where)) from exc
    except (pkcs11.PKCS11Error, OSError, RuntimeError, IndexError, ValueError) as exc:
        raise UserFacingError(_("The token {token} cannot be opened through {library}: check that it is "
                                "plugged in and that the PIN is right. ({reason})").format(
            token=where, library=Path(library).name, reason=type(exc).__name__)) from exc


def signing_certificate_id(session: Any, cert_id: str = "") -> bytes:
    """The chosen certificate's id, or the first certificate that has its private key on the token."""
    from pkcs11 import Attribute, ObjectClass

    certificates = [bytes(c[Attribute.ID]) for c in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})]
    if cert_id:
        wanted = bytes.fromhex(cert_id)
        if wanted in certificates:
            return wanted
        raise UserFacingError(_("The chosen certificate is no longer on the token: look for the tokens again."))
    keys = {bytes(k[Attribute.ID]) for k in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})}
    with_key = [c for c in certificates if c in keys]
    if not (with_key or certificates):
        raise UserFacingError(_("The token holds no certificate."))
    return (with_key or certificates)[0]
