"""The import rules of docs/architecture.md, checked in fresh interpreters.

A layer's promise ("services know no Flask", "crypto knows no database") is
only true if importing it does not load what it must not know, directly or
through a parent package's ``__init__``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil, sys
root = sys.argv[1]
package = importlib.import_module(root)
names = [root]
if hasattr(package, "__path__"):
    names += [m.name for m in pkgutil.walk_packages(package.__path__, root + ".")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "loaded": sorted(sys.modules)}))
"""

RULES = {
    # what is imported: what it must never load
    "wbs_app.services": ("flask", "werkzeug", "flask_wtf", "flask_babel", "jinja2"),
    "wbs_app.models": ("flask", "werkzeug", "flask_wtf", "flask_babel", "jinja2"),
    "wbs_app.database": ("flask", "werkzeug", "flask_wtf", "flask_babel", "jinja2"),
    "crypto": ("flask", "werkzeug", "sqlalchemy", "wbs_app"),
}


@pytest.mark.parametrize("root", sorted(RULES))
def test_a_layer_loads_nothing_it_must_not_know(root: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, root],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(done.stdout)
    assert len(report["modules"]) >= 1
    loaded = {name.split(".")[0] for name in report["loaded"]}
    forbidden = sorted(set(RULES[root]) & loaded)
    assert not forbidden, f"importing {root} loads {forbidden}"
