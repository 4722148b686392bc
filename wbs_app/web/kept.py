"""Posts that outlived their session, over HTTP: keep them, then send them after the code.

Shared by both code zones (a reporter's reply, a respondent's statement).
The zone's guard hands a post whose session ended to the zone's keeper
(``security.kept``), which calls ``keep_post``; the zone's login page carries
the kept message's key in its ``held`` field and, once the code opened a
session again, calls ``send_kept``. See ``services.codes.held`` for the design.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from wbs_app.db import request_session
from wbs_app.services.cases import disk_caps
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.codes import held
from wbs_app.services.codes.held import HeldElsewhere, HeldGone, NothingToKeep, OpenHeld
from wbs_app.settings import settings
from wbs_app.web import uploads


def lifetime() -> timedelta:
    """A kept message lives as long as a draft after its last try."""
    return settings().draft_lifetime


def keep_post(kind: str, text_field: str) -> OpenHeld | None:
    """Receive the whole body, files encrypted under a fresh key as they stream, and keep it.

    None when the post had nothing in it. A bad CSRF token discards every file
    and answers the form-expired page (``uploads.receive``): a kept message is
    sent by whoever next enters a code in this browser, so a post forged by
    another site must never be kept.
    """
    db = request_session()
    started = held.start(kind, lifetime())
    caps = settings().disk_caps

    def keying(_form: object) -> tuple[bytes, str]:
        # Anyone may post here without a session: its files wait like a draft's,
        # and within the same budget (a 503 once it is full).
        disk_caps.check_drafts_budget(db, caps)
        return started.key, started.uid

    parsed = uploads.receive(keying)
    files = uploads.file_infos(parsed.files)
    try:
        kept = held.keep(
            db, started, parsed.fields.get(text_field, ""), files, parsed.fields.get("bind", "")
        )
    except NothingToKeep:
        parsed.discard_files()
        return None
    db.commit()
    return kept


def send_kept(
    kind: str,
    field_value: str,
    key: bytes,
    uid: str,
    add: Callable[[str, list[FileInfo]], list[str]],
) -> str:
    """Send the kept message through ``add`` once a code opened the case; files in place after.

    Returns what happened: ``sent``, ``refused`` (the case or invitation no
    longer takes it: closed, past its deadline), ``case_files_full`` (its files
    would take the case past its caps, ``disk_caps``), ``elsewhere`` (the code opened
    another case than the one it was written to: still kept, nothing sent), or
    why nothing could be sent (``HeldGone.code``). A page posted twice finds the
    kept message settled and answers what happened the first time.
    """
    db = request_session()
    try:
        kept = held.claim(db, kind, field_value, lifetime())
        db.commit()
        delivery = held.deliver(db, uploads.store(), kept, key, uid, add)
    except HeldElsewhere:
        db.rollback()
        return "elsewhere"
    except HeldGone as gone:
        db.rollback()
        return gone.code
    uploads.commit_and_promote(delivery.promote, discard=delivery.discard, writes=delivery.writes)
    if delivery.refusal is None:
        return "sent"
    return "case_files_full" if isinstance(delivery.refusal, disk_caps.TooManyFiles) else "refused"
