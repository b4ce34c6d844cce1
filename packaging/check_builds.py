"""Build the wheel and the bundle, then prove they work away from the source tree (CI runs this).

    python packaging/check_builds.py [--out DIR]

- The wheel is installed in a fresh virtual environment (its dependencies come from the package
  index: about 400 MB), and ``kehoach self-test`` runs from a folder outside the repository, so
  only the installed package can be imported: the data files must have travelled with it.
- The bundle runs with a bare environment (no PYTHONPATH, a temporary HOME, ``KEHOACH_PORTABLE``
  set): ``self-test`` five times offscreen (the median start-up time is printed) and once under
  Xvfb when ``xvfb-run`` exists; then a demo workspace, a signed plan report whose fonts must be
  embedded, ``pdf verify`` on it, and portable mode through a ``portable.txt`` file;
- where SoftHSM and OpenSC are installed, the bundle finds a SoftHSM token (``token list``: each library is
  probed by the bundle's own executable in a child process) and signs a report with it by its label.

Not a pytest test on purpose: it downloads the dependencies and takes about two minutes, and the
README's test command must stay offline and quick.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_dist  # the packaging folder is not a package
import manifest

PASSWORD = "mật-khẩu-thử"


def _run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"FAILED: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _bare_env(home: Path, **extra: str) -> dict[str, str]:
    """What a clean desktop session gives a program: no Python variables, no development folders."""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def check_wheel(wheel: Path, scratch: Path) -> None:
    started = time.perf_counter()
    environment = scratch / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(environment)
    python = environment / ("Scripts" if os.name == "nt" else "bin") / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
    kehoach = environment / ("Scripts" if os.name == "nt" else "bin") / "kehoach"
    outside = scratch / "elsewhere"
    outside.mkdir()
    env = _bare_env(scratch / "home", KEHOACH_PORTABLE=str(scratch / "wheel-data"))
    where = _run([str(python), "-c", "import kehoach_desktop; print(kehoach_desktop.__file__)"], env=env, cwd=outside)
    if not where.startswith(str(environment)):
        raise SystemExit(f"FAILED: the package was imported from {where.strip()}, not from the virtual environment")
    print("wheel:", _run([str(kehoach), "self-test"], env=env, cwd=outside).strip(),
          f"(install + test {time.perf_counter() - started:.0f} s)")


def _make_certificate():  # type: ignore[no-untyped-def]
    """A throwaway self-signed certificate and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kiểm tra bản đóng gói")])
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    return key, cert


