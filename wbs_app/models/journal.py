"""The case journal (append-only, hash-chained, signed) and staff identity history.

Journal content is ciphertext under the case's internal key; metadata, the
chain hashes and the author's Ed25519 signature are in clear, so
``wbs verify-journals`` checks every chain without reading any entry.
A signature is checked against the identity the author had when signing,
which is why every staff identity ever made is kept (``StaffIdentity``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base
from wbs_app.models.types import RandomIdType, UTCDateTime, random_id


class StaffIdentity(Base):
    """A staff member's public identity of one generation (a reset makes the next one)."""

    __tablename__ = "staff_identities"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="RESTRICT"), primary_key=True
    )
    generation: Mapped[int] = mapped_column(Integer, primary_key=True)
    public: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    # Random (issue 18): entries of all cases in one sequence would order a
    # reporter's day-stamped entry among other cases' timed ones; ``seq`` is the order.
    id: Mapped[int] = mapped_column(RandomIdType, primary_key=True, default=random_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    # "staff:<id>:<generation>" or "respondent:<invitation uid>": whose identity signed.
    author: Mapped[str] = mapped_column(String(64))
    # Staff actions keep a precise time (they are not reporters); ISO 8601 UTC.
    created_at: Mapped[str] = mapped_column(String(32))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    entry_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    # The entry format (``crypto.journal``): 1 before the anchored journal, 2 since
    # (hash label v2, the author in the content's associated data).
    format: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class CaseHead(Base):
    """A case journal's head: its last entry's number, hash and signature.

    Written in the same transaction as each entry (the head is the entry,
    signed by its author), so reading the tail needs no scan and the
    verifier can tell a journal whose last rows were cut from one that ends.
    """

    __tablename__ = "case_heads"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class HeadLogLink(Base):
    """One link of the installation's head log (``crypto.headlog``), never changed.

    Keyed by the case's uid, not its row id: a link outlives the case it names,
    which is how the log tells a lawfully deleted case (a ``deleted`` link)
    from a journal that was removed.
    """

    __tablename__ = "head_log"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # Indexed: the trust links (``services.trust.anchors``) are read by kind at every wrap.
    kind: Mapped[str] = mapped_column(String(20), index=True)
    case_uid: Mapped[str] = mapped_column(String(32), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    link_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
