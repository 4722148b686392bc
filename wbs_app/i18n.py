"""Language choice without JavaScript and without a persistent cookie.

Bahasa Indonesia is the default. English is chosen by ``?lang=en``, which
``url_for`` then carries on every link and form action of the page, so the
choice lasts as long as the visitor follows the site's own links and leaves
nothing behind on their device.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context, request, url_for

from wbs_app.settings import settings

LANG_ARG = "lang"


def select_locale() -> str:
    current = settings()
    default = current.default_language
    chosen = request.args.get(LANG_ARG, default) if has_request_context() else default
    return chosen if chosen in current.languages else default


def current_language() -> str:
    if "lang" not in g:
        g.lang = select_locale()
    language: str = g.lang
    return language


def language_switch_url(language: str) -> str:
    """The current page in another language (the landing page after a POST)."""
    default = settings().default_language
    endpoint = request.endpoint if request.method == "GET" and request.endpoint else None
    values: dict[str, Any] = dict(request.view_args or {}) if endpoint else {}
    values[LANG_ARG] = None if language == default else language
    return url_for(endpoint or "public.index", **values)


def init_i18n(app: Flask) -> None:
    @app.url_defaults
    def _carry_language(endpoint: str, values: dict[str, Any]) -> None:
        if LANG_ARG in values:
            if values[LANG_ARG] is None:
                del values[LANG_ARG]
            return
        if not has_request_context():
            return
        language = current_language()
        if language != settings().default_language and endpoint != "static":
            values[LANG_ARG] = language

    @app.context_processor
    def _language_context() -> dict[str, Any]:
        return {
            "current_language": current_language(),
            "language_switch_url": language_switch_url,
        }
