"""Services depend on one another one way only: no import cycle, not even a lazy one.

A cycle hidden in a function body or under ``TYPE_CHECKING`` (as
``respondent`` and ``respondent_access`` once had: each needed something of
the other) still says that two modules are one design split in two; the
fix is to move what is shared so the dependency goes one way. Every import
of a service module anywhere in another's source counts here.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "wbs_app.services"


def _modules() -> dict[str, Path]:
    base = ROOT / "wbs_app" / "services"
    found: dict[str, Path] = {}
    for path in base.rglob("*.py"):
        parts = path.relative_to(base).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((PACKAGE, *parts))] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # ``from a.b import c``: the module c, or a.b itself
                name = f"{node.module}.{alias.name}"
                imported.add(name if name in modules else node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    return {name for name in imported if name in modules and name != PACKAGE}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt, [*path, nxt])
                if found:
                    return found
        state[name] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_no_service_imports_another_that_imports_it_back() -> None:
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    sign_in = graph["wbs_app.services.codes.respondent_access"]
    assert "wbs_app.services.respondents.respondent" in sign_in
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_infrastructure_knows_no_domain() -> None:
    """``services/infra`` imports no domain package, so that every package can stand on it."""
    modules = _modules()
    infra = f"{PACKAGE}.infra"
    offenders = {
        name: sorted(
            other
            for other in _imports(path, modules)
            if other != infra and not other.startswith(f"{infra}.")
        )
        for name, path in modules.items()
        if name == infra or name.startswith(f"{infra}.")
    }
    assert not {name: found for name, found in offenders.items() if found}


def test_every_service_lives_in_its_package() -> None:
    """The top of ``services/`` holds packages and the one job that spans them all."""
    top = {
        path.stem
        for path in (ROOT / "wbs_app" / "services").glob("*.py")
        if path.stem != "__init__"
    }
    assert top == {"housekeeping"}
