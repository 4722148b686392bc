"""Identities and HPKE key wraps: round trips, and every misuse is the one error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import (
    DecryptionError,
    Identity,
    PublicIdentity,
    WrapContext,
    new_key,
    unwrap_key,
    wrap_key,
)
from crypto.identity import PUBLIC_BYTES

CONTEXT = WrapContext("case-key", "case-1", "reporter", "staff:1")


def test_identity_is_deterministic_from_seed() -> None:
    seed = bytes(range(32))
    first, second = Identity.from_seed(seed), Identity.from_seed(seed)
    assert first.public() == second.public()
    assert first.public() != Identity.generate().public()
    assert Identity.generate().seed != Identity.generate().seed


@pytest.mark.parametrize("seed", [b"", bytes(31), bytes(33)])
def test_bad_seed_lengths(seed: bytes) -> None:
    with pytest.raises(ValueError):
        Identity.from_seed(seed)


def test_public_identity_round_trip_and_validation() -> None:
    public = Identity.generate().public()
    raw = public.to_bytes()
    assert len(raw) == PUBLIC_BYTES
    assert PublicIdentity.from_bytes(raw) == public
    for bad in (raw[:-1], b"\x02" + raw[1:], raw + b"\x00"):
        with pytest.raises(ValueError):
            PublicIdentity.from_bytes(bad)


def test_signatures() -> None:
    identity = Identity.generate()
    signature = identity.sign(b"message")
    identity.public().verify(signature, b"message")
    with pytest.raises(DecryptionError):
        identity.public().verify(signature, b"messagE")
    with pytest.raises(DecryptionError):
        Identity.generate().public().verify(signature, b"message")


def test_wrap_round_trip() -> None:
    identity = Identity.generate()
    key = new_key()
    wrapped = wrap_key(key, identity.public(), CONTEXT)
    assert len(wrapped) == 1168
    assert unwrap_key(wrapped, identity, CONTEXT) == key
    assert wrap_key(key, identity.public(), CONTEXT) != wrapped  # randomised


@pytest.mark.parametrize(
    "other",
    [
        WrapContext("other-purpose", "case-1", "reporter", "staff:1"),
        WrapContext("case-key", "case-2", "reporter", "staff:1"),
        WrapContext("case-key", "case-1", "internal", "staff:1"),
        WrapContext("case-key", "case-1", "reporter", "staff:2"),
        # Field boundaries are encoded, so shifting characters between fields fails too.
        WrapContext("case-keyc", "ase-1", "reporter", "staff:1"),
    ],
)
def test_wrap_fails_in_any_other_context(other: WrapContext) -> None:
    identity = Identity.generate()
    wrapped = wrap_key(new_key(), identity.public(), CONTEXT)
    with pytest.raises(DecryptionError):
        unwrap_key(wrapped, identity, other)


def test_wrap_moved_to_another_recipient_fails() -> None:
    alice, mallory = Identity.generate(), Identity.generate()
    wrapped = wrap_key(new_key(), alice.public(), CONTEXT)
    with pytest.raises(DecryptionError):
        unwrap_key(wrapped, mallory, CONTEXT)


def test_every_flipped_bit_region_fails() -> None:
    identity = Identity.generate()
    wrapped = wrap_key(new_key(), identity.public(), CONTEXT)
    # ML-KEM ciphertext, X25519 share, AEAD body and tag: flip a bit in each.
    for position in (0, 500, 1087, 1088, 1119, 1120, 1151, 1152, 1167):
        tampered = bytearray(wrapped)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            unwrap_key(bytes(tampered), identity, CONTEXT)
    for cut in (wrapped[:-1], wrapped + b"\x00", b""):
        with pytest.raises(DecryptionError):
            unwrap_key(cut, identity, CONTEXT)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=1167 * 8 - 1))
def test_any_single_bit_flip_fails(bit: int) -> None:
    identity = _IDENTITY
    tampered = bytearray(_WRAPPED)
    tampered[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(DecryptionError):
        unwrap_key(bytes(tampered), identity, CONTEXT)


_IDENTITY = Identity.from_seed(bytes(32))
_WRAPPED = wrap_key(bytes(range(32)), _IDENTITY.public(), CONTEXT)


@pytest.mark.parametrize("key", [b"", bytes(16), bytes(33)])
def test_only_32_byte_keys_are_wrapped(key: bytes) -> None:
    with pytest.raises(ValueError):
        wrap_key(key, Identity.generate().public(), CONTEXT)
