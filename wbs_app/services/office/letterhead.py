"""The letterhead an office prints on its letters: administrators' settings, checked.

A letter that an official is to act on must say who sends it (office, address,
contact), who signs it, and carry the office's number. These are settings in
the database, edited on an administrator's page, rather than configuration
files, because the people who change them (a new head of office, a moved
office) are not the people who run the server.

The logo is a file the operator puts under ``instance/`` and names here by a
relative path: never a URL, so a letter loads nothing from another origin
(the CSP allows images from this site only), and never a path outside
``instance/``. Only PNG and JPEG files are accepted, recognised by their first
bytes as well as their name, so the setting cannot be pointed at the
database, the configuration or an attachment to have it served.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from sqlalchemy.orm import Session

from wbs_app.models import Letterhead, StaffMember
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.text import one_line_name
from wbs_app.services.staff import audit

LIMITS = {
    "office_name": 200,
    "address": 500,
    "contact": 300,
    "logo_path": 200,
    "signatory_name": 120,
    "signatory_position": 200,
    "number_prefix": 40,
}
REQUIRED = ("office_name", "address", "signatory_name", "signatory_position", "number_prefix")
# "WBS", "W21-ULP", "ULP.WBS": the part between the sequence and the month.
PREFIX_RE = re.compile(r"[A-Z0-9](?:[A-Z0-9.\-]*[A-Z0-9])?")
# Each part starts with a letter, digit or underscore: no "..", no hidden files.
PATH_PART_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
LOGO_TYPES = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
MAX_LOGO_BYTES = 512 * 1024


class LetterheadError(DomainError):
    """A setting refused; ``code`` names the problem and ``field`` the setting."""

    def __init__(self, code: str, field: str) -> None:
        super().__init__(code)
        self.field = field


@dataclass(frozen=True)
class LetterheadFields:
    office_name: str = ""
    address: str = ""
    contact: str = ""
    logo_path: str = ""
    signatory_name: str = ""
    signatory_position: str = ""
    number_prefix: str = "WBS"

    @property
    def complete(self) -> bool:
        """Whether a letter can carry a whole letterhead and signature."""
        return all(getattr(self, name) for name in REQUIRED)


@dataclass(frozen=True)
class LogoFile:
    path: Path
    mimetype: str


def current(session: Session) -> LetterheadFields:
    """The letterhead in force; empty fields (and the prefix "WBS") until an admin sets it."""
    row = session.get(Letterhead, 1)
    if row is None:
        return LetterheadFields()
    return LetterheadFields(**{f.name: getattr(row, f.name) for f in fields(LetterheadFields)})


def _clean(name: str, value: str) -> str:
    # The address and contact may take several lines; the others are one line.
    if name in {"address", "contact"}:
        lines = (one_line_name(line) for line in value.replace("\r\n", "\n").split("\n"))
        return "\n".join(line for line in lines if line)
    return one_line_name(value)


def logo_file(instance_dir: Path, logo_path: str) -> LogoFile:
    """The logo ``logo_path`` names under ``instance_dir``, checked (else ``LetterheadError``)."""
    parts = logo_path.split("/")
    if not all(PATH_PART_RE.fullmatch(part) for part in parts):
        raise LetterheadError("bad_logo_path", "logo_path")
    suffix = Path(parts[-1]).suffix.lower()
    if suffix not in LOGO_TYPES:
        raise LetterheadError("bad_logo_type", "logo_path")
    root = instance_dir.resolve()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise LetterheadError("logo_missing", "logo_path")
    if path.stat().st_size > MAX_LOGO_BYTES:
        raise LetterheadError("logo_too_large", "logo_path")
    mimetype, magics = LOGO_TYPES[suffix]
    with path.open("rb") as handle:
        start = handle.read(8)
    if not any(start.startswith(magic) for magic in magics):
        raise LetterheadError("bad_logo_type", "logo_path")
    return LogoFile(path, mimetype)


def save(
    session: Session, actor: StaffMember, values: LetterheadFields, instance_dir: Path
) -> LetterheadFields:
    """Check and store the letterhead (audited); raises ``LetterheadError`` on the first fault."""
    cleaned = {name: _clean(name, value) for name, value in asdict(values).items()}
    cleaned["number_prefix"] = cleaned["number_prefix"].upper()
    for name, limit in LIMITS.items():
        if len(cleaned[name]) > limit:
            raise LetterheadError("letterhead_too_long", name)
    for name in REQUIRED:
        if not cleaned[name]:
            raise LetterheadError("letterhead_required", name)
    if not PREFIX_RE.fullmatch(cleaned["number_prefix"]):
        raise LetterheadError("bad_number_prefix", "number_prefix")
    if cleaned["logo_path"]:
        logo_file(instance_dir, cleaned["logo_path"])
    row = session.get(Letterhead, 1)
    if row is None:
        row = Letterhead(id=1)
        session.add(row)
    changed = [name for name, value in cleaned.items() if getattr(row, name, None) != value]
    for name in changed:
        setattr(row, name, cleaned[name])
    if changed:
        audit.record(session, "letterhead_changed", actor_id=actor.id)
    session.flush()
    return LetterheadFields(**cleaned)
