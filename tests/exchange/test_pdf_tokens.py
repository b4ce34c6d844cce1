"""Finding signing tokens: the list of known libraries, p11-kit's modules, probing each library in a child process
(a real SoftHSM token; libraries that are not PKCS#11, crash or hang), and signing with the token found."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from kehoach_desktop import cli
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.exchange.pdf import tokens
from kehoach_desktop.services import reports
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace
from tests.exchange.certs import Pki, make_pki
from tests.exchange.pdf_readers import needs_readers, run
from tests.exchange.softhsm import PIN, make_token, softhsm_library


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def token(tmp_path: Path, pki: Pki, monkeypatch: pytest.MonkeyPatch) -> str:
    """The signer's key and certificate (id 01), and the CA's certificate (id 02) as real tokens carry it."""
    library = make_token(tmp_path, pki, monkeypatch)
    ca = tmp_path / "ca.der"
    ca.write_bytes(_der(pki.ca_pem))
    result = subprocess.run(["pkcs11-tool", "--module", library, "--token-label", "kehoach", "--login", "--pin", PIN,
                             "--write-object", str(ca), "--type", "cert", "--id", "02", "--label", "ca"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return library


def _der(pem: bytes) -> bytes:
    from cryptography import x509

    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


# --------------------------------------------------------------------------------------------
# Which libraries
# --------------------------------------------------------------------------------------------


def test_paths_expand_windows_and_unix_variables_and_the_home_folder() -> None:
    environ = {"SYSTEMROOT": r"C:\Windows", "ProgramFiles(x86)": r"C:\Program Files (x86)", "HOME": "/home/lan"}
    assert tokens.expand_path(r"%SystemRoot%\System32\vnpt-ca_csp11.dll", environ, "/home/lan") == \
        r"C:\Windows\System32\vnpt-ca_csp11.dll"  # Windows' variable names ignore case
    assert tokens.expand_path(r"%ProgramFiles(x86)%\X\y.dll", environ, "") == r"C:\Program Files (x86)\X\y.dll"
    assert tokens.expand_path("$HOME/lib/a.so", environ, "/home/lan") == "/home/lan/lib/a.so"
    assert tokens.expand_path("${HOME}/b.so", environ, "/x") == "/home/lan/b.so"
    assert tokens.expand_path("~/.config/pkcs11/modules", environ, "/home/lan") == "/home/lan/.config/pkcs11/modules"
    assert tokens.expand_path(r"%ProgramW6432%\x.dll", environ, "") is None  # unset: the entry is skipped


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x7fELF not really")
    return path


def test_candidates_come_from_the_list_the_folders_globs_and_p11_kit_each_once(tmp_path: Path) -> None:
    system32 = tmp_path / "Windows" / "System32"
    vendor = _touch(system32 / "viettel-ca_v6.dll")
    _touch(system32 / "unrelated.dll")
    globbed = _touch(tmp_path / "opt" / "vnpt" / "v2" / "libvnpt.so")
    modules = tmp_path / "lib" / "pkcs11"
    relative = _touch(modules / "opensc-pkcs11.so")
    absolute = _touch(tmp_path / "softhsm" / "libsofthsm2.so")
    (tmp_path / "link.so").symlink_to(absolute)
    _touch(modules / "p11-kit-proxy.so")
    config = tmp_path / "modules"
    config.mkdir()
    (config / "opensc.module").write_text("# OpenSC\nmodule: opensc-pkcs11.so\n")
    (config / "softhsm2.module").write_text(f"module: {absolute}\ncritical: no\n")
    (config / "proxy.module").write_text("module: p11-kit-proxy.so\n")
    chosen = _touch(tmp_path / "chosen" / "eTPKCS11.dll")
    known = tmp_path / "list.toml"
    known.write_text(f"""
