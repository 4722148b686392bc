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


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


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
