"""The signed hash chain: the verifier names the first broken link of every kind."""

from __future__ import annotations

import dataclasses

from crypto import Identity, JournalRecord, entry_hash, genesis_hash, sign_entry, verify_chain

AUTHOR = Identity.from_seed(bytes(range(32)))
OTHER = Identity.from_seed(bytes(range(1, 33)))
KEYS = {"staff:1": AUTHOR.public(), "staff:2": OTHER.public()}


def _chain(length: int = 5) -> list[tuple[JournalRecord, bytes, bytes]]:
    entries: list[tuple[JournalRecord, bytes, bytes]] = []
    previous = genesis_hash("case-1")
    for seq in range(1, length + 1):
        author, identity = ("staff:1", AUTHOR) if seq % 2 else ("staff:2", OTHER)
        record = JournalRecord(
            "case-1", seq, "note", author, f"2026-11-{seq:02d}", bytes([seq]) * 40, previous
        )
        entries.append((record, sign_entry(record, identity), entry_hash(record)))
        previous = entry_hash(record)
    return entries


def test_intact_chain_verifies() -> None:
    assert verify_chain(_chain(), KEYS) is None
    assert verify_chain([], KEYS) is None


def test_edited_entry() -> None:
    entries = _chain()
    record, signature, stored = entries[2]
    entries[2] = (dataclasses.replace(record, content=b"rewritten"), signature, stored)
    verdict = verify_chain(entries, KEYS)
    assert verdict is not None and (verdict.index, verdict.reason) == (2, "hash")


def test_edited_entry_with_rehash_breaks_signature_or_next_link() -> None:
    entries = _chain()
    record, signature, _ = entries[2]
    edited = dataclasses.replace(record, kind="sanction")
    entries[2] = (edited, signature, entry_hash(edited))
    verdict = verify_chain(entries, KEYS)
    assert verdict is not None and (verdict.index, verdict.reason) == (2, "signature")


def test_removed_entry() -> None:
    entries = _chain()
    del entries[1]
    verdict = verify_chain(entries, KEYS)
    assert verdict is not None and verdict.index == 1


def test_inserted_entry() -> None:
    entries = _chain()
    record, _, _ = entries[1]
    forged = dataclasses.replace(record, content=b"inserted")
    entries.insert(2, (forged, sign_entry(forged, AUTHOR), entry_hash(forged)))
    verdict = verify_chain(entries, KEYS)
    assert verdict is not None and verdict.index == 2


def test_reordered_entries() -> None:
    entries = _chain()
    entries[1], entries[2] = entries[2], entries[1]
    verdict = verify_chain(entries, KEYS)
    assert verdict is not None and verdict.index == 1


def test_forged_signature_and_unknown_author() -> None:
    entries = _chain()
    record, _, stored = entries[0]
    entries[0] = (record, sign_entry(record, OTHER), stored)
    verdict = verify_chain(entries, KEYS)
    assert verdict is not None and (verdict.index, verdict.reason) == (0, "signature")
    verdict = verify_chain(_chain(), {"staff:1": AUTHOR.public()})
    assert verdict is not None and (verdict.index, verdict.reason) == (1, "author")


def test_chain_cannot_be_moved_to_another_case() -> None:
    entries = _chain(1)
    record, signature, _ = entries[0]
    moved = dataclasses.replace(record, case_id="case-2")
    verdict = verify_chain([(moved, signature, entry_hash(moved))], KEYS)
    assert verdict is not None and verdict.reason == "link"
