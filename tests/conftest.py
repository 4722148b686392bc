"""Shared fixtures: an app per test on a freshly migrated database.

SQLite by default: the schema is migrated once per session into a template
file that each test copies. With ``WBS_TEST_DATABASE_URL`` (``.ci/run`` points
it at the local PostgreSQL) the same suite runs there: migrated once, and every
table emptied after each test.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from tests.support.clock import moved_clock, moved_totp_clock  # noqa: F401 - shared fixtures
from tests.support.http import https_client
from tests.support.org import org, reporter  # noqa: F401 - shared fixtures
from tests.support.settings import GIVEN_POSTGRES_URL, POSTGRES_URL, WORKER, test_config
from wbs_app.database import Base, Database, make_engine
from wbs_app.db import app_database
from wbs_app.factory import create_app
from wbs_app.migrate import upgrade
from wbs_app.services.office.catalogue import ensure_default_categories

RUN_TMP = pytest.StashKey[Path]()


class _CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates kept in memory for the whole run.

    Every test builds its own app, and each app's Jinja environment would
    compile every template it renders again (a quarter of a test's time went
    to lexing and compiling). The apps of a run are configured alike, so the
    bytecode one compiled serves them all; a template changed on disk has
    another checksum and is compiled anew.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()

_compile_url_builder = Rule._compile_builder
_URL_BUILDERS: dict[tuple[str, bool, tuple[tuple[bool, str], ...], str], Any] = {}


def _compiled_url_builder(rule: Rule, append_unknown: bool = True) -> Any:
    """Werkzeug's URL builder of a rule, compiled once for the whole run.

    Every app a test builds binds its 400-odd rules to a new URL map, and
    werkzeug generates and compiles Python source for two builders of each
    rule: nine tenths of ``create_app``'s time, for every test. A builder is
    a function of the rule's text, its parsed parts and its defaults (it
    reads the rule's converters through the ``self`` it is bound to), so the
    one compiled for an equal rule of an earlier app serves.
    """
    key = (
        rule.rule,
        append_unknown,
        tuple(rule._trace),
        repr(sorted((rule.defaults or {}).items())),
    )
    if key not in _URL_BUILDERS:
        _URL_BUILDERS[key] = _compile_url_builder(rule, append_unknown)
    return _URL_BUILDERS[key]


Rule._compile_builder = _compiled_url_builder  # type: ignore[method-assign]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the suites marked slow (crash, load, timing); .ci/run passes it",
    )
    parser.addoption(
        "--bench",
        action="store_true",
        help="also run the benchmark smoke tests (marked bench); .ci/run passes it",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the slow suites and the benchmark smoke runs to CI unless asked.

    The benchmark smoke tests prove only that each benchmark still runs to its
    machine-readable line; they took a fifth of ``make test``'s time, which is
    better spent where a change breaks behaviour.
    """
    left_out = {
        marker: pytest.mark.skip(reason=f"{marker} suite: run with --{marker} (.ci/run does)")
        for marker in ("slow", "bench")
        if not config.getoption(f"--{marker}")
    }
    for item in items:
        for marker, skip in left_out.items():
            if marker in item.keywords:
                item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    """A private temp directory for the run, and fresh translation catalogues.

    The confidentiality tests scan the temp directory for leaked plaintext;
    giving the run (and the servers it starts) a temp directory of its own
    keeps that scan small and free of other programs' files. An xdist worker
    keeps the controller's (its TMPDIR): pytest's temporary folders for the
    worker's tests, and so their instance folders and server logs, are in it.
    """
    if WORKER:
        return
    run_tmp = Path(tempfile.mkdtemp(prefix="lentera-tests-", dir=_memory_folder()))
    config.stash[RUN_TMP] = run_tmp
    os.environ["TMPDIR"] = str(run_tmp)
    tempfile.tempdir = str(run_tmp)
    _compile_catalogues()  # once, before any worker starts


def _memory_folder() -> str | None:
    """/dev/shm where there is one: every test's database and files in memory.

    SQLite runs with ``synchronous=FULL``, so each commit waits for the disk
    to flush; on a memory file system the flush returns at once and the
    suite's hundreds of small commits cost nothing. Nothing a test checks
    depends on the medium (a crash test kills processes, not the machine).
    """
    folder = Path("/dev/shm")
    return str(folder) if folder.is_dir() and os.access(folder, os.W_OK) else None


