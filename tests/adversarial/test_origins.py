"""No page and no asset references another origin: every load is 'self'.

The rule, applied to every page of every zone as each role (anonymous,
reporter, respondent, investigator, supervisor, administrator), to the
answers of the POSTs that render pages (review, receipt, invitation letter,
activation link, forms sent back, error pages) and to every file in
``wbs_app/static/``:

- A *reference* is a value the browser may fetch or navigate to by itself or
  on a click: the ``href``/``src``/``action``/``formaction``/``srcset``/
  ``poster``/``data``/``xlink:href``/``ping``/``cite``/``manifest``/
  ``background`` attributes, a ``<meta http-equiv=refresh>`` target, and in
  CSS (``<style>``, ``style=`` and the stylesheets) every ``url(...)`` and
  ``@import``.
- A reference is allowed only if it is relative (a path, a query, a fragment)
  or an absolute URL of the serving origin itself; ``data:`` is allowed in CSS
  and images (the CSP's ``img-src 'self' data:``), and ``mailto:``/``tel:``
  links load nothing. Anything else is refused: ``http(s)://`` another host,
  protocol-relative ``//host``, ``/\\host`` (which browsers read as
  ``//host``), or any other scheme.
- Text is not a reference: the invitation letter prints the address of the
  respondent page and the administrator sees an activation link to hand over,
  both as words to type or copy, which a browser never fetches.
- Response headers carry no ``Link``/``Refresh`` and the CSP names no host.

The crawl follows every link of each role's pages from the zone's start pages
and fails if any page endpoint of ``app.url_map`` was never reached, so a new
page cannot slip past it. The browser tests add the live view: in
``test_xss_browser.py`` Chromium records and refuses any request for another
origin while it loads every case page of every zone.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.support.http import CSRF_RE, https_client
from tests.support.recording import Recorded, record
from tests.support.reporter import (
    RECEIPT_RE,
    Report,
    csrf_from,
    open_case,
    post_form,
    send_review,
)
from tests.support.respondent import investigating_case, invitation_letter, respondent_client
from tests.support.staff import make_staff, sign_in
from wbs_app.models import StaffRole
from wbs_app.public.moved import MOVED_ENDPOINTS

STATIC = Path(__file__).resolve().parents[2] / "wbs_app" / "static"
ORIGIN = "https://localhost"  # where the Flask test client's requests go
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "xlink:href",
    "ping",
    "cite",
    "manifest",
    "background",
}
CSS_REFERENCE = re.compile(
    r"""url\(\s*(['"]?)(?P<url>[^'")]*)\1\s*\)|@import\s+(['"])(?P<imported>[^'"]*)\3""",
    re.IGNORECASE,
)
MAX_PAGES_PER_ROLE = 250


def foreign(reference: str, origin: str = ORIGIN) -> bool:
    """True if loading ``reference`` from a page of ``origin`` would reach anything but 'self'."""
    value = "".join(reference.split())  # browsers drop tabs and newlines inside URLs
    lowered = value.lower()
    if lowered.startswith(("//", "/\\", "\\\\", "\\/")):
        return True
    parts = urlsplit(value)
    if not parts.scheme:
        return bool(parts.netloc)
    if parts.scheme.lower() in {"data", "mailto", "tel"}:
        return False
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}" != origin


def css_references(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return [m.group("url") or m.group("imported") or "" for m in CSS_REFERENCE.finditer(css)]


class References(HTMLParser):
    """Every reference of a page: URL attributes, meta refresh targets, inline CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (where, reference)
        self.links: list[str] = []  # <a href> to follow
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        for name, value in values.items():
            if name in URL_ATTRIBUTES:
                candidates = (
                    [item.split()[0] for item in value.split(",") if item.split()]
                    if name == "srcset"
                    else [value]
                )
                self.found += [(f"<{tag} {name}>", item) for item in candidates]
            if name == "style":
                self.found += [(f"<{tag} style>", ref) for ref in css_references(value)]
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = values.get("content", "").partition("url=")[2]
            self.found.append(("<meta refresh>", target))
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += [("<style>", ref) for ref in css_references(data)]


class Crawl:
    """Pages fetched as each role, what they reference, and which endpoints were reached."""

    def __init__(self, app) -> None:
        self.app = app
        self.adapter = app.url_map.bind("localhost", url_scheme="https")
        self.reached: set[str] = set()
        self.problems: list[str] = []

    def endpoint(self, path: str, method: str = "GET") -> str | None:
        try:
            endpoint, _ = self.adapter.match(urlsplit(path).path, method)
        except HTTPException:
            return None
        return str(endpoint)

    def check(self, label: str, response) -> References:
        """The references and headers of one answer; downloads are not parsed."""
        for header in ("Link", "Refresh"):
            if header in response.headers:
                self.problems.append(f"{label}: {header} header")
        csp = response.headers.get("Content-Security-Policy", "")
        for source in csp.replace(";", " ").split():
            if "." in source or "://" in source or (source.endswith(":") and source != "data:"):
                self.problems.append(f"{label}: CSP names {source}")
        parser = References()
        if response.mimetype == "text/html":
            parser.feed(response.get_data(as_text=True))
            parser.close()
        for where, reference in parser.found:
            if foreign(reference):
                self.problems.append(f"{label}: {where} {reference!r}")
        return parser

    def walk(self, role: str, client, seeds: list[str]) -> None:
        queue, seen = deque(seeds), set(seeds)
        while queue and len(seen) <= MAX_PAGES_PER_ROLE:
            path = queue.popleft()
            with client.get(path) as response:
                if response.status_code >= 500:
                    self.problems.append(f"{role} {path}: {response.status_code}")
                endpoint = self.endpoint(path)
                if endpoint and response.status_code < 400:
                    self.reached.add(endpoint)
                if response.headers.get("Content-Disposition", "").startswith("attachment"):
                    continue
                parser = self.check(f"{role} {path}", response)
            for link in parser.links:
                target = urljoin(ORIGIN + path, link)
                if not target.startswith(ORIGIN + "/"):
                    continue
                relative = target[len(ORIGIN) :].split("#")[0]
                if relative not in seen:
                    seen.add(relative)
                    queue.append(relative)


@pytest.fixture
def world(app, org, reporter, instance_path) -> dict[str, Any]:
    """Each role signed in, with a case that has a file, a note, a journal and an invitation."""
    submit = post_form(reporter, Report(unit=org.units["a"], files=[("bukti.txt", b"bukti")]))
    receipt_page = send_review(reporter, submit.get_data(as_text=True))
    budi, case_id = investigating_case(app, org, https_client(app))
    letter = invitation_letter(budi, case_id)
    code = RECEIPT_RE.search(letter.get_data(as_text=True))
    respondent, _ = respondent_client(app, code.group(1))
    home = respondent.get("/klarifikasi/").get_data(as_text=True)
    respondent.post(
        "/klarifikasi/pernyataan",
        data={
            "csrf_token": csrf_from(home),
            "statement": "Saya menolak.",
            "evidence": (io.BytesIO(b"surat tugas"), "surat.pdf"),
        },
        content_type="multipart/form-data",
    )
    receipt = RECEIPT_RE.search(receipt_page.get_data(as_text=True))
    open_case(reporter, receipt.group(1))
    set_up = app.test_cli_runner().invoke(args=["wbs", "setup-link"]).output
    setup_path = re.search(r"(/staf/penyiapan\?kode=[\w-]+)", set_up).group(1)
    setup_page = https_client(app).get(setup_path)  # now: the link dies with the first admin
    assert setup_page.status_code == 200
    rahman = https_client(app)
    sign_in(app, rahman, org.rahman)
    admin_login = make_staff(app, "admin", StaffRole.ADMIN)
    admin = https_client(app)
    sign_in(app, admin, admin_login)
    page = admin.get("/staf/admin/staf/undang").get_data(as_text=True)
    link_page = admin.post(
        "/staf/admin/staf/undang",
        data={
            "csrf_token": CSRF_RE.search(page).group(1),
            "display_name": "Pegawai Baru",
            "email": "baru@kanwil.example",
            "role": "investigator",
            "units": [str(org.units["a"])],
        },
    )
    activation = re.search(r"(/staf/aktivasi\?kode=[\w-]+)", link_page.get_data(as_text=True))
    # A letterhead with a logo, so that the logo's page and its <img> are crawled too.
    (instance_path / "kop").mkdir()
    (instance_path / "kop" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    letterhead = admin.get("/staf/admin/kop-surat").get_data(as_text=True)
    saved = admin.post(
        "/staf/admin/kop-surat",
        data={
            "csrf_token": CSRF_RE.search(letterhead).group(1),
            "office_name": "Kantor Wilayah Sulawesi Selatan",
            "address": "Jl. Jenderal Sudirman No. 1, Makassar",
            "logo_path": "kop/logo.png",
            "signatory_name": "Andi Rahmawati",
            "signatory_position": "Kepala Divisi Pelayanan Hukum",
            "number_prefix": "WBS",
        },
    )
    assert saved.status_code == 302
    anonymous = https_client(app)
    form_again = post_form(anonymous, Report(unit=org.units["a"], what=""))
    # A report Budi recorded from a letter: its receipt letter, and its reporter's new receipt.
    recorded, _ = record(budi, Recorded(channel="surat", unit=org.units["a"]))
    _, printed = record(budi, Recorded(channel="telepon", unit=org.units["a"]))
    letter_reporter = https_client(app)
    open_case(letter_reporter, printed)
    return {
        "clients": {
            "anonymous": (
                anonymous,
                [
                    "/",
                    "/lapor/formulir",
                    "/klarifikasi/masuk",
                    "/staf/masuk",
                    activation.group(1),
                    "/tidak/ada",
                ],
            ),
            "reporter": (reporter, ["/lapor/kasus"]),
            "reporter of a recorded report": (letter_reporter, ["/lapor/kode-baru"]),
            "respondent": (respondent, ["/klarifikasi/", "/klarifikasi/kode-baru"]),
            "investigator": (
                budi,
                [
                    "/staf/pengelola/",
                    "/staf/",
                    f"/staf/pengelola/kasus/{case_id}",
                    f"/staf/pengelola/kasus/{recorded}",
                ],
            ),
            "supervisor": (rahman, ["/staf/pengelola/"]),
            "administrator": (admin, ["/staf/admin/", "/staf/kata-sandi", "/staf/kop-surat/logo"]),
        },
        "answers": {
            "review page": submit,
            "receipt page": receipt_page,
            "invitation letter": letter,
            "activation link": link_page,
            "report form sent back": form_again,
            "405 page": anonymous.post("/"),
            "first-run set-up page": setup_page,
            "CSRF refusal": anonymous.post("/lapor/masuk", data={"receipt": "1"}),
        },
    }


def test_no_page_of_any_zone_references_another_origin(app, world) -> None:
    crawl = Crawl(app)
    for role, (client, seeds) in world["clients"].items():
        crawl.walk(role, client, seeds)
    for label, response in world["answers"].items():
        assert response.status_code < 500, label
        crawl.check(label, response)
        endpoint = crawl.endpoint(response.request.path, response.request.method)
        if endpoint and response.status_code == 200:
            crawl.reached.add(endpoint)
    assert crawl.problems == []
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and rule.endpoint != "public.static"
        and rule.endpoint not in MOVED_ENDPOINTS  # redirects from old addresses, not pages
    }
    assert pages - crawl.reached == set(), "pages the crawl never reached"


def test_no_static_asset_references_another_origin(client) -> None:
    files = [path for path in STATIC.rglob("*") if path.is_file()]
    assert files, "wbs_app/static is empty?"
    for path in files:
        relative = path.relative_to(STATIC).as_posix()
        with client.get(f"/static/{relative}") as response:
            assert response.status_code == 200
            assert response.get_data() == path.read_bytes()
        text = path.read_bytes().decode("utf-8", errors="replace")
        references = css_references(text) if path.suffix == ".css" else []
        assert [ref for ref in references if foreign(ref)] == [], relative
        # Nothing absolute at all, in any asset, comments included: there is no need for one.
        assert not re.search(r"(?i)\b(?:https?:)?//[a-z0-9.-]+\.[a-z]", text), relative


@pytest.mark.parametrize(
    ("reference", "refused"),
    [
        ("/static/css/lentera.css", False),
        ("?lang=en", False),
        ("#main", False),
        ("kasus/3", False),
        (ORIGIN + "/lapor/", False),
        ("data:image/png;base64,AAAA", False),
        ("mailto:pengaduan@kanwil.example", False),
        ("https://cdn.example/x.js", True),
        ("http://localhost/x", True),  # another scheme is another origin
        ("//cdn.example/x.css", True),
        ("/\\cdn.example/x.css", True),
        (" \t//cdn.example/x.css", True),
        ("javascript:alert(1)", True),
        ("ftp://files.example/", True),
    ],
)
def test_the_rule_itself(reference: str, refused: bool) -> None:
    assert foreign(reference) is refused
