"""Handing new root shares to custodians at a console, one custodian at a time.

A share on a screen is a share in every copy of that screen's output: a pipe
(``| tee``), a redirected log, the terminal's scrollback, tmux or screen
history, an SSH session recorder. With the default 2-of-3, two shares on one
record are the whole root. So shares are shown only on an interactive
terminal (stdin and stdout both), each after the others have stepped away,
and each is wiped from the screen *and* the scrollback once its custodian has
written it down. Wiping cannot reach a multiplexer's history or a session log:
the opening warning says so, and the threat model says that whoever runs the
ceremony on a machine they control can keep the shares.

Before the screen is wiped, the custodian types back two words of the share,
named by position, from the paper: a word miscopied on paper would otherwise
surface years later, when the share is needed and nobody can show it again.

The text is in the installation's language (Flask-Babel with the default
locale, or ``--lang``): the custodians are heads of section, not operators.
"""

from __future__ import annotations

import functools
import secrets
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click
from flask_babel import force_locale
from flask_babel import gettext as _

from wbs_app.services.trust import root
from wbs_app.settings import settings

# ESC[3J: erase the scrollback (xterm, VTE, PuTTY, the Linux console); click.clear
# (ESC[2J ESC[H) alone wipes only the visible screen.
CLEAR_SCROLLBACK = "\x1b[3J"
# SLIP-39's first words carry the split's identifier, shared by every share of
# one ceremony: the type-back check asks only for words past them.
SHARED_PREFIX_WORDS = 4
WORDS_PER_LINE = 6


# ``--lang``: the console's language, the installation's default unless told.
LANGUAGE = click.option(
    "--lang",
    "language",
    default=None,
    help="console language (default: the installation's, Bahasa Indonesia)",
)


def speaks_language(command: Callable[..., None]) -> Callable[..., None]:
    """A custodians' command with ``--lang``: its text in that language, else the default's."""

    @LANGUAGE
    @functools.wraps(command)
    def in_language(*args: Any, language: str | None, **kwargs: Any) -> None:
        with console_language(language):
            command(*args, **kwargs)

    return in_language


@contextmanager
def console_language(language: str | None) -> Iterator[None]:
    """The console text in ``language``, or in the installation's default language."""
    current = settings()
    chosen = language or current.default_language
    if chosen not in current.languages:
        raise click.BadParameter(
            f"{chosen}: one of {', '.join(current.languages)}", param_hint="--lang"
        )
    with force_locale(chosen):
        yield


def require_console() -> None:
    """Refuse before anything is asked unless stdin and stdout are a terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.ClickException(
            _(
                "Shares are shown only on a terminal, never through a pipe, a redirect or a "
                "log: whatever records this output would hold every share. Run the command "
                "on the server's console (or an offline machine) with the custodians present."
            )
        )


def warn_before_shares() -> None:
    click.echo(
        _(
            "Before the first share: this screen must not be recorded. Do not run this "
            "inside tmux or screen, nor in an SSH session that is logged or recorded; the "
            "scrollback is wiped after each share, their history is not."
        )
    )


def _wipe() -> None:
    click.clear()
    click.echo(CLEAR_SCROLLBACK, nl=False)


def _show(share: root.IssuedShare, total: int, threshold: int) -> None:
    click.echo(
        _(
            "Share %(number)s of %(total)s (any %(threshold)s of them open the root)",
            number=share.share_number,
            total=total,
            threshold=threshold,
        )
    )
    custodian = share.custodian
    click.echo(
        _("Custodian: %(name)s, %(position)s", name=custodian.name, position=custodian.position)
    )
    click.echo(
        _(
            "Write these words on paper, in order, with their numbers and the share number. "
            "Keep the paper where only you can reach it. Nobody else, not even the "
            "administrator, may see it."
        )
    )
    click.echo("")
    words = share.words.split()
    for start in range(0, len(words), WORDS_PER_LINE):
        line = words[start : start + WORDS_PER_LINE]
        click.echo(
            "  " + "  ".join(f"{n:>2}. {w:<9}" for n, w in enumerate(line, start + 1)).rstrip()
        )
    click.echo("")


def _typed_back(share: root.IssuedShare) -> bool:
    """Two words named by position, typed from the paper (not echoed)."""
    words = share.words.split()
    first, second = sorted(
        secrets.SystemRandom().sample(range(SHARED_PREFIX_WORDS + 1, len(words) + 1), 2)
    )
    typed = click.prompt(
        _(
            "From your paper, type word %(first)s and word %(second)s, separated by a space",
            first=first,
            second=second,
        ),
        hide_input=True,
        default="",
        show_default=False,
    )
    return typed.lower().split() == [words[first - 1], words[second - 1]]


def hand_out(issued: Sequence[root.IssuedShare], threshold: int) -> bool:
    """Show each share once to its custodian alone; True once all are confirmed written."""
    warn_before_shares()
    for share in issued:
        click.pause(
            _(
                "Only %(name)s may look at the screen now. Press any key to show their share.",
                name=share.custodian.name,
            )
        )
        _wipe()
        _show(share, len(issued), threshold)
        while not _typed_back(share):
            click.echo(_("Those words do not match the share: correct your paper and try again."))
        _wipe()
    answer: str = click.prompt(
        _("Type %(yes)s when every share is written on paper", yes=_("YES")),
        default="",
        show_default=False,
    )
    return answer.strip().upper() == str(_("YES")).upper()
