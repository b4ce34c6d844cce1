"""Hostile sync packages made from a real one (issue 18): valid JSON that makes a parser use gigabytes.

``{},`` packs about 1000:1, which the ratio limit catches; sprinkled with a little random
whitespace it packs about 100:1, under the limit, as the attacker's 1.39 MB package holding
100 MB did. Shared by the tests, the fuzz regressions and ``tests/bench/bench_hostile.py``.
"""

from __future__ import annotations

import base64
import random
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kehoach_desktop.exchange.keys import fingerprint
from tests.services.package_tools import repack

MB = 1 << 20


def padded_json_array(size: int, item: bytes = b"{}", *, seed: int = 18) -> bytes:
    """A JSON array of ``item`` about ``size`` bytes long, spaced so that it packs about 100:1."""
    generator = random.Random(seed)
    block = bytearray(b"[")
    while len(block) < min(size, 4 * MB):
        block += item + b"," + (b" " * generator.randrange(3) if generator.random() < 0.12 else b"")
    repeats = max(1, size // len(block))
    body = bytes(block[1:]) * repeats  # 4 MB blocks: deflate's 32 KB window cannot see the repetition
    return b"[" + body + item + b"]"


def with_data(source: Path, target: Path, private_key: bytes, files: dict[str, bytes], *, sequence: int = 2) -> Path:
    """``source`` with some data files replaced by ``files``, numbered ``sequence``, carrying the public key of
    ``private_key`` and signed with it (a well-formed package of whoever holds that key)."""
    public_key = Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()

    def edit(found: dict[str, bytes]) -> None:
        found.update(files)

    def manifest(document: dict[str, Any]) -> None:
        document.update(sequence=sequence, public_key=base64.b64encode(public_key).decode("ascii"),
                        key_fingerprint=fingerprint(public_key))

    return repack(source, target, private_key, edit_files=edit, edit_manifest=manifest)
