"""The case journal's entry format: a hash chain with an Ed25519 signature on every link.

Each entry's hash covers the canonical encoding of its metadata, its content
(ciphertext, so the chain can be checked without reading it) and the previous
entry's hash; the author signs the hash. Anyone holding the authors' public
identities can check the whole chain and name the first broken link.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crypto.encoding import encode_fields
from crypto.errors import DecryptionError
from crypto.identity import Identity, PublicIdentity

JOURNAL_LABEL = "lentera/journal/v1"
SIGNATURE_LABEL = b"lentera/journal-signature/v1"


@dataclass(frozen=True)
class JournalRecord:
    case_id: str
    seq: int
    kind: str
    author: str
    created_at: str
    content: bytes
    prev_hash: bytes


@dataclass(frozen=True)
class JournalVerdict:
    """The first broken link: its index in the list given, and why."""

    index: int
    reason: str  # "sequence", "link", "hash", "author" or "signature"


def genesis_hash(case_id: str) -> bytes:
    """What the first entry of a case links to: a per-case constant, not shared zeros."""
    return hashlib.sha256(encode_fields(JOURNAL_LABEL, "genesis", case_id)).digest()


def canonical_bytes(record: JournalRecord) -> bytes:
    return encode_fields(
        JOURNAL_LABEL,
        record.case_id,
        record.seq,
        record.kind,
        record.author,
        record.created_at,
        record.content,
        record.prev_hash,
    )


def entry_hash(record: JournalRecord) -> bytes:
    return hashlib.sha256(canonical_bytes(record)).digest()


def sign_entry(record: JournalRecord, identity: Identity) -> bytes:
    return identity.sign(SIGNATURE_LABEL + entry_hash(record))


def entry_verifies(
    record: JournalRecord, signature: bytes, stored_hash: bytes, author: PublicIdentity
) -> bool:
    """Whether one entry is intact and signed by ``author`` (its place in the chain aside).

    For a single step shown on its own, such as a respondent's statement: a
    yes or a no, never which part failed.
    """
    computed = entry_hash(record)
    if not hmac.compare_digest(computed, stored_hash):
        return False
    try:
        author.verify(signature, SIGNATURE_LABEL + computed)
    except DecryptionError:
        return False
    return True


def verify_chain(
    entries: Sequence[tuple[JournalRecord, bytes, bytes]],
    author_keys: Mapping[str, PublicIdentity],
) -> JournalVerdict | None:
    """Check ``(record, signature, stored hash)`` triples in order; None when all hold."""
    expected_prev: bytes | None = None
    for index, (record, signature, stored_hash) in enumerate(entries):
        if record.seq != index + 1:
            return JournalVerdict(index, "sequence")
        link = genesis_hash(record.case_id) if expected_prev is None else expected_prev
        if not hmac.compare_digest(record.prev_hash, link):
            return JournalVerdict(index, "link")
        computed = entry_hash(record)
        if not hmac.compare_digest(computed, stored_hash):
            return JournalVerdict(index, "hash")
        author = author_keys.get(record.author)
        if author is None:
            return JournalVerdict(index, "author")
        try:
            author.verify(signature, SIGNATURE_LABEL + computed)
        except DecryptionError:
            return JournalVerdict(index, "signature")
        expected_prev = computed
    return None
