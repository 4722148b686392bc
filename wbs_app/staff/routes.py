"""Staff sign-in views: each parses a form, calls ``services.staff.accounts``, renders."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.appctx import argon2_gate, argon2_params, password_pepper, staff_session_policy
from wbs_app.db import request_session, request_session_ended
from wbs_app.formats import local_time
from wbs_app.models import StaffMember, StaffRole
from wbs_app.refusals import PASSWORD_PROBLEMS, refusal_message
from wbs_app.security.staff_auth import (
    HANDLER_ROLES,
    clear_cookie,
    current_staff,
    device_cookie,
    loaded_staff,
    set_cookie,
    set_device_cookie,
    signed_in,
)
from wbs_app.security.zones import PUBLIC, STAFF, zone
from wbs_app.services.cases import staff_notices
from wbs_app.services.infra import argon2_gate as lanes
from wbs_app.services.staff import (
    accounts,
    key_replacement,
    login_guard,
    staff_login,
    staff_sessions,
    totp,
)
from wbs_app.services.staff.accounts import AccountError, Credentials
from wbs_app.services.staff.staff_login import LoginFailed, LoginKeyMismatch, LoginThrottled
from wbs_app.services.staff.tokens import InvalidToken
from wbs_app.staff import bp
from wbs_app.staff.forms import CredentialsForm, EmptyForm, LoginForm, PasswordChangeForm, SetupForm


def _home_for(staff: StaffMember) -> str:
    return url_for("admin.index" if staff.role is StaffRole.ADMIN else "investigator.index")


def _signed_in(staff: StaffMember, seed: bytes) -> Response:
    """Start a fresh session (new id, new CSRF token) and go to the person's zone.

    The browser also gets a new device cookie: its own count of wrong
    passwords from now on (``services.staff.login_guard``).
    """
    cookie = staff_sessions.start(request_session(), staff, seed, staff_session_policy())
    request_session().commit()
    session.clear()
    response = redirect(_home_for(staff))
    set_cookie(response, cookie)
    set_device_cookie(response, login_guard.issue_device(staff.id, password_pepper()))
    return response


@bp.route("/masuk", methods=["GET", "POST"])
@zone(PUBLIC)
def login() -> Any:
    form = LoginForm()
    error: str | None = None
    status = 200
    if form.validate_on_submit():
        db = request_session()
        try:
            staff, seed = staff_login.authenticate(
                db,
                form.login.data,
                form.password.data,
                form.code.data,
                argon2_params(),
                pepper=password_pepper(),
                gate=argon2_gate(lanes.STAFF),
                device=device_cookie(),
            )
        except LoginThrottled as locked:
            db.commit()
            error = _(
                "Too many failed attempts for this account. Try again after %(time)s.",
                time=local_time(locked.until),
            )
            status = 429
        except LoginFailed as failed:
            db.commit()
            error = refusal_message(failed)
            status = 401
        except LoginKeyMismatch as mismatch:
            db.commit()  # the audit event and the used code
            error = refusal_message(mismatch)
            status = 403
        else:
            return _signed_in(staff, seed)
    elif request.method == "POST":
        status = 400
    return render_template("staff/login.html", form=form, error=error), status


@bp.post("/keluar")
@zone(STAFF)
def logout() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    context = current_staff()
    if context is not None:
        staff_sessions.end(request_session(), context)
        request_session().commit()
    session.clear()
    response = redirect(url_for("staff.login"))
    clear_cookie(response)
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response


@bp.get("/")
@zone(STAFF)
def home() -> Response:
    context = signed_in()
    return redirect(_home_for(context.staff))


def _credentials(form: CredentialsForm) -> Credentials | None:
    secret = totp.parse_secret_text(form.totp_secret.data or "")
    if secret is None:
        return None
    return Credentials(
        username=form.username.data,
        password=form.password.data,
        password_confirm=form.password_confirm.data,
        totp_secret=secret,
        totp_code=form.totp_code.data,
    )


def _enrolment(form: CredentialsForm, account: str) -> dict[str, Any]:
    """The authenticator secret to show: the one already on the form, or a new one."""
    secret = totp.parse_secret_text(form.totp_secret.data or "") or totp.new_secret()
    form.totp_secret.data = totp.secret_text(secret)
    uri = totp.provisioning_uri(secret, account)
    return {"totp_text": form.totp_secret.data, "totp_uri": uri, "totp_qr": totp.qr_svg(uri)}


def _account_error(form: CredentialsForm | PasswordChangeForm, error: AccountError) -> None:
    field = {
        "password_mismatch": form.password_confirm,
        "weak_password": form.password,
        "wrong_password": getattr(form, "current", None),
        "bad_totp": getattr(form, "totp_code", None),
        "bad_username": getattr(form, "username", None),
        "username_taken": getattr(form, "username", None),
        "email_taken": getattr(form, "email", None),
        "bad_invitation": getattr(form, "email", None),
    }.get(error.code)
    messages = [refusal_message(error)]
    messages += [PASSWORD_PROBLEMS[p] for p in error.problems]  # each worded (test_refusals)
    if field is not None:
        field.errors = list(field.errors) + messages
    else:
        form.form_errors.extend(messages)


def _link_token() -> str:
    token = (
        request.args.get("kode", "") if request.method == "GET" else request.form.get("kode", "")
    )
    return token[:200]


def _link_invalid() -> tuple[str, int]:
    return render_template("staff/link_invalid.html"), 404


@bp.route("/penyiapan", methods=["GET", "POST"])
@zone(PUBLIC)
def setup() -> Any:
    """First run: the console's one-time link creates the first administrator."""
    token = _link_token()
    db = request_session()
    form = SetupForm()
    try:
        accounts.check_setup_token(db, token)
    except InvalidToken:
        return _link_invalid()
    if form.validate_on_submit():
        credentials = _credentials(form)
        if credentials is not None:
            try:
                accounts.complete_setup(
                    db,
                    token,
                    form.email.data,
                    form.display_name.data,
                    credentials,
                    argon2_params(),
                    pepper=password_pepper(),
                    gate=argon2_gate(lanes.STAFF),
                )
            except AccountError as error:
                db.rollback()
                _account_error(form, error)
            except InvalidToken:
                db.rollback()
                return _link_invalid()
            else:
                db.commit()
                flash(_("The administrator account is ready. Sign in to continue."))
                return redirect(url_for("staff.login"))
    account = form.email.data or "admin"
    status = 400 if request.method == "POST" else 200
    return render_template(
        "staff/setup.html", form=form, token=token, **_enrolment(form, account)
    ), status