def _make_p12(folder: Path) -> Path:
    """A certificate file to sign a report with."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert = _make_certificate()
    path = folder / "signer.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, None, serialization.BestAvailableEncryption(PASSWORD.encode("utf-8"))))
    return path


SOFTHSM = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")


def check_bundle_token(executable: Path, scratch: Path, env: dict[str, str], workspace: Path) -> None:
    """A SoftHSM token holding a key and certificate: listed by the bundle, then used to sign by its label."""
    from cryptography.hazmat.primitives import serialization

    library = next((lib for lib in SOFTHSM if Path(lib).exists()), None)
    if library is None or not shutil.which("softhsm2-util") or not shutil.which("pkcs11-tool"):
        print("bundle token: skipped (SoftHSM and OpenSC are not installed)")
        return
    (scratch / "tokens").mkdir()
    conf = scratch / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {scratch / 'tokens'}\nobjectstore.backend = file\n")
    token_env = {**env, "SOFTHSM2_CONF": str(conf), "KEHOACH_PIN": "246810"}
    key, cert = _make_certificate()
    key_file, cert_file = scratch / "key.pem", scratch / "cert.der"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    _run(["softhsm2-util", "--init-token", "--free", "--label", "bundle-token", "--pin", "246810",
          "--so-pin", "135790"], env=token_env)
    _run(["softhsm2-util", "--import", str(key_file), "--token", "bundle-token", "--label", "signer", "--id", "01",
          "--pin", "246810"], env=token_env)
    _run(["pkcs11-tool", "--module", library, "--token-label", "bundle-token", "--login", "--pin", "246810",
          "--write-object", str(cert_file), "--type", "cert", "--id", "01"], env=token_env)
    listed = _run([str(executable), "--lang", "en", "token", "list"], env=token_env)
    if "bundle-token" not in listed or "Kiểm tra bản đóng gói" not in listed:
        raise SystemExit(f"FAILED: the bundle did not list the SoftHSM token with its holder:\n{listed}")
    pdf = scratch / "token.pdf"
    _run([str(executable), "report", "plan", "--workspace", str(workspace), "--out", str(pdf),
          "--sign-pkcs11", library, "--token", "bundle-token", "--pin-env", "KEHOACH_PIN",
          "--accept-signer-mismatch"], env=token_env)  # a throwaway certificate of no unit
    if shutil.which("pdfsig"):  # poppler's judgement, independent of ours
        checked = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True)
        if "Signature is Valid." not in checked.stdout:
            raise SystemExit(f"FAILED: pdfsig on the token-signed report\n{checked.stdout}\n{checked.stderr}")
    print("bundle token: SoftHSM token listed with its holder and used to sign a report by its label")


def _embedded_fonts(pdf: Path) -> set[str]:
    if shutil.which("pdffonts"):
        lines = _run(["pdffonts", str(pdf)]).splitlines()[2:]
        return {line.split()[0].split("+")[-1] for line in lines if len(line.split()) > 4
                and line.split()[-5] == "yes"}
    data = pdf.read_bytes()  # reportlab writes its font dictionaries uncompressed
    return {name.decode().split("+")[-1] for name in re.findall(rb"/FontName /([\w+-]+)", data)} \
        if b"/FontFile2" in data else set()


def check_bundle(bundle: Path, scratch: Path) -> None:
    executable = bundle / manifest.EXECUTABLE
    env = _bare_env(scratch / "home", KEHOACH_PORTABLE=str(scratch / "bundle-data"))
    times = []
    for _ in range(5):
        started = time.perf_counter()
        output = _run([str(executable), "self-test"], env=env, cwd=scratch)
        times.append(time.perf_counter() - started)
    print("bundle:", output.strip())
    print(f"bundle start-up (self-test, wall clock, median of 5): {statistics.median(times):.2f} s")
    if shutil.which("xvfb-run"):
        shown = _run(["xvfb-run", "-a", "env", "-u", "PYTHONPATH", f"HOME={env['HOME']}",
                      f"KEHOACH_PORTABLE={env['KEHOACH_PORTABLE']}", str(executable), "self-test"], cwd=scratch)
        if "Qt platform xcb" not in shown:
            raise SystemExit(f"FAILED: under Xvfb the bundle did not use X11: {shown}")
        print("bundle under Xvfb:", shown.strip())
    workspace = scratch / "demo.khws"
    _run([str(executable), "demo", "--workspace", str(workspace)], env=env)
    pdf = scratch / "plan.pdf"
    _run([str(executable), "report", "plan", "--workspace", str(workspace), "--out", str(pdf),
          "--sign-p12", str(_make_p12(scratch)), "--password-env", "KEHOACH_P12",
          "--accept-signer-mismatch"],  # the throwaway certificate names no unit: signing is what is checked here
         env={**env, "KEHOACH_P12": PASSWORD})
    fonts = _embedded_fonts(pdf)
    if not any(font.startswith("LiberationSerif") for font in fonts):
        raise SystemExit(f"FAILED: the bundled Liberation Serif is not embedded in the report: {fonts}")
    verify = subprocess.run([str(executable), "pdf", "verify", str(pdf)], capture_output=True, text=True, env=env)
    if "SHA-256" not in verify.stdout:  # untrusted self-signed certificate: exit 1, but intact and valid
        raise SystemExit(f"FAILED: pdf verify\n{verify.stdout}\n{verify.stderr}")
    print(f"bundle report: {pdf.stat().st_size} bytes, fonts embedded: {', '.join(sorted(fonts))}")
    docx = scratch / "plan.docx"  # python-docx reads its default template from its package data
    _run([str(executable), "report", "plan", "--workspace", str(workspace), "--out", str(docx), "--format", "docx"],
         env=env)
    if not zipfile.is_zipfile(docx) or "word/document.xml" not in zipfile.ZipFile(docx).namelist():
        raise SystemExit("FAILED: the bundle's Word copy of the plan is not a .docx")
    print(f"bundle Word copy: {docx.stat().st_size} bytes")
    check_bundle_token(executable, scratch, env, workspace)
    marker = bundle / "portable.txt"
    marker.write_text("", encoding="utf-8")
    try:
        portable_env = _bare_env(scratch / "home")
        _run([str(executable), "init", "--workspace", str(bundle / "data" / "w.khws"), "--district", "006"],
             env=portable_env)
        if not (bundle / "data" / "logs" / "kehoach.log").is_file():
            raise SystemExit("FAILED: with portable.txt the log did not go to the data folder beside the program")
        print("bundle portable mode: data and logs beside the program")
    finally:
        marker.unlink()
        shutil.rmtree(bundle / "data", ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=manifest.ROOT / "dist")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    wheel = make_dist.build_wheel(out)
    bundle = make_dist.build_bundle(out)
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle size: {size / 1e6:.0f} MB in {sum(1 for _ in bundle.rglob('*'))} entries")
    with tempfile.TemporaryDirectory(prefix="kehoach-wheel-") as scratch:
        check_wheel(wheel, Path(scratch))
    with tempfile.TemporaryDirectory(prefix="kehoach-bundle-") as scratch:
        check_bundle(bundle, Path(scratch))
    print("check_builds: OK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
