"""Fixed test vectors for docs/crypto.md and tests/crypto/vectors.json.

Deterministic values (key derivations, hashes, fingerprints) are recomputed
and compared; randomised constructions (HPKE wraps, records, streams, sealed
seeds) are stored once and must keep decrypting to the stored plaintext.
Regenerate only on a deliberate format change: ``python -m tests.crypto.vectors --write``.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

from crypto import (
    TEST_ARGON2,
    CodeKind,
    Identity,
    JournalRecord,
    RecordContext,
    StreamEncryptor,
    WrapContext,
    argon2id,
    derive_code_secrets,
    entry_hash,
    genesis_hash,
    lookup_hash,
    pepper_fingerprint,
    salt_fingerprint,
    seal_record,
    seal_seed,
    sign_entry,
    wrap_key,
)
from crypto.passwords import HEADER, V2, seal_key_v2
from tests.support.seals import seal_seed_v1

PATH = Path(__file__).with_name("vectors.json")
SEED = bytes(range(32))
KEY = bytes(range(32, 64))
INSTALLATION_SALT = bytes.fromhex("5a" * 32)
CODE = "12345678901234567891"  # Damm check digit 1
WRAP_CONTEXT = WrapContext("case-key", "case-7f3a", "reporter", "staff:12")
RECORD_CONTEXT = RecordContext("case-7f3a", "report", "record-1")
FILE_CONTEXT = RecordContext("case-7f3a", "attachment", "file-1")
PLAINTEXT = b"Pungutan liar di loket pelayanan, Senin pagi."
PASSWORD = "kopi-toraja-pagi-hari"
PEPPER = bytes.fromhex("c3" * 32)
# A v2 seal's prefix with fixed salt (0x10..0x1f) and nonce (0x20..0x2b), for its key.
SEAL_V2_PREFIX = (
    HEADER.pack(V2, TEST_ARGON2.time_cost, TEST_ARGON2.memory_kib, TEST_ARGON2.parallelism)
    + bytes(range(16, 32))
    + bytes(range(32, 44))
)


def seal_v2_key() -> bytes:
    salt = SEAL_V2_PREFIX[HEADER.size : HEADER.size + 16]
    return seal_key_v2(argon2id(PASSWORD.encode(), salt, TEST_ARGON2), PEPPER, SEAL_V2_PREFIX)


def journal_record() -> JournalRecord:
    return JournalRecord(
        case_id="case-7f3a",
        seq=1,
        kind="acknowledged",
        author="staff:12",
        created_at="2026-11-28T08:00:00Z",
        content=bytes.fromhex("00112233"),
        prev_hash=genesis_hash("case-7f3a"),
    )


def deterministic() -> dict[str, str]:
    identity = Identity.from_seed(SEED)
    secrets_ = derive_code_secrets(CODE, CodeKind.RECEIPT, INSTALLATION_SALT, TEST_ARGON2)
    invitation = derive_code_secrets(CODE, CodeKind.INVITATION, INSTALLATION_SALT, TEST_ARGON2)
    record = journal_record()
    return {
        "identity_public_sha256": hashlib.sha256(identity.public().to_bytes()).hexdigest(),
        "identity_fingerprint": identity.public().fingerprint(),
        "receipt_lookup_id": secrets_.lookup_id.hex(),
        "receipt_identity_seed": secrets_.identity_seed.hex(),
        "receipt_lookup_hash": lookup_hash(secrets_.lookup_id).hex(),
        "invitation_lookup_id": invitation.lookup_id.hex(),
        "salt_fingerprint": salt_fingerprint(INSTALLATION_SALT).hex(),
        "pepper_fingerprint": pepper_fingerprint(PEPPER).hex(),
        "seal_v2_key": seal_v2_key().hex(),
        "journal_genesis": genesis_hash("case-7f3a").hex(),
        "journal_entry_hash": entry_hash(record).hex(),
        # Ed25519 signatures are deterministic.
        "journal_signature": sign_entry(record, identity).hex(),
    }


# Ciphertexts of formats no longer written, kept from the file as they were made.
LEGACY = ("stream",)


def randomised() -> dict[str, str]:
    identity = Identity.from_seed(SEED)
    stream = io.BytesIO()
    with StreamEncryptor(KEY, stream, FILE_CONTEXT) as encryptor:
        encryptor.write(PLAINTEXT * 1460)  # 65,700 bytes: two chunks
    return {
        "wrapped_key": wrap_key(KEY, identity.public(), WRAP_CONTEXT).hex(),
        "record": seal_record(KEY, PLAINTEXT, RECORD_CONTEXT).hex(),
        # Format v2 (padded, issue 18); "stream" in the stored file is v1, which
        # nothing writes any more and every reader still opens (``LEGACY``).
        "stream_v2": stream.getvalue().hex(),
        # v1 (password alone) as releases before the pepper wrote it, and v2.
        "sealed_seed": seal_seed_v1(SEED, PASSWORD, TEST_ARGON2).hex(),
        "sealed_seed_v2": seal_seed(SEED, PASSWORD, TEST_ARGON2, PEPPER).hex(),
    }


def main(argv: list[str]) -> int:
    if argv[1:] != ["--write"]:
        print("usage: python -m tests.crypto.vectors --write", file=sys.stderr)
        return 2
    stored = json.loads(PATH.read_text())["randomised"] if PATH.exists() else {}
    kept = {name: stored[name] for name in LEGACY if name in stored}
    data: dict[str, Any] = {
        "deterministic": deterministic(),
        "randomised": kept | randomised(),
    }
    PATH.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