@bp.route("/aktivasi", methods=["GET", "POST"])
@zone(PUBLIC)
def activate() -> Any:
    """An invited (or reset) person sets a password and enrols TOTP; a new key is made."""
    token = _link_token()
    db = request_session()
    try:
        staff = accounts.pending_account(db, token)
    except InvalidToken:
        return _link_invalid()
    form = CredentialsForm()
    if request.method == "GET" and not form.username.data:
        form.username.data = staff.email.split("@", 1)[0].lower()[:64]
    was_reset = staff.identity_generation > 0
    if form.validate_on_submit():
        credentials = _credentials(form)
        if credentials is not None:
            try:
                accounts.activate(
                    db,
                    token,
                    credentials,
                    argon2_params(),
                    pepper=password_pepper(),
                    gate=argon2_gate(lanes.STAFF),
                )
            except AccountError as error:
                db.rollback()
                _account_error(form, error)
            except InvalidToken:  # used by another tab while the password was sealed
                db.rollback()
                return _link_invalid()
            else:
                db.commit()
                flash(_("Your account is active. Sign in with your new password and code."))
                return redirect(url_for("staff.login"))
        try:
            staff = accounts.pending_account(db, token)
        except InvalidToken:
            return _link_invalid()
    status = 400 if request.method == "POST" else 200
    return render_template(
        "staff/activate.html",
        form=form,
        token=token,
        staff=staff,
        was_reset=was_reset,
        **_enrolment(form, staff.email),
    ), status


@bp.route("/kata-sandi", methods=["GET", "POST"])
@zone(STAFF)
def change_password() -> Any:
    context = signed_in()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if form.replace_keys.data:
            return _change_password_and_keys(context.staff, form)
        db = request_session()
        try:
            changed = accounts.change_password(
                db,
                context.staff,
                form.current.data,
                form.password.data,
                form.password_confirm.data,
                argon2_params(),
                pepper=password_pepper(),
                keep_session=context.id_hash,
                gate=argon2_gate(lanes.STAFF),
            )
        except AccountError as error:
            db.rollback()
            _account_error(form, error)
        else:
            db.commit()
            ended = changed.sessions_ended  # the session keeps the same seed: only its seal changed
            del changed
            flash(_("Password changed. %(count)s other session(s) were signed out.", count=ended))
            return redirect(url_for("staff.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("staff/password.html", form=form), status


def _change_password_and_keys(staff: StaffMember, form: PasswordChangeForm) -> Any:
    """A new password and a new identity; every session ends, this one too (it has the old key)."""
    db = request_session()
    try:
        key_replacement.change_password_and_keys(
            db,
            staff,
            form.current.data,
            form.password.data,
            form.password_confirm.data,
            argon2_params(),
            pepper=password_pepper(),
            gate=argon2_gate(lanes.STAFF),
        )
    except AccountError as error:
        db.rollback()
        _account_error(form, error)
        return render_template("staff/password.html", form=form), 400
    db.commit()
    session.clear()
    flash(
        _(
            "Password and personal key replaced. Sign in with the new password. Cases you "
            "held open again once a colleague or supervisor gives you access anew."
        )
    )
    response = redirect(url_for("staff.login"))
    clear_cookie(response)
    return response


@bp.app_context_processor
def _staff_context() -> dict[str, Any]:
    """Templates see the signed-in staff member (or None) and a logout form.

    An error page draws only what the request had already loaded: its
    database session is closed (``end_request_session``), and resuming the
    staff session there would query again after a failed flush, a lost
    connection or a lock that already took the busy timeout.
    """
    if request.blueprint in {"staff", "admin", "investigator"}:
        ended = request_session_ended()
        context = loaded_staff() if ended else current_staff()
        count = None  # handlers only: administrators hold no case and hear of none
        if context is not None and not ended and context.staff.role in HANDLER_ROLES:
            count = staff_notices.unread_count(request_session(), context.staff)
        # No form data: an error page (a 413, say) must render without reading the body.
        return {
            "staff_context": context,
            "logout_form": EmptyForm(formdata=None),
            "notice_count": count,
        }
    return {"staff_context": None, "logout_form": None, "notice_count": None}
