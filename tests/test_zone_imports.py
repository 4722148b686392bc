"""The import rules of the web side (docs/architecture.md), read from the source.

Views translate HTTP to service calls: a zone's views and the shared web
modules (``wbs_app/web``) never import ``crypto`` (files are encrypted by
``services.cases.file_encryption``, codes are printed by the ``grouped_code``
filter). What two zones share lives in ``wbs_app/web``, not in one of them
(the staff side's three zones excepted: they are one side), and
``wbs_app/web`` belongs to no zone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "wbs_app"
ZONES = ("public", "reporter", "respondent", "investigator", "admin", "staff")
WEB_SIDE = (*ZONES, "web")
# The staff side (security.sides, everything under /staf) is three zones: the
# investigator's and the administrator's pages use the sign-in zone's forms and words.
SAME_SIDE = {"investigator": ("staff",), "admin": ("staff",)}


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    """The module a ``from`` import names, relative ones (``from ..reporter import x``) resolved."""
    if node.level == 0:
        return node.module or ""
    parts = ["wbs_app", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":  # a package's own module: "." is the package itself
        parts = [*parts[:-1], ""]
    base = parts[: len(parts) - node.level]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_relative_imports_are_resolved() -> None:
    """A relative import cannot slip past the rules below."""
    view = PACKAGE / "investigator" / "case_views.py"
    node = ast.parse("from ..reporter import labels").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _absolute(view, node) == "wbs_app.reporter"
    package = PACKAGE / "web" / "__init__.py"
    sibling = ast.parse("from .uploads import receive").body[0]
    assert isinstance(sibling, ast.ImportFrom)
    assert _absolute(package, sibling) == "wbs_app.web.uploads"


def _modules(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


@pytest.mark.parametrize("package", WEB_SIDE)
def test_views_and_web_modules_import_no_crypto(package: str) -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _imports(path) if name == "crypto" or name.startswith("crypto.")
        )
        for path in _modules(package)
    }
    assert not {path: names for path, names in offenders.items() if names}


@pytest.mark.parametrize("package", ZONES)
def test_no_zone_imports_another(package: str) -> None:
    """What two zones share is in ``wbs_app/web`` (or a service), never in one of them."""
    others = [z for z in ZONES if z != package and z not in SAME_SIDE.get(package, ())]
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name
            for name in _imports(path)
            if any(name == f"wbs_app.{z}" or name.startswith(f"wbs_app.{z}.") for z in others)
        )
        for path in _modules(package)
    }
    assert not {path: names for path, names in offenders.items() if names}


def test_the_shared_web_modules_belong_to_no_zone() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name
            for name in _imports(path)
            if any(
                name == f"wbs_app.{zone}" or name.startswith(f"wbs_app.{zone}.") for zone in ZONES
            )
        )
        for path in _modules("web")
    }
    assert not {path: names for path, names in offenders.items() if names}
