"""The custodians' commands: ``wbs custodian-ceremony`` and ``wbs recovery ...``.

For an offline machine with a copy of the database, or the server's own
console. Shares are typed at a prompt that does not echo them, never given on
the command line (where the shell's history and the process list would keep
them). New shares are shown only on a terminal, once, one custodian at a time
(``share_console``), and the database keeps the new root only after the
operator confirms that every share is written on paper: a root whose shares
were never written down would lose every report's recovery.
"""

from __future__ import annotations

from collections.abc import Sequence

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from wbs_app.db import app_database
from wbs_app.refusals import refusal_message
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.trust import recovery, root, rotation
from wbs_app.share_console import hand_out, require_console, speaks_language

recovery_group = AppGroup("recovery", help="What K custodians do together with their shares.")


def _refused(error: DomainError) -> click.ClickException:
    """The refusal in words, with its code for the operator's notes."""
    return click.ClickException(f"{refusal_message(error)} ({error.code})")


def _ask_custodians(count: int) -> list[root.CustodianName]:
    named = []
    for number in range(1, count + 1):
        name = click.prompt(_("Custodian %(number)s: full name", number=number))
        position = click.prompt(
            _("Custodian %(number)s: position", number=number), default="", show_default=False
        )
        named.append(root.CustodianName(name, position))
    return named


def _ask_shares(threshold: int) -> list[str]:
    click.echo(
        _(
            "%(threshold)s custodians now type their shares; the words are not shown.",
            threshold=threshold,
        )
    )
    return [
        click.prompt(
            _("Share of custodian %(number)s of %(threshold)s", number=n, threshold=threshold),
            hide_input=True,
        )
        for n in range(1, threshold + 1)
    ]


def _keep_or_drop(session: Session, issued: Sequence[root.IssuedShare], threshold: int) -> None:
    if hand_out(issued, threshold):
        session.commit()
        click.echo(_("Kept: the public root and the custodians' names. No share was stored."))
    else:
        session.rollback()
        raise click.ClickException(_("Not confirmed: nothing was kept, the shares are void."))


@click.command("custodian-ceremony")
@with_appcontext
@speaks_language
@click.option("--custodians", "count", type=int, default=root.DEFAULT_SHARES, show_default=True)
@click.option("--threshold", type=int, default=root.DEFAULT_THRESHOLD, show_default=True)
def custodian_ceremony(count: int, threshold: int) -> None:
    """Make the installation's root and hand one share to each named custodian."""
    require_console()
    with app_database(current_app).session() as session:
        try:
            named = _ask_custodians(count)
            issued = root.hold_ceremony(session, named, threshold)
        except DomainError as error:
            raise _refused(error) from None
        _keep_or_drop(session, issued, threshold)


def _current_threshold(session: Session, generation: int | None = None) -> int:
    """How many shares to ask for: the threshold of the current root, or of ``generation``'s."""
    found = (
        root.current_root(session)
        if generation is None
        else root.by_generation(session, generation)
    )
    if found is None:
        raise _refused(root.NoRoot())
    return found.threshold


@recovery_group.command("regrant")
@speaks_language
@click.option("--to", "email", required=True, help="the handler's e-mail address")
@click.option("--case", "case_ids", type=int, multiple=True, help="case number (repeatable)")
@click.option("--unit", "unit_id", type=int, default=None, help="every case of this unit")
def regrant(email: str, case_ids: tuple[int, ...], unit_id: int | None) -> None:
    """Give cases back to a handler whose key was lost (shares typed at the prompt)."""
    with app_database(current_app).session() as session:
        shares = _ask_shares(_current_threshold(session))
        try:
            target, outcome = recovery.regrant_with_shares(
                session, shares, email, list(case_ids), unit_id
            )
        except (root.SharesRefused, recovery.RecoveryThrottled) as error:
            session.commit()  # the failure is counted
            raise _refused(error) from None
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
    click.echo(
        _(
            "Given back to %(name)s: %(count)s cases",
            name=target.display_name,
            count=len(outcome.regranted),
        )
    )
    for label, numbers in (
        (_("given back"), outcome.regranted),
        (_("already readable"), outcome.already),
        (_("excluded by the reporter"), outcome.excluded),
        (_("no recovery wrap (received before the ceremony)"), outcome.unrecoverable),
        (_("no such case"), outcome.missing),
    ):
        if numbers:
            click.echo(f"  {label}: {', '.join(str(n) for n in numbers)}")


