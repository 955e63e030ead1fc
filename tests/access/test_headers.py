"""Security headers, cookies and `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_sends_the_security_headers(world: Any, client: Client) -> None:
    sign_in(client, world.user("dsl"))
    for url in ("/", reverse("login"), reverse("pastoral:audit-list")):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(world: Any, client: Client) -> None:
    import re

    sign_in(client, world.user("admin"))
    for url in (
        "/",
        reverse("accounts:user-list"),
        reverse("accounts:user-detail", kwargs={"pk": world.user("hoy").pk}),
        reverse("accounts:user-create"),
        reverse("accounts:step-up"),
    ):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html, url
        assert " on" + "click=" not in html, url


def test_production_settings_send_hsts_and_secure_cookies(world: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()  # built after the settings change: its middleware reads them
    plain = client.get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    csrf_cookie = response.cookies["csrftoken"]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"] and csrf_cookie["samesite"] == "Lax"
    staff = world.user("staff")
    from tests.factories import TEST_PASSWORD

    signed_in = client.post(
        reverse("login"),
        {"username": staff.email, "password": TEST_PASSWORD},
        secure=True,
        HTTP_X_CSRFTOKEN=csrf_cookie.value,
    )
    session_cookie = signed_in.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_check_deploy_is_clean() -> None:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "pastoral.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": "sqlite:////tmp/pastoral-check-deploy.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
