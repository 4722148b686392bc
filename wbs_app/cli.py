"""Operator commands: ``flask --app wsgi wbs ...``.

Only what an operator needs from a shell lives here; each command is a thin
call into ``wbs_app.migrate`` or a service, in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from crypto import CheckpointFormatError, checkpoint_text, parse_checkpoint
from wbs_app.appctx import argon2_params, external_url
from wbs_app.custody_cli import custodian_ceremony, recovery_group
from wbs_app.db import app_database
from wbs_app.demo import DemoRefused, seed_demo_organisation
from wbs_app.migrate import upgrade
from wbs_app.models import StaffRole
from wbs_app.security.reporter_auth import ZONE as REPORTER_ZONE
from wbs_app.services import housekeeping
from wbs_app.services.cases import head_log, journal_audit
from wbs_app.services.infra import compaction, installation
from wbs_app.services.infra import sweep as attachment_sweep
from wbs_app.services.infra.store import AttachmentStore
from wbs_app.services.office import organisation
from wbs_app.services.office.catalogue import ensure_default_categories
from wbs_app.services.office.deadlines import Deadlines, deadlines
from wbs_app.services.office.organisation import OrganisationError
from wbs_app.services.staff import accounts, staff_admin
from wbs_app.services.staff.accounts import AccountError
from wbs_app.services.trust import anchors
from wbs_app.services.trust.status import trust_status
from wbs_app.settings import settings
from wbs_app.trust_cli import trust_status_command, warn_until_certified
from wbs_app.worker_cli import worker

wbs = AppGroup("wbs", help="Lentera administration commands.")
# The custodians' commands live apart (``wbs_app.custody_cli``): shares at prompts.
wbs.add_command(custodian_ceremony)
wbs.add_command(recovery_group)
# The scheduled worker too (``wbs_app.worker_cli``): gunicorn starts it.
wbs.add_command(worker)
wbs.add_command(trust_status_command)


def deadlines_from(session: Session) -> Deadlines:
    return deadlines(session, settings().deadline_defaults)


@wbs.command("db-upgrade")
def db_upgrade() -> None:
    """Apply every pending migration, record the salt's fingerprint, add the default categories.

    The fingerprint is written by the first upgrade (``services.infra.installation``),
    so from then on no other installation salt can run on this database.
    """
    database = app_database(current_app)
    upgrade(database.engine)
    with database.session(immediate=True) as session:
        recorded = installation.record_salt(session, settings().installation_salt)
        peppered = installation.record_pepper(session, settings().password_pepper)
        added = ensure_default_categories(session)
        anchored = head_log.anchor_unanchored(session)
        trusted = anchors.anchor_existing(session)
    click.echo(f"database at head; {added} default categories added")
    if anchored:
        click.echo(f"{anchored} case journals anchored in the head log")
    if trusted.roots or trusted.certificates or trusted.revocations:
        click.echo(
            f"trust on upgrade: {trusted.roots} custodian roots, {trusted.certificates}"
            f" certificates and {trusted.revocations} revocations anchored in the head log"
        )
    if recorded:
        click.echo("installation salt fingerprint recorded: back up instance/config.py with it")
    if peppered:
        click.echo(
            "password pepper fingerprint recorded: back up instance/config.py apart from the "
            "database"
        )
    with database.session() as session:
        status = trust_status(session)
    warn_until_certified(status)


@wbs.command("sweep")
@click.option(
    "--at-start",
    is_flag=True,
    help="run by gunicorn before its workers start: a refusal stops the server",
)
@click.option(
    "--quarantine-unknown",
    is_flag=True,
    help="after checking the database URL: quarantine unknown files however many there are",
)
def sweep(at_start: bool, quarantine_unknown: bool) -> None:
    """Finish interrupted file moves, quarantine unknown files; purge expired drafts and sessions.

    Never deletes a file the database does not know. Refuses (exit 1) when
    more than SWEEP_MAX_UNKNOWN stored files are unknown, or more than the
    database knows: the database is then probably the wrong one.
    """
    store: AttachmentStore = current_app.extensions["lentera.store"]
    max_unknown = settings().sweep_max_unknown
    wait = settings().sweep_lock_wait
    database = app_database(current_app)
    try:
        with _one_copy_on_stderr(attachment_sweep.log), database.session() as session:
            result = attachment_sweep.sweep(
                session,
                store,
                max_unknown=max_unknown,
                quarantine_unknown=quarantine_unknown,
                lock_wait=wait,
            )
            if not result.refused:
                housekeeping.purge_expired(session)
    except attachment_sweep.SweepBusy:
        raise click.ClickException(
            "another sweep is running (the sweep's database lock was not free in time);"
            " nothing was done: run it again once that one has finished"
        ) from None
    if result.refused:
        message = attachment_sweep.refusal(result.unknown_files, result.known_files, max_unknown)
        if at_start:
            message += " The server does not start until this is resolved."
        raise click.ClickException(message)
    # What the purge deleted leaves the database's files too (WAL, dead rows).
    compacted = compaction.compact(database.engine)
    click.echo(f"{result.summary()}; {compacted.summary()}")


@contextmanager
def _one_copy_on_stderr(logger: logging.Logger) -> Iterator[None]:
    """Where logging is not configured, Python prints a warning on stderr by itself.

    The command prints the same words there: keep only the command's copy.
    """
    if logger.hasHandlers():
        yield
        return
    handler = logging.NullHandler()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


@wbs.command("verify-journals")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="a checkpoint from `wbs journal-checkpoint`, as a witness kept it",
)
def verify_journals(checkpoint_file: Path | None) -> None:
    """Check every journal's chain and signatures, and all of them against the head log.

    Decrypts nothing. With --checkpoint, also that the head log still reaches
    the witness's checkpoint unchanged. Exit 1 on any problem (one line each),
    2 when the checkpoint file cannot be read.
    """
    checkpoint = None
    if checkpoint_file is not None:
        try:
            checkpoint = parse_checkpoint(checkpoint_file.read_text(encoding="utf-8"))
        except (CheckpointFormatError, UnicodeDecodeError) as error:
            click.echo(f"{checkpoint_file}: not a readable checkpoint: {error}", err=True)
            raise SystemExit(2) from None
    with app_database(current_app).session() as session:
        report = journal_audit.verify(session, checkpoint)
    for problem in report.problems:
        click.echo(problem)
    click.echo(f"{report.cases_checked} case journals checked, {report.broken_chains} broken")
    click.echo(f"head log: {report.log_links} links verified")
    if checkpoint is None:
        click.echo("no checkpoint given: a cut of the head log's own tail cannot be seen")
    elif report.ok:
        click.echo(
            f"the head log still holds the checkpoint of {checkpoint.made_at}"
            f" (link {checkpoint.position})"
        )
    if not report.ok:
        click.echo(f"{len(report.problems)} problems found")
        raise SystemExit(1)


@wbs.command("password-seals")
def password_seals() -> None:
    """List active accounts whose seal does not yet use the pepper (moved at their next sign-in)."""
    with app_database(current_app).session() as session:
        names = [staff.username for staff in staff_admin.unpeppered(session)]
    for name in names:
        click.echo(f"{name}: sealed under the password alone; moves to the pepper at next sign-in")
    click.echo(f"{len(names)} active accounts without the pepper")


@wbs.command("journal-checkpoint")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="write the checkpoint to this file (it must not exist) instead of printing it",
)
def journal_checkpoint(output: Path | None) -> None:
    """Print (or write) a signed checkpoint of the head log, for an outside witness to keep.

    It holds the log's position and last link hash, the time and the
    installation key's fingerprint: nothing about any case.
    """
    with app_database(current_app).session() as session:
        text = checkpoint_text(head_log.checkpoint_from_command(session))
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with output.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise click.ClickException(f"{output} exists; choose another file name") from None
    click.echo(f"checkpoint written to {output}: print it and hand it to the witness")


@wbs.command("setup-link")
def setup_link() -> None:
    """Print a one-time link (valid one hour) that creates the first administrator."""
    with app_database(current_app).session() as session:
        token = accounts.issue_setup_token(session)
        if token is None:
            click.echo("an administrator exists; no set-up link is needed")
            return
        with current_app.test_request_context():
            link = external_url(url_for("staff.setup", kode=token))
    click.echo("No administrator yet. Open this one-time link within one hour to create one:")
    click.echo(f"  {link}")


@wbs.command("create-unit")
@click.argument("name")
@click.option("--parent", "parent_id", type=int, default=None, help="id of the parent unit")
@click.option("--new-top", is_flag=True, help="without --parent: put it above the present top unit")
def create_unit(name: str, parent_id: int | None, new_top: bool) -> None:
    """Create a unit under --parent; without one, the first unit, or with --new-top a new top."""
    try:
        with app_database(current_app).session() as session:
            unit = organisation.create_unit(session, None, name, parent_id, new_top=new_top)
            click.echo(f"unit {unit.id}: {unit.name}")
    except OrganisationError as error:
        raise click.ClickException(error.code) from None


@wbs.command("invite-staff")
@click.argument("email")
@click.argument("display_name")
@click.option(
    "--role", type=click.Choice([role.value for role in StaffRole]), default="investigator"
)
@click.option("--unit", "unit_ids", type=int, multiple=True, help="unit id (repeatable)")
def invite_staff(email: str, display_name: str, role: str, unit_ids: tuple[int, ...]) -> None:
    """Invite a staff member and print the activation link to hand over."""
    try:
        with app_database(current_app).session() as session:
            _, token = accounts.invite(
                session, None, email, display_name, StaffRole(role), list(unit_ids)
            )
    except AccountError as error:
        raise click.ClickException(error.code) from None
    with current_app.test_request_context():
        click.echo(external_url(url_for("staff.activate", kode=token)))


@wbs.command("seed-demo")
def seed_demo() -> None:
    """Create a demo office with cases at every stage; prints every way to sign in."""
    store: AttachmentStore = current_app.extensions["lentera.store"]
    try:
        with app_database(current_app).session() as session:
            lines = seed_demo_organisation(
                session,
                store,
                argon2_params(),
                settings().installation_salt,
                deadlines_from(session),
                REPORTER_ZONE.policy(),
                external_url(""),
                pepper=settings().password_pepper,
                channel_days=settings().reporter_channel_days_after_close,
            )
    except DemoRefused as refused:
        raise click.ClickException(str(refused)) from None
    for line in lines:
        click.echo(line)
