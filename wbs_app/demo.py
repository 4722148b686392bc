"""A realistic demo organisation, made through the real services (``wbs seed-demo``).

It exists so that a newcomer can sign in as each kind of user within a minute
of ``make run``: it prints every password and TOTP key it creates, so it
refuses to run on an installation that already has units or staff.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crypto import Argon2Params, format_code
from wbs_app.models import Category, StaffMember, StaffRole, Unit
from wbs_app.services import accounts, intake, organisation, totp
from wbs_app.services.accounts import Credentials
from wbs_app.services.intake import DraftPayload
from wbs_app.services.organisation import Deadlines

KANWIL = "Kantor Wilayah Kementerian Hukum Sulawesi Selatan"
UPTS = (
    "Balai Harta Peninggalan Makassar",
    "UPT Layanan Hukum Parepare",
    "UPT Layanan Hukum Bone",
    "UPT Layanan Hukum Palopo",
)
# (username, name, e-mail, role, units by index: 0 is the Kanwil, 1.. the UPTs)
STAFF = (
    ("admin", "Andi Administrator", "admin@demo.lentera.invalid", StaffRole.ADMIN, ()),
    ("sitti", "Sitti Rahmawati", "sitti@demo.lentera.invalid", StaffRole.INVESTIGATOR, (0,)),
    ("budi", "Budi Santoso", "budi@demo.lentera.invalid", StaffRole.INVESTIGATOR, (1,)),
    ("rahman", "Abdul Rahman", "rahman@demo.lentera.invalid", StaffRole.SUPERVISOR, (0,)),
)


class DemoRefused(RuntimeError):
    """The installation already has an organisation; demo data would mix with it."""


# (UPT index or None for "not sure", category code, the 4W1H answers)
SAMPLE_CASES = (
    (
        1,
        "pungli",
        {
            "what": "Petugas loket meminta uang Rp 150.000 di luar tarif resmi untuk mempercepat "
            "pengurusan surat keterangan waris.",
            "who": "Petugas loket pelayanan (laki-laki, berkacamata)",
            "where": "Loket pelayanan lantai 1",
            "when": "Awal bulan ini, pagi hari",
            "how": "Saya sendiri yang diminta membayar; tidak diberi kuitansi.",
        },
    ),
    (
        None,
        "benturan-kepentingan",
        {
            "what": "Pengadaan alat tulis kantor selalu dimenangkan perusahaan milik "
            "kerabat pejabat.",
            "who": "Pejabat pengadaan",
            "where": "Kantor Wilayah",
            "when": "Sejak tahun lalu",
            "how": "Saya melihat dokumen pengadaan dan mengenal pemilik perusahaan.",
        },
    ),
)


def seed_demo_organisation(
    session: Session, params: Argon2Params, installation_salt: bytes, deadlines: Deadlines
) -> list[str]:
    """Create the units and staff; return the lines to print (credentials included)."""
    if session.scalar(select(func.count()).select_from(Unit)) or session.scalar(
        select(func.count()).select_from(StaffMember)
    ):
        raise DemoRefused("seed-demo needs an installation without units or staff")
    kanwil = organisation.create_unit(session, None, KANWIL, None)
    units: list[Unit] = [kanwil]
    units += [organisation.create_unit(session, None, name, kanwil.id) for name in UPTS]
    lines = [f"units: {KANWIL} and {len(UPTS)} UPTs", "staff (password / TOTP key):"]
    for username, name, email, role, unit_indexes in STAFF:
        password = "demo-" + secrets.token_urlsafe(12)
        secret = totp.new_secret()
        credentials = Credentials(
            username=username,
            password=password,
            password_confirm=password,
            totp_secret=secret,
            totp_code=totp.code_at(secret, time.time()),
        )
        if role is StaffRole.ADMIN:
            token = accounts.issue_setup_token(session)
            if token is None:
                raise DemoRefused("an administrator already exists")
            accounts.complete_setup(session, token, email, name, credentials, params)
        else:
            _, token = accounts.invite(
                session, None, email, name, role, [units[i].id for i in unit_indexes]
            )
            accounts.activate(session, token, credentials, params)
        lines.append(
            f"  {role.value:<12} {username:<8} {password}  TOTP {totp.secret_text(secret)}"
        )
    lines.append("sample reports (receipt codes):")
    for upt_index, category_code, report in SAMPLE_CASES:
        unit_id = units[upt_index].id if upt_index is not None else None
        receipt = _sample_case(
            session, unit_id, category_code, report, params, installation_salt, deadlines
        )
        lines.append(f"  {format_code(receipt)}")
    return lines


def _sample_case(
    session: Session,
    unit_id: int | None,
    category_code: str,
    report: dict[str, str],
    params: Argon2Params,
    installation_salt: bytes,
    deadlines: Deadlines,
) -> str:
    """A report made the way the form makes one: a draft, then the submission."""
    category = session.scalar(select(Category).where(Category.code == category_code))
    draft = intake.start_draft(timedelta(hours=1))
    intake.keep_draft(session, draft)
    payload = DraftPayload(unit_id, category.id if category else None, report, None, [])
    intake.save_draft(session, draft, payload, timedelta(hours=1))
    draft = intake.open_draft(session, draft.secret.cookie)
    return intake.submit(session, draft, set(), deadlines, installation_salt, params).receipt
