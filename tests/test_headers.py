"""The security baseline on every response, error pages included."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.headers import assert_baseline
from tests.support.http import https_client
from wbs_app.security.zones import PUBLIC, zone


def _crashing_app(app: Flask) -> Flask:
    @zone(PUBLIC)
    def boom() -> str:
        raise RuntimeError("secret report text that must not leak")

    app.add_url_rule("/boom", "boom", boom)
    return app


def test_landing_page_headers(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert_baseline(response)
    assert "Set-Cookie" not in response.headers


def test_static_asset_headers(client) -> None:
    with client.get("/static/css/lentera.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
        assert_baseline(response)


def test_404_page(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_baseline(response)
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    assert "/no/such/page" not in response.get_data(as_text=True)


def test_500_page_is_generic_and_logs_no_message(
    make_app, caplog: pytest.LogCaptureFixture
) -> None:
    app = _crashing_app(make_app())
    client = https_client(app)
    response = client.get("/boom")
    assert response.status_code == 500
    assert_baseline(response)
    body = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in body
    assert "secret report text" not in body and "RuntimeError" not in body
    assert "RuntimeError" in caplog.text
    assert "secret report text" not in caplog.text


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "POST"])
def test_unused_methods_get_405(client, method: str) -> None:
    response = client.open("/", method=method)
    assert response.status_code == 405
    assert_baseline(response)
    assert "Metode tidak diizinkan" in response.get_data(as_text=True)


def test_413_page(make_app) -> None:
    app = make_app(MAX_FORM_MEMORY_SIZE=1024)

    @zone(PUBLIC)
    def sink() -> str:
        from flask import request

        return str(len(request.form))

    app.add_url_rule("/sink", "sink", sink, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    response = https_client(app).post("/sink", data={"x": "y" * 4096})
    assert response.status_code == 413
    assert_baseline(response)
    assert "Unggahan terlalu besar" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(make_app) -> None:
    app = make_app()

    @zone(PUBLIC)
    def form_target() -> str:
        return "accepted"

    app.add_url_rule("/form-target", "form_target", form_target, methods=["POST"])
    response = https_client(app).post("/form-target", data={"a": "b"})
    assert response.status_code == 400
    assert_baseline(response)
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)


def test_no_hsts_without_tls(make_app) -> None:
    app = make_app(TLS=False)
    response = https_client(app).get("/")
    assert "Strict-Transport-Security" not in response.headers
    assert app.config["SESSION_COOKIE_SECURE"] is False
