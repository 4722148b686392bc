"""Sealed records: round trips, padding buckets, and every tamper is the one error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import (
    DecryptionError,
    RecordContext,
    new_key,
    open_record,
    open_text,
    seal_record,
    seal_text,
)
from crypto.records import bucket_size

CONTEXT = RecordContext("case-1", "message", "row-9")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=5000))
def test_round_trip(plaintext: bytes) -> None:
    key = new_key()
    assert open_record(key, seal_record(key, plaintext, CONTEXT), CONTEXT) == plaintext


def test_text_round_trip() -> None:
    key = new_key()
    text = "Kepala seksi meminta uang Rp 500.000 — ‘biaya percepatan’ 🙈"
    assert open_text(key, seal_text(key, text, CONTEXT), CONTEXT) == text


def test_length_is_bucketed() -> None:
    key = new_key()
    sizes = {len(seal_record(key, b"x" * n, CONTEXT)) for n in (0, 1, 100, 252)}
    assert len(sizes) == 1  # everything up to 252 bytes looks the same
    assert bucket_size(253) == 512 and bucket_size(1000) == 1024
    assert bucket_size(3 * 1024 * 1024) == 4 * 1024 * 1024
    assert bucket_size(1024 * 1024 + 1) == 2 * 1024 * 1024


@pytest.mark.parametrize(
    "other",
    [
        RecordContext("case-2", "message", "row-9"),
        RecordContext("case-1", "note", "row-9"),
        RecordContext("case-1", "message", "row-10"),
    ],
)
def test_moved_record_fails(other: RecordContext) -> None:
    key = new_key()
    with pytest.raises(DecryptionError):
        open_record(key, seal_record(key, b"secret", CONTEXT), other)


def test_wrong_key_fails() -> None:
    sealed = seal_record(new_key(), b"secret", CONTEXT)
    with pytest.raises(DecryptionError):
        open_record(new_key(), sealed, CONTEXT)
    with pytest.raises(DecryptionError):
        open_record(b"short", sealed, CONTEXT)


def test_every_byte_flip_and_cut_fails() -> None:
    key = new_key()
    sealed = seal_record(key, b"secret report", CONTEXT)
    for position in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[position] ^= 0x80
        with pytest.raises(DecryptionError):
            open_record(key, bytes(tampered), CONTEXT)
    for cut in (sealed[:-1], sealed[:20], sealed + b"\x00", b""):
        with pytest.raises(DecryptionError):
            open_record(key, cut, CONTEXT)


def test_non_zero_padding_is_refused() -> None:
    """Padding is authenticated, and must also be canonical (zeros)."""
    import secrets as _secrets

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from crypto.records import pad

    key = new_key()
    padded = bytearray(pad(b"secret"))
    padded[-1] = 1
    nonce = _secrets.token_bytes(12)
    forged = bytes([1]) + nonce + AESGCM(key).encrypt(nonce, bytes(padded), CONTEXT.aad())
    with pytest.raises(DecryptionError):
        open_record(key, forged, CONTEXT)
