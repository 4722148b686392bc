"""What ties a database to its installation's secrets: the salt fingerprint.

``INSTALLATION_SALT`` lives in ``instance/config.py``, the reports in the
database; they are backed up, restored and moved apart. A database restored
beside a new ``instance/config.py`` would keep staff working while every
receipt and invitation code silently opened nothing, for good. So the first
migration records a fingerprint of the salt (``crypto.salt_fingerprint``),
and the app, every command and ``config.py init`` compare it before they do
anything else.

``PASSWORD_PEPPER`` is kept the same way (``crypto.pepper_fingerprint``):
every staff seed is sealed under it (``crypto.passwords`` blob v2), and a
database beside another ``instance/`` would refuse every staff password with
the same "wrong password" as a typo, for everybody at once. Its fingerprint
is recorded by the first ``db-upgrade`` that knows of it (migration 0031).
"""

from __future__ import annotations

from sqlalchemy import exists, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import pepper_fingerprint, salt_fingerprint
from wbs_app.models import Case, Installation, StaffMember
from wbs_app.services.infra.errors import DomainError

ROW_ID = 1


class SaltMismatch(DomainError):
    """The database was made with another installation salt than the configured one."""

    code = "salt_mismatch"


def check_salt(session: Session, installation_salt: bytes) -> bool:
    """Raise ``SaltMismatch`` unless the stored fingerprint (if any) is this salt's.

    Returns whether a fingerprint is stored. A database that has not been
    migrated yet (no ``installation`` table) has none: ``wbs db-upgrade``
    records it.
    """
    if not _has_table(session.connection()):
        return False
    stored = session.scalar(select(Installation.salt_fingerprint).where(Installation.id == ROW_ID))
    if stored is None:
        return False
    if stored != salt_fingerprint(installation_salt):
        raise SaltMismatch()
    return True


def record_salt(session: Session, installation_salt: bytes) -> bool:
    """Store this salt's fingerprint if none is stored; returns whether it was new.

    Called at the end of every ``db-upgrade``: the first one writes it, later
    ones check it. A database that already holds cases from before
    fingerprints existed gets the salt it is being run with, which is the
    salt its receipts were made with unless it was changed before this
    release, and then nothing could tell.
    """
    if check_salt(session, installation_salt):
        return False
    try:
        with session.begin_nested():  # two servers upgrading at once: one row wins
            session.add(
                Installation(id=ROW_ID, salt_fingerprint=salt_fingerprint(installation_salt))
            )
    except IntegrityError:
        check_salt(session, installation_salt)
        return False
    return True


class PepperMismatch(DomainError):
    """The staff seeds of this database were sealed with another pepper than the configured one."""

    code = "pepper_mismatch"


def check_pepper(session: Session, pepper: bytes) -> bool:
    """Raise ``PepperMismatch`` unless the stored pepper fingerprint (if any) is this pepper's.

    Returns whether a fingerprint is stored; none is before migration 0031's
    ``db-upgrade`` (which records it).
    """
    if not _has_pepper_column(session.connection()):
        return False
    stored = session.scalar(
        select(Installation.pepper_fingerprint).where(Installation.id == ROW_ID)
    )
    if stored is None:
        return False
    if stored != pepper_fingerprint(pepper):
        raise PepperMismatch()
    return True


def record_pepper(session: Session, pepper: bytes) -> bool:
    """Store this pepper's fingerprint if none is stored; returns whether it was new.

    Called by ``db-upgrade`` after ``record_salt`` (which makes the row). A
    database whose staff were sealed before the pepper existed (blob v1) gets
    the pepper it is upgraded with: their seals move to it at each person's
    next sign-in.
    """
    if check_pepper(session, pepper):
        return False
    row = session.get(Installation, ROW_ID, with_for_update=True)
    if row is None:
        return False
    if row.pepper_fingerprint is not None:  # another upgrade was first
        check_pepper(session, pepper)
        return False
    row.pepper_fingerprint = pepper_fingerprint(pepper)
    session.flush()
    return True


def pepper_in_use(connection: Connection) -> bool:
    """Whether staff seeds here depend on a pepper: its fingerprint, or any v2 seal.

    ``config.py init`` asks before it adds a pepper to an existing
    ``instance/config.py``: a new one beside such a database would refuse
    every staff password.
    """
    names = set(inspect(connection).get_table_names())
    if _has_pepper_column(connection) and connection.scalar(
        select(exists().where(Installation.pepper_fingerprint.is_not(None)))
    ):
        return True
    if StaffMember.__tablename__ not in names:
        return False
    seals = connection.scalars(
        select(StaffMember.sealed_seed).where(StaffMember.sealed_seed.is_not(None))
    )
    return any(seal is not None and seal[:1] != b"\x01" for seal in seals)


def in_use(connection: Connection) -> bool:
    """Whether this database belongs to an installation: a fingerprint or any case.

    ``config.py init`` asks before it writes new secrets, which would make
    every code of such a database useless.
    """
    names = set(inspect(connection).get_table_names())
    if "installation" in names and connection.scalar(select(exists().select_from(Installation))):
        return True
    return "cases" in names and bool(connection.scalar(select(exists().select_from(Case))))


def _has_table(connection: Connection) -> bool:
    return bool(inspect(connection).has_table(Installation.__tablename__))


def _has_pepper_column(connection: Connection) -> bool:
    if not _has_table(connection):
        return False
    columns = inspect(connection).get_columns(Installation.__tablename__)
    return any(column["name"] == "pepper_fingerprint" for column in columns)
