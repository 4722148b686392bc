"""Stored XSS: hostile text in every field and file name of every zone renders inert in Chromium.

For each payload of the corpus a whole world is written through HTTP (the
Flask test client): a unit, a category and a handler named with it, a report
whose 4W1H answers, identity and evidence file name are it, every journal
step field, messages, questions and notes, an invitation (summary and
respondent name), the respondent's statement, file and extension reason, the
reporter's reply and later file, and the withdrawal reason. Then every page
that shows them (and the answers of POSTs that echo them: the review page,
forms sent back with errors, the revealed identity, the invitation letter) is
opened in headless Chromium with JavaScript ON and the CSP switched off, so
that escaping alone must keep them inert:

- no dialog fires (``alert``/``confirm``/``prompt``);
- the DOM holds nothing a payload could have made: no ``<script>``, no
  element the templates never use (img, svg, iframe, object, base, meta or
  link outside the head ...), no ``on*`` attribute, no ``javascript:`` /
  ``data:`` URL in a link, source or form action, no canary attribute;
- the payload is on the page as text (so the page really carried it, and
  ``{{7*7}}`` was not evaluated), and no request left for another origin.

The whole corpus is slow (about a minute); a representative subset runs in
``make test``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from crypto.certificates import certificate_fingerprint
from tests.support.browser import AppInBrowser
from tests.support.http import CSRF_RE, https_client
from tests.support.reporter import DRAFT_RE, RECEIPT_RE, csrf_from, follow, open_case
from tests.support.respondent import ONCE_RE, confirm_new_code_of
from tests.support.staff import (
    StaffLogin,
    activation_fields,
    enrolment_fields,
    make_staff,
    make_units,
    sign_in,
)
from tests.support.uploads import multipart
from wbs_app.db import app_database
from wbs_app.models import Case, Category, StaffMember, StaffRole, Unit
from wbs_app.services.staff import totp

pytestmark = pytest.mark.browser

PAYLOADS = {
    "script": "<script>alert('script')</script>",
    "img-onerror": "<img src=x onerror=alert('img')>",
    "attr-double": '" data-pwned="1" onmouseover="alert(1)" x="',
    "attr-single": "' data-pwned='1' onfocus='alert(1)' autofocus x='",
    "js-link": "<a href=\"javascript:alert('link')\" data-pwned=1>klik</a>",
    "js-bare": "javascript:alert('bare')",
    "svg": "<svg onload=alert('svg')>",
    "svg-script": "<svg><script>alert('svgscript')</script></svg>",
    "broken-attr": '<img src="x" onerror="alert(\'broken\')"',
    "broken-slash": "<img/src=x onerror=alert('slash')//",
    "textarea": "</textarea><img src=x onerror=alert('textarea')>",
    "title": "</title><svg onload=alert('title')>",
    "style": "</style><script>alert('style')</script>",
    "iframe": "<iframe srcdoc=\"<script>parent.alert('iframe')</script>\"></iframe>",
    "details": "<details open ontoggle=alert('details')>",
    "meta": "<meta http-equiv=refresh content=\"0;url=javascript:alert('meta')\">",
    "base": '<base href="//evil.example/">',
    "form": "<form action=\"javascript:alert('form')\"><button>x</button></form>",
    "template": "{{7*7}} {{config}} ${7*7} #{7*7} {% raw %}",
    "entities": "&lt;script&gt;alert('entity')&lt;/script&gt; &#x3C;img src=x onerror=alert(2)>",
    "rtl": "bukti\u202etxt.exe \u202bterbalik\u202c",
    "fullwidth": "\uff1cscript\uff1ealert('fw')\uff1c/script\uff1e",
    "zero-width": "<scr\u200bipt>alert('zw')</scr\u200bipt> java\u200bscript:alert(1)",
    "homoglyph": "<\u0455cript>alert('homoglyph')</\u0455cript> \u0430lert(1)",
}
# For ``make test``: an element, an attribute breakout, an element breakout and a
# direction override in one string (a display name holds at most 120 characters).
FAST = (
    "<img src=x onerror=alert(1)>"
    '" data-pwned=1 onmouseover=alert(2) x="'
    "</textarea><svg onload=alert(3)>\u202e"
)

INERT_CHECK = """
() => {
  const found = [];
  const never = new Set(["script", "img", "svg", "math", "iframe", "frame", "frameset", "object",
    "embed", "applet", "video", "audio", "source", "track", "base", "marquee", "template",
    "portal", "canvas", "picture"]);
  const headOnly = new Set(["meta", "link", "style", "title"]);
  const urlAttrs = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "srcdoc", "background", "poster", "ping", "cite", "manifest", "srcset"]);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    const inQr = el.closest(".qr") !== null;  // the TOTP enrolment QR code is our own SVG
    // The review page's own puzzle script (issue 18): that one file, empty, nothing else on it.
    const ownScript = tag === "script" && el.attributes.length === 1
      && el.getAttribute("src") === "/static/js/puzzle.js" && el.textContent === "";
    if (never.has(tag) && !ownScript && !(inQr && ["svg", "path", "title", "rect"].includes(tag)))
      found.push("<" + tag + ">");
    if (headOnly.has(tag) && el.closest("head") === null && !inQr)
      found.push("<" + tag + "> in body");
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push(tag + "[" + name + "]");
      if (name === "data-pwned" || name === "x" || name === "autofocus" || name === "srcdoc")
        found.push(tag + "[" + name + "]");
      const value = attr.value.replace(/[\\u0000-\\u0020\\u200b-\\u200f\\u00ad]/g, "");
      if (urlAttrs.has(name) && /^(javascript|vbscript|data):/i.test(value))
        found.push(tag + "[" + name + "=" + attr.value + "]");
    }
  }
  const text = [document.body.innerText];
  for (const control of document.querySelectorAll("input, textarea")) text.push(control.value);
  for (const option of document.querySelectorAll("option")) text.push(option.textContent);
  return {found: found, text: text.join("\\n")};
}
"""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _visible(text: str) -> str:
    """What must be on the page: names lose control and format characters (services.infra.text)."""
    return _squash("".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"}))


@dataclass
class World:
    """What one payload was written into, and the clients of each role."""

    payload: str
    case_id: int
    staff_id: int
    handler: Any
    reporter: Any
    respondent: Any
    echoed: list[tuple[str, Any]]  # (what it is, a POST's answer to render)


class Inspector:
    """Opens pages in Chromium and collects everything that is not inert."""

    def __init__(self, viewer: AppInBrowser) -> None:
        self.viewer = viewer
        self.problems: list[str] = []

    def _check(self, label: str, payload: str, response: Any, must_show: bool) -> None:
        page = self.viewer.page
        if response is None or response.status >= 500:
            self.problems.append(f"{label}: no page ({response and response.status})")
            return
        result = page.evaluate(INERT_CHECK)
        if result["found"]:
            self.problems.append(f"{label}: {sorted(set(result['found']))}")
        if page.dialogs:
            self.problems.append(f"{label}: dialog {page.dialogs}")
            page.dialogs.clear()
        if must_show and _visible(payload) not in _visible(result["text"]):
            self.problems.append(f"{label}: the payload is not shown as text")

    def open(self, label: str, client: Any, path: str, payload: str, must_show: bool = True):
        self._check(label, payload, self.viewer.open(client, path), must_show)

    def show(self, label: str, response: Any, payload: str, must_show: bool = True) -> None:
        self._check(label, payload, self.viewer.show(response), must_show)


@pytest.fixture
def inspector(app, js_page) -> Iterator[Inspector]:
    viewer = AppInBrowser(js_page, https_client(app))
    found = Inspector(viewer)
    yield found
    assert viewer.foreign == [], "requests for another origin"


@dataclass
class Admin:
    client: Any
    kanwil: int
    supervisor: Any = None  # Rahman's login: he certifies the payload-named handler


@pytest.fixture
def admin(app) -> Admin:
    units = make_units(app)
    # Every report reaches a supervisor besides the unit's investigators.
    rahman = make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(units["kanwil"],))
    login = make_staff(app, "admin", StaffRole.ADMIN)
    client = https_client(app)
    assert sign_in(app, client, login).status_code == 302
    return Admin(client, units["kanwil"], rahman)


def _post(client: Any, path: str, form_page: str, **data: Any) -> Any:
    token = csrf_from(form_page)
    return client.post(path, data={"csrf_token": token, **data})


def _new_handler(app, admin: Admin, payload: str, inspector: Inspector) -> tuple:
    """Unit, category and an investigator named with the payload, made by the administrator."""
    client = admin.client
    page = client.get("/staf/admin/unit").get_data(as_text=True)
    made = _post(client, "/staf/admin/unit", page, name=payload, parent_id=str(admin.kanwil))
    assert made.status_code == 302, made.get_data(as_text=True)[:500]
    page = client.get("/staf/admin/kategori").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    client.post(
        "/staf/admin/kategori", data={"csrf_token": token, "name_id": payload, "name_en": payload}
    )
    with app_database(app).session() as session:
        unit_id = session.scalar(select(func.max(Unit.id)))
        category_id = session.scalar(select(func.max(Category.id)))
    assert unit_id and category_id
    page = client.get("/staf/admin/staf/undang").get_data(as_text=True)

    def invite(name: str) -> Any:
        return client.post(
            "/staf/admin/staf/undang",
            data={
                "csrf_token": CSRF_RE.search(page).group(1),
                "display_name": name,
                "email": "penangan@kanwil.example",
                "role": "investigator",
                "units": [str(unit_id)],
            },
        )

    invited = invite(payload)
    named = invited.status_code == 200
    if not named:
        # A name mixing alphabets is refused (issue 17: look-alike names); the refusal
        # page shows the payload back, and every other field still carries it.
        assert "satu alfabet" in invited.get_data(as_text=True)
        inspector.show("admin: invitation refused", invited, payload)
        invited = invite("Penangan")
    inspector.show("admin: activation link", invited, payload, must_show=named)
    link = re.search(r"(/staf/aktivasi\?kode=[\w-]+)", invited.get_data(as_text=True)).group(1)
    newcomer = https_client(app)
    inspector.open("staff: activation page", newcomer, link, payload, must_show=named)
    page = newcomer.get(link).get_data(as_text=True)
    password = "Sulawesi-pantai-losari-kopi"
    username = "penangan"
    enrolment = enrolment_fields(page)
    secret = totp.parse_secret_text(enrolment["totp_secret"])
    activated = newcomer.post(
        "/staf/aktivasi",
        data=enrolment | activation_fields(link.split("kode=")[1], username, password),
    )
    assert activated.status_code == 302, activated.get_data(as_text=True)[:1000]
    with app_database(app).session() as session:
        staff_id = session.scalar(select(StaffMember.id).where(StaffMember.username == username))
        public = session.get(StaffMember, staff_id).identity_public
    # Rahman certifies the newcomer on the certify page, which names them (issue 17).
    supervisor = https_client(app)
    assert sign_in(app, supervisor, admin.supervisor).status_code == 302
    inspector.open("supervisor: certify page", supervisor, "/staf/pengelola/sertifikasi", payload)
    page = supervisor.get("/staf/pengelola/sertifikasi").get_data(as_text=True)
    certified = _post(
        supervisor,
        "/staf/pengelola/sertifikasi",
        page,
        staff_id=str(staff_id),
        fingerprint=certificate_fingerprint(public),
    )
    assert certified.status_code == 302, certified.get_data(as_text=True)[:1000]
    handler = https_client(app)
    assert (
        sign_in(app, handler, StaffLogin(staff_id, username, password, secret)).status_code == 302
    )
    return unit_id, category_id, staff_id, handler


def _report(app, reporter: Any, payload: str, unit_id: int, category_id: int, inspector) -> str:
    """The report form: every answer, the identity and the evidence's name are the payload."""
    fields = [(name, payload) for name in ("what", "who", "where", "when", "how")]
    identity = [("give_identity", "y"), ("identity_name", payload), ("identity_contact", payload)]
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    inspector.open("reporter: form (unit and category names)", reporter, "/lapor/formulir", payload)
    inspector.open("reporter: form in English", reporter, "/lapor/formulir?lang=en", payload)
    # First without the required answer: the form comes back with everything filled in.
    missing = [(k, v) for k, v in fields if k != "what"] + [("what", "")]
    body, content_type = multipart(
        [
            ("draft", ""),
            ("csrf_token", csrf_from(page)),
            ("unit", str(unit_id)),
            ("category", str(category_id)),
            *missing,
            *identity,
        ],
        [("evidence", payload + ".txt", b"bukti awal")],
    )
    again = reporter.post("/lapor/formulir", data=body, content_type=content_type)
    assert again.status_code == 400
    inspector.show("reporter: form sent back", again, payload)
    again_page = again.get_data(as_text=True)
    body, content_type = multipart(
        [
            ("draft", DRAFT_RE.search(again_page).group(1)),
            ("csrf_token", csrf_from(again_page)),
            ("unit", str(unit_id)),
            ("category", str(category_id)),
            *fields,
            *identity,
        ],
    )
    review = reporter.post("/lapor/formulir", data=body, content_type=content_type)
    assert review.status_code == 200, review.get_data(as_text=True)[:1000]
    inspector.show("reporter: review page", review, payload)
    review_page = review.get_data(as_text=True)
    edited = reporter.post(
        "/lapor/formulir/ubah",
        data={"csrf_token": csrf_from(review_page), "draft": DRAFT_RE.search(review_page).group(1)},
    )
    inspector.show("reporter: back to edit", edited, payload)
    sent = reporter.post(
        "/lapor/kirim",
        data={"csrf_token": csrf_from(review_page), "draft": DRAFT_RE.search(review_page).group(1)},
    )
    assert sent.status_code == 303
    shown = follow(reporter, sent)  # echoes nothing the reporter typed
    return RECEIPT_RE.search(shown.get_data(as_text=True)).group(1)


