"""The access matrix: every route of ``app.url_map`` against every role, with the expected outcome.

One row per endpoint; one column per role (DESIGN.md section 1):

    anon   nobody signed in           reporter  a reporter session for case A
    resp   the respondent of A's first invitation, signed in
    invA   Budi, investigator of A's unit, holding A's keys
    invB   Sitti, investigator of another unit (holds B, not A)
    sup    Rahman, supervisor of the Kanwil above A's unit (holds A through supervision)
    admin  an administrator (holds no case key)

A cell is the outcome: a status code, or ``login`` for a redirect to the
login page of the route's zone, or ``302`` for any other redirect. A route
with two methods has ``GET/POST`` in a cell where they differ. Every route is requested as
every role with case A's ids (the admin routes with an investigator of unit
b who holds nothing), a POST carrying only the role's own valid CSRF token
(in a multipart body for the streaming routes, which check it themselves).
A method the route does not take must get 405 from everyone. Every response
must also carry the security headers of DESIGN.md section 5.

Routes that end the session (logout, finish) are requested last.

The table and the way each cell is requested live here, apart from the tests
(``tests/adversarial/test_access_matrix.py``), because the suites that walk
every route (reads do not write, form messages, session replay) request them
the same way.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for

from tests.support.world import ROLES, World, multipart
from wbs_app.security.zones import zone_of

COLUMNS = ("anon", "reporter", "resp", "invA", "invB", "sup", "admin")

MATRIX = """
endpoint                        anon     reporter resp     invA     invB     sup      admin
public.index                    200      200      200      200      200      200      200
public.anonymity_guide          200      200      200      200      200      200      200
public.transparency_page        200      200      200      200      200      200      200
public.static                   200      200      200      200      200      200      200
public.moved_pengelola          301      301      301      301      301      301      301
public.moved_pengelola_page     301      301      301      301      301      301      301
public.moved_admin              301      301      301      301      301      301      301
public.moved_admin_page         301      301      301      301      301      301      301
reporter.start                  200      200      200      200      200      200      200
reporter.form                   200      200      200      200      200      200      200
reporter.receive_form           400      400      400      400      400      400      400
reporter.edit                   400      400      400      400      400      400      400
reporter.send                   400      400      400      400      400      400      400
reporter.receipt                200      200      200      200      200      200      200
reporter.login                  200/400  200/400  200/400  200/400  200/400  200/400  200/400
reporter.case                   login    200      login    login    login    login    login
reporter.download               login    200      login    login    login    login    login
reporter.reply                  login    302      login    login    login    login    login
reporter.withdraw               login    400      login    login    login    login    login
reporter.confirm_withdraw       login    200      login    login    login    login    login
reporter.new_receipt            login    200      login    login    login    login    login
reporter.confirm_new_receipt    login    302      login    login    login    login    login
reporter.confirm_record         login    302      login    login    login    login    login
reporter.correct_record         login    302      login    login    login    login    login
reporter.report_retaliation     login    400      login    login    login    login    login
reporter.finish                 login    302      login    login    login    login    login
respondent.login                200/400  200/400  200/400  200/400  200/400  200/400  200/400
respondent.home                 login    login    200      login    login    login    login
respondent.statement            login    login    302      login    login    login    login
respondent.extension            login    login    302      login    login    login    login
respondent.finish               login    login    302      login    login    login    login
respondent.new_code             login    login    200      login    login    login    login
respondent.confirm_new_code     login    login    302      login    login    login    login
staff.login                     200/400  200/400  200/400  200/400  200/400  200/400  200/400
staff.setup                     404      404      404      404      404      404      404
staff.activate                  404      404      404      404      404      404      404
staff.home                      login    login    login    302      302      302      302
staff.change_password           login    login    login    200/400  200/400  200/400  200/400
staff.statistics                login    login    login    200      200      200      200
staff.statistics_report         login    login    login    200      200      200      200
staff.logout                    login    login    login    login    login    login    login
staff.recovery_page             200/400  200/400  200/400  200/400  200/400  200/400  200/400
staff.letterhead_logo           login    login    login    404      404      404      404
investigator.index              login    login    login    200      200      200      403
investigator.read_all_notices    login    login    login    302      302      302      403
investigator.notice_mail_settings login   login    login    200/400  200/400  200/400  403
investigator.inbox_page         login    login    login    200      200      200      403
investigator.own_key            login    login    login    200      200      200      403
investigator.certify_page       login    login    login    200      200      200      403
investigator.certify            login    login    login    400      400      400      403
investigator.case_page          login    login    login    200      404      200      403
investigator.download           login    login    login    200      404      200      403
investigator.reveal_identity    login    login    login    200      404      200      403
investigator.record_step        login    login    login    400      404      400      403
investigator.mark_triage        login    login    login    400      404      400      403
investigator.archive_marked     login    login    login    302      302      302      403
investigator.send_message       login    login    login    302      404      302      403
investigator.add_note           login    login    login    302      404      302      403
investigator.acknowledge_retaliation login login login 400    404      400      403
investigator.grant_access       login    login    login    400      404      400      403
investigator.revoke_access      login    login    login    400      404      400      403
investigator.confirm_revoke     login    login    login    404      404      404      403
investigator.assign_case        login    login    login    400      404      400      403
investigator.change_category    login    login    login    400      404      400      403
investigator.move_case          login    login    login    400      404      400      403
investigator.create_invitation  login    login    login    302      404      302      403
investigator.invitation_letter  login    login    login    200      404      200      403
investigator.respondent_file    login    login    login    200      404      200      403
investigator.decide_extension   login    login    login    400      404      400      403
investigator.message_respondent login    login    login    302      404      302      403
investigator.close_threads      login    login    login    302      404      302      403
investigator.reissue_page       login    login    login    200      404      200      403
investigator.reissue            login    login    login    303      404      303      403
investigator.journal_checkpoint_page login login login 403    403      200      403
investigator.record_page        login    login    login    200      200      200      403
investigator.record_report      login    login    login    400      400      400      403
investigator.receipt_letter     login    login    login    404      404      404      403
investigator.link_case          login    login    login    400      404      400      403
investigator.unlink_case        login    login    login    400      404      400      403
investigator.refer_up           login    login    login    400      404      400      403
investigator.journal_checkpoint_download login login login 403 403    200      403
admin.index                     login    login    login    403      403      403      200
admin.audit_log                 login    login    login    403      403      403      200
admin.worker_health             login    login    login    403      403      403      200
admin.categories                login    login    login    403      403      403      200
admin.create_category           login    login    login    403      403      403      302
admin.update_category           login    login    login    403      403      403      302
admin.settings                  login    login    login    403      403      403      200/400
admin.letterhead_settings       login    login    login    403      403      403      200/400
admin.leave_days                login    login    login    403      403      403      200
admin.add_leave_day             login    login    login    403      403      403      400
admin.add_national_leave        login    login    login    403      403      403      400
admin.remove_leave_day          login    login    login    403      403      403      404
admin.staff_list                login    login    login    403      403      403      200
admin.staff_detail              login    login    login    403      403      403      200
admin.confirm_reset             login    login    login    403      403      403      200
admin.confirm_deactivate        login    login    login    403      403      403      200
admin.change_role               login    login    login    403      403      403      302
admin.reissue_link              login    login    login    403      403      403      302
admin.deactivate                login    login    login    403      403      403      302
admin.reactivate                login    login    login    403      403      403      302
admin.reset_password            login    login    login    403      403      403      200
admin.invite                    login    login    login    403      403      403      200/400
admin.units                     login    login    login    403      403      403      200
admin.create_unit               login    login    login    403      403      403      400
admin.create_top_unit           login    login    login    403      403      403      400
admin.rename_unit               login    login    login    403      403      403      400
admin.move_unit                 login    login    login    403      403      403      400
admin.deactivate_unit           login    login    login    403      403      403      400
admin.reactivate_unit           login    login    login    403      403      403      302
admin.delete_unit               login    login    login    403      403      403      400
admin.set_intake_unit           login    login    login    403      403      403      400
"""

# Requested after every other route: each ends the session of the role that sends it
# (issuing a new invitation ends the respondent's: their invitation is closed).
SESSION_ENDERS = ("reporter.finish", "respondent.finish", "investigator.reissue", "staff.logout")

# The login page each guarded zone redirects to.
ZONE_LOGIN = {
    "reporter": "/lapor/masuk",
    "respondent": "/klarifikasi/masuk",
    "investigator": "/staf/masuk",
    "admin": "/staf/masuk",
    "staff": "/staf/masuk",
}

# The routes that read their own multipart body and check the CSRF token in it.
STREAMING = {
    "reporter.receive_form",
    "reporter.correct_record",
    "investigator.record_report",
    "reporter.reply",
    "reporter.report_retaliation",
    "respondent.statement",
}


def parse_matrix() -> dict[str, dict[str, str]]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header[1:]) == COLUMNS
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        assert len(row) == len(header), row
        assert row[0] not in table, f"{row[0]} twice in the matrix"
        table[row[0]] = dict(zip(ROLES, row[1:], strict=True))
    return table


def route_methods(app: Flask) -> dict[str, list[str]]:
    """Each endpoint's methods, GET before POST (HEAD and OPTIONS are Werkzeug's own)."""
    found: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}, key=["GET", "POST"].index)
        found[rule.endpoint] = methods
    return found


def url_of(world: World, endpoint: str) -> str:
    """The endpoint's URL with case A's objects (and, for the admin routes, the target account)."""
    file_ids = {
        "investigator.download": world.file_a,
        "reporter.download": world.file_a,
        "investigator.respondent_file": world.respondent_file_a1,
    }
    values: dict[str, Any] = {
        "case_id": world.case_a,
        "file_id": file_ids.get(endpoint),
        "uid": world.invitation_a1,
        "staff_id": world.target.id,
        "unit_id": world.org.units["a"],
        "category_id": world.category,
        "filename": "css/lentera.css",
        "page": "0" * 20,  # a receipt page nobody holds the cookie of
        "rest": "kasus",  # an old staff address's page
        "day": "2026-12-24",  # a collective leave day nobody entered
        "fmt": "pdf",  # the periodic report's format
    }
    rule = next(r for r in world.app.url_map.iter_rules() if r.endpoint == endpoint)
    with world.app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


def outcome(app: Flask, endpoint: str, response: Any) -> str:
    if response.status_code == 302:
        login = ZONE_LOGIN.get(zone_of(app, endpoint) or "")
        location = response.headers["Location"].split("?")[0]
        return "login" if login is not None and location.endswith(login) else "302"
    return str(response.status_code)


def request_as(world: World, role: str, endpoint: str, method: str) -> Any:
    client = world.clients[role]
    path = url_of(world, endpoint)
    if method == "GET":
        with client.get(path) as response:
            response.get_data()
            return response
    fields = {"csrf_token": world.token(role, path)}
    if endpoint in STREAMING:
        return client.post(path, **multipart(fields))
    return client.post(path, data=fields)


def expected_outcomes(cell: str, methods: list[str]) -> list[str]:
    """One outcome per method: ``200/400`` for GET and POST, or one outcome for both."""
    parts = cell.split("/")
    return parts * len(methods) if len(parts) == 1 else parts
