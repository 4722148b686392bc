"""The head log and checkpoint formats of docs/crypto.md, section "The head log".

The spec is checked twice: by an independent re-computation from the text
(hashlib and the field encoding written out here) and by fixed vectors that
docs/crypto.md quotes, so a change to either the code or the page fails.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from pathlib import Path

import pytest

from crypto import (
    CheckpointFormatError,
    DecryptionError,
    HeadLink,
    Identity,
    InstallationKey,
    JournalRecord,
    LogWalker,
    checkpoint_text,
    checkpoint_verifies,
    content_context,
    entry_hash,
    genesis_hash,
    link_hash,
    log_genesis,
    make_checkpoint,
    open_record,
    parse_checkpoint,
    seal_record,
    sign_entry,
    sign_link,
    verify_chain,
)
from crypto.headlog import SYSTEM_LABEL
from crypto.kdf import derive_key

SPEC = Path(__file__).resolve().parents[2] / "docs" / "crypto.md"
KEY = InstallationKey(bytes(range(32)))
VECTORS = {
    "installation_fingerprint": "e3f3 ae99 99ab ad85 ad38",
    "installation_public": "3d3f7282d31afa2dac75cc1c4387151165610576deeee720be63a450f3812eab",
    "log_genesis": "ae8c5b24485d6646f46d74cb1b3cd4b4ce60bba253dddbf4f074c4fece003edb",
    "link_1_hash": "0cd4776baef6ca31619ef0b0961805838c09afc417b726186fbe8106874bc7ec",
    "link_1_signature": (
        "722ae93b3a5e666583e17d0ec43bba10f7fd99f5c166971e137dea2dba638f88"
        "d092ccc7cc6f51523a172dd0805011accff6f5e6f63ebe0cf291506788fc630c"
    ),
    "journal_v2_entry_hash": "24d49539e71e09f596c727e6541c4e2049696e8edbf1598dfbc18d3cf62c415b",
    # The installation's own journal entries (section 8), for the seed 00 01 .. 1f.
    "system_seed": "9bd533fac38409b48ef25db60f9ef55b5431eb8d9b1388f5027f946aa998dec7",
    "system_fingerprint": "eacc 9d84 24ad 62db 0ce0",
    "system_key_case_uid_1": "509b00acb3e3640b2704b9a7721fbf7877b2dcd2ee1e4c5c44dbefbaa8be5cf9",
}


def _field(value: bytes | str | int) -> bytes:
    """The canonical encoding, written out from docs/crypto.md section 0."""
    if isinstance(value, int):
        return b"i" + struct.pack(">I", 8) + value.to_bytes(8, "big", signed=True)
    tag, raw = (b"s", value.encode()) if isinstance(value, str) else (b"b", value)
    return tag + struct.pack(">I", len(raw)) + raw


def _first_link() -> HeadLink:
    return HeadLink(1, "head", "case-uid-1", 3, bytes(range(32)), log_genesis(KEY.public()))


def test_link_hash_is_the_spec_recomputed() -> None:
    public = KEY.public().to_bytes()
    genesis = hashlib.sha256(
        _field("lentera/head-log/v1") + _field("genesis") + _field(public)
    ).digest()
    assert log_genesis(KEY.public()) == genesis
    link = _first_link()
    fields = ("lentera/head-log/v1", 1, "head", "case-uid-1", 3, bytes(range(32)), genesis)
    assert link_hash(link) == hashlib.sha256(b"".join(_field(f) for f in fields)).digest()
    KEY.public().verify(sign_link(link, KEY), b"lentera/head-log-signature/v1" + link_hash(link))


def test_fixed_vectors_hold_and_the_spec_quotes_them() -> None:
    link = _first_link()
    record = JournalRecord(
        "case-uid-1",
        1,
        "note",
        "staff:1:1",
        "2026-12-02T08:00:00+00:00",
        b"\x01" * 40,
        genesis_hash("case-uid-1"),
        version=2,
    )
    found = {
        "installation_fingerprint": KEY.public().fingerprint(),
        "installation_public": KEY.public().to_bytes().hex(),
        "log_genesis": log_genesis(KEY.public()).hex(),
        "link_1_hash": link_hash(link).hex(),
        "link_1_signature": sign_link(link, KEY).hex(),  # Ed25519 is deterministic
        "journal_v2_entry_hash": entry_hash(record).hex(),
        "system_seed": derive_key(bytes(range(32)), SYSTEM_LABEL).hex(),
        "system_fingerprint": KEY.system_identity().public().fingerprint(),
        "system_key_case_uid_1": KEY.system_key("case-uid-1").hex(),
    }
    assert (
        KEY.system_identity().public() == Identity(bytes.fromhex(VECTORS["system_seed"])).public()
    )
    assert found == VECTORS
    spec = SPEC.read_text()
    for value in VECTORS.values():
        assert value in spec


def _log(length: int) -> list[tuple[HeadLink, bytes, bytes]]:
    links = []
    previous = log_genesis(KEY.public())
    for position in range(1, length + 1):
        link = HeadLink(
            position, "head", f"case-{position % 3}", position, bytes([position]) * 32, previous
        )
        links.append((link, sign_link(link, KEY), link_hash(link)))
        previous = link_hash(link)
    return links


def _walk(links: list[tuple[HeadLink, bytes, bytes]], key: InstallationKey = KEY) -> str | None:
    walker = LogWalker(key.public())
    for link, signature, stored in links:
        reason = walker.add(link, signature, stored)
        if reason is not None:
            return f"{link.position}:{reason}"
    return None


def test_log_walker_names_each_kind_of_break() -> None:
    assert _walk(_log(6)) is None
    links = _log(6)
    del links[2]
    assert _walk(links) == "4:position"
    links = _log(6)
    link, signature, _ = links[3]
    edited = dataclasses.replace(link, entry_hash=b"\xff" * 32)
    links[3] = (edited, signature, link_hash(edited))
    assert _walk(links) == "4:signature"
    links = _log(6)
    links[3] = (edited, signature, links[3][2])
    assert _walk(links) == "4:hash"
    other = InstallationKey(bytes(32))
    assert _walk(_log(3), other) == "1:link"  # another key's genesis


def test_checkpoint_round_trips_and_refuses_edits() -> None:
    checkpoint = make_checkpoint(7, b"\x11" * 32, "2026-12-02T08:00:00+00:00", KEY)
    text = checkpoint_text(checkpoint)
    assert max(len(line) for line in text.splitlines()) <= 96
    parsed = parse_checkpoint(text)
    assert parsed == checkpoint and checkpoint_verifies(parsed)
    assert parsed.fingerprint() == VECTORS["installation_fingerprint"]
    moved = text.replace("log position: 7", "log position: 6")
    assert not checkpoint_verifies(parse_checkpoint(moved))
    for broken, why in (
        ("", "first line"),
        (text.replace("log position: 7", "log position: seven"), "whole number"),
        (text.replace("link hash: 1111", "link hash: 11"), "wrong length"),
        (text.replace("installation key: e3f3", "installation key: 0000"), "does not match"),
        (text.split("signature:")[0], "signature is missing"),
        ("\n".join(text.splitlines()[:-1]), "signature has the wrong length"),
    ):
        with pytest.raises(CheckpointFormatError, match=why):
            parse_checkpoint(broken)


def test_v2_content_opens_only_under_its_author() -> None:
    key = bytes(32)
    sealed = seal_record(key, b"temuan", content_context("case-1", 4, "staff:1:1", 2))
    assert open_record(key, sealed, content_context("case-1", 4, "staff:1:1", 2)) == b"temuan"
    for other in (
        content_context("case-1", 4, "staff:2:1", 2),
        content_context("case-1", 4, "staff:1:2", 2),
        content_context("case-1", 4, "staff:1:1", 1),
    ):
        with pytest.raises(DecryptionError):
            open_record(key, sealed, other)


def test_a_v2_entry_relabelled_v1_breaks_its_hash() -> None:
    author = Identity.from_seed(bytes(range(32)))
    record = JournalRecord(
        "case-1", 1, "note", "staff:1:1", "2026-12-02", b"x" * 40, genesis_hash("case-1"), 2
    )
    entries = [
        (dataclasses.replace(record, version=1), sign_entry(record, author), entry_hash(record))
    ]
    verdict = verify_chain(entries, {"staff:1:1": author.public()})
    assert verdict is not None and verdict.reason == "hash"
    chosen = verify_chain(
        [(record, sign_entry(record, author), entry_hash(record))], lambda _record: None
    )
    assert chosen is not None and chosen.reason == "author"  # a refusing key function
