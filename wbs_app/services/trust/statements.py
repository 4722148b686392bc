"""A certificate row's signed statement, rebuilt from its plain fields (no checking here).

Apart from ``chain`` so that ``anchors`` (which hashes statements into the
head log) and ``chain`` (which checks them) can both use it without importing
each other.
"""

from __future__ import annotations

from datetime import UTC, datetime

from crypto.certificates import CertificateStatement, root_issuer, staff_issuer
from wbs_app.models import HandlerCertificate


def whole_seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def units_text(unit_ids: tuple[int, ...]) -> str:
    return ",".join(str(u) for u in unit_ids)


def units_of(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def statement_of(row: HandlerCertificate) -> CertificateStatement:
    """The signed statement, rebuilt from the row's plain fields alone."""
    if row.issuer_kind == "root" and row.issuer_root_generation is not None:
        issuer = root_issuer(row.issuer_root_generation)
    elif row.issuer_staff_id is not None and row.issuer_generation is not None:
        issuer = staff_issuer(row.issuer_staff_id, row.issuer_generation)
    else:
        issuer = "invalid"
    return CertificateStatement(
        subject_public=row.subject_public,
        account_id=row.staff_id,
        role=row.role,
        unit_ids=units_of(row.unit_ids),
        generation=row.generation,
        issued_at=iso(row.issued_at),
        issuer=issuer,
    )
