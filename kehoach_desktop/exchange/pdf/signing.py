"""PAdES signatures through pyHanko: sign with a .p12/.pfx file or a PKCS#11 token, and verify.

The visible stamp goes where the document left room for it (the ``KHSignatureBox`` key of the
information dictionary, written by the renderer); a PDF made elsewhere gets it at the foot of its
last page. The stamp font is Noto Serif (1000 units per em: Liberation's 2048 would space the
letters out), so Vietnamese names come out right.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kehoach_desktop.domain.errors import UserFacingError, os_reason
from kehoach_desktop.exchange.pdf.fonts import stamp_font_path
from kehoach_desktop.exchange.pdf.model import ReportStamp
from kehoach_desktop.formats import VIETNAM, vietnam_time
from kehoach_desktop.i18n import _

FIELD_NAME = "ChuKySo"
_INFO_BOX = "/KHSignatureBox"
_INFO_STAMP = "/KHStamp"
_STAMP_SIZE = 8


@dataclass(frozen=True)
class SignerIdentity:
    """Who a certificate names: its holder and organisation, as a person reads them."""

    name: str  # the subject's common name: "Nguyễn Thị Hương"
    organisation: str  # the subject's organisation: "UBND quận Đống Đa", or ""


CheckSigner = Callable[[SignerIdentity], None]
"""Called with the certificate's holder before anything is signed; raises to stop the signature."""


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str  # the certificate's subject, as a person reads it
    organisation: str
    signing_time: dt.datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # the certificate chains to a trusted root
    covers_whole_file: bool  # nothing was added after signing
    pades: bool
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.covers_whole_file


@dataclass(frozen=True)
class VerificationReport:
    signatures: tuple[SignatureReport, ...]
    stamp: ReportStamp | None  # the report's data stamp, when the PDF is one of ours
    readable: bool = True
    problem: str = ""
    roots: tuple[str, ...] = ()  # the subjects of the root certificates trusted for this verification

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def ok(self) -> bool:
        """Signed, and every signature intact, valid, and covering the file as it is now."""
        return self.readable and self.signed and all(s.ok for s in self.signatures)


@contextlib.contextmanager
def _quiet_validation() -> Iterator[None]:
    """pyHanko logs untrusted chains as tracebacks at ERROR level; the report says it in words."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _signature_place(data: bytes) -> tuple[int, tuple[float, float, float, float]]:
    """(0-based page, box) from our information key, or the foot of the last page."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data))
    info = reader.trailer_view.get("/Info")
    raw = str(info.get_object().get(_INFO_BOX, "")) if info is not None else ""
    parts = raw.split()
    if len(parts) == 5:
        page = int(parts[0]) - 1
        x1, y1, x2, y2 = (float(v) for v in parts[1:])
        return page, (x1, y1, x2, y2)
    last = int(reader.root["/Pages"]["/Count"]) - 1
    return last, (335.0, 40.0, 555.0, 110.0)  # foot of the last page, right (A4 portrait)


def document_author(data: bytes) -> str:
    """The /Author of the information dictionary (our renderer writes the issuing agency there), or ""."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        info = PdfFileReader(io.BytesIO(data), strict=False).trailer_view.get("/Info")
        return str(info.get_object().get("/Author", "")) if info is not None else ""
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError):
        return ""


def _stamp_style():  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = GlyphAccumulatorFactory(str(stamp_font_path()), font_size=_STAMP_SIZE)
    return TextStampStyle(
        # The stamp is part of the (Vietnamese) document, whatever the interface language. pyHanko fills its
        # own "ts" with the computer's zone: the time shown is ours, in Vietnam's zone.
        stamp_text="%(lines)s",
        text_box_style=TextBoxStyle(font=font, font_size=_STAMP_SIZE, leading=_STAMP_SIZE + 2),
        border_width=1, background=None)


def stamp_lines(identity: SignerIdentity, moment: dt.datetime) -> str:
    lines = [f"Ký bởi: {identity.name}"]
    if identity.organisation:
        lines.append(f"Cơ quan: {identity.organisation}")
    lines.append(f"Thời gian: {vietnam_time(moment)}")
    return "\n".join(lines)


def identity_of(certificate) -> SignerIdentity:  # type: ignore[no-untyped-def]
    """The holder and organisation an (asn1crypto) certificate's subject names."""
    name, organisation = _name_parts(certificate)
    return SignerIdentity(name, organisation)


def _sign(data: bytes, signer: object, check: CheckSigner | None, *, reason: str = "", location: str = "") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    identity = identity_of(signer.signing_cert)  # type: ignore[attr-defined]
    if check is not None:
        check(identity)
    page, box = _signature_place(data)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    name = FIELD_NAME
    existing = {f[0] for f in fields.enumerate_sig_fields(writer)}
    counter = 1
    while name in existing:  # a second signature gets its own field, just above the first
        counter += 1
        name = f"{FIELD_NAME}{counter}"
        box = (box[0], box[1] + (box[3] - box[1]) * (counter - 1), box[2], box[3] + (box[3] - box[1]) * (counter - 1))
    fields.append_signature_field(writer, fields.SigFieldSpec(name, on_page=page, box=box))
    meta = signers.PdfSignatureMetadata(
        field_name=name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason or None, location=location or None, name=identity.name or None)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=_stamp_style())  # type: ignore[arg-type]
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out,
                        appearance_text_params={"lines": stamp_lines(identity, dt.datetime.now(VIETNAM))})
    return out.getvalue()


