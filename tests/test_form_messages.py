"""No English on Indonesian pages: every form of every zone, sent empty and with wrong values.

WTForms has no Indonesian catalogue; its defaults ("This field is
required.") reached the pages in English until every form took its messages
from Lentera's catalogue (``wbs_app.form_base``). This walks ``app.url_map``
for every POST route, sends it as a role that may use it, first with nothing
but the CSRF token and then with a wrong value in every field, follows the
redirect to where a flashed message shows, and fails on any English sentence
of WTForms' catalogue or of Lentera's own.
"""

from __future__ import annotations

import html
import inspect
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.core import UnboundField
from wtforms.i18n import messages_path
from wtforms.validators import Length

from tests.support.access_matrix import (
    SESSION_ENDERS,
    STREAMING,
    parse_matrix,
    route_methods,
    url_of,
)
from tests.support.reporter import csrf_from
from tests.support.world import ROLES, World, build_world, multipart

ROOT = Path(__file__).resolve().parent.parent
NOT_USABLE = {"login", "403", "404"}
# Sentences of Flask-WTF itself (no catalogue at all).
FLASK_WTF = (
    "The CSRF token is missing",
    "The CSRF token is invalid",
    "The CSRF tokens do not match",
)


def _sentences(po_path: Path, locale: str | None) -> set[str]:
    with po_path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    found: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        translated = message.string if isinstance(message.string, str) else " ".join(message.string)
        if locale is not None and not translated:
            continue  # untranslated: test_i18n's business
        for text in ids:
            for part in re.split(r"%\(\w+\)\w|%s|'", text):
                part = part.strip(" .,:;()")
                if len(part) >= 12 and " " in part and part not in translated:
                    found.add(part)
    return found


def english_sentences() -> set[str]:
    """What must not be on an Indonesian page: WTForms' messages and Lentera's English."""
    wtforms = _sentences(Path(messages_path()) / "wtforms.pot", None)
    ours = _sentences(ROOT / "wbs_app/translations/id/LC_MESSAGES/messages.po", "id")
    return wtforms | ours | set(FLASK_WTF) | {"Bytes"}


def _form_classes() -> list[type]:
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("wbs_app.")]


def test_every_form_takes_its_messages_from_the_catalogue(app) -> None:
    from wbs_app.form_base import Form

    forms = _form_classes()
    assert len(forms) > 15
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, Form)] == []


def _wrong_value(unbound: UnboundField) -> str:
    field = unbound.field_class
    if issubclass(field, IntegerField):
        return "dua"
    if issubclass(field, SelectField | SelectMultipleField):
        return "999999"
    if issubclass(field, EmailField):
        return "bukan alamat"
    longest = [v.max for v in unbound.kwargs.get("validators", []) if isinstance(v, Length)]
    return "x" * ((max(longest) if longest else 0) + 1) if longest else "?"


def wrong_values() -> dict[str, str]:
    """A wrong value for every field name any form has (the longest wins where names repeat)."""
    values: dict[str, str] = {}
    for cls in _form_classes():
        for name, unbound in inspect.getmembers(cls, lambda m: isinstance(m, UnboundField)):
            value = _wrong_value(unbound)
            if len(value) >= len(values.get(name, "")):
                values[name] = value
    values.pop("csrf_token", None)
    return values


def _post_routes(world: World) -> list[tuple[str, str]]:
    """Each POST endpoint with the first role that may use it."""
    matrix = parse_matrix()
    routes = []
    for endpoint, methods in route_methods(world.app).items():
        if "POST" not in methods or endpoint in SESSION_ENDERS:
            continue
        usable = [r for r in ROLES if not set(matrix[endpoint][r].split("/")) & NOT_USABLE]
        if usable:
            routes.append((endpoint, usable[-1] if endpoint.startswith("reporter.") else usable[0]))
    return routes


def _send(world: World, role: str, endpoint: str, fields: dict[str, str]) -> str:
    client = world.clients[role]
    path = url_of(world, endpoint)
    data = {"csrf_token": world.token(role, path), **fields}
    if endpoint in STREAMING:
        response = client.post(path, **multipart(data))
    else:
        response = client.post(path, data=data)
    assert response.status_code < 500, (endpoint, response.status_code)
    body = response.get_data(as_text=True)
    if response.status_code in (302, 303):
        body += client.get(response.headers["Location"]).get_data(as_text=True)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def test_no_english_on_indonesian_pages_after_any_form(world: World) -> None:
    english = english_sentences()
    wrong = wrong_values()
    routes = _post_routes(world)
    assert len(routes) > 25, routes
    found: dict[str, set[str]] = {}
    for endpoint, role in routes:
        for fields in ({}, wrong):
            page = " ".join(_send(world, role, endpoint, fields).split())
            shown = {sentence for sentence in english if sentence in page}
            if shown:
                found.setdefault(endpoint, set()).update(shown)
    assert found == {}, found


def test_no_english_on_the_activation_form(world: World) -> None:
    """The one form the walk cannot reach without a link: a new colleague's activation."""
    from wbs_app.db import app_database
    from wbs_app.models import StaffMember, StaffRole
    from wbs_app.services.staff import accounts

    with app_database(world.app).session() as session:
        admin = session.get(StaffMember, world.admin.id)
        _staff, token = accounts.invite(
            session,
            admin,
            "baru@kanwil.test",
            "Pegawai Baru",
            StaffRole.INVESTIGATOR,
            [world.org.units["a"]],
        )
        session.commit()
    english = english_sentences()
    client = world.clients["anon"]
    for fields in ({}, wrong_values()):
        page = client.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
        data = {**fields, "csrf_token": csrf_from(page), "kode": token}
        response = client.post("/staf/aktivasi", data=data)
        assert response.status_code < 500
        shown = " ".join(
            html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split()
        )
        assert [sentence for sentence in english if sentence in shown] == []
        assert "wajib diisi" in shown or "paling banyak" in shown, shown[:2000]
