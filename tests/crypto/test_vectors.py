"""The fixed vectors of docs/crypto.md: a change to any format or derivation fails here."""

from __future__ import annotations

import io
import json

from crypto import (
    Identity,
    StreamDecryptor,
    open_record,
    open_seed,
    unwrap_key,
)
from tests.crypto import vectors

STORED = json.loads(vectors.PATH.read_text())


def test_deterministic_values_are_unchanged() -> None:
    assert vectors.deterministic() == STORED["deterministic"]


def test_stored_ciphertexts_still_open() -> None:
    stored = {name: bytes.fromhex(value) for name, value in STORED["randomised"].items()}
    identity = Identity.from_seed(vectors.SEED)
    assert unwrap_key(stored["wrapped_key"], identity, vectors.WRAP_CONTEXT) == vectors.KEY
    assert open_record(vectors.KEY, stored["record"], vectors.RECORD_CONTEXT) == vectors.PLAINTEXT
    for name, version in (("stream", 1), ("stream_v2", 2)):  # v1: files written before issue 18
        stream = StreamDecryptor(vectors.KEY, io.BytesIO(stored[name]), vectors.FILE_CONTEXT)
        assert stream.version == version
        assert stream.read_all() == vectors.PLAINTEXT * 1460
    assert open_seed(stored["sealed_seed"], vectors.PASSWORD, vectors.PEPPER) == vectors.SEED
    assert open_seed(stored["sealed_seed_v2"], vectors.PASSWORD, vectors.PEPPER) == vectors.SEED


def test_docs_quote_the_vectors() -> None:
    spec = (vectors.PATH.parents[2] / "docs" / "crypto.md").read_text()
    for value in STORED["deterministic"].values():
        assert value in spec
