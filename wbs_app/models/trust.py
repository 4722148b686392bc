"""Who may receive keys: the custodians' root of trust, by generation.

The root's seed is never stored: only its public identity (Ed25519 to check
certificates, HPKE to receive recovery wraps) and the names of the custodians
who hold its SLIP-39 shares. A new recovery key is a new generation; a
certificate signed by an older root stays valid for what it certified while
that root was current (``retired_at`` says until when).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbs_app.database import Base
from wbs_app.models.types import UTCDateTime


class TrustRoot(Base):
    __tablename__ = "trust_roots"

    generation: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # crypto.PublicIdentity.to_bytes() of Identity(root seed).
    public: Mapped[bytes] = mapped_column(LargeBinary)
    share_count: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when a newer generation replaces this one; None for the current root.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # For generation n > 1: root n - 1's signature of "generation n is ``public``"
    # (``crypto.trustlinks.sign_endorsement``); None for generation 1. Only a
    # root whose head-log link covers this row counts (``services.trust.anchors``).
    endorsement: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    # The SLIP-39 identifier of the shares the custodians below hold (each
    # split has its own; none before migration 0039): shares of another split
    # of the same seed still open the root, and then their numbers name nobody.
    split_id: Mapped[int | None] = mapped_column(Integer)

    custodians: Mapped[list[Custodian]] = relationship(
        order_by="Custodian.share_number", cascade="all, delete-orphan"
    )


class Custodian(Base):
    """A named official holding share ``share_number`` of one root generation.

    A re-split among new custodians replaces these rows (same root, new shares);
    the audit log keeps who held shares before.
    """

    __tablename__ = "custodians"

    root_generation: Mapped[int] = mapped_column(
        ForeignKey("trust_roots.generation", ondelete="CASCADE"), primary_key=True
    )
    share_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(200))


class RootRotation(Base):
    """A move of every recovery wrap from one root generation to the next, kept to resume.

    The new root is current from the start (new cases are wrapped to it); the
    batches walk audience keys in id order and ``last_key_id`` records the last
    one whose new wrap is committed, so a crash loses at most one batch of work.
    Each batch deletes the old wraps it replaces in the commit of their new
    ones; once none is left unmoved, ``finished_at`` is set.
    """

    __tablename__ = "root_rotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_generation: Mapped[int] = mapped_column(
        ForeignKey("trust_roots.generation", ondelete="CASCADE")
    )
    to_generation: Mapped[int] = mapped_column(
        ForeignKey("trust_roots.generation", ondelete="CASCADE"), unique=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_key_id: Mapped[int] = mapped_column(Integer, default=0)
    rewrapped: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RotationFailure(Base):
    """An old recovery wrap a rotation could not open with the old root: its key was not moved.

    A damaged row (or one a database writer inserted) must not stop the move
    of every other wrap for good, nor keep every recovery action refused; it is
    recorded here, reported at the end (key ids only), and then deleted with
    the rest of the old generation, since no root opens it anyway.
    """

    __tablename__ = "rotation_failures"

    rotation_id: Mapped[int] = mapped_column(
        ForeignKey("root_rotations.id", ondelete="CASCADE"), primary_key=True
    )
    audience_key_id: Mapped[int] = mapped_column(
        ForeignKey("audience_keys.id", ondelete="CASCADE"), primary_key=True
    )


class HandlerCertificate(Base):
    """A signed statement that one staff identity may receive case keys (plain metadata).

    The row holds every field of the signed ``crypto.certificates``
    statement, so a verifier rebuilds the statement from the row alone and
    checks the signature against the issuer: the root of ``issuer_root_generation``
    or the certified identity ``issuer_staff_id``/``issuer_generation``.
    ``unit_ids`` is the sorted ids joined by commas, as signed. Revocation only
    sets ``revoked_at``: the row stays, because journal entries signed while it
    was valid are checked against it.
    """

    __tablename__ = "handler_certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="RESTRICT"), index=True
    )
    generation: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    unit_ids: Mapped[str] = mapped_column(String(1000))
    subject_public: Mapped[bytes] = mapped_column(LargeBinary)
    # "root" or "staff"; the ids of the other kind are None.
    issuer_kind: Mapped[str] = mapped_column(String(10))
    issuer_root_generation: Mapped[int | None] = mapped_column(Integer)
    issuer_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="RESTRICT")
    )
    issuer_generation: Mapped[int | None] = mapped_column(Integer)
    # Whole seconds, so the ISO text signed is the same after a round trip.
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