[folders]
linux = ["%SystemRoot%/System32"]
[p11-kit]
config_folders = ["{config}", "{tmp_path}/missing"]
module_folders = ["{modules}"]
skip = ["p11-kit-proxy.so"]
[[vendor]]
name = "Viettel-CA"
names = ["viettel-ca_v6.dll", "viettel-ca_v5.dll"]
linux = ["$ROOT/opt/vnpt/*/libvnpt.so", "%NOT_SET%/x.so", "$ROOT/link.so"]
""", encoding="utf-8")
    found = tokens.candidate_libraries(system="linux", environ={"SystemRoot": str(tmp_path / "Windows"),
                                                                "ROOT": str(tmp_path)},
                                       home=str(tmp_path), known=known, extra=[str(chosen), str(vendor)])
    # the user's choice first, then the list's order; the symlink and p11-kit's module are one library
    assert found == [str(chosen), str(vendor), str(globbed), str(tmp_path / "link.so"), str(relative)]


def test_an_unreadable_list_leaves_p11_kit_and_the_users_choice(tmp_path: Path) -> None:
    broken = tmp_path / "list.toml"
    broken.write_text("[[vendor]\nname = ", encoding="utf-8")
    chosen = _touch(tmp_path / "x.so")
    assert tokens.candidate_libraries(system="linux", known=broken, extra=[str(chosen)], environ={}) == [str(chosen)]


def test_browsing_starts_where_the_libraries_are() -> None:
    assert tokens.library_folder(system="linux") == "/usr/lib"
    assert tokens.library_folder(system="windows", environ={}) == ""  # no SystemRoot: the file dialog's default


def test_the_shipped_list_parses_and_finds_softhsm_here() -> None:
    import tomllib

    listed = tomllib.loads(tokens.known_libraries_file().read_text(encoding="utf-8"))
    names = {vendor["name"] for vendor in listed["vendor"]}
    assert {"VNPT-CA", "Viettel-CA", "BKAV-CA", "FPT-CA", "Safe-CA", "CA2 / Nacencomm", "OpenSC", "SoftHSM"} <= names
    assert "vnpt-ca_csp11.dll" in next(v for v in listed["vendor"] if v["name"] == "VNPT-CA")["names"]
    library = softhsm_library()
    if library is None:
        pytest.skip("SoftHSM is not installed (apt-get install softhsm2; .ci/run installs it)")
    found = tokens.candidate_libraries()
    assert os.path.realpath(library) in {os.path.realpath(path) for path in found}


# --------------------------------------------------------------------------------------------
# Probing
# --------------------------------------------------------------------------------------------


def test_a_softhsm_token_is_found_with_its_holder_and_without_the_ca(token: str, pki: Pki) -> None:
    result = tokens.probe(token)
    assert result.problem == ""
    [found] = result.tokens
    assert (found.library, found.slot, found.label) == (token, 0, "kehoach")
    assert found.manufacturer == "SoftHSM project" and found.serial_text
    [certificate] = found.certificates  # the CA's certificate on the token is not offered for signing
    assert (certificate.cert_id, certificate.holder, certificate.organisation) == (
        "01", "Phạm Thị Lan Anh", "UBND quận Đống Đa")
    assert certificate.issuer == "CA thử nghiệm Kế hoạch"
    assert certificate.valid_until == pki.signer_cert.not_valid_after_utc.date().isoformat()


def test_the_same_token_through_two_libraries_is_offered_once(token: str, tmp_path: Path) -> None:
    copy = tmp_path / "vendor" / "libvendor-p11.so"
    copy.parent.mkdir()
    shutil.copy(token, copy)
    probes = tokens.discover([str(copy), token])
    assert [len(p.tokens) for p in probes] == [1, 1]
    [found] = tokens.found_tokens(probes)
    assert found.library == str(copy)  # from the first library tried
    [choice] = tokens.choices([found])
    assert choice.certificate is not None and choice.certificate.holder == "Phạm Thị Lan Anh"


def test_a_file_that_is_not_a_pkcs11_library_is_a_problem_in_words(tmp_path: Path) -> None:
    fake = _touch(tmp_path / "vnpt-ca_csp11.so")
    result = tokens.probe(str(fake))
    assert result.tokens == () and "vnpt-ca_csp11.so" in result.problem and "cannot be used" in result.problem


C_LIBRARY = r"""
#include <signal.h>
#include <unistd.h>
unsigned long C_GetFunctionList(void **list) {
#ifdef HANG
    for (;;) sleep(1);
#else
    raise(SIGSEGV);  /* what a broken vendor DLL does to the process that loads it */
#endif
    return 0;
}
"""


@pytest.fixture(scope="module")
def broken_libraries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("a C compiler is needed to build the broken libraries (apt-get install gcc; .ci/run has it)")
    folder = tmp_path_factory.mktemp("broken")
    source = folder / "broken.c"
    source.write_text(C_LIBRARY)
    built = {}
    for kind, flags in (("crash", []), ("hang", ["-DHANG"])):
        out = folder / f"lib{kind}.so"
        subprocess.run([compiler, "-shared", "-fPIC", *flags, "-o", str(out), str(source)], check=True, timeout=120)
        built[kind] = str(out)
    return built


def test_a_library_that_crashes_kills_only_its_probe(broken_libraries: dict[str, str]) -> None:
    result = tokens.probe(broken_libraries["crash"])
    assert result.tokens == () and "libcrash.so" in result.problem and "stopped abruptly" in result.problem


def test_a_library_that_hangs_is_given_up_after_the_time_limit(broken_libraries: dict[str, str]) -> None:
    started = time.monotonic()
    result = tokens.probe(broken_libraries["hang"], timeout=3)
    assert time.monotonic() - started < 30  # the child was killed, not waited for
    assert "libhang.so" in result.problem and "did not answer within 3 seconds" in result.problem


def test_broken_libraries_do_not_hide_a_working_token(token: str, broken_libraries: dict[str, str]) -> None:
    probes = tokens.discover([broken_libraries["hang"], broken_libraries["crash"], token], timeout=10)
    assert [bool(p.problem) for p in probes] == [True, True, False]
    assert [t.label for t in tokens.found_tokens(probes)] == ["kehoach"]


# --------------------------------------------------------------------------------------------
# Signing with the token found, and the command line
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSession]:
    session = new_demo_workspace(tmp_path_factory.mktemp("demo") / "demo.khws")
    yield session
    session.close()


@needs_readers
def test_signing_uses_the_token_and_certificate_found(demo: WorkspaceSession, token: str, tmp_path: Path) -> None:
    [found] = tokens.probe(token).tokens
    out = tmp_path / "signed.pdf"
    credentials = reports.TokenCredentials(token, 5, PIN, label=found.label, serial=found.serial, cert_id="01")
    reports.generate_report(uow_factory=demo.uow_factory, kind="plan", out=out, today=demo.today(),
                            credentials=credentials)  # slot 5 does not exist: the serial number finds the token
    assert "Signature is Valid." in run("pdfsig", out).stdout
    with pytest.raises(UserFacingError, match="PIN"):
        reports.sign_pdf_bytes(uow_factory=demo.uow_factory, data=out.read_bytes(),
                               credentials=reports.TokenCredentials(token, 0, "000000", label="kehoach"))
    with pytest.raises(UserFacingError, match="no longer on the token"):
        reports.sign_pdf_bytes(uow_factory=demo.uow_factory, data=out.read_bytes(),
                               credentials=reports.TokenCredentials(token, 0, PIN, serial=found.serial, cert_id="99"))
    with pytest.raises(UserFacingError, match="cannot be opened"):
        reports.sign_pdf_bytes(uow_factory=demo.uow_factory, data=out.read_bytes(),
                               credentials=reports.TokenCredentials(token, 0, PIN, label="another token"))


@needs_readers
def test_an_elliptic_key_signs_on_a_token_that_signs_only_raw_ecdsa(
        demo: WorkspaceSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SoftHSM, like many tokens, has no hash-and-sign mechanism for EC keys: the digest is computed here."""
    library = make_token(tmp_path, make_pki(tmp_path, elliptic=True), monkeypatch)
    out = tmp_path / "ec.pdf"
    reports.generate_report(uow_factory=demo.uow_factory, kind="plan", out=out, today=demo.today(),
                            credentials=reports.TokenCredentials(library, 0, PIN, label="kehoach"))
    assert "Signature is Valid." in run("pdfsig", out).stdout


