"""Real PKCS#11 tokens for the tests: SoftHSM tokens in a temp folder, filled by softhsm2-util and pkcs11-tool."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.exchange.certs import Pki

SOFTHSM_LIBRARIES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
PIN = "123456"


def softhsm_library() -> str | None:
    return next((lib for lib in SOFTHSM_LIBRARIES if Path(lib).exists()), None)


def make_token(folder: Path, pki: Pki, monkeypatch: pytest.MonkeyPatch, *, label: str = "kehoach") -> str:
    """A SoftHSM token labelled ``label`` holding the signer's key and certificate (id 01); returns the library.

    SOFTHSM2_CONF points at ``folder`` for this test (and for the child processes it starts). Skips, saying why,
    where SoftHSM or OpenSC is not installed.
    """
    library = softhsm_library()
    if library is None or shutil.which("softhsm2-util") is None or shutil.which("pkcs11-tool") is None:
        pytest.skip("SoftHSM and OpenSC are needed (apt-get install softhsm2 opensc; .ci/run installs them)")
    tokens = folder / "tokens"
    tokens.mkdir(exist_ok=True)  # called again with another label: a second token beside the first
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    env = dict(os.environ)

    def tool(*args: str) -> None:
        result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr

    tool("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", "654321")
    key = folder / "key.pem"
    key.write_bytes(pki.signer_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    tool("softhsm2-util", "--import", str(key), "--token", label, "--label", "signer", "--id", "01", "--pin", PIN)
    cert = folder / "cert.der"
    cert.write_bytes(pki.signer_cert.public_bytes(serialization.Encoding.DER))
    tool("pkcs11-tool", "--module", library, "--token-label", label, "--login", "--pin", PIN,
         "--write-object", str(cert), "--type", "cert", "--id", "01", "--label", "signer")
    key.unlink()
    return library