@recovery_group.command("certify")
@speaks_language
@click.option("--email", required=True, help="the handler's e-mail address")
def certify(email: str) -> None:
    """Certify a handler's key by the root, after hearing its fingerprint read out."""
    with app_database(current_app).session() as session:
        shares = _ask_shares(_current_threshold(session))
        heard = click.prompt(_("Fingerprint the handler reads out from their key page"))
        try:
            target = recovery.certify_with_shares(session, shares, email, heard)
        except (root.SharesRefused, recovery.RecoveryThrottled) as error:
            session.commit()  # the failure is counted
            raise _refused(error) from None
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
    click.echo(_("Certified by the custodians: %(name)s", name=target.display_name))


@recovery_group.command("resplit")
@speaks_language
@click.option("--custodians", "count", type=int, default=root.DEFAULT_SHARES, show_default=True)
@click.option("--threshold", type=int, default=root.DEFAULT_THRESHOLD, show_default=True)
def resplit(count: int, threshold: int) -> None:
    """New shares of the same root for new custodians (old shares still open it)."""
    require_console()
    with app_database(current_app).session() as session:
        shares = _ask_shares(_current_threshold(session))
        try:
            opened = recovery.open_with_shares(session, shares)
        except (root.SharesRefused, recovery.RecoveryThrottled) as error:
            session.commit()
            raise _refused(error) from None
        try:
            if rotation.pending(session) is not None:
                raise rotation.RotationRunning()
            issued = root.resplit(session, opened, _ask_custodians(count), threshold)
        except DomainError as error:
            raise _refused(error) from None
        _keep_or_drop(session, issued, threshold)


@recovery_group.command("new-key")
@speaks_language
@click.option("--custodians", "count", type=int, default=root.DEFAULT_SHARES, show_default=True)
@click.option("--threshold", type=int, default=root.DEFAULT_THRESHOLD, show_default=True)
@click.option("--batch", type=int, default=rotation.BATCH, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="processes doing the HPKE work (default: one per core; 1: this process)",
)
def new_key(count: int, threshold: int, batch: int, workers: int | None) -> None:
    """A new recovery key for new custodians; every recovery wrap is moved to it."""
    require_console()
    with app_database(current_app).session() as session:
        shares = _ask_shares(_current_threshold(session))
        try:
            opened = recovery.open_with_shares(session, shares)
        except (root.SharesRefused, recovery.RecoveryThrottled) as error:
            session.commit()
            raise _refused(error) from None
        try:
            issued = rotation.start(session, opened, _ask_custodians(count), threshold)
        except DomainError as error:
            raise _refused(error) from None
        _keep_or_drop(session, issued, threshold)
        _run(session, opened, batch, workers)


@recovery_group.command("resume")
@speaks_language
@click.option("--batch", type=int, default=rotation.BATCH, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="processes doing the HPKE work (default: one per core; 1: this process)",
)
def resume(batch: int, workers: int | None) -> None:
    """Finish an interrupted move to a new recovery key (the old custodians' shares)."""
    with app_database(current_app).session() as session:
        pending = rotation.pending(session)
        if pending is None:
            raise _refused(rotation.NoRotation())
        old_generation = pending.from_generation
        shares = _ask_shares(_current_threshold(session, old_generation))
        try:
            opened = recovery.open_with_shares(session, shares, old_generation)
        except (root.SharesRefused, recovery.RecoveryThrottled) as error:
            session.commit()
            raise _refused(error) from None
        _run(session, opened, batch, workers)


def _run(session: Session, old: root.OpenRoot, batch: int, workers: int | None) -> None:
    done = rotation.run(
        session,
        old,
        batch,
        lambda n: click.echo(_("  %(count)s wraps moved", count=n)),
        workers=workers,
    )
    click.echo(
        _(
            "Recovery key %(old)s → %(new)s: %(count)s wraps moved, the old ones deleted",
            old=done.from_generation,
            new=done.to_generation,
            count=done.rewrapped,
        )
    )
    failed = rotation.failed_keys(session, done.id)
    if failed:
        # Ids only: the cases of these keys have no recovery wrap any more.
        click.echo(
            _(
                "%(count)s wraps did not open and were not moved (audience keys %(keys)s); "
                "see the audit log",
                count=len(failed),
                keys=", ".join(map(str, failed)),
            )
        )