def _step(handler: Any, case_id: int, kind: str, **fields: str) -> Any:
    """A journal step; the CSRF token of the session is the one any form of it carries."""
    data = {"csrf_token": handler.csrf, "kind": kind, **fields}
    return handler.post(f"/staf/pengelola/kasus/{case_id}/langkah", data=data)


def _build(app, admin: Admin, payload: str, inspector: Inspector) -> World:
    unit_id, category_id, staff_id, handler = _new_handler(app, admin, payload, inspector)
    reporter = https_client(app)
    receipt = _report(app, reporter, payload, unit_id, category_id, inspector)
    with app_database(app).session() as session:
        case_id = session.scalar(select(Case.id).where(Case.unit_id == unit_id))
    echoed: list[tuple[str, Any]] = []
    base = f"/staf/pengelola/kasus/{case_id}"
    handler.csrf = csrf_from(handler.get(base).get_data(as_text=True))
    assert _step(handler, case_id, "acknowledge", note=payload).status_code == 302
    verified = _step(
        handler,
        case_id,
        "verification",
        checked=payload,
        evidence=payload,
        conclusion="proceed",
        referred_to=payload,
    )
    assert verified.status_code == 302
    page = handler.get(base).get_data(as_text=True)
    _post(handler, f"{base}/pesan", page, text=payload)
    _post(handler, f"{base}/pesan", page, text=payload, question="y")
    _post(handler, f"{base}/catatan", page, text=payload)
    echoed.append(("handler: identity revealed", _post(handler, f"{base}/identitas", page)))
    _step(
        handler,
        case_id,
        "investigation",
        activity="interview",
        description=payload,
        record_number=payload,
    )
    created = _post(
        handler,
        f"{base}/undangan",
        page,
        once=ONCE_RE.search(page).group(1),
        name=payload,
        position=payload,
        allegation=payload,
        period=payload,
        rules=payload,
        role="accused",
        days="14",
    )
    assert created.status_code == 303
    letter = follow(handler, created)
    assert letter.status_code == 200
    echoed.append(("handler: invitation letter", letter))
    echoed.append(("handler: case page with the letter's line", handler.get(base)))
    code = RECEIPT_RE.search(letter.get_data(as_text=True))

    respondent = https_client(app)
    login = respondent.get("/klarifikasi/masuk").get_data(as_text=True)
    _post(respondent, "/klarifikasi/masuk", login, code=code.group(1))
    assert confirm_new_code_of(respondent)  # the first sign-in's new code, typed back
    home = respondent.get("/klarifikasi/").get_data(as_text=True)
    body, content_type = multipart(
        [("csrf_token", csrf_from(home)), ("statement", payload)],
        [("evidence", payload + ".pdf", b"surat tugas")],
    )
    stated = respondent.post("/klarifikasi/pernyataan", data=body, content_type=content_type)
    assert stated.status_code == 302
    _post(respondent, "/klarifikasi/perpanjangan", home, days="7", reason=payload)

    page = handler.get(base).get_data(as_text=True)
    uid = re.search(r'name="invitation" value="(\w+)"', page).group(1)
    _post(handler, f"{base}/undangan/pesan", page, invitation=uid, text=payload)
    _post(
        handler,
        f"{base}/undangan/perpanjangan",
        page,
        invitation=uid,
        decision="refuse",
        reason=payload,
    )

    open_case(reporter, receipt)
    case_page = reporter.get("/lapor/kasus").get_data(as_text=True)
    body, content_type = multipart(
        [("csrf_token", csrf_from(case_page)), ("message", payload)],
        [("evidence", payload + ".png", b"foto")],
    )
    assert (
        reporter.post("/lapor/kasus/pesan", data=body, content_type=content_type).status_code == 302
    )

    assert (
        _step(
            handler,
            case_id,
            "finding",
            finding="discipline",
            reasoning=payload,
            ahead_reason=payload,
        ).status_code
        == 302
    )
    sanction = {
        "level": "light",
        "sanction_type": payload,
        "decree_number": payload,
        "carried_out_on": "",
    }
    refused = _step(
        handler, case_id, "sanction", decided_on=payload, **{**sanction, "carried_out_on": payload}
    )
    assert refused.status_code == 400
    echoed.append(("handler: step form sent back", refused))
    assert (
        _step(handler, case_id, "sanction", decided_on="2026-11-02", **sanction).status_code == 302
    )
    assert _step(handler, case_id, "status", to="selesai", reason=payload).status_code == 302
    assert _step(handler, case_id, "reopen", reason=payload).status_code == 302
    case_page = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert _post(reporter, "/lapor/kasus/cabut", case_page, reason=payload).status_code == 302
    return World(payload, case_id, staff_id, handler, reporter, respondent, echoed)


