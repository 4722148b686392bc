"""What the head log's trust links cover: roots, certificates and revocations.

The custodians' roots and the handler certificates are rows in the database;
on their own, a database writer could insert a root of their own, a
certificate for a puppet, or clear a revocation. Each of them therefore gets a
link in the head log (``crypto.headlog``, kinds ``root``, ``certificate`` and
``revocation``) whose ``entry_hash`` is the SHA-256 of the statement below,
signed with the rest of the log by the installation key, whose seed is not in
the database. A row counts only if its link exists and its hash matches.

A root of generation n > 1 is also endorsed by root n - 1
(``sign_endorsement``): the same custodians' power moves from one key to the
next, and the endorsement says so under the old key, so that even someone
holding ``instance/`` cannot make a new root the old custodians never saw.
Generation 1 is anchored by its link alone (trust on first ceremony).

No format change to a link: the hashes fill its ``entry_hash`` field.
"""

from __future__ import annotations

import hashlib

from crypto.certificates import CertificateStatement, canonical_bytes
from crypto.encoding import encode_fields
from crypto.identity import Identity, PublicIdentity

ROOT_LABEL = "lentera/trust-link/root/v1"
CERTIFICATE_LINK_LABEL = "lentera/trust-link/certificate/v1"
REVOCATION_LABEL = "lentera/trust-link/revocation/v1"
ENDORSEMENT_LABEL = "lentera/root-endorsement/v1"

ROOT_CASE_ID = "root"  # the link's case_id for every root; its seq is the generation


def certificate_case_id(certificate_id: int) -> str:
    """The case_id of a certificate's links (issuance and revocation); seq is the id too."""
    return f"certificate:{certificate_id}"


def endorsement_message(generation: int, public: bytes) -> bytes:
    return encode_fields(ENDORSEMENT_LABEL, generation, public)


def sign_endorsement(old_root: Identity, generation: int, public: bytes) -> bytes:
    """Root n - 1 says: generation ``generation`` is the public identity ``public``."""
    return old_root.sign(endorsement_message(generation, public))


def verify_endorsement(
    old_public: PublicIdentity, generation: int, public: bytes, signature: bytes
) -> None:
    """Raise ``DecryptionError`` unless the old root endorsed exactly this generation and key."""
    old_public.verify(signature, endorsement_message(generation, public))


def root_hash(generation: int, public: bytes, created_at: str, endorsement: bytes) -> bytes:
    """A root's link hash: its generation, key, start (ISO, seconds) and endorsement (or b"")."""
    return hashlib.sha256(
        encode_fields(ROOT_LABEL, generation, public, created_at, endorsement)
    ).digest()


def certificate_hash(statement: CertificateStatement, signature: bytes) -> bytes:
    """An issuance link's hash: the signed statement and its signature."""
    return hashlib.sha256(
        encode_fields(CERTIFICATE_LINK_LABEL, canonical_bytes(statement), signature)
    ).digest()


def revocation_hash(certificate: bytes, reason: str, revoked_at: str) -> bytes:
    """A revocation link's hash: the certificate's own link hash, the reason and the time."""
    return hashlib.sha256(encode_fields(REVOCATION_LABEL, certificate, reason, revoked_at)).digest()
