"""Lentera's confidentiality core: a pure library (no web framework, no database).

The public surface is small on purpose (in the spirit of pyca's ``Fernet``):
identities and their public halves, wrapping keys to identities, sealing
records, streaming files, sealing seeds under passwords, codes, and the
journal's signed hash chain. Every failure to decrypt or verify raises the
one ``DecryptionError``. ``docs/crypto.md`` is the specification.
"""

from crypto.codes import (
    CodeKind,
    CodeSecrets,
    derive_code_secrets,
    format_code,
    generate_code,
    lookup_hash,
    parse_code,
    salt_fingerprint,
)
from crypto.envelope import WrapContext, new_key, unwrap_key, wrap_key
from crypto.errors import CodeFormatError, DecryptionError
from crypto.headlog import (
    Checkpoint,
    CheckpointFormatError,
    HeadLink,
    InstallationKey,
    InstallationPublicKey,
    LogWalker,
    checkpoint_text,
    checkpoint_verifies,
    link_hash,
    log_genesis,
    make_checkpoint,
    parse_checkpoint,
    sign_link,
)
from crypto.identity import Identity, PublicIdentity
from crypto.journal import (
    CURRENT_VERSION as JOURNAL_VERSION,
)
from crypto.journal import (
    JournalRecord,
    JournalVerdict,
    content_context,
    entry_hash,
    entry_verifies,
    genesis_hash,
    sign_entry,
    verify_chain,
)
from crypto.kdf import PRODUCTION_ARGON2, TEST_ARGON2, Argon2Params, argon2id, derive_key
from crypto.passwords import (
    PEPPER_BYTES,
    needs_rehash,
    open_seed,
    pepper_fingerprint,
    seal_seed,
    seal_version,
)
from crypto.records import RecordContext, open_record, open_text, seal_record, seal_text
from crypto.stream import StreamDecryptor, StreamEncryptor, encrypted_size, padded_length

__all__ = [
    "JOURNAL_VERSION",
    "PEPPER_BYTES",
    "PRODUCTION_ARGON2",
    "TEST_ARGON2",
    "Argon2Params",
    "Checkpoint",
    "CheckpointFormatError",
    "CodeFormatError",
    "CodeKind",
    "CodeSecrets",
    "DecryptionError",
    "HeadLink",
    "Identity",
    "InstallationKey",
    "InstallationPublicKey",
    "JournalRecord",
    "JournalVerdict",
    "LogWalker",
    "PublicIdentity",
    "RecordContext",
    "StreamDecryptor",
    "StreamEncryptor",
    "WrapContext",
    "argon2id",
    "checkpoint_text",
    "checkpoint_verifies",
    "content_context",
    "derive_code_secrets",
    "derive_key",
    "encrypted_size",
    "entry_hash",
    "entry_verifies",
    "format_code",
    "generate_code",
    "genesis_hash",
    "link_hash",
    "log_genesis",
    "lookup_hash",
    "make_checkpoint",
    "needs_rehash",
    "new_key",
    "open_record",
    "open_seed",
    "open_text",
    "padded_length",
    "parse_checkpoint",
    "parse_code",
    "pepper_fingerprint",
    "salt_fingerprint",
    "seal_record",
    "seal_seed",
    "seal_text",
    "seal_version",
    "sign_entry",
    "sign_link",
    "unwrap_key",
    "verify_chain",
    "wrap_key",
]
