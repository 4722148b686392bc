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
from crypto.identity import Identity, PublicIdentity
from crypto.journal import (
    JournalRecord,
    JournalVerdict,
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
from crypto.stream import StreamDecryptor, StreamEncryptor, encrypted_size

__all__ = [
    "PEPPER_BYTES",
    "PRODUCTION_ARGON2",
    "TEST_ARGON2",
    "Argon2Params",
    "CodeFormatError",
    "CodeKind",
    "CodeSecrets",
    "DecryptionError",
    "Identity",
    "JournalRecord",
    "JournalVerdict",
    "PublicIdentity",
    "RecordContext",
    "StreamDecryptor",
    "StreamEncryptor",
    "WrapContext",
    "argon2id",
    "derive_code_secrets",
    "derive_key",
    "encrypted_size",
    "entry_hash",
    "entry_verifies",
    "format_code",
    "generate_code",
    "genesis_hash",
    "lookup_hash",
    "needs_rehash",
    "new_key",
    "open_record",
    "open_seed",
    "open_text",
    "parse_code",
    "pepper_fingerprint",
    "salt_fingerprint",
    "seal_record",
    "seal_seed",
    "seal_text",
    "seal_version",
    "sign_entry",
    "unwrap_key",
    "verify_chain",
    "wrap_key",
]
