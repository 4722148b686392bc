"""The board's figures put into words: the tables the page, its charts and every export show.

One builder for the board page, the CSV, the XLSX and the PDF, so that the
same figure has the same name and value in each. Labels come from
``case_words`` in the reader's language; numbers stay numbers (a share of
deadlines met is a percentage with one decimal, or none when nothing was due).
"""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from wbs_app.services.stats.counts import Rate
from wbs_app.services.stats.exports import Cell, Report, Table
from wbs_app.services.stats.figures import Board
from wbs_app.services.stats.open_cases import AGES
from wbs_app.services.stats.periods import MONTH, QUARTER, Period
from wbs_app.web.case_words import CHANNELS, DEADLINE_KINDS, FINDINGS, LEVELS, STATUS


def share(rate: Rate) -> float | None:
    return None if rate.share is None else round(100 * rate.share, 1)


def period_name(period: Period) -> str:
    if period.kind == MONTH:
        return str(format_date(period.start, "MMMM yyyy"))
    if period.kind == QUARTER:
        return str(_("Quarter %(number)s %(year)s", number=period.number, year=period.year))
    return str(_("Year %(year)s", year=period.year))


def _word(words: dict[str, object], key: str) -> str:
    return str(words.get(key, key))


def _counts(key: str, title: str, header: str, counts: list[tuple[str, int]]) -> Table:
    rows: list[list[Cell]] = [[label, count] for label, count in counts]
    return Table(key, title, [header, _("Cases")], rows, chart=True)


def board_tables(board: Board, categories: dict[int, str]) -> list[Table]:
    """Every table of the board, in the order the page and the reports show them."""
    units = Table(
        "units",
        _("Units (each with the units below it)"),
        [_("Unit"), _("Received"), _("Ended"), _("Open now"), _("Overdue now"),
         _("Answered on time (%)")],
        [
            ["· " * row.depth + row.name, row.total.received, row.total.ended,
             row.total.open_now, row.total.overdue_now, share(row.total.answered)]
            for row in board.units
        ],
    )  # fmt: skip
    timeliness = Table(
        "timeliness",
        _("Deadlines met"),
        [_("Deadline"), _("On time"), _("Late"), _("On time (%)")],
        [
            [_word(DEADLINE_KINDS, kind), rate.on_time, rate.late, share(rate)]
            for kind, rate in board.timeliness.items()
        ],
    )
    medians = Table(
        "medians",
        _("Median working days"),
        [_("Measure"), _("Working days")],
        [
            [_("From receipt to acknowledgement"), board.median_ack_days],
            [_("From receipt to the end"), board.median_close_days],
        ],
    )
    overdue = Table(
        "overdue",
        _("Overdue now"),
        [_("Case"), _("Unit"), _("Deadline"), _("Due on")],
        [
            [f"#{row.case_id}", row.unit, _word(DEADLINE_KINDS, row.deadline),
             format_date(row.due_on, "d MMMM yyyy")]
            for row in board.overdue
        ],
    )  # fmt: skip
    escalations = Table(
        "escalations",
        _("Open escalations"),
        [_("Case"), _("Unit"), _("Deadline"), _("Due on"), _("Tier")],
        [
            [f"#{row.case_id}", row.unit, _word(DEADLINE_KINDS, row.deadline),
             format_date(row.due_on, "d MMMM yyyy"), row.tier]
            for row in board.escalations
        ],
    )  # fmt: skip
    months = [
        (format_date(Period(MONTH, month // 100, month % 100).start, "MMMM yyyy"), count)
        for month, count in board.by_month.items()
    ]
    return [
        units,
        _counts("month", _("Received by month"), _("Month"), months),
        _counts("status", _("Received in the period, by status now"), _("Status"),
                [(_word(STATUS, key), count) for key, count in sorted(board.by_status.items())]),
        _counts("category", _("Received by category"), _("Category"),
                [(categories.get(key, str(key)), n) for key, n in board.by_category.items()]),
        _counts("channel", _("Received by channel"), _("Channel"),
                [(_word(CHANNELS, key), count) for key, count in sorted(board.by_channel.items())]),
        timeliness,
        medians,
        _counts("ageing", _("Open cases by days since receipt"), _("Days"),
                [(label, count) for label, count in board.ageing]),
        _counts("ended", _("Ended in the period, by how"), _("Status"),
                [(_word(STATUS, key), count) for key, count in sorted(board.ended_by.items())]),
        _counts("findings", _("Findings"), _("Finding"),
                [(_word(FINDINGS, key), count) for key, count in sorted(board.findings.items())]),
        _counts("sanctions", _("Sanctions (the heaviest per case)"), _("Level"),
                [(_word(LEVELS, key), count) for key, count in sorted(board.sanctions.items())]),
        overdue,
        escalations,
    ]  # fmt: skip


def board_report(board: Board, categories: dict[int, str], scope_name: str) -> Report:
    """The periodic report of the board: its heading, its tables, page numbers."""
    title = _("Complaint handling report: %(period)s", period=period_name(board.period))
    lines = [
        _("Units: %(units)s", units=scope_name),
        _("Period: %(start)s to %(end)s", start=format_date(board.period.start, "d MMMM yyyy"),
          end=format_date(board.period.end, "d MMMM yyyy")),
        _("Received: %(received)s reports (%(matters)s matters); ended: %(ended)s; open now: "
          "%(open)s", received=board.received, matters=board.matters, ended=board.ended,
          open=board.open_now),
    ]  # fmt: skip
    notes = [
        _("Counted from the workflow facts only (dates, units, categories, channels, statuses, "
          "outcomes); no report content is read."),
        _("A deadline counts in the month it was met; one missed and still open counts as late "
          "in the month it fell due. Open cases and overdue cases are as they stand today."),
        _("Age groups of open cases are in calendar days: %(ages)s.",
          ages=", ".join(label for label, _up_to in AGES)),
    ]  # fmt: skip
    return Report(
        title=title,
        lines=lines,
        tables=board_tables(board, categories),
        footer=_("Page {page} of {pages}"),
        notes=notes,
    )
