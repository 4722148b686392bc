"""Seal v2: the pepper makes a copy of the database useless for testing password guesses."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto import (
    TEST_ARGON2,
    Argon2Params,
    DecryptionError,
    argon2id,
    needs_rehash,
    open_seed,
    pepper_fingerprint,
    seal_seed,
    seal_version,
)
from crypto.passwords import HEADER, PREFIX_BYTES, SALT_BYTES
from tests.support.seals import seal_seed_v1

SEED = bytes(range(32))
PASSWORD = "kopi-toraja-pagi"
PEPPER = bytes(range(100, 132))
# What a thief without instance/ might try in the pepper's place.
GUESSED_PEPPERS = (bytes(32), b"\xff" * 32, bytes(range(101, 133)), PEPPER[:31] + b"\x00")


def _failure(blob: bytes, password: str, pepper: bytes) -> tuple[type, tuple, str]:
    with pytest.raises(DecryptionError) as failed:
        open_seed(blob, password, pepper)
    return type(failed.value), failed.value.args, str(failed.value)


def test_a_wrong_pepper_fails_exactly_like_a_wrong_password() -> None:
    blob = seal_seed(SEED, PASSWORD, TEST_ARGON2, PEPPER)
    assert open_seed(blob, PASSWORD, PEPPER) == SEED
    wrong_password = _failure(blob, PASSWORD + "!", PEPPER)
    for guess in GUESSED_PEPPERS:
        # The right password is no help without the pepper: the same error, nothing more.
        assert _failure(blob, PASSWORD, guess) == wrong_password
        assert _failure(blob, PASSWORD + "!", guess) == wrong_password


def test_the_right_password_and_its_argon2_output_do_not_open_a_v2_seal() -> None:
    """What a thief can compute from the database and a guess is not the key."""
    blob = seal_seed(SEED, PASSWORD, TEST_ARGON2, PEPPER)
    salt = blob[HEADER.size : HEADER.size + SALT_BYTES]
    nonce = blob[HEADER.size + SALT_BYTES : PREFIX_BYTES]
    stretched = argon2id(PASSWORD.encode(), salt, TEST_ARGON2)
    with pytest.raises(InvalidTag):
        AESGCM(stretched).decrypt(nonce, blob[PREFIX_BYTES:], blob[:PREFIX_BYTES])
    # Nor does relabelling the blob as v1 (the header is bound into the key and the AAD).
    as_v1 = b"\x01" + blob[1:]
    assert _failure(as_v1, PASSWORD, PEPPER) == _failure(blob, "wrong", PEPPER)


def test_every_new_seal_is_v2_and_v1_seals_still_open_and_ask_to_be_resealed() -> None:
    sealed = seal_seed(SEED, PASSWORD, TEST_ARGON2, PEPPER)
    assert seal_version(sealed) == 2
    assert not needs_rehash(sealed, TEST_ARGON2)
    old = seal_seed_v1(SEED, PASSWORD, TEST_ARGON2)
    assert seal_version(old) == 1
    assert open_seed(old, PASSWORD, PEPPER) == SEED  # v1 never depended on the pepper
    assert needs_rehash(old, TEST_ARGON2), "a v1 seal is moved to v2 at the next sign-in"
    with pytest.raises(DecryptionError):
        open_seed(old, "wrong", PEPPER)


def test_a_blob_of_an_unknown_version_is_refused() -> None:
    blob = seal_seed(SEED, PASSWORD, TEST_ARGON2, PEPPER)
    for version in (0, 3, 255):
        with pytest.raises(DecryptionError):
            open_seed(bytes([version]) + blob[1:], PASSWORD, PEPPER)
        assert needs_rehash(bytes([version]) + blob[1:], TEST_ARGON2)


def test_raised_parameters_still_ask_for_a_reseal() -> None:
    blob = seal_seed(SEED, PASSWORD, TEST_ARGON2, PEPPER)
    assert needs_rehash(blob, Argon2Params(2, 8, 1))


def test_the_pepper_must_be_32_bytes() -> None:
    blob = seal_seed(SEED, PASSWORD, TEST_ARGON2, PEPPER)
    for bad in (b"", bytes(16), bytes(33)):
        with pytest.raises(ValueError):
            seal_seed(SEED, PASSWORD, TEST_ARGON2, bad)
        with pytest.raises(ValueError):
            open_seed(blob, PASSWORD, bad)
        with pytest.raises(ValueError):
            pepper_fingerprint(bad)


def test_the_fingerprint_tells_peppers_apart_and_is_not_the_pepper() -> None:
    fingerprint = pepper_fingerprint(PEPPER)
    assert len(fingerprint) == 32
    assert fingerprint != PEPPER and PEPPER not in fingerprint
    assert pepper_fingerprint(PEPPER) == fingerprint
    assert all(pepper_fingerprint(guess) != fingerprint for guess in GUESSED_PEPPERS)
