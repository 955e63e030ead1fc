"""Start-up settings, `check --deploy`, /healthz and docker-compose.yml, checked for real."""

from __future__ import annotations

import importlib
import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def _env(**values: str) -> dict[str, str]:
    """A clean environment: only what a deployment would set, plus the given values."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "pastoral.settings",
        "DATABASE_URL": "sqlite:////tmp/pastoral-settings-test.sqlite3",
    }
    env.update(values)
    return {k: v for k, v in env.items() if v is not None}


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "AUDIT_KEY": secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "pastoral.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "1", "SESSION_IDLE_MINUTES": "abc"}, "SESSION_IDLE_MINUTES"),
        ({"DEBUG": "1", "SESSION_IDLE_MINUTES": "0"}, "SESSION_IDLE_MINUTES"),
        ({"DEBUG": "1", "DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"DEBUG": "1", "EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"DEBUG": "1", "IMPORT_MAX_MB": "lots"}, "IMPORT_MAX_MB"),
        ({"DEBUG": "1", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "pastoral.example.org"}, "SECRET_KEY"),
        ({**PRODUCTION, "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({k: v for k, v in PRODUCTION.items() if k != "AUDIT_KEY"}, "AUDIT_KEY"),
        ({**PRODUCTION, "AUDIT_KEY": "short"}, "AUDIT_KEY"),
        ({k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}, "REDIS_URL"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(
    values: dict[str, str], variable: str
) -> None:
    result = _start(_env(**values))
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_good_settings_start() -> None:
    result = _start(_env(**PRODUCTION))
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_a_single_node_may_knowingly_run_tasks_in_process() -> None:
    values = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = _start(_env(**values, ALLOW_IN_PROCESS_TASKS="1"))
    assert result.returncode == 0, result.stderr


def test_check_deploy_passes_with_production_settings() -> None:
    result = subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(**PRODUCTION),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_healthz_reports_database_and_in_process_broker(client: Client, db: Any) -> None:
    response = client.get("/healthz")  # no sign-in: load balancers call it
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "kind": "in-process"}


def test_healthz_answers_503_when_the_broker_is_down(
    client: Client, db: Any, settings: Any
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


# --- docker-compose.yml -------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2].split("&&")[-1])
    return words


def test_compose_has_the_services_volumes_and_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) >= {"web", "worker", "beat", "postgres", "redis"}
    for name in ("web", "worker", "postgres", "redis"):
        test = services[name]["healthcheck"]["test"]
        assert test and test[0] in ("CMD", "CMD-SHELL"), name
    for name in ("postgres", "redis"):
        for volume in services[name]["volumes"]:
            assert volume.split(":")[0] in compose["volumes"], (name, volume)
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == ".", name
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert (ROOT / "Dockerfile").is_file()


def test_the_web_command_serves_the_real_wsgi_application(compose: dict[str, Any]) -> None:
    web = compose["services"]["web"]
    words = _command(web)
    assert words[0] == "gunicorn"
    module, attribute = words[1].split(":")
    wsgi = importlib.import_module(module)
    assert callable(getattr(wsgi, attribute))
    assert (Path(sys.executable).parent / "gunicorn").exists()  # installed from the lock
    assert "manage.py migrate" in web["command"] and (ROOT / "manage.py").is_file()
    # The healthcheck asks a URL the project really answers.
    probe = " ".join(web["healthcheck"]["test"])
    assert "/healthz" in probe
    assert resolve("/healthz").url_name == "healthz"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_the_celery_commands_name_the_real_celery_app(compose: dict[str, Any], name: str) -> None:
    from celery.app.utils import find_app

    import pastoral.celery

    words = _command(compose["services"][name])
    assert words[0] == "celery" and words[1] == "-A"
    # Celery resolves "-A pastoral" exactly so: the package's Celery instance.
    assert find_app(words[2]) is pastoral.celery.app
    assert words[3] == {"worker": "worker", "beat": "beat"}[name]
    assert pastoral.celery.app.main == "pastoral"


def test_the_compose_environment_gives_working_settings(compose: dict[str, Any]) -> None:
    """The settings start with exactly what compose passes: .env.example plus `environment`."""
    web = compose["services"]["web"]
    assert web["env_file"] == ".env"
    values = dict(web["environment"])
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), value.strip())
    result = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.DEBUG)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "pastoral.settings",
            **values,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://redis:6379/0",
        "False",
    ]
