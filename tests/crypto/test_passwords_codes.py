"""Password-sealed seeds, receipt and invitation codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import (
    PRODUCTION_ARGON2,
    TEST_ARGON2,
    Argon2Params,
    CodeFormatError,
    CodeKind,
    DecryptionError,
    derive_code_secrets,
    format_code,
    generate_code,
    lookup_hash,
    needs_rehash,
    open_seed,
    parse_code,
    seal_seed,
)
from crypto.passwords import HEADER, MAX_PASSWORD_LENGTH

SEED = bytes(range(32))
SALT = bytes(32)
PEPPER = bytes(range(100, 132))


def test_production_parameters_are_rfc9106_second_profile() -> None:
    assert Argon2Params(time_cost=3, memory_kib=65_536, parallelism=4) == PRODUCTION_ARGON2


def test_seal_open_and_wrong_password() -> None:
    blob = seal_seed(SEED, "kopi-toraja-pagi", TEST_ARGON2, PEPPER)
    assert open_seed(blob, "kopi-toraja-pagi", PEPPER) == SEED
    for wrong in ("kopi-toraja-pagI", "", "kopi-toraja-pagi "):
        with pytest.raises(DecryptionError):
            open_seed(blob, wrong, PEPPER)


def test_unicode_passwords_are_normalised() -> None:
    blob = seal_seed(SEED, "cafe\u0301-sulawesi", TEST_ARGON2, PEPPER)  # decomposed é
    assert open_seed(blob, "caf\u00e9-sulawesi", PEPPER) == SEED  # composed é


def test_tampered_blob_fails() -> None:
    blob = seal_seed(SEED, "kopi-toraja-pagi", TEST_ARGON2, PEPPER)
    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            open_seed(bytes(tampered), "kopi-toraja-pagi", PEPPER)


def test_absurd_parameters_in_a_blob_are_refused_before_work() -> None:
    blob = seal_seed(SEED, "x" * 12, TEST_ARGON2, PEPPER)
    huge = HEADER.pack(2, 3, 8 * 1024 * 1024, 4) + blob[HEADER.size :]
    with pytest.raises(DecryptionError):
        open_seed(huge, "x" * 12, PEPPER)


def test_needs_rehash() -> None:
    blob = seal_seed(SEED, "x" * 12, TEST_ARGON2, PEPPER)
    assert needs_rehash(blob, Argon2Params(2, 8, 1))
    assert not needs_rehash(blob, TEST_ARGON2)
    assert needs_rehash(b"garbage", TEST_ARGON2)


def test_overlong_password_is_refused() -> None:
    with pytest.raises(ValueError):
        seal_seed(SEED, "x" * (MAX_PASSWORD_LENGTH + 1), TEST_ARGON2, PEPPER)
    blob = seal_seed(SEED, "x" * 12, TEST_ARGON2, PEPPER)
    with pytest.raises(ValueError):
        open_seed(blob, "x" * (MAX_PASSWORD_LENGTH + 1), PEPPER)


def test_codes_are_well_formed_and_unique() -> None:
    codes = {generate_code() for _ in range(10_000)}
    assert len(codes) == 10_000
    for code in list(codes)[:100]:
        assert len(code) == 20 and code.isdigit()
        assert parse_code(format_code(code)) == code
        assert parse_code(code.replace(" ", "-")) == code
        assert parse_code(format_code(code) + "\n") == code  # as copy-pasted


def test_check_digit_catches_every_single_error_and_adjacent_swap() -> None:
    for _ in range(300):
        code = generate_code()
        for position in range(20):
            for digit in "0123456789":
                if digit != code[position]:
                    with pytest.raises(CodeFormatError):
                        parse_code(code[:position] + digit + code[position + 1 :])
            if position < 19 and code[position] != code[position + 1]:
                swapped = (
                    code[:position] + code[position + 1] + code[position] + code[position + 2 :]
                )
                with pytest.raises(CodeFormatError):
                    parse_code(swapped)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1234",
        "1234 5678 9012 3456 789",
        "1234 5678 9012 3456 78911",
        "1234 5678 9012 3456 789a",
        "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩١",  # Arabic-Indic digits
        "1" * 65,
        "12345678901234567891\x00",
        "12345678901234567891/",
    ],
)
def test_parse_rejects_malformed(text: str) -> None:
    with pytest.raises(CodeFormatError):
        parse_code(text)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_parse_junk_only_raises_code_format_error(text: str) -> None:
    try:
        digits = parse_code(text)
    except CodeFormatError:
        return
    assert len(digits) == 20 and digits.isascii() and digits.isdigit()


def test_code_secrets_differ_by_kind_salt_and_code() -> None:
    code = "12345678901234567891"
    receipt = derive_code_secrets(code, CodeKind.RECEIPT, SALT, TEST_ARGON2)
    assert receipt == derive_code_secrets(code, CodeKind.RECEIPT, SALT, TEST_ARGON2)
    assert receipt != derive_code_secrets(code, CodeKind.INVITATION, SALT, TEST_ARGON2)
    assert receipt != derive_code_secrets(code, CodeKind.RECEIPT, bytes([1]) * 32, TEST_ARGON2)
    other = generate_code()
    assert receipt != derive_code_secrets(other, CodeKind.RECEIPT, SALT, TEST_ARGON2)
    assert receipt.lookup_id != receipt.identity_seed
    assert lookup_hash(receipt.lookup_id) != receipt.lookup_id