def pytest_unconfigure(config: pytest.Config) -> None:
    run_tmp = config.stash.get(RUN_TMP, None)
    if run_tmp is not None:
        shutil.rmtree(run_tmp, ignore_errors=True)


def _compile_catalogues() -> None:
    """Compile the catalogues the way ``make translations`` does, if any is stale."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "wbs_app" / "translations"
    for po_path in root.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


def _prepare(database: Database) -> None:
    upgrade(database.engine)
    with database.session() as session:
        ensure_default_categories(session)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    if POSTGRES_URL:
        return None
    folder = tmp_path_factory.mktemp("template")
    database = Database(f"sqlite:///{folder / 'wbs.sqlite3'}")
    _prepare(database)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return folder / "wbs.sqlite3"


@pytest.fixture(scope="session")
def postgres_ready() -> bool:
    if not POSTGRES_URL:
        return False
    if POSTGRES_URL != GIVEN_POSTGRES_URL:
        _create_database(GIVEN_POSTGRES_URL, make_url(POSTGRES_URL).database)
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    database = Database(POSTGRES_URL)
    _prepare(database)
    database.dispose()
    return True


def _create_database(server_url: str, name: str | None) -> None:
    """The worker's database on the server of ``server_url``, if it is not there yet."""
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if found is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def _empty_postgres(database: Database) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with database.session() as session:
        ensure_default_categories(session)


@pytest.fixture
def instance_path(tmp_path: Path) -> Path:
    path = tmp_path / "instance"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def make_app(
    instance_path: Path, sqlite_template: Path | None, postgres_ready: bool
) -> Iterator[Any]:
    """Build apps on the test's database; extra settings as keyword arguments."""
    if sqlite_template is not None:
        shutil.copy(sqlite_template, instance_path / "wbs.sqlite3")
    apps: list[Flask] = []
    # Apps of one test share the installation's secrets, as the workers of one
    # server do (the database refuses a second INSTALLATION_SALT once recorded).
    secrets_ = {
        key: secrets.token_hex(32) for key in ("SECRET_KEY", "INSTALLATION_SALT", "PASSWORD_PEPPER")
    }

    def build(**extra: Any) -> Flask:
        app = create_app(test_config(instance_path, **{**secrets_, **extra}))
        app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
        apps.append(app)
        return app

    yield build
    for app in apps:
        if postgres_ready and app is apps[0]:
            _empty_postgres(app_database(app))
        app_database(app).dispose()


@pytest.fixture
def app(make_app: Any) -> Flask:
    built: Flask = make_app()
    return built


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return https_client(app)


@pytest.fixture
def live_server(app: Flask, instance_path: Path) -> Iterator[Any]:
    """gunicorn serving the test's database and secrets on 127.0.0.2, with one worker.

    Every start imports the app twice over (the start-up sweep's process, then
    each worker), a few seconds of CPU that the other pytest-xdist worker is
    waiting for; these journeys need a real server, not two workers (its four
    threads serve a browser's parallel requests). The crash, load and
    concurrency tests start their own ``LiveServer`` with two.
    """
    from tests.support.durability import live_settings
    from tests.support.live import LiveServer

    server = LiveServer(instance_path, live_settings(app), workers=1).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the session; pages are opened per test."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def no_js_page(browser: Any) -> Iterator[Any]:
    """A fresh context with JavaScript disabled, recording every request's origin."""
    context = browser.new_context(java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    page.requested_urls = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requested_urls.append(request.url))  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def js_page(browser: Any) -> Iterator[Any]:
    """A fresh context with JavaScript ON and the page's CSP ignored; dialogs are recorded.

    For the XSS corpus: our CSP would block an injected inline script anyway,
    so the pages are checked without it, to prove that escaping alone keeps
    hostile text inert. Every ``alert``/``confirm``/``prompt`` lands in
    ``page.dialogs`` (and is dismissed) for the test to fail on.
    """
    context = browser.new_context(java_script_enabled=True, bypass_csp=True, locale="id-ID")
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]

    def record(dialog: Any) -> None:
        page.dialogs.append(f"{dialog.type}: {dialog.message}")  # type: ignore[attr-defined]
        dialog.dismiss()

    page.on("dialog", record)
    yield page
    context.close()
