"""The demo's organisation: a Kanwil, four UPTs, an administrator, a supervisor, an
investigator for every unit, all made by the services an administrator's pages call.

Each handler's identity is opened with the password just chosen, as a sign-in
does, so that the demo's casework is signed and wrapped by real identities.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from crypto import Argon2Params, Identity, open_seed
from crypto.certificates import certificate_fingerprint
from wbs_app.models import StaffMember, StaffRole, Unit
from wbs_app.services.infra.clock import as_of
from wbs_app.services.infra.transactions import release_snapshot
from wbs_app.services.office import organisation
from wbs_app.services.staff import accounts, totp
from wbs_app.services.staff.accounts import Credentials
from wbs_app.services.trust import certificates, root

KANWIL = "Kantor Wilayah Kementerian Hukum Sulawesi Selatan"
UPTS = (
    "Balai Harta Peninggalan Makassar",
    "UPT Layanan Hukum Parepare",
    "UPT Layanan Hukum Bone",
    "UPT Layanan Hukum Palopo",
)
# Short names for the printed tables, in the order of (KANWIL, *UPTS).
UNIT_LABELS = ("Kanwil", "BHP Makassar", "UPT Parepare", "UPT Bone", "UPT Palopo")
# (username, name, e-mail, role, units by index: 0 is the Kanwil, 1.. the UPTs)
STAFF = (
    ("admin", "Andi Administrator", "admin@demo.lentera.invalid", StaffRole.ADMIN, ()),
    ("rahman", "Abdul Rahman", "rahman@demo.lentera.invalid", StaffRole.SUPERVISOR, (0,)),
    ("sitti", "Sitti Rahmawati", "sitti@demo.lentera.invalid", StaffRole.INVESTIGATOR, (0,)),
    ("budi", "Budi Santoso", "budi@demo.lentera.invalid", StaffRole.INVESTIGATOR, (1,)),
    ("dewi", "Dewi Lestari", "dewi@demo.lentera.invalid", StaffRole.INVESTIGATOR, (2,)),
    ("yusuf", "Muhammad Yusuf", "yusuf@demo.lentera.invalid", StaffRole.INVESTIGATOR, (3,)),
    ("nurul", "Nurul Hidayah", "nurul@demo.lentera.invalid", StaffRole.INVESTIGATOR, (4,)),
)
# The officials who hold the root's shares (DESIGN.md 4a): never the administrator.
CUSTODIANS = (
    root.CustodianName("Andi Mappaselle", "Kepala Kantor Wilayah"),
    root.CustodianName("Nurhayati", "Kepala Divisi Administrasi"),
    root.CustodianName("Yusuf Tahir", "Inspektorat"),
)
# Before the oldest story (75 days ago), so every journal entry is signed by a
# key that was certified at the entry's date.
CERTIFIED_AGO = timedelta(days=120)


class DemoRefused(RuntimeError):
    """The installation already has an organisation; demo data would mix with it."""


@dataclass(frozen=True)
class Handler:
    """A handler at work: the account and the identity its password unlocks."""

    staff: StaffMember
    identity: Identity


@dataclass(frozen=True)
class Account:
    """One demo account and what to type to sign in as it (printed once)."""

    username: str
    role: StaffRole
    units: str
    password: str
    totp_key: str


@dataclass(frozen=True)
class Cast:
    units: list[Unit]
    accounts: list[Account]
    handlers: dict[str, Handler]


def make_organisation(session: Session, params: Argon2Params) -> Cast:
    """The unit tree and every account, activated as their owners would activate them."""
    kanwil = organisation.create_unit(session, None, KANWIL, None)
    units: list[Unit] = [kanwil]
    units += [organisation.create_unit(session, None, name, kanwil.id) for name in UPTS]
    made: list[Account] = []
    handlers: dict[str, Handler] = {}
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
            staff = accounts.complete_setup(session, token, email, name, credentials, params)
        else:
            _, token = accounts.invite(
                session, None, email, name, role, [units[i].id for i in unit_indexes]
            )
            staff = accounts.activate(session, token, credentials, params)
            handlers[username] = Handler(staff, _unlock(session, staff, password))
        where = ", ".join(UNIT_LABELS[i] for i in unit_indexes)
        if role is StaffRole.SUPERVISOR:
            where += " and every UPT"
        made.append(Account(username, role, where or "-", password, totp.secret_text(secret)))
    certify_handlers(session, [handler.staff for handler in handlers.values()])
    return Cast(units, made, handlers)


def certify_handlers(session: Session, handlers: list[StaffMember]) -> None:
    """Hold the custodians' ceremony and let the root certify every handler, as at set-up.

    The shares exist only in this function's memory: the demo prints none of
    them (a share printed in a terminal's scrollback is a share leaked), so
    its root can certify and recover nothing after the run; a real office
    holds its ceremony with the custodians present.
    """
    with as_of(CERTIFIED_AGO):
        shares = [issued.words for issued in root.hold_ceremony(session, CUSTODIANS)]
        opened = root.open_root(session, shares[:2])
        del shares
        for staff in handlers:
            if staff.identity_public is None:
                raise RuntimeError("an activated account has an identity")
            heard = certificate_fingerprint(staff.identity_public)
            certificates.certify_by_root(session, staff, opened, heard)
    session.commit()


def _unlock(session: Session, staff: StaffMember, password: str) -> Identity:
    """The identity a sign-in with this password opens (no transaction held across the run)."""
    if staff.sealed_seed is None:
        raise RuntimeError("an activated account has a sealed seed")
    session.flush()
    release_snapshot(session)
    return Identity.from_seed(open_seed(staff.sealed_seed, password))