def _inspect(world: World, admin: Admin, inspector: Inspector) -> None:
    payload = world.payload
    for label, response in world.echoed:
        inspector.show(label, response, payload)
    inspector.open("handler: start page", world.handler, "/staf/pengelola/", payload)
    inspector.open("handler: inbox", world.handler, "/staf/pengelola/kasus", payload)
    inspector.open(
        "handler: case page", world.handler, f"/staf/pengelola/kasus/{world.case_id}", payload
    )
    inspector.open("reporter: case page", world.reporter, "/lapor/kasus", payload)
    inspector.open("respondent: page", world.respondent, "/klarifikasi/", payload)
    for path in (
        "/staf/admin/staf",
        f"/staf/admin/staf/{world.staff_id}",
        "/staf/admin/unit",
        "/staf/admin/kategori",
    ):
        inspector.open(f"admin: {path}", admin.client, path, payload)
    for path in ("/staf/admin/", "/staf/admin/audit"):
        inspector.open(f"admin: {path}", admin.client, path, payload, must_show=False)


def _run(app, admin: Admin, inspector: Inspector, payload: str) -> None:
    world = _build(app, admin, payload, inspector)
    _inspect(world, admin, inspector)
    assert not inspector.problems, "\n".join(inspector.problems)


def test_representative_payloads_render_inert(app, admin, inspector) -> None:
    """One world whose every field holds an element, an attribute breakout, an element
    breakout and a direction override at once: the cheap guard ``make test`` runs."""
    _run(app, admin, inspector, FAST)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PAYLOADS))
def test_corpus_payload_renders_inert(app, admin, inspector, name: str) -> None:
    _run(app, admin, inspector, PAYLOADS[name])
