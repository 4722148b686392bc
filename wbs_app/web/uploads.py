"""Evidence uploads over HTTP: the streaming parser with a sink that encrypts into the store.

Shared by the three zones that take or serve files: the report form, a
reporter's replies and the respondent's statements receive them here, and
every zone's downloads open the same store (``store``). Plaintext file bytes
exist only in the request's memory, one chunk at a time: the sink
(``services.cases.file_encryption.EncryptingSink``) encrypts them as they stream
in. Each pending file stays locked against the attachment sweep until the
view has committed and promoted it (``commit_and_promote``), or at the
latest until the request ends (``release_pending_locks``): a sweep on any
server never moves an upload in progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from wbs_app.checkpoints import Checkpoint, checkpoint_for, no_checkpoint
from wbs_app.db import request_session
from wbs_app.services.cases import file_encryption
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.cases.file_encryption import EncryptingSink
from wbs_app.services.infra.store import AttachmentStore, PendingWrite
from wbs_app.settings import settings
from wbs_app.streaming_form import FormLimits, ReceivedFile, StreamedForm, parse

SINKS = "lentera.pending_uploads"  # this request's sinks, in its WSGI environ


def store() -> AttachmentStore:
    found: AttachmentStore = current_app.extensions["lentera.store"]
    return found


def limits() -> FormLimits:
    current = settings()
    return FormLimits(
        max_file_bytes=current.max_upload_bytes, max_files=current.max_files_per_submission
    )


def checkpoint() -> Checkpoint:
    """The app's crash hook (a no-op outside the crash tests)."""
    current = settings()
    return checkpoint_for(current.env, current.crash_point)


def receive(
    keying: Callable[[StreamedForm], tuple[bytes, str]],
    crash_hook: Checkpoint = no_checkpoint,
) -> StreamedForm:
    """Parse the request body; ``keying(fields so far)`` gives (key, case uid) for files.

    The CSRF token is checked after the body is read; on a bad token every
    file written is discarded and the global CSRF error page is shown. No
    database transaction stays open while the body streams in (it may take
    minutes): what the guard and ``keying`` did is committed first.
    """
    form = StreamedForm()
    db = request_session()
    db.commit()

    def new_sink(_filename: str, _content_type: str) -> EncryptingSink:
        key, case_uid = keying(form)
        db.commit()
        sink = EncryptingSink(store(), key, case_uid, crash_hook)
        request.environ.setdefault(SINKS, []).append(sink)
        return sink

    parsed = parse(request.stream, request.content_type, limits(), new_sink, form)
    try:
        validate_csrf(parsed.fields.get("csrf_token"))
    except ValidationError as error:
        parsed.discard_files()
        raise CSRFError(str(error)) from None
    return parsed


def commit_and_promote(
    promote: Iterable[str],
    *,
    discard: Iterable[str] = (),
    writes: Iterable[PendingWrite] = (),
    checkpoint: Checkpoint = no_checkpoint,
) -> None:
    """Commit the request's transaction, then put its files in place and unlock them.

    The one order every view that stores files follows
    (``services.cases.file_encryption.commit_and_promote``): ``promote`` are the
    files the committed rows name, ``discard`` pending files no row names any
    more, ``writes`` files written outside an upload (re-encrypted ones).
    Every file this request wrote is unlocked after, for the sweep.
    """
    file_encryption.commit_and_promote(
        request_session(),
        store(),
        promote,
        discard=discard,
        locks=[*request.environ.pop(SINKS, []), *writes],
        checkpoint=checkpoint,
    )


def release_pending_locks(_exc: BaseException | None = None) -> None:
    """At the end of every request: the view has committed (or not) and promoted its files.

    A file committed here is known to the database from now on; one that was
    not (an error page) is unknown, and the next sweep quarantines it. The
    sinks are kept with the request itself (its WSGI environ), not in ``g``,
    which a request made inside another one (tests) would share.
    """
    for sink in request.environ.pop(SINKS, []):
        sink.release()


def file_infos(received: list[ReceivedFile]) -> list[FileInfo]:
    infos = []
    for item in received:
        sink = item.sink
        if not isinstance(sink, EncryptingSink):
            raise TypeError("uploads are always received through an EncryptingSink")
        infos.append(sink.file_info(_clean_name(item.filename), item.content_type, item.size))
    return infos


def _clean_name(filename: str) -> str:
    """Only the last path part, without control characters: names are shown, never used as paths.

    A name that is only dots (".", "..") is a path part too, and becomes "file".
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:200].strip()
    return name if name.strip(". ") else "file"
