"""What a copy of the database or the attachment store tells of when and how much (issue 18).

The marker scan (``tests/adversarial/test_marker_scan.py``) asks these after
its journey and the purge; each returns what it found, one line per finding.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from crypto.stream import HEADER_BYTES, SEALED_CHUNK_BYTES
from wbs_app.database import Base
from wbs_app.db import app_database
from wbs_app.models.types import UTCDateTime
from wbs_app.services.infra.clock import DAY, floor_to

# Tables whose times a reporter's (or respondent's) visit writes: every one a whole day.
REPORTER_TIMED_TABLES = (
    "cases",
    "case_records",
    "attachments",
    "reporter_sessions",
    "respondent_sessions",
    "submission_drafts",
    "held_messages",
    "pending_files",
    "sent_drafts",
    "receipt_handovers",
    "failure_windows",
)


def reporter_times_finer_than_a_day(app) -> list[str]:
    """Times in the reporter's tables and the reporter's journal entries that are not midnight."""
    found: list[str] = []
    with app_database(app).engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name not in REPORTER_TIMED_TABLES:
                continue
            timed = [column for column in table.columns if isinstance(column.type, UTCDateTime)]
            for column in timed:
                for (value,) in connection.execute(select(column)):
                    if value is not None and value != floor_to(value, DAY):
                        found.append(f"{table.name}.{column.name} = {value.isoformat()}")
        for author, stamp in connection.execute(
            text("SELECT author, created_at FROM journal_entries WHERE author LIKE 'reporter:%'")
        ):
            if not stamp.endswith("T00:00:00+00:00"):
                found.append(f"journal entry by {author} at {stamp}")
    return found


def file_times_finer_than_a_day(root: Path) -> list[str]:
    """Files' modification and access times, folders' modification times, not at midnight."""
    found: list[str] = []
    for path in [root, *root.rglob("*")]:
        stat = path.stat()
        clocks = {"mtime": stat.st_mtime} | ({"atime": stat.st_atime} if path.is_file() else {})
        found += [f"{path} {name} {value}" for name, value in clocks.items() if value % 86_400]
    return found


def unpadded_files(root: Path) -> list[str]:
    """Stored files whose length is not a whole number of padded chunks (format v2)."""
    return [
        f"{path}: {path.stat().st_size} bytes"
        for path in root.rglob("*")
        if path.is_file() and (path.stat().st_size - HEADER_BYTES) % SEALED_CHUNK_BYTES
    ]
