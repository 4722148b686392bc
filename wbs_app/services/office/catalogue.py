"""The categories of alleged violation offered to reporters.

The defaults are DOMAIN.md's list; administrators may rename, reorder or
retire them later, so they live in the database rather than in code.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wbs_app.models import Category

DEFAULT_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("korupsi", "Korupsi", "Corruption"),
    ("gratifikasi", "Gratifikasi", "Gratification"),
    ("pungli", "Pungutan liar / percaloan", "Illegal levies / brokering"),
    (
        "penyalahgunaan-wewenang",
        "Penyalahgunaan wewenang / maladministrasi",
        "Abuse of authority / maladministration",
    ),
    ("pemerasan", "Pemerasan / penganiayaan", "Extortion / assault"),
    ("benturan-kepentingan", "Benturan kepentingan", "Conflict of interest"),
    ("pengadaan", "Pengadaan barang dan jasa", "Procurement of goods and services"),
    ("disiplin", "Pelanggaran disiplin pegawai", "Breach of staff discipline"),
    (
        "kode-etik",
        "Pelanggaran kode etik / perilaku amoral",
        "Breach of the code of ethics / immoral conduct",
    ),
    ("narkoba", "Narkoba", "Narcotics"),
    ("pelayanan-publik", "Pelayanan publik", "Public service"),
    ("lainnya", "Lainnya / tidak tahu", "Other / not sure"),
)


def ensure_default_categories(session: Session) -> int:
    """Insert DOMAIN.md's categories into an empty table; return how many were added.

    Idempotent: once any category exists the administrators own the list.
    """
    if session.scalar(select(Category.id).limit(1)) is not None:
        return 0
    for position, (code, name_id, name_en) in enumerate(DEFAULT_CATEGORIES):
        session.add(
            Category(code=code, name_id=name_id, name_en=name_en, position=position, active=True)
        )
    session.flush()
    return len(DEFAULT_CATEGORIES)


def active_categories(session: Session) -> list[Category]:
    return list(
        session.scalars(
            select(Category)
            .where(Category.active.is_(True))
            .order_by(Category.position, Category.id)
        )
    )
