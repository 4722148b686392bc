"""``wbs trust-status``, and the warning ``db-upgrade`` gives until handlers are certified.

Read by the operator who sets up a new office, often beside the custodians:
the text is in the installation's language (``--lang`` for another), as the
ceremony's console is (``share_console``).
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from wbs_app.db import app_database
from wbs_app.services.trust.status import TrustStatus, trust_status
from wbs_app.share_console import console_language, speaks_language


def warn_until_certified(status: TrustStatus, language: str | None = None) -> None:
    """Say why no report arrives yet: no root, or handlers waiting (a new office, an upgrade)."""
    with console_language(language):
        _warnings(status)


def _warnings(status: TrustStatus) -> None:
    sys.stdout.flush()  # what was listed comes first, then the warning on a line of its own
    if status.root_generation is None:
        click.echo(
            _(
                "warning: no custodians' root yet, so no key can be certified and no report "
                "can reach a handler. Hold the ceremony on the console with the custodians "
                "present (wbs custodian-ceremony), then the custodians certify a first "
                "supervisor on /staf/pemulihan (operator's guide: first start and staff "
                "accounts)."
            ),
            err=True,
        )
    if status.waiting:
        click.echo(
            ngettext(
                "warning: %(num)s handler waits for certification and receives no report "
                "until then: the custodians certify a first supervisor on /staf/pemulihan, "
                "certified supervisors the others on /staf/pengelola/sertifikasi "
                "(wbs trust-status lists them).",
                "warning: %(num)s handlers wait for certification and receive no report "
                "until then: the custodians certify a first supervisor on /staf/pemulihan, "
                "certified supervisors the others on /staf/pengelola/sertifikasi "
                "(wbs trust-status lists them).",
                status.waiting,
            ),
            err=True,
        )


@click.command("trust-status")
@with_appcontext
@speaks_language
def trust_status_command() -> None:
    """The custodians' root and, per unit, which handlers are certified and which wait."""
    with app_database(current_app).session() as session:
        status = trust_status(session)
    if status.root_generation is None:
        click.echo(_("root: none (the custodian ceremony has not been held)"))
    else:
        click.echo(
            _(
                "root: generation %(generation)s, any %(threshold)s of %(count)s custodians: "
                "%(names)s",
                generation=status.root_generation,
                threshold=status.threshold,
                count=len(status.custodians),
                names="; ".join(status.custodians),
            )
        )
    for unit in status.units:
        click.echo(unit.name)
        click.echo("  " + _("certified: %(names)s", names=", ".join(unit.certified) or "-"))
        click.echo("  " + _("waiting:   %(names)s", names=", ".join(unit.waiting) or "-"))
    if status.regrants:
        click.echo(_("cases waiting to be given back (key gone after a reset or a new key):"))
        for waiting in status.regrants:
            click.echo(f"  {waiting.name}: {', '.join(f'#{n}' for n in waiting.case_ids)}")
    _warnings(status)
