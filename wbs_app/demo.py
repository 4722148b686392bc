"""A realistic demo organisation, made through the real services (``wbs seed-demo``).

It exists so that a newcomer can sign in as each kind of user within a minute
of ``make run``: it prints every password and TOTP key it creates, so it
refuses to run on an installation that already has units or staff.
"""

from __future__ import annotations

import secrets
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crypto import Argon2Params
from wbs_app.models import StaffMember, StaffRole, Unit
from wbs_app.services import accounts, organisation, totp
from wbs_app.services.accounts import Credentials

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


def seed_demo_organisation(session: Session, params: Argon2Params) -> list[str]:
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
    return lines
