"""What makes a page that answers a POST safe to reload: the receipt's hand-over, sent drafts.

A new report's receipt is shown by a GET page after a redirect, never as the
answer to the POST itself, so that a reload or the back button repeats no
action (post/redirect/get). Between the two requests the receipt waits in a
``ReceiptHandover`` row, sealed under a key that only a cookie scoped to that
one page carries; the row is deleted when the page shows it and swept after a
few minutes if it never does. A ``SentDraft`` marker remembers, for a couple
of days and without content or time of day, that a draft was sent, so that
posting its form again says so instead of filing the report twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base
from wbs_app.models.types import UTCDateTime


class ReceiptHandover(Base):
    """A receipt on its way from the send to the page that shows it once.

    Keyed like a session row (the hash of the cookie's token), the receipt
    sealed under the cookie's key: the database alone cannot read it, nor test
    a guess. It lives minutes; its expiry says no more than that it exists.
    """

    __tablename__ = "receipt_handovers"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    sealed_receipt: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SentDraft(Base):
    """A draft that became a case: its id hash and the day the marker lapses, nothing else."""

    __tablename__ = "sent_drafts"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    # The draft's first-post tag: only the same first post finds this marker.
    first_post_tag: Mapped[bytes | None] = mapped_column(LargeBinary(32))
