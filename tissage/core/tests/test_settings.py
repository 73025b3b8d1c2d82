"""Security headers and the production configuration."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("url", ["/", "/compte/connexion/", "/projets/no-such-project/"])
def test_content_security_policy_forbids_inline_scripts(client, url):
    response = client.get(url)

    directives = csp_directives(response["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert all("'unsafe-eval'" not in values for values in directives.values())


def test_pages_have_no_inline_script(client):
    response = client.get("/")

    for chunk in response.text.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag


def test_security_headers(client):
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_cookie_is_http_only(client):
    # Asking for a code stores the address in the session, which sets the cookie.
    response = client.post("/compte/connexion/", {"email": "a@example.org"})

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_deploy_check_passes_with_production_settings(tmp_path):
    # The variables the test environment sets must not leak into "production".
    test_only = {
        "SECRET_KEY",
        "DEBUG",
        "TISSAGE_HTTPS",
        "EMAIL_URL",
        "TISSAGE_STATICFILES_STORAGE",
        "TISSAGE_TASKS_BACKEND",
        "TISSAGE_DATA_DIR",
        "DJANGO_SETTINGS_MODULE",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "TISSAGE_SITE_URL",
    }
    result = deploy_check(tmp_path, test_only, TISSAGE_SITE_URL="https://tissage.example")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def deploy_check(tmp_path, unset, **variables):  # type: ignore[no-untyped-def]
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TISSAGE_HTTPS": "1",
        "ALLOWED_HOSTS": "tissage.example",
        "TISSAGE_DATA_DIR": str(tmp_path),
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-m", "tissage.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("site_url", "says"),
    [
        ("", "(tissage.E001) TISSAGE_SITE_URL is not set"),
        ("tissage.example", "(tissage.E001) TISSAGE_SITE_URL must be the site's address"),
        ("http://tissage.example", "(tissage.E002) TISSAGE_SITE_URL does not start with https"),
    ],
)
def test_deploy_check_fails_without_the_sites_https_address(tmp_path, site_url, says):
    # Issue #12, item 3: list headers (RFC 2369, 8058) and links in emails need it.
    unset = {"DEBUG", "EMAIL_URL", "TISSAGE_STATICFILES_STORAGE", "TISSAGE_TASKS_BACKEND"}
    unset |= {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "TISSAGE_SITE_URL", "TISSAGE_HTTPS"}
    result = deploy_check(tmp_path, unset, TISSAGE_SITE_URL=site_url)

    assert result.returncode != 0
    assert says in result.stderr


def test_settings_refuse_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env |= {"TISSAGE_DATA_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "-m", "tissage.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_browser_features_are_off_on_every_page(client):
    policy = client.get("/")["Permissions-Policy"]
    assert "geolocation=()" in policy and "camera=()" in policy and "microphone=()" in policy
    assert "(self)" not in policy
    # Error pages too.
    assert client.get("/page-qui-n-existe-pas/")["Permissions-Policy"] == policy


@pytest.mark.parametrize(
    ("value", "count"), [("", 1), ("on", 1), ("off", 0), ("0", 0), ("2", 2), ("True", 1)]
)
def test_behind_proxy_says_how_many_proxies_stand_in_front(monkeypatch, value, count):
    from tissage.settings import env_proxy_count

    monkeypatch.setenv("TISSAGE_BEHIND_PROXY", value)
    assert env_proxy_count("TISSAGE_BEHIND_PROXY", 1) == count


def test_behind_proxy_that_is_no_number_is_one_clear_line(monkeypatch):
    from tissage.settings import ConfigurationError, env_proxy_count

    monkeypatch.setenv("TISSAGE_BEHIND_PROXY", "nginx")
    with pytest.raises(ConfigurationError, match="TISSAGE_BEHIND_PROXY must say how many"):
        env_proxy_count("TISSAGE_BEHIND_PROXY", 1)


def test_the_demo_believes_no_forwarded_header():
    from tissage.cli import DEMO_DEFAULTS

    assert DEMO_DEFAULTS["TISSAGE_BEHIND_PROXY"] == "0"


def test_the_demo_logs_readable_lines_and_production_json(monkeypatch):
    from tissage.cli import DEMO_DEFAULTS

    assert DEMO_DEFAULTS["TISSAGE_LOG_FORMAT"] == "plain"
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.LOG_FORMAT)"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tissage.settings", "SECRET_KEY": "x"}
        | {"TISSAGE_LOG_FORMAT": "", "DEBUG": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "json"
