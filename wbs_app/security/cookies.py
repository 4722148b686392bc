"""Session cookies of every zone: browser-session only, HttpOnly, SameSite=Strict, Secure on TLS."""

from __future__ import annotations

from flask import current_app
from werkzeug.wrappers import Response


def set_session_cookie(response: Response, name: str, value: str, path: str) -> None:
    """No expiry date: the cookie dies with the browser and leaves nothing on the device."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        secure=bool(current_app.config["TLS"]),
        samesite="Strict",
        path=path,
    )


def clear_session_cookie(response: Response, name: str, path: str) -> None:
    response.delete_cookie(
        name, path=path, httponly=True, secure=bool(current_app.config["TLS"]), samesite="Strict"
    )
