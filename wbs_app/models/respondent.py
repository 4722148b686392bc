"""Invitations for the accused (or a witness) to answer: their own key, code and thread.

Each invitation has its own audience key, wrapped to the respondent identity
derived from the invitation code and to the case's handlers; it is never the
reporter thread's key nor the internal key, so nothing a respondent holds
opens the report, the reporter's identity, the reporter thread or the notes.
The official's name and the allegation summary are records under that key.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base
from wbs_app.models.types import UTCDateTime, enum_column


class InvitationRole(enum.StrEnum):
    ACCUSED = "accused"  # terlapor: the right of reply
    WITNESS = "witness"  # asked for clarification


class RespondentInvitation(Base):
    __tablename__ = "respondent_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Names this invitation's audience key (AudienceKey.label) and its records' contexts.
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    audience_key_id: Mapped[int] = mapped_column(ForeignKey("audience_keys.id", ondelete="CASCADE"))
    lookup_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    # The respondent's public identity (from the code): it signs their journal entries.
    identity_public: Mapped[bytes] = mapped_column(LargeBinary)
    role: Mapped[InvitationRole] = mapped_column(enum_column(InvitationRole, "invitation_role"))
    created_on: Mapped[date] = mapped_column(Date)
    answer_due: Mapped[date] = mapped_column(Date)
    extension_requested: Mapped[bool] = mapped_column(default=False)
    # The day the team closed this thread (the outcome notice sent): from then
    # on the respondent reads and no longer writes. Only a handler closes it,
    # never the case's status alone, so nothing the reporter does (a
    # withdrawal) shows on the respondent's page (services.respondents.right_of_reply).
    closed_on: Mapped[date | None] = mapped_column(Date, default=None)
    # The code, sealed under the case's internal key, so that a handler can
    # print the letter again (a printer jam must not cost the respondent their
    # code); erased at the respondent's first sign-in, after which nobody but
    # the respondent can act in their name. None for invitations made before.
    sealed_code: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # The day the letter was first shown, for the case page ("first shown on").
    letter_shown_on: Mapped[date | None] = mapped_column(Date, default=None)
    # The hash of the creation form's one-time token: the same form posted
    # again (a reload, a double click) finds this invitation instead of
    # making another.
    form_token_hash: Mapped[bytes | None] = mapped_column(
        LargeBinary(32), unique=True, default=None
    )
    # The take-over by the addressee (services.respondents.respondent_takeover): at the
    # first sign-in the printed code is replaced by one only the respondent
    # saw. ``lookup_hash`` then finds the new code; the printed code's lookup
    # hash is kept only to tell whoever types it again that it was replaced.
    printed_lookup_hash: Mapped[bytes | None] = mapped_column(
        LargeBinary(32), unique=True, default=None
    )
    # The new code's public identity: it signs the addressee's journal entries.
    addressee_public: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    taken_over_on: Mapped[date | None] = mapped_column(Date, default=None)
    # Closed when a new invitation replaced it (the respondent lost the new code).
    replaced_on: Mapped[date | None] = mapped_column(Date, default=None)
    replaced_by_uid: Mapped[str | None] = mapped_column(String(32), default=None)


class RespondentSession(Base):
    """A respondent's visit, built like a reporter's (key only in the cookie)."""

    __tablename__ = "respondent_sessions"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("respondent_invitations.id", ondelete="CASCADE"), index=True
    )
    sealed_seed: Mapped[bytes] = mapped_column(LargeBinary)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
