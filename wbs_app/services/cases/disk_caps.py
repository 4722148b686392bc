"""Disk budgets for anonymous uploads: per draft, per case, and all unsent drafts together.

The reporter side has no accounts, so what one anonymous client may put on
disk must be bounded without knowing who sends (issue 18): a draft holds at
most ``files_per_draft`` files and ``bytes_per_draft`` bytes however often it
is posted again (the caps are checked against the files it already holds, and
again at send); a sent case takes later evidence (reporter replies, reports
of retaliation, respondent statements) only up to ``files_per_case`` and
``bytes_per_case``; and the bytes held by every unsent draft together stay
under ``drafts_budget`` (with the files of kept messages, which anyone may
post without a session), beyond which a new upload into a draft or a kept
message is refused with ``DraftsFull`` (a 503 page) while sent cases keep
working.

Sizes are counted as the database keeps them, rounded up
(``case_records.rounded_size``), so the budgets never need an exact size at
rest. The budget is checked when a file part arrives, before its bytes are
written; uploads already streaming may pass it by at most their own request
limit each (``MAX_UPLOAD_REQUEST_BYTES``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wbs_app.models import Attachment, PendingFile
from wbs_app.services.cases.case_records import rounded_size
from wbs_app.services.infra.errors import DomainError


@dataclass(frozen=True)
class DiskCaps:
    """The configured caps (``config.Settings``, MAX_FILES_PER_SUBMISSION to DRAFT_BYTES_BUDGET)."""

    files_per_draft: int
    bytes_per_draft: int
    files_per_case: int
    bytes_per_case: int
    drafts_budget: int


class TooManyFiles(DomainError):
    """More files, or more bytes, than a draft or a case may hold."""

    codes = ("draft_files_full", "case_files_full")


class DraftsFull(DomainError):
    """All unsent drafts together hold the budget: no new upload until some expire."""

    code = "drafts_full"


def check_draft(sizes: Iterable[int], caps: DiskCaps) -> None:
    """Refuse a draft's files (those it holds and those just posted) beyond its caps."""
    listed = list(sizes)
    if len(listed) > caps.files_per_draft or sum(listed) > caps.bytes_per_draft:
        raise TooManyFiles("draft_files_full")


def check_case(session: Session, case_id: int, sizes: Iterable[int], caps: DiskCaps) -> None:
    """Refuse new evidence for a sent case beyond what the case may hold in all."""
    listed = [rounded_size(size) for size in sizes]
    if not listed:
        return
    count, held = session.execute(
        select(func.count(), func.coalesce(func.sum(Attachment.size_rounded), 0)).where(
            Attachment.case_id == case_id
        )
    ).one()
    if count + len(listed) > caps.files_per_case or held + sum(listed) > caps.bytes_per_case:
        raise TooManyFiles("case_files_full")


def drafts_held_bytes(session: Session) -> int:
    """Bytes (rounded) of every file that waits: in an unsent draft, or in a kept message.

    A kept message (``services.codes.held``) is posted without a session, so
    anyone can make one: its files count as a draft's do.
    """
    held = session.scalar(select(func.coalesce(func.sum(PendingFile.size_rounded), 0)))
    return int(held or 0)


def check_drafts_budget(session: Session, caps: DiskCaps) -> None:
    """Before a file is written into a draft: refused once the drafts hold the budget."""
    if drafts_held_bytes(session) >= caps.drafts_budget:
        raise DraftsFull()
