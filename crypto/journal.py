"""The case journal's entry format: a hash chain with an Ed25519 signature on every link.

Each entry's hash covers the canonical encoding of its metadata, its content
(ciphertext, so the chain can be checked without reading it) and the previous
entry's hash; the author signs the hash. Anyone holding the authors' public
identities can check the whole chain and name the first broken link.

Two formats: entries of version 1 (before the anchored journal) hash under
``JOURNAL_LABEL``, and their content's AES-GCM associated data names case and
sequence number only. Version 2 hashes under ``JOURNAL_LABEL_V2`` and its
content's associated data also names the author (``content_context``), so
content moved to an entry of another author does not open. The version is
bound into the hash through the label: relabelling a v2 entry as v1 breaks it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from crypto.encoding import encode_fields
from crypto.errors import DecryptionError
from crypto.identity import Identity, PublicIdentity
from crypto.records import RecordContext

JOURNAL_LABEL = "lentera/journal/v1"
JOURNAL_LABEL_V2 = "lentera/journal/v2"
CURRENT_VERSION = 2
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
    version: int = 1


@dataclass(frozen=True)
class JournalVerdict:
    """The first broken link: its index in the list given, and why."""

    index: int
    reason: str  # "sequence", "link", "hash", "author" or "signature"


def genesis_hash(case_id: str) -> bytes:
    """What the first entry of a case links to: a per-case constant, not shared zeros."""
    return hashlib.sha256(encode_fields(JOURNAL_LABEL, "genesis", case_id)).digest()


def _label(version: int) -> str:
    if version == 1:
        return JOURNAL_LABEL
    if version == 2:
        return JOURNAL_LABEL_V2
    raise ValueError("unknown journal entry version")


def content_context(case_id: str, seq: int, author: str, version: int) -> RecordContext:
    """The associated data of an entry's sealed content.

    Version 2 names the author, so the body opens only under the author the
    chain (and its signature) names; version 1 rows, written before, keep
    their case-and-sequence AAD so that they still read.
    """
    if version == 1:
        return RecordContext(case_id, "journal", str(seq))
    _label(version)
    # seq is digits only, so the first ":" ends it: no two (seq, author) share a row id.
    return RecordContext(case_id, "journal/v2", f"{seq}:{author}")


def canonical_bytes(record: JournalRecord) -> bytes:
    return encode_fields(
        _label(record.version),
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
    try:
        computed = entry_hash(record)
    except ValueError:
        return False
    if not hmac.compare_digest(computed, stored_hash):
        return False
    try:
        author.verify(signature, SIGNATURE_LABEL + computed)
    except DecryptionError:
        return False
    return True


AuthorKeys = Mapping[str, PublicIdentity] | Callable[[JournalRecord], PublicIdentity | None]


def verify_chain(
    entries: Sequence[tuple[JournalRecord, bytes, bytes]],
    author_keys: AuthorKeys,
) -> JournalVerdict | None:
    """Check ``(record, signature, stored hash)`` triples in order; None when all hold.

    ``author_keys`` maps author labels to keys, or is a function of the whole
    record, for a caller that accepts a key only at some dates (an identity
    generation after its successor began is no author any more).
    """
    key_for = author_keys if callable(author_keys) else _lookup(author_keys)
    expected_prev: bytes | None = None
    for index, (record, signature, stored_hash) in enumerate(entries):
        if record.seq != index + 1:
            return JournalVerdict(index, "sequence")
        link = genesis_hash(record.case_id) if expected_prev is None else expected_prev
        if not hmac.compare_digest(record.prev_hash, link):
            return JournalVerdict(index, "link")
        try:
            computed = entry_hash(record)
        except ValueError:
            return JournalVerdict(index, "hash")
        if not hmac.compare_digest(computed, stored_hash):
            return JournalVerdict(index, "hash")
        author = key_for(record)
        if author is None:
            return JournalVerdict(index, "author")
        try:
            author.verify(signature, SIGNATURE_LABEL + computed)
        except DecryptionError:
            return JournalVerdict(index, "signature")
        expected_prev = computed
    return None


def _lookup(keys: Mapping[str, PublicIdentity]) -> Callable[[JournalRecord], PublicIdentity | None]:
    def key_for(record: JournalRecord) -> PublicIdentity | None:
        return keys.get(record.author)

    return key_for
