"""The custodians' commands: ``wbs custodian-ceremony`` and ``wbs recovery ...``.

For an offline machine with a copy of the database, or the server's own
console. Shares are typed at a prompt that does not echo them, never given on
the command line (where the shell's history and the process list would keep
them). New shares are printed once, one custodian at a time, with the screen
cleared in between, and the database keeps the new root only after the
operator confirms that every share is written on paper: a root whose shares
were never written down would lose every report's recovery.
"""

from __future__ import annotations

from collections.abc import Sequence

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from wbs_app.db import app_database
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.trust import recovery, root, rotation

recovery_group = AppGroup("recovery", help="What K custodians do together with their shares.")

INSTRUCTION = (
    "Write these words on paper, in order, with the share number. Keep the paper "
    "where only you can reach it. Nobody else, not even the administrator, may see it."
)


def _refused(error: DomainError) -> click.ClickException:
    return click.ClickException(error.code)


def _ask_custodians(count: int) -> list[root.CustodianName]:
    named = []
    for number in range(1, count + 1):
        name = click.prompt(f"Custodian {number}: full name")
        position = click.prompt(f"Custodian {number}: position", default="", show_default=False)
        named.append(root.CustodianName(name, position))
    return named


def _ask_shares(threshold: int) -> list[str]:
    click.echo(f"{threshold} custodians now type their shares; the words are not shown.")
    return [
        click.prompt(f"Share of custodian {n} of {threshold}", hide_input=True)
        for n in range(1, threshold + 1)
    ]


def _hand_out(issued: Sequence[root.IssuedShare], threshold: int) -> bool:
    """Show each share once to its custodian alone; True once all are confirmed written."""
    for share in issued:
        click.pause(
            f"Only {share.custodian.name} may look at the screen now. Press any key to show "
            "their share."
        )
        click.echo(
            f"Share {share.share_number} of {len(issued)} (any {threshold} of them open the root)"
        )
        click.echo(f"Custodian: {share.custodian.name}, {share.custodian.position}")
        click.echo(INSTRUCTION)
        click.echo("")
        click.echo(f"  {share.words}")
        click.echo("")
        click.pause("Press any key once it is written down: the screen is cleared.")
        click.clear()
    answer: str = click.prompt("Type YES when every share is written on paper", default="")
    return answer.strip() == "YES"


def _keep_or_drop(session: Session, issued: Sequence[root.IssuedShare], threshold: int) -> None:
    if _hand_out(issued, threshold):
        session.commit()
        click.echo("Kept: the public root and the custodians' names. No share was stored.")
    else:
        session.rollback()
        raise click.ClickException("not confirmed: nothing was kept, the shares are void")


@click.command("custodian-ceremony")
@with_appcontext
@click.option("--custodians", "count", type=int, default=root.DEFAULT_SHARES, show_default=True)
@click.option("--threshold", type=int, default=root.DEFAULT_THRESHOLD, show_default=True)
def custodian_ceremony(count: int, threshold: int) -> None:
    """Make the installation's root and hand one share to each named custodian."""
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
    click.echo(f"given back to {target.display_name}: {len(outcome.regranted)} cases")
    for label, numbers in (
        ("given back", outcome.regranted),
        ("already readable", outcome.already),
        ("excluded by the reporter", outcome.excluded),
        ("no recovery wrap (received before the ceremony)", outcome.unrecoverable),
        ("no such case", outcome.missing),
    ):
        if numbers:
            click.echo(f"  {label}: {', '.join(str(n) for n in numbers)}")


@recovery_group.command("certify")
@click.option("--email", required=True, help="the handler's e-mail address")
def certify(email: str) -> None:
    """Certify a handler's key by the root, after hearing its fingerprint read out."""
    with app_database(current_app).session() as session:
        shares = _ask_shares(_current_threshold(session))
        heard = click.prompt("Fingerprint the handler reads out from their key page")
        try:
            target = recovery.certify_with_shares(session, shares, email, heard)
        except (root.SharesRefused, recovery.RecoveryThrottled) as error:
            session.commit()  # the failure is counted
            raise _refused(error) from None
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
    click.echo(f"certified by the custodians: {target.display_name}")


@recovery_group.command("resplit")
@click.option("--custodians", "count", type=int, default=root.DEFAULT_SHARES, show_default=True)
@click.option("--threshold", type=int, default=root.DEFAULT_THRESHOLD, show_default=True)
def resplit(count: int, threshold: int) -> None:
    """New shares of the same root for new custodians (old shares still open it)."""
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
        session, old, batch, lambda n: click.echo(f"  {n} wraps moved"), workers=workers
    )
    click.echo(
        f"recovery key {done.from_generation} -> {done.to_generation}: "
        f"{done.rewrapped} wraps moved, the old ones deleted"
    )
    failed = rotation.failed_keys(session, done.id)
    if failed:
        # Ids only: the cases of these keys have no recovery wrap any more.
        click.echo(
            f"{len(failed)} wrap{'' if len(failed) == 1 else 's'} did not open and "
            f"{'was' if len(failed) == 1 else 'were'} not moved "
            f"(audience keys {', '.join(map(str, failed))}); see the audit log"
        )
