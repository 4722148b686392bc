"""Every code a service can refuse with has one translated message (issue 16, item 5).

Codes and their words lived in six places, and the gaps were filled by
fallbacks: an unknown access code said "This change is not possible", an
unknown invitation code "Write the official's name", an unknown account code
"Not found.". The codes are now named once, on the ``DomainError`` a service
raises, and worded once, in ``wbs_app.refusals.MESSAGES``. This test reads
every ``raise`` in ``wbs_app/services`` (as ``test_journal_words`` reads the
journal's kinds), takes the code each gives (the call's first argument, or
the class's own ``code`` for a class that takes no code; a computed code
must be listed in the class's ``codes``), and fails when one has no message
there or no Indonesian msgstr.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import wbs_app.services
from wbs_app.refusals import COULD_NOT_BE_DONE, MESSAGES, PASSWORD_PROBLEMS, refusal_message
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.staff.password_policy import PasswordProblem

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "wbs_app" / "services"
CATALOGUE = ROOT / "wbs_app" / "translations" / "id" / "LC_MESSAGES" / "messages.po"


def _domain_errors() -> dict[str, type[DomainError]]:
    """Every ``DomainError`` class of the services, by name (imported, so subclasses count)."""
    for module in pkgutil.walk_packages(wbs_app.services.__path__, "wbs_app.services."):
        importlib.import_module(module.name)
    found: dict[str, type[DomainError]] = {}
    waiting: list[type[DomainError]] = [DomainError]
    while waiting:
        cls = waiting.pop()
        assert found.setdefault(cls.__name__, cls) is cls, f"two errors named {cls.__name__}"
        waiting.extend(cls.__subclasses__())
    return found


def _raised_class(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def raised_codes() -> dict[str, set[str]]:
    """Code -> where it is raised (``module:line``), for every raise of a domain error."""
    classes = _domain_errors()
    codes: dict[str, set[str]] = {}
    computed: list[str] = []
    for path in sorted(SERVICES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            cls = classes.get(_raised_class(node.exc))
            if cls is None:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            given = node.exc.args[0] if node.exc.args else None
            given = next((k.value for k in node.exc.keywords if k.arg == "code"), given)
            if given is None or "code" not in inspect.signature(cls.__init__).parameters:
                assert cls.code, f"{where}: {cls.__name__} raised without a code"
                codes.setdefault(cls.code, set()).add(where)
            elif isinstance(given, ast.Constant) and isinstance(given.value, str):
                codes.setdefault(given.value, set()).add(where)
            elif not cls.codes:
                computed.append(f"{where}: {cls.__name__} with a computed code and no codes")
    assert not computed, computed
    for cls in classes.values():
        for code in cls.codes:
            codes.setdefault(code, set()).add(f"{cls.__module__}.{cls.__name__}.codes")
    return codes


def test_the_collection_sees_the_services_codes() -> None:
    """A guard on the reading itself: known codes of each kind of raise site are found."""
    codes = raised_codes()
    for code in (
        "wrong_status",  # a raise site's constant (lifecycle.StepRefused)
        "no_access",  # a class's own code (case_keys.NoAccess)
        "no_supervisor",  # listed in codes (routing.RouteRefused, passed on by intake)
        "sent",  # a stored outcome (held.HeldGone)
        "bad_logo_type",  # the letterhead's settings
    ):
        assert code in codes, code
    assert len(codes) > 100


def test_every_code_a_service_raises_has_a_message() -> None:
    raised = raised_codes()
    missing = {code: sorted(where) for code, where in raised.items() if code not in MESSAGES}
    assert not missing, f"codes without a message in wbs_app/refusals.py: {missing}"


def test_the_mapping_words_only_codes_that_are_raised() -> None:
    """A message for a code nobody raises any more is a leftover that hides a renamed code."""
    unused = set(MESSAGES) - set(raised_codes())
    assert not unused, unused


def test_every_password_problem_has_words_and_nothing_else_does() -> None:
    """A weak password's refusal lists its problems: each one the policy can find is worded."""
    assert set(PASSWORD_PROBLEMS) == {problem.value for problem in PasswordProblem}


def test_every_message_has_its_indonesian_translation() -> None:
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    untranslated = []
    worded = [*MESSAGES.items(), *PASSWORD_PROBLEMS.items(), ("(generic)", COULD_NOT_BE_DONE)]
    for code, message in worded:
        entry = catalog.get(message._args[0])
        if entry is None or not entry.string or entry.fuzzy:
            untranslated.append(code)
    assert not untranslated, untranslated


@pytest.mark.usefixtures("app")
def test_an_unknown_code_shows_the_generic_message_never_the_code(app) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "id"}):
        said = refusal_message(DomainError("no_such_code_anywhere"))
        assert said == str(COULD_NOT_BE_DONE)
        assert "no_such_code_anywhere" not in said
        assert said.startswith("Ini tidak dapat dilakukan")
