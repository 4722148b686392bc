"""Handing a new report's receipt to the page that shows it once, and remembering sent drafts.

The send answers with a redirect, so that a reload or the back button repeats
no action (post/redirect/get). The receipt crosses from the POST to the GET in
a ``ReceiptHandover`` row, sealed under the key half of a secret that only a
browser-session cookie scoped to that one page carries; the database keeps
the hash of its token half, as for sessions, so a thief of the database can
neither read the receipt nor test a guess against it. Showing the page deletes
the row; a row never shown is swept after ``HANDOVER_LIFETIME``.

The secret is derived from the draft's own (``sessions.derived_secret``),
which only the reporter's form holds. When the same draft is posted again (a
reload of the send, the back button and "resubmit", a second click while the
first answer was lost), the ``SentDraft`` marker says it became a case, and
the reporter is sent to the same page with the same cookie: it shows the
receipt if it was never shown, and otherwise says that the report was sent and
that its code is not kept. Nothing is filed twice. The marker holds the
draft's id hash and the day it lapses, nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from crypto import DecryptionError, RecordContext, open_record, seal_record
from wbs_app.models import ReceiptHandover, SentDraft
from wbs_app.services.infra import sessions
from wbs_app.services.infra.clock import coarse_expiry, today, utcnow

# Long enough for a redirect over a slow Tor circuit, short enough that an
# unshown receipt does not linger.
HANDOVER_LIFETIME = timedelta(minutes=10)
# A sent draft's form can be posted again from the browser's history while the
# tab is open; two days cover a reporter coming back to it the next day.
MARKER_DAYS = 2
PURPOSE = "receipt-handover"
PAGE_CHARS = 20


@dataclass(frozen=True)
class Handover:
    """Where the receipt is shown (a path segment naming nothing) and the cookie that opens it."""

    page: str
    cookie: str


def _context(secret: sessions.SessionSecret) -> RecordContext:
    return RecordContext(case_id="", kind=PURPOSE, row_id=secret.id_hash.hex())


def page_of(cookie: str) -> str:
    """The page's name: a one-way function of the cookie, so the URL tells nothing about it."""
    return hashlib.sha256(b"lentera/receipt-page/" + cookie.encode("ascii")).hexdigest()[
        :PAGE_CHARS
    ]


def _handover_of(draft: sessions.SessionSecret) -> tuple[sessions.SessionSecret, Handover]:
    secret = sessions.derived_secret(draft, PURPOSE)
    return secret, Handover(page_of(secret.cookie), secret.cookie)


def keep(
    session: Session, draft: sessions.SessionSecret, receipt: str, first_post: bytes | None
) -> Handover:
    """In the submission's own transaction: the sealed receipt and the sent marker.

    ``first_post`` is the draft's first-post tag (``intake.first_post_tag``),
    kept on the marker so that only that same first post finds it again.
    """
    purge_expired(session)
    secret, handover = _handover_of(draft)
    session.add(
        ReceiptHandover(
            id_hash=secret.id_hash,
            sealed_receipt=seal_record(secret.key, receipt.encode("ascii"), _context(secret)),
            expires_at=coarse_expiry(HANDOVER_LIFETIME, HANDOVER_LIFETIME),
        )
    )
    session.add(
        SentDraft(
            id_hash=draft.id_hash,
            expires_on=today() + timedelta(days=MARKER_DAYS),
            first_post_tag=first_post,
        )
    )
    session.flush()
    return handover


def already_sent(
    session: Session, draft_field: str | None, first_post: bytes | None = None
) -> Handover | None:
    """The receipt page of a draft that became a case, or None if it did not (or long ago).

    With ``first_post`` (an empty form's first post sent again), only a marker
    of those same answers counts: other answers are a new report.
    """
    draft = sessions.parse_cookie(draft_field)
    if draft is None:
        return None
    marker = session.get(SentDraft, draft.id_hash)
    if marker is None or marker.expires_on < today():
        return None
    if first_post is not None and marker.first_post_tag != first_post:
        return None
    return _handover_of(draft)[1]


def take(session: Session, page: str, cookie: str | None) -> str | None:
    """The receipt for this page, once: the row is deleted as it is read.

    None when there is nothing to show: already shown, swept, or a cookie that
    does not belong to this page. Of two requests at once, one shows it.
    """
    secret = sessions.parse_cookie(cookie)
    if secret is None or not hmac.compare_digest(page_of(secret.cookie), page):
        return None
    row = session.get(ReceiptHandover, secret.id_hash)
    if row is None:
        return None
    taken = session.execute(
        delete(ReceiptHandover)
        .where(ReceiptHandover.id_hash == secret.id_hash)
        .execution_options(synchronize_session=False)
    )
    session.expunge(row)
    if getattr(taken, "rowcount", 0) != 1 or row.expires_at <= utcnow():
        return None
    try:
        return open_record(secret.key, row.sealed_receipt, _context(secret)).decode("ascii")
    except DecryptionError:
        return None


def purge_expired(session: Session) -> None:
    """Receipts never shown in time, and markers past their day (run at every send and sweep)."""
    session.execute(delete(ReceiptHandover).where(ReceiptHandover.expires_at <= utcnow()))
    session.execute(delete(SentDraft).where(SentDraft.expires_on < today()))
