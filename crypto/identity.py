"""Identities: one 32-byte seed gives an HPKE key (ML-KEM-768 + X25519) and an Ed25519 key.

Storing one seed instead of three private keys keeps the sealed-at-rest secret
small and the derivation fixed: the same seed always gives the same keys, so
a receipt (through Argon2id) or a password-sealed blob is all a person needs.
"""

from __future__ import annotations

import hashlib
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519

from crypto.errors import DecryptionError
from crypto.kdf import derive_key

SEED_BYTES = 32
PUBLIC_VERSION = 1
MLKEM_PUBLIC_BYTES = 1184
X25519_PUBLIC_BYTES = 32
ED25519_PUBLIC_BYTES = 32
PUBLIC_BYTES = 1 + MLKEM_PUBLIC_BYTES + X25519_PUBLIC_BYTES + ED25519_PUBLIC_BYTES

_LABEL_MLKEM = "lentera/identity/v1/ml-kem-768"
_LABEL_X25519 = "lentera/identity/v1/x25519"
_LABEL_ED25519 = "lentera/identity/v1/ed25519"


class PublicIdentity:
    """The public half: encrypt to it, verify its signatures, store it as bytes."""

    def __init__(
        self,
        mlkem_public: mlkem.MLKEM768PublicKey,
        x25519_public: x25519.X25519PublicKey,
        ed25519_public: ed25519.Ed25519PublicKey,
    ) -> None:
        self._mlkem = mlkem_public
        self._x25519 = x25519_public
        self._ed25519 = ed25519_public
        self.hpke_key = hpke.MLKEM768X25519PublicKey(mlkem_public, x25519_public)

    def to_bytes(self) -> bytes:
        """Version byte, ML-KEM-768 public key, X25519 public key, Ed25519 public key."""
        return (
            bytes([PUBLIC_VERSION])
            + self._mlkem.public_bytes_raw()
            + self._x25519.public_bytes_raw()
            + self._ed25519.public_bytes_raw()
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> PublicIdentity:
        if len(data) != PUBLIC_BYTES or data[0] != PUBLIC_VERSION:
            raise ValueError("not a serialised public identity")
        offset = 1
        mlkem_raw = data[offset : offset + MLKEM_PUBLIC_BYTES]
        offset += MLKEM_PUBLIC_BYTES
        x_raw = data[offset : offset + X25519_PUBLIC_BYTES]
        offset += X25519_PUBLIC_BYTES
        ed_raw = data[offset:]
        return cls(
            mlkem.MLKEM768PublicKey.from_public_bytes(mlkem_raw),
            x25519.X25519PublicKey.from_public_bytes(x_raw),
            ed25519.Ed25519PublicKey.from_public_bytes(ed_raw),
        )

    def verify(self, signature: bytes, message: bytes) -> None:
        """Raise ``DecryptionError`` unless ``signature`` is this identity's over ``message``."""
        try:
            self._ed25519.verify(signature, message)
        except InvalidSignature:
            raise DecryptionError() from None

    def fingerprint(self) -> str:
        """Twenty hex digits in groups of four, for people to compare keys by eye."""
        digest = hashlib.sha256(b"lentera/fingerprint/v1" + self.to_bytes()).hexdigest()[:20]
        return " ".join(digest[i : i + 4] for i in range(0, 20, 4))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicIdentity) and self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())


class Identity:
    """The private half, rebuilt from the seed whenever it is needed."""

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes) or len(seed) != SEED_BYTES:
            raise ValueError("an identity seed is 32 bytes")
        self._seed = seed
        mlkem_private = mlkem.MLKEM768PrivateKey.from_seed_bytes(derive_key(seed, _LABEL_MLKEM, 64))
        x_private = x25519.X25519PrivateKey.from_private_bytes(derive_key(seed, _LABEL_X25519))
        self._ed25519 = ed25519.Ed25519PrivateKey.from_private_bytes(
            derive_key(seed, _LABEL_ED25519)
        )
        self.hpke_key = hpke.MLKEM768X25519PrivateKey(mlkem_private, x_private)
        self._public = PublicIdentity(
            mlkem_private.public_key(), x_private.public_key(), self._ed25519.public_key()
        )

    @classmethod
    def generate(cls) -> Identity:
        return cls(secrets.token_bytes(SEED_BYTES))

    @classmethod
    def from_seed(cls, seed: bytes) -> Identity:
        return cls(seed)

    @property
    def seed(self) -> bytes:
        return self._seed

    def public(self) -> PublicIdentity:
        return self._public

    def sign(self, message: bytes) -> bytes:
        return self._ed25519.sign(message)

    def __repr__(self) -> str:
        return f"Identity({self._public.fingerprint()})"
