"""Ed25519 signing keys of a workspace, and fingerprints that can be read out by phone."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@dataclass(frozen=True)
class KeyPair:
    private_bytes: bytes  # raw 32-byte seed
    public_bytes: bytes  # raw 32-byte public key


def generate_keypair() -> KeyPair:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KeyPair(private, public)


def fingerprint(public_key: bytes) -> str:
    """``3F2A 91C0 …``: the first 16 bytes of SHA-256 of the raw key, in 8 groups of 4 hex digits."""
    digest = hashlib.sha256(public_key).hexdigest().upper()[:32]
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))
