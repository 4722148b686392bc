"""The installation's head log: one signed, hash-chained link per journal append.

A case journal (``crypto.journal``) is signed by its authors, whose public
keys live in the database: someone holding a copy of the database can cut a
journal's tail, drop a whole journal, or re-sign entries with a key they
inserted. The head log binds every case's head (case, sequence number, entry
hash) into one chain signed by the installation key, whose seed lives in
``instance/`` and never in the database, so a database thief cannot extend
the log or rewrite it. A checkpoint (position, link hash, time, key) printed
and handed to an outside witness pins the log up to that position even
against someone holding ``instance/`` too: a log rewritten before it no
longer reaches the witness's link hash.

Format (``docs/crypto.md``, "The head log"): a link is
``encode_fields(HEAD_LOG_LABEL, position, kind, case_id, seq, entry_hash,
prev_hash)``; its hash is SHA-256 of that; the installation key signs
``LINK_SIGNATURE_LABEL || link hash`` with Ed25519. Link 1 links to
``SHA-256(encode_fields(HEAD_LOG_LABEL, "genesis", public key))``, so a log
is bound to its key from the start.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from crypto.encoding import encode_fields
from crypto.errors import DecryptionError
from crypto.identity import Identity
from crypto.kdf import derive_key

HEAD_LOG_LABEL = "lentera/head-log/v1"
LINK_SIGNATURE_LABEL = b"lentera/head-log-signature/v1"
CHECKPOINT_LABEL = "lentera/checkpoint/v1"
KEY_LABEL = "lentera/installation-key/v1/ed25519"
# The installation's own journal entries: their signing identity and body keys.
SYSTEM_LABEL = "lentera/installation-key/v1/system-journal"
SYSTEM_CONTENT_LABEL = "lentera/system-journal-content/v1/"
FINGERPRINT_LABEL = b"lentera/installation-key-fingerprint/v1"
SEED_BYTES = 32

# A link records a case's new head, or that a lawfully deleted case is gone;
# the trust links anchor the custodians' roots and every certificate and
# revocation (``crypto.trustlinks``) under the same key, so a database writer
# cannot add a root or a certificate, nor undo a revocation, unseen.
HEAD = "head"
DELETED = "deleted"
ROOT = "root"
CERTIFICATE = "certificate"
REVOCATION = "revocation"
TRUST_KINDS = (ROOT, CERTIFICATE, REVOCATION)
KINDS = (HEAD, DELETED, *TRUST_KINDS)


class InstallationPublicKey:
    """The public half of the installation key: 32 raw Ed25519 bytes."""

    def __init__(self, raw: bytes) -> None:
        if len(raw) != 32:
            raise ValueError("an installation public key is 32 bytes")
        self._raw = raw
        self._key = ed25519.Ed25519PublicKey.from_public_bytes(raw)

    def to_bytes(self) -> bytes:
        return self._raw

    def fingerprint(self) -> str:
        """Twenty hex digits in groups of four, to read aloud or compare on paper."""
        digest = hashlib.sha256(FINGERPRINT_LABEL + self._raw).hexdigest()[:20]
        return " ".join(digest[i : i + 4] for i in range(0, 20, 4))

    def verify(self, signature: bytes, message: bytes) -> None:
        """Raise ``DecryptionError`` unless ``signature`` is this key's over ``message``."""
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            raise DecryptionError() from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InstallationPublicKey) and self._raw == other._raw

    def __hash__(self) -> int:
        return hash(self._raw)


class InstallationKey:
    """The signing key of the head log and its checkpoints, from a 32-byte seed.

    It decrypts no report: its seed in ``instance/`` gives whoever holds it
    only the power to extend the log, and to write and read the journal
    entries the installation itself makes (``system_identity``, ``system_key``:
    a deadline's escalation), whose bodies hold only workflow facts that are
    in clear in the database anyway.
    """

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes) or len(seed) != SEED_BYTES:
            raise ValueError("an installation key seed is 32 bytes")
        self._private = ed25519.Ed25519PrivateKey.from_private_bytes(derive_key(seed, KEY_LABEL))
        self._public = InstallationPublicKey(self._private.public_key().public_bytes_raw())
        self._system_seed = derive_key(seed, SYSTEM_LABEL)
        self._system: Identity | None = None

    def system_identity(self) -> Identity:
        """The identity that signs the installation's own journal entries (built once)."""
        if self._system is None:
            self._system = Identity(self._system_seed)
        return self._system

    def system_key(self, case_id: str) -> bytes:
        """The key that seals the bodies of the installation's own entries in one case."""
        return derive_key(self._system_seed, SYSTEM_CONTENT_LABEL + case_id)

    def public(self) -> InstallationPublicKey:
        return self._public

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def __repr__(self) -> str:
        return f"InstallationKey({self._public.fingerprint()})"


@dataclass(frozen=True)
class HeadLink:
    position: int
    kind: str
    case_id: str
    seq: int
    entry_hash: bytes
    prev_hash: bytes


def log_genesis(public: InstallationPublicKey) -> bytes:
    """What link 1 links to: bound to the installation key, so two logs never share a start."""
    return hashlib.sha256(encode_fields(HEAD_LOG_LABEL, "genesis", public.to_bytes())).digest()


