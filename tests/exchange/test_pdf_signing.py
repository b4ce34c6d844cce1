"""PAdES signatures: a .p12 file and a real PKCS#11 token (SoftHSM), checked by pyHanko and poppler's pdfsig.

A signed file with one byte changed must fail in the app's service, in the CLI and in pdfsig.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kehoach_desktop import cli
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.services import reports
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace
from tests.exchange.certs import Pki, make_pki
from tests.exchange.pdf_readers import needs_readers, run
from tests.exchange.softhsm import make_token

pytestmark = needs_readers


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSession]:
    session = new_demo_workspace(tmp_path_factory.mktemp("demo") / "demo.khws")
    yield session
    session.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def tampered(path: Path, target: Path) -> Path:
    """One byte changed inside the signed range (in the data stamp of the information dictionary)."""
    data = bytearray(path.read_bytes())
    at = data.index(b"KHDESKTOP|")
    data[at] = ord("X")
    target.write_bytes(bytes(data))
    return target


def test_a_p12_signature_is_pades_valid_and_shows_who_signed(demo: WorkspaceSession, pki: Pki, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    credentials = reports.P12Credentials(pki.signer_p12, pki.password)
    reports.generate_report(
        uow_factory=demo.uow_factory,
        kind="progress",
        period="2021-Q2",
        out=out,
        today=demo.today(),
        credentials=credentials,
    )
    result = reports.verify_pdf_file(path=out, uow_factory=demo.uow_factory)
    assert result.ok and len(result.signatures) == 1
    signature = result.signatures[0]
    assert (signature.signer, signature.organisation) == ("Phạm Thị Lan Anh", "UBND quận Đống Đa")
    assert signature.pades and signature.intact and signature.valid and signature.covers_whole_file
    assert not signature.trusted  # the test CA is not trusted until the user adds it
    assert result.stamp is not None and result.stamp.period == "2021-Q2"

    reports.add_trusted_root(uow_factory=demo.uow_factory, certificate=pki.ca_pem)
    assert reports.verify_pdf_file(path=out, uow_factory=demo.uow_factory).signatures[0].trusted
    assert reports.verify_pdf_file(path=out).signatures[0].trusted is False  # no workspace: no trusted roots
    [root] = reports.describe_trusted_roots(uow_factory=demo.uow_factory)
    assert "Kế hoạch Desktop tests" in root.subject
    assert reports.remove_trusted_root(uow_factory=demo.uow_factory, fingerprint=root.fingerprint).workspace
    assert not reports.verify_pdf_file(path=out, uow_factory=demo.uow_factory).signatures[0].trusted
    reports.add_trusted_root(uow_factory=demo.uow_factory, certificate=pki.ca_pem)

    pdfsig = run("pdfsig", out)
    assert pdfsig.returncode == 0, pdfsig.stdout + pdfsig.stderr
    assert "Signature is Valid." in pdfsig.stdout and "ETSI.CAdES.detached" in pdfsig.stdout
    assert "Total document signed" in pdfsig.stdout
    assert "Ký bởi: Phạm Thị Lan Anh" in run("pdftotext", out, "-").stdout  # the visible stamp, in Vietnamese
    assert run("qpdf", "--check", out).returncode == 0


def test_one_changed_byte_fails_in_the_service_the_cli_and_pdfsig(
    demo: WorkspaceSession, pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "signed.pdf"
    reports.generate_report(
        uow_factory=demo.uow_factory,
        kind="plan",
        out=out,
        today=demo.today(),
        credentials=reports.P12Credentials(pki.signer_p12, pki.password),
    )
    assert cli.main(["--lang", "en", "pdf", "verify", str(out)]) == cli.EXIT_UNTRUSTED
    printed = capsys.readouterr().out
    assert "Intact: yes, the file is as it was signed." in printed
    assert "Certificate: NOT trusted" in printed and "Trusted roots: none" in printed
    root = tmp_path / "ca.pem"
    root.write_bytes(pki.ca_pem)
    assert cli.main(["--lang", "en", "pdf", "verify", str(out), "--trust-root", str(root)]) == cli.EXIT_OK
    printed = capsys.readouterr().out
    assert "Certificate: trusted" in printed and "CA thử nghiệm Kế hoạch" in printed
    assert "Signed by: Phạm Thị Lan Anh, UBND quận Đống Đa, at " in printed and "+07:00" in printed

    bad = tampered(out, tmp_path / "tampered.pdf")
    result = reports.verify_pdf_file(path=bad)
    assert not result.ok and not result.signatures[0].intact
    assert cli.main(["--lang", "en", "pdf", "verify", str(bad), "--trust-root", str(root)]) == cli.EXIT_REFUSED
    printed = capsys.readouterr().out
    assert "Intact: NO" in printed and "Intact: yes" not in printed and "Result: not intact" in printed
    not_a_certificate = tmp_path / "notes.txt"
    not_a_certificate.write_text("không phải chứng thư")
    assert cli.main(["--lang", "en", "pdf", "verify", str(out), "--trust-root", str(not_a_certificate)]) \
        == cli.EXIT_REFUSED
    pdfsig = run("pdfsig", bad)
    assert "Signature is Valid." not in pdfsig.stdout
    assert "Digest Mismatch" in pdfsig.stdout or pdfsig.returncode != 0


def test_an_unsigned_or_broken_file_does_not_verify(demo: WorkspaceSession, tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    reports.generate_report(uow_factory=demo.uow_factory, kind="plan", out=plain, today=demo.today())
    result = reports.verify_pdf_file(path=plain)
    assert not result.signed and not result.ok and result.stamp is not None
    assert cli.main(["--lang", "en", "pdf", "verify", str(plain)]) == cli.EXIT_REFUSED
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    assert not reports.verify_pdf_file(path=junk).readable
    assert cli.main(["--lang", "en", "pdf", "verify", str(junk)]) == cli.EXIT_REFUSED


def test_a_wrong_password_is_a_clear_refusal(demo: WorkspaceSession, pki: Pki, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    with pytest.raises(UserFacingError, match="password"):
        reports.generate_report(
            uow_factory=demo.uow_factory,
            kind="plan",
            out=out,
            today=demo.today(),
            credentials=reports.P12Credentials(pki.signer_p12, "sai mật khẩu"),
        )
    assert not out.exists()


def test_the_cli_signs_with_a_password_from_the_environment(
    pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "w.khws"
    new_demo_workspace(workspace).close()  # the CLI opens the workspace itself (one instance per workspace)
    out = tmp_path / "cli.pdf"
    monkeypatch.setenv("KH_P12_PASSWORD", pki.password)
    assert (
        cli.main(
            [
                "--lang",
                "en",
                "report",
                "progress",
                "--workspace",
                str(workspace),
                "--out",
                str(out),
                "--period",
                "2021-Q1",
                "--sign-p12",
                str(pki.signer_p12),
                "--password-env",
                "KH_P12_PASSWORD",
            ]
        )
        == cli.EXIT_OK
    )
    assert "signed" in capsys.readouterr().out
    assert cli.main(["--lang", "en", "pdf", "verify", str(out), "--workspace", str(workspace)]) \
        == cli.EXIT_UNTRUSTED
    printed = capsys.readouterr().out
    assert "Phạm Thị Lan Anh" in printed and "NOT trusted" in printed and "period quarter I/2021" in printed
    assert (
        cli.main(
            [
                "--lang",
                "en",
                "report",
                "progress",
                "--workspace",
                str(workspace),
                "--out",
                str(tmp_path / "x.pdf"),
                "--period",
                "2021-13",
            ]
        )
        == cli.EXIT_REFUSED
    )
    assert (
        cli.main(
            [
                "--lang",
                "en",
                "report",
                "plan",
                "--workspace",
                str(workspace),
                "--out",
                str(tmp_path / "y.pdf"),
                "--sign-p12",
                str(pki.signer_p12),
                "--password-env",
                "KH_UNSET_VARIABLE",
            ]
        )
        == cli.EXIT_REFUSED
    )
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()
    with pytest.raises(SystemExit) as usage:
        cli.main(["--lang", "en", "report", "memo", "--workspace", str(workspace), "--out", str(out)])
    assert usage.value.code == cli.EXIT_USAGE


def test_the_stamp_and_the_signature_name_the_certificate_holder_in_vietnam_time(
        demo: WorkspaceSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import time

    from pyhanko.pdf_utils.reader import PdfFileReader

    (tmp_path / "pki").mkdir()
    holder = make_pki(tmp_path / "pki", signer="Nguyễn Thị Hương", organisation="UBND Quận Đống Đa - TP Hà Nội")
    monkeypatch.setenv("TZ", "UTC")  # the machine's zone is not Vietnam's
    time.tzset()
    try:
        out = tmp_path / "signed.pdf"
        before = dt.datetime.now(dt.UTC)
        reports.generate_report(uow_factory=demo.uow_factory, kind="progress", period="2021-Q2", out=out,
                                today=demo.today(), credentials=reports.P12Credentials(holder.signer_p12,
                                                                                       holder.password))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    stamp = " ".join(run("pdftotext", out, "-").stdout.split())
    assert "Ký bởi: Nguyễn Thị Hương" in stamp and "Cơ quan: UBND Quận Đống Đa - TP Hà Nội" in stamp
    assert "Phạm Thị Lan Anh" in stamp  # the name printed under the signature space stays the document's
    vietnam = (before + dt.timedelta(hours=7)).strftime("%d/%m/%Y")
    assert f"Thời gian: {vietnam}" in stamp and "+07:00" in stamp and "+0000" not in stamp
    with out.open("rb") as handle:
        [signature] = PdfFileReader(handle).embedded_signatures
        assert str(signature.sig_object["/Name"]) == "Nguyễn Thị Hương"
    assert reports.verify_pdf_file(path=out).signatures[0].signer == "Nguyễn Thị Hương"


def test_a_certificate_of_another_unit_is_refused_unless_accepted(
        demo: WorkspaceSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pki").mkdir()
    other = make_pki(tmp_path / "pki", signer="Lê Văn Bình", organisation="UBND quận Hoàn Kiếm")
    out = tmp_path / "signed.pdf"
    credentials = reports.P12Credentials(other.signer_p12, other.password)
    with pytest.raises(reports.SignerMismatchError) as refused:
        reports.generate_report(uow_factory=demo.uow_factory, kind="plan", out=out, today=demo.today(),
                                credentials=credentials)
    message = str(refused.value)
    assert "Lê Văn Bình" in message and "UBND quận Hoàn Kiếm" in message
    assert "Ủy ban nhân dân quận Đống Đa" in message
    assert not out.exists()
    path = demo.path
    assert path is not None
    demo.close()
    try:
        monkeypatch.setenv("KH_P12_PASSWORD", other.password)
        command = ["--lang", "en", "report", "plan", "--workspace", str(path), "--out", str(out),
                   "--sign-p12", str(other.signer_p12), "--password-env", "KH_P12_PASSWORD"]
        assert cli.main(command) == cli.EXIT_REFUSED
        assert "--accept-signer-mismatch" in capsys.readouterr().err and not out.exists()
        assert cli.main([*command, "--accept-signer-mismatch"]) == cli.EXIT_OK
    finally:
        from kehoach_desktop.services.session import open_workspace

        demo.__dict__.update(open_workspace(path).__dict__)
    assert reports.verify_pdf_file(path=out).signatures[0].organisation == "UBND quận Hoàn Kiếm"


# --------------------------------------------------------------------------------------------
# PKCS#11 against SoftHSM
# --------------------------------------------------------------------------------------------


@pytest.fixture
def token(tmp_path: Path, pki: Pki, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SoftHSM token in tmp_path holding the signer's key and certificate (id 01); returns the library."""
    return make_token(tmp_path, pki, monkeypatch)


def test_a_pkcs11_token_signs_for_real(demo: WorkspaceSession, token: str, pki: Pki, tmp_path: Path) -> None:
    out = tmp_path / "token.pdf"
    reports.save_token_settings(uow_factory=demo.uow_factory, library=token, slot=0)
    remembered = reports.get_token_settings(uow_factory=demo.uow_factory)
    assert remembered == reports.TokenSettings(token, 0)
    reports.generate_report(
        uow_factory=demo.uow_factory,
        kind="plan",
        out=out,
        today=demo.today(),
        credentials=reports.TokenCredentials(remembered.library, remembered.slot, "123456"),
    )
    result = reports.verify_pdf_file(path=out)
    assert result.ok and result.signatures[0].signer == "Phạm Thị Lan Anh" and result.signatures[0].pades
    pdfsig = run("pdfsig", out)
    assert "Signature is Valid." in pdfsig.stdout, pdfsig.stdout + pdfsig.stderr
    with pytest.raises(UserFacingError):
        reports.generate_report(
            uow_factory=demo.uow_factory,
            kind="plan",
            out=tmp_path / "no.pdf",
            today=demo.today(),
            credentials=reports.TokenCredentials(token, 0, "000000"),
        )
