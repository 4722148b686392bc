"""Staff accounts: who they are, what they may do, and the secrets that prove it.

Nothing here is a plaintext secret: the identity seed is sealed under the
staff password (Argon2id + AES-GCM, ``crypto.passwords``), the TOTP secret is
sealed under a key derived from that seed, and one-time tokens are stored as
hashes only. A database thief learns who the staff are, not how to be them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbs_app.database import Base
from wbs_app.models.notices import NoticeMail
from wbs_app.models.organisation import Unit
from wbs_app.models.types import UTCDateTime, enum_column


class StaffRole(enum.StrEnum):
    """One role per account: administrators hold no case keys, handlers hold no admin rights."""

    ADMIN = "admin"
    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"


class StaffStatus(enum.StrEnum):
    INVITED = "invited"  # activation link not used yet; no identity
    ACTIVE = "active"
    RESET = "reset"  # password reset by an administrator; a new identity is pending
    DEACTIVATED = "deactivated"


class StaffMember(Base):
    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "staff_role"))
    status: Mapped[StaffStatus] = mapped_column(
        enum_column(StaffStatus, "staff_status"), index=True
    )
    # crypto.PublicIdentity.to_bytes(); replaced when an administrator resets
    # the password, which is why identity_generation counts the identities.
    identity_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    identity_generation: Mapped[int] = mapped_column(Integer, default=0)
    sealed_seed: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The last TOTP time step accepted: a code is refused the second time.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # E-mail of notices (``services.staff.notice_mail``), in the language the
    # person chose. ``mail_awaiting_sign_in``: a mail went out and they have not
    # signed in since, so no other is sent (no flood to a person on leave).
    # ``digest_sent_on``: the day of the last digest, never its time.
    notice_mail: Mapped[NoticeMail] = mapped_column(
        enum_column(NoticeMail, "notice_mail"),
        default=NoticeMail.IMMEDIATE,
        server_default=NoticeMail.IMMEDIATE.value,
    )
    mail_language: Mapped[str] = mapped_column(String(8), default="id", server_default="id")
    mail_awaiting_sign_in: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    digest_sent_on: Mapped[date | None] = mapped_column(Date)

    units: Mapped[list[Unit]] = relationship(secondary="staff_units", order_by="Unit.name")

    @property
    def is_admin(self) -> bool:
        return self.role is StaffRole.ADMIN


class StaffUnit(Base):
    """An investigator's or supervisor's unit (a supervisor covers its subtree)."""

    __tablename__ = "staff_units"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class TokenPurpose(enum.StrEnum):
    SETUP = "setup"  # first administrator, printed on the console
    ACTIVATION = "activation"  # an invited person sets password and TOTP
    RESET = "reset"  # after an administrator's password reset


class OneTimeToken(Base):
    """A link that works once, before it expires; only its hash is stored."""

    __tablename__ = "one_time_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "token_purpose"))
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffSession(Base):
    """A logged-in staff member: keyed by the hash of the cookie's token.

    ``sealed_seed`` is the unlocked identity seed encrypted under a key that
    exists only in the cookie, so neither the row nor the cookie alone reads it.
    """

    __tablename__ = "staff_sessions"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    sealed_seed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LoginThrottle(Base):
    """Failed logins per key (hashed), so one account's lock leaves others usable.

    The keys are ``services.staff.login_guard``'s (an account's browsers
    without its device cookie, one device cookie, an account's second factor,
    an unknown name as typed) and the recovery page's. No address is kept.
    """

    __tablename__ = "login_throttles"

    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
