"""Production settings are strict; the health endpoint reports its dependencies."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# Variables the test process sets for itself (the browser tests need async-unsafe ORM access
# from Playwright's event loop) that a production deployment never has.
_DEV_ONLY_ENV = {"AVVIKA_TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _DEV_ONLY_ENV}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        DEBUG="0",
        ALLOWED_HOSTS="avvika.example.se",
        SECRET_KEY="p9$Kd2!vXq7#Lm4@Rz8&Wt1^Ny6*Hb3%Gc5Fj0Ue-aS7dF9gH2jK4lZ6xC8vB0nM",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_health_reports_database_and_redis(client):
    response = client.get("/health/")
    data = json.loads(response.content)
    assert response.status_code == 200
    assert data["database"] == "ok"
    assert data["redis"] == "ok"
    assert data["worker"] in {"ok", "saknas"}


@pytest.mark.django_db
def test_security_headers_and_csp(client):
    response = client.get("/logga-in/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