@needs_readers
def test_the_cli_lists_tokens_and_signs_with_a_token_label(
    token: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--lang", "en", "token", "list", "--library", token]) == cli.EXIT_OK
    printed = capsys.readouterr().out
    assert f'--sign-pkcs11 "{token}" --token "kehoach"' in printed  # to copy into a command
    assert "certificate of Phạm Thị Lan Anh (UBND quận Đống Đa), issued by CA thử nghiệm Kế hoạch" in printed

    workspace = tmp_path / "w.khws"
    new_demo_workspace(workspace).close()
    monkeypatch.setenv("KH_PIN", PIN)
    out = tmp_path / "cli.pdf"
    base = ["--lang", "en", "report", "plan", "--workspace", str(workspace), "--sign-pkcs11", token,
            "--pin-env", "KH_PIN"]
    assert cli.main([*base, "--out", str(out), "--token", "kehoach"]) == cli.EXIT_OK
    assert "Signature is Valid." in run("pdfsig", out).stdout
    capsys.readouterr()
    assert cli.main([*base, "--out", str(tmp_path / "no.pdf"), "--token", "nosuch"]) == cli.EXIT_REFUSED
    assert "nosuch" in capsys.readouterr().err and not (tmp_path / "no.pdf").exists()
    with pytest.raises(SystemExit) as usage:
        cli.main([*base, "--out", str(out), "--token", "kehoach", "--slot", "0"])
    assert usage.value.code == cli.EXIT_USAGE


def test_the_cli_says_when_no_token_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "tokens"
    empty.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {empty}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))  # SoftHSM's own tokens stay out of sight
    fake = _touch(tmp_path / "vendor.so")
    assert cli.main(["--lang", "en", "token", "list", "--library", str(fake)]) == cli.EXIT_REFUSED
    err = capsys.readouterr().err
    assert "vendor.so cannot be used" in err and "No token found" in err
