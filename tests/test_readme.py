"""What a newcomer reads must be true (issue 14, defect 9).

The README, the docs and the messages the program prints name commands,
make targets and files; each of them must exist, so that the first thing a
new office tries is not a command that cannot run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wbs_app.cli import wbs

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Text the program itself shows an operator: messages and generated files.
PROGRAM = [
    ROOT / "config.py",
    ROOT / "wsgi.py",
    ROOT / "Makefile",
    *sorted(ROOT.glob("wbs_app/*.py")),
]

WBS_COMMAND = re.compile(r"flask --app wsgi wbs ([a-z][a-z-]*)")
CONFIG_COMMAND = re.compile(r"python3? config\.py ([a-z-]+)")
MAKE_TARGET = re.compile(r"`make ([a-z][a-z-]*)`|^make ([a-z][a-z-]*)\b", re.MULTILINE)
PROJECT_PATH = re.compile(r"`((?:docs|deploy|bench|tests|wbs_app|crypto)/[\w./-]*\w)`")
# A document named in running text, with or without backticks: "(docs/deploy.md)".
DOC_PATH = re.compile(r"\b((?:docs|deploy)/[\w./-]*\.(?:md|conf|service|toml))\b")


def _texts(paths: list[Path]) -> list[tuple[Path, str]]:
    return [(path, path.read_text(encoding="utf-8")) for path in paths if path.exists()]


def _targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))


@pytest.mark.parametrize("path", DOCS + PROGRAM, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_wbs_command_named_exists(path: Path) -> None:
    named = set(WBS_COMMAND.findall(path.read_text(encoding="utf-8")))
    assert named <= set(wbs.commands), f"{path.name} names {sorted(named - set(wbs.commands))}"


@pytest.mark.parametrize("path", DOCS + PROGRAM, ids=lambda path: str(path.relative_to(ROOT)))
def test_config_py_is_named_with_its_one_command(path: Path) -> None:
    assert set(CONFIG_COMMAND.findall(path.read_text(encoding="utf-8"))) <= {"init"}


def test_every_make_target_in_the_docs_exists() -> None:
    targets = _targets()
    for path, text in _texts(DOCS):
        named = {a or b for a, b in MAKE_TARGET.findall(text)}
        assert named <= targets, f"{path.name} names make {sorted(named - targets)}"


def test_every_project_file_in_the_docs_exists() -> None:
    for path, text in _texts(DOCS):
        named = set(PROJECT_PATH.findall(text)) | set(DOC_PATH.findall(text))
        missing = sorted(name for name in named if not (ROOT / name).exists())
        assert not missing, f"{path.name} names files that do not exist: {missing}"


def test_the_readme_says_where_make_demo_runs_and_what_it_does_to_the_set_up_link() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    demo = readme[readme.index("For a quick look, `make demo`") :][:1200]
    assert "second terminal" in demo
    assert "set-up link" in demo