def sign_with_p12(data: bytes, *, p12: Path, password: str, check: CheckSigner | None = None, reason: str = "",
                  location: str = "") -> bytes:
    """Sign with a certificate file; the password is used here and kept nowhere. The stamp and the signature
    name the certificate's holder; ``check`` sees the holder first and may refuse."""
    from pyhanko.sign import signers

    try:
        p12_bytes = p12.read_bytes()
    except OSError as exc:
        raise UserFacingError(_("The certificate file {path} cannot be read: {reason}").format(
            path=p12, reason=os_reason(exc))) from exc
    try:
        with _quiet_validation():
            signer = signers.SimpleSigner.load_pkcs12_data(p12_bytes, other_certs=None,
                                                           passphrase=password.encode("utf-8"))
    except (ValueError, TypeError) as exc:
        raise UserFacingError(_("The certificate file {path} cannot be opened: the password is wrong or the "
                                "file is not a .p12/.pfx certificate.").format(path=p12.name)) from exc
    if signer is None:
        raise UserFacingError(_("The certificate file {path} cannot be opened: the password is wrong or the "
                                "file is not a .p12/.pfx certificate.").format(path=p12.name))
    return _sign(data, signer, check, reason=reason, location=location)


def sign_with_pkcs11(data: bytes, *, library: str, slot: int, pin: str, check: CheckSigner | None = None,
                     reason: str = "", location: str = "", label: str = "", serial: str = "",
                     cert_id: str = "") -> bytes:
    """Sign with a certificate on a token (USB key, smart card) and its matching private key.

    The token is the one with ``serial``/``label`` when given, else the one in ``slot``; the certificate is
    ``cert_id`` (hex) when given, else the first one whose private key is on the token.
    """
    import pkcs11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    from kehoach_desktop.exchange.pdf import tokens

    session = tokens.open_session(library, slot=slot, pin=pin, label=label, serial=serial)
    try:
        chosen = tokens.signing_certificate_id(session, cert_id)
        try:
            return _sign(data, PKCS11Signer(session, cert_id=chosen, key_id=chosen), check,
                         reason=reason, location=location)
        except pkcs11.MechanismInvalid:
            # Many tokens (SoftHSM among them) sign EC keys only "raw": the digest is then computed here.
            try:
                return _sign(data, PKCS11Signer(session, cert_id=chosen, key_id=chosen, use_raw_mechanism=True),
                             check, reason=reason, location=location)
            except (pkcs11.PKCS11Error, NotImplementedError) as exc:
                raise _token_cannot_sign(label or library, exc) from exc
        except pkcs11.PKCS11Error as exc:
            raise _token_cannot_sign(label or library, exc) from exc
    finally:
        session.close()


def _token_cannot_sign(token: str, exc: BaseException) -> UserFacingError:
    return UserFacingError(_("The token {token} refused to sign ({reason}): its key may need the provider's own "
                             "software, or another certificate on it.").format(token=token,
                                                                              reason=type(exc).__name__))


def _name_parts(certificate) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    subject = certificate.subject.native
    return str(subject.get("common_name", certificate.subject.human_friendly)), str(
        subject.get("organization_name", ""))


def verify_pdf(data: bytes, *, trusted_roots: Sequence[bytes] = ()) -> VerificationReport:
    """Who signed, when, whether the file changed since, whether the certificate is trusted.

    ``trusted_roots`` are certificates (PEM or DER) the user chose to trust.
    """
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = []
    for blob in trusted_roots:
        der = pem.unarmor(blob)[2] if pem.detect(blob) else blob
        roots.append(x509.Certificate.load(der))
    subjects = tuple(dict.fromkeys(root.subject.human_friendly for root in roots))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
        info = reader.trailer_view.get("/Info")
        payload = str(info.get_object().get(_INFO_STAMP, "")) if info is not None else ""
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError) as exc:
        return VerificationReport((), None, readable=False,
                                  problem=_("The file cannot be read as a PDF: {reason}").format(reason=exc))
    reports = []
    for signature in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            with _quiet_validation():
                status = validate_pdf_signature(signature, context)
        except Exception as exc:  # a damaged signature dictionary: say so rather than crash
            reports.append(SignatureReport(signature.field_name, "", "", None, False, False, False, False, False,
                                           problem=str(exc) or type(exc).__name__))
            continue
        signer_name, organisation = _name_parts(status.signing_cert)
        # A later signature added as a form fill does not count as a change to what was signed.
        level = status.modification_level
        unchanged = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
            status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None
            and level <= ModificationLevel.FORM_FILLING)
        reports.append(SignatureReport(
            field=signature.field_name, signer=signer_name, organisation=organisation,
            signing_time=status.signer_reported_dt, intact=bool(status.intact), valid=bool(status.valid),
            trusted=bool(status.trusted), covers_whole_file=unchanged,
            pades=str(signature.sig_object.get("/SubFilter", "")) == "/ETSI.CAdES.detached"))
    return VerificationReport(tuple(reports), ReportStamp.from_payload(payload) if payload else None,
                              roots=subjects)
