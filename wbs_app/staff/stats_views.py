"""The supervision board and its periodic reports, for every staff role within its own scope.

One page for administrators (the whole tree: workflow facts are all they
see), supervisors (the units they cover and all below) and investigators
(their own units); the scope is the service's (``figures.scope``), never a
parameter. The period and the unit come from the query string and are
refused with a translated 400 when they name nothing countable or a unit
outside the scope. The reports are the same tables as the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.db import request_session
from wbs_app.i18n import current_language
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import STAFF, zone
from wbs_app.services.infra.clock import local_today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office import organisation
from wbs_app.services.stats import exports, figures, periods
from wbs_app.settings import settings
from wbs_app.staff import bp
from wbs_app.web import stats_tables

FORMATS = {
    "pdf": ("application/pdf", exports.to_pdf),
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.to_xlsx,
    ),
}


@dataclass(frozen=True)
class Chosen:
    board: figures.Board
    unit_id: int | None
    scope_name: str
    categories: dict[int, str]


def _chosen() -> Chosen:
    """The board the query string asks for, within the viewer's scope (refusals raised)."""
    db = request_session()
    today = local_today(settings().timezone)
    period = periods.parse(request.args.get("periode") or periods.quarter_of(today).code, today)
    scope = figures.scope(db, signed_in().staff)
    raw_unit = request.args.get("unit", "")
    unit_id = (
        int(raw_unit) if raw_unit.isascii() and raw_unit.isdigit() and len(raw_unit) < 10 else None
    )
    if raw_unit and unit_id is None:
        raise figures.OutOfScope("unit_not_overseen")
    units = figures.units_in(db, scope, unit_id)
    tops = figures.highest(db, units)
    scope_name = _("%(units)s, with the units below", units=", ".join(tops))
    categories = {c.id: c.name(current_language()) for c in organisation.all_categories(db)}
    board = figures.board(db, units, period, today, signed_in().staff)
    return Chosen(board, unit_id, scope_name, categories)


def _units_offered() -> list[organisation.TreeNode]:
    db = request_session()
    scope = figures.scope(db, signed_in().staff)
    return [node for node in organisation.unit_tree(db) if node.unit.id in scope]


@bp.get("/statistik")
@zone(STAFF)
def statistics() -> tuple[str, int]:
    """The board: figures of the chosen period and units, with charts and their tables."""
    try:
        chosen = _chosen()
    except DomainError as refused:
        return _board_page(None, refusal_message(refused)), 400
    return _board_page(chosen, None), 200


def _board_page(chosen: Chosen | None, error: str | None) -> str:
    tables = (
        {t.key: t for t in stats_tables.board_tables(chosen.board, chosen.categories)}
        if chosen
        else {}
    )
    return render_template(
        "staff/statistics.html",
        chosen=chosen,
        tables=tables,
        error=error,
        units=_units_offered(),
        period_code=request.args.get("periode", ""),
        period_name=stats_tables.period_name(chosen.board.period) if chosen else "",
        formats=FORMATS,
    )


@bp.get("/statistik/laporan.<fmt>")
@zone(STAFF)
def statistics_report(fmt: str) -> Response | tuple[str, int]:
    """The periodic report of the same figures, as PDF, CSV or XLSX (a download)."""
    if fmt not in FORMATS:
        abort(404)  # no such report, as for any address that names nothing
    try:
        chosen = _chosen()
    except DomainError as refused:
        return _board_page(None, refusal_message(refused)), 400
    mimetype, render = FORMATS[fmt]
    report = stats_tables.board_report(chosen.board, chosen.categories, chosen.scope_name)
    response = make_response(render(report))
    response.mimetype = mimetype.split(";")[0]
    response.headers["Content-Type"] = mimetype
    name = _("complaint-report")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name}-{chosen.board.period.code}.{fmt}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