def link_hash(link: HeadLink) -> bytes:
    return hashlib.sha256(
        encode_fields(
            HEAD_LOG_LABEL,
            link.position,
            link.kind,
            link.case_id,
            link.seq,
            link.entry_hash,
            link.prev_hash,
        )
    ).digest()


def sign_link(link: HeadLink, key: InstallationKey) -> bytes:
    return key.sign(LINK_SIGNATURE_LABEL + link_hash(link))


class LogWalker:
    """Checks links one at a time in log order, so a log of any length costs constant memory.

    ``add`` returns None for a good link, else why it is broken: "position",
    "kind", "link", "hash" or "signature". After a broken link the walk is
    over: nothing after it can be trusted to be the log.
    """

    def __init__(self, public: InstallationPublicKey) -> None:
        self._public = public
        self.position = 0
        self.last_hash = log_genesis(public)

    def add(self, link: HeadLink, signature: bytes, stored_hash: bytes) -> str | None:
        if link.position != self.position + 1:
            return "position"
        if link.kind not in KINDS:
            return "kind"
        if not hmac.compare_digest(link.prev_hash, self.last_hash):
            return "link"
        computed = link_hash(link)
        if not hmac.compare_digest(computed, stored_hash):
            return "hash"
        try:
            self._public.verify(signature, LINK_SIGNATURE_LABEL + computed)
        except DecryptionError:
            return "signature"
        self.position = link.position
        self.last_hash = computed
        return None


@dataclass(frozen=True)
class Checkpoint:
    """Signed: the head log had ``position`` links, the last one hashing to ``link_hash``."""

    position: int
    link_hash: bytes
    made_at: str  # ISO 8601 UTC, seconds
    public: bytes  # the installation key's 32 bytes
    signature: bytes

    def fingerprint(self) -> str:
        return InstallationPublicKey(self.public).fingerprint()


class CheckpointFormatError(ValueError):
    """The file is not a checkpoint this version can read (never says more than which line)."""


CHECKPOINT_TITLE = "LENTERA JOURNAL CHECKPOINT v1"
_FIELDS = ("installation key", "public key", "log position", "link hash", "made at", "signature")


def _checkpoint_message(position: int, link: bytes, made_at: str, public: bytes) -> bytes:
    return encode_fields(CHECKPOINT_LABEL, position, link, made_at, public)


def make_checkpoint(position: int, link: bytes, made_at: str, key: InstallationKey) -> Checkpoint:
    public = key.public().to_bytes()
    signature = key.sign(_checkpoint_message(position, link, made_at, public))
    return Checkpoint(position, link, made_at, public, signature)


def checkpoint_verifies(checkpoint: Checkpoint) -> bool:
    """Whether the checkpoint is signed by the key it names (compare that key separately)."""
    try:
        InstallationPublicKey(checkpoint.public).verify(
            checkpoint.signature,
            _checkpoint_message(
                checkpoint.position, checkpoint.link_hash, checkpoint.made_at, checkpoint.public
            ),
        )
    except (DecryptionError, ValueError):
        return False
    return True


def _grouped(raw: bytes) -> str:
    """Hex in groups of four, 32 bytes a line; longer values go on on indented lines."""
    digits = raw.hex()
    groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    rows = [" ".join(groups[i : i + 16]) for i in range(0, len(groups), 16)]
    return "\n    ".join(rows)


def checkpoint_text(checkpoint: Checkpoint) -> str:
    """The file's text: short lines a person can print, read and type back in."""
    values = (
        checkpoint.fingerprint(),
        _grouped(checkpoint.public),
        str(checkpoint.position),
        _grouped(checkpoint.link_hash),
        checkpoint.made_at,
        _grouped(checkpoint.signature),
    )
    lines = [CHECKPOINT_TITLE]
    lines += [f"{name}: {value}" for name, value in zip(_FIELDS, values, strict=True)]
    return "\n".join(lines) + "\n"


def _hex(value: str, length: int, name: str) -> bytes:
    try:
        raw = bytes.fromhex("".join(value.split()))
    except ValueError:
        raise CheckpointFormatError(f"{name} is not hexadecimal") from None
    if len(raw) != length:
        raise CheckpointFormatError(f"{name} has the wrong length")
    return raw


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint file; raises ``CheckpointFormatError`` naming the line at fault."""
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    if not lines or lines[0].strip() != CHECKPOINT_TITLE:
        raise CheckpointFormatError("not a Lentera journal checkpoint (first line)")
    values: dict[str, str] = {}
    last = ""
    for line in lines[1:]:
        if line[0].isspace() and last:  # an indented line goes on with the value above
            values[last] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if not colon or name.strip() not in _FIELDS or name.strip() in values:
            raise CheckpointFormatError(f"unexpected line: {name.strip()[:40]}")
        last = name.strip()
        values[last] = value.strip()
    missing = [name for name in _FIELDS if name not in values]
    if missing:
        raise CheckpointFormatError(f"{missing[0]} is missing")
    position_text = values["log position"]
    if not position_text.isdigit():
        raise CheckpointFormatError("log position is not a whole number")
    checkpoint = Checkpoint(
        position=int(position_text),
        link_hash=_hex(values["link hash"], 32, "link hash"),
        made_at=values["made at"],
        public=_hex(values["public key"], 32, "public key"),
        signature=_hex(values["signature"], 64, "signature"),
    )
    if values["installation key"] != checkpoint.fingerprint():
        raise CheckpointFormatError("installation key does not match the public key")
    return checkpoint
