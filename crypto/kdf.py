"""Key derivation: Argon2id for secrets people type, HKDF-SHA256 for everything else."""

from __future__ import annotations

from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.encoding import encode_fields

# Bounds accepted from stored blobs, so that a tampered blob cannot make a
# login allocate gigabytes or loop for minutes.
MAX_TIME_COST = 64
MAX_MEMORY_KIB = 4 * 1024 * 1024
MAX_PARALLELISM = 64


@dataclass(frozen=True, order=True)
class Argon2Params:
    """Argon2id cost: passes, memory in KiB, lanes."""

    time_cost: int
    memory_kib: int
    parallelism: int

    def __post_init__(self) -> None:
        if not 1 <= self.time_cost <= MAX_TIME_COST:
            raise ValueError("Argon2 time_cost out of range")
        if not 1 <= self.parallelism <= MAX_PARALLELISM:
            raise ValueError("Argon2 parallelism out of range")
        if not 8 * self.parallelism <= self.memory_kib <= MAX_MEMORY_KIB:
            raise ValueError("Argon2 memory_kib out of range")

    def at_least(self, other: Argon2Params) -> bool:
        """Whether every cost component is at least ``other``'s."""
        return (
            self.time_cost >= other.time_cost
            and self.memory_kib >= other.memory_kib
            and self.parallelism >= other.parallelism
        )


# RFC 9106 section 4, second recommended option: t=3, m=64 MiB, p=4.
PRODUCTION_ARGON2 = Argon2Params(time_cost=3, memory_kib=65_536, parallelism=4)
# The cheapest valid setting, for tests only.
TEST_ARGON2 = Argon2Params(time_cost=1, memory_kib=8, parallelism=1)


def argon2id(secret: bytes, salt: bytes, params: Argon2Params, length: int = 32) -> bytes:
    if len(salt) < 8:
        raise ValueError("Argon2 salt must have at least 8 bytes")
    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=length,
        type=Type.ID,
    )


def derive_key(secret: bytes, label: str, length: int = 32, *, salt: bytes | None = None) -> bytes:
    """HKDF-SHA256 of a high-entropy secret, bound to a purpose label.

    Only for secrets that are already uniformly random (seeds, keys, Argon2
    output); passwords and codes go through ``argon2id`` first.
    """
    if len(secret) < 16:
        raise ValueError("derive_key needs a high-entropy secret of at least 16 bytes")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=encode_fields(label))
    return hkdf.derive(secret)
