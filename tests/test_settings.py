"""The typed settings: built once per app, and the only way ``wbs_app`` reads a setting.

A setting read by string (``current_app.config["DRAFT_HOURS"]``) is parsed
again at every use, can be misspelt without mypy noticing and can be changed
under a running app; ``wbs_app.settings`` exists so none of that can happen.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from flask import Flask

from config import ConfigError
from crypto import TEST_ARGON2
from tests.support.settings import test_config
from wbs_app.factory import create_app
from wbs_app.settings import AppSettings, settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wbs_app"
# Builds the settings; the factory only writes app.config for Flask and its extensions.
ACCESSOR = PACKAGE / "settings.py"


def _reads_config_by_string(tree: ast.AST) -> list[int]:
    """Lines reading ``x.config[...]``, ``x.config.get(...)`` or ``current_app.config``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "config":
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id == "current_app":
                lines.append(node.lineno)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "config"
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "config"
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_no_module_but_the_accessor_reads_settings_by_string() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == ACCESSOR:
            continue
        lines = _reads_config_by_string(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            offenders[str(path.relative_to(ROOT))] = lines
    assert not offenders, f"read wbs_app.settings.settings() instead: {offenders}"


def test_the_scan_sees_every_way_of_reading_by_string() -> None:
    source = (
        "a = current_app.config['TLS']\n"
        "b = app.config.get('TLS')\n"
        "config = current_app.config\n"
        "app.config['X'] = 1\n"  # a write (the factory's), not a read
    )
    assert _reads_config_by_string(ast.parse(source)) == [1, 2, 3]


def test_settings_are_typed_and_built_once(app: Flask) -> None:
    built = settings(app)
    assert isinstance(built, AppSettings)
    assert built.installation_salt == bytes.fromhex(app.config["INSTALLATION_SALT"])
    assert built.argon2 == TEST_ARGON2
    assert built.max_upload_mib == app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
    with app.app_context():
        assert settings() is built
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.tls = False  # type: ignore[misc]


def test_an_argon2_cost_crypto_would_refuse_stops_the_start(tmp_path: Path) -> None:
    config = test_config(tmp_path, ARGON2_MEMORY_KIB=8, ARGON2_PARALLELISM=4)
    with pytest.raises(ConfigError, match="ARGON2"):
        create_app(config)
