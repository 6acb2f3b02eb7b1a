"""Shared fixtures. Tests run against the real PostgreSQL and Redis (never SQLite, no mocks)."""

import hashlib
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine

os.environ.setdefault("AVVIKA_TESTING", "1")

from django.db.backends.postgresql.operations import DatabaseOperations  # noqa: E402
from django.db.models.signals import post_migrate  # noqa: E402

from cases.models import Role  # noqa: E402
from tests.factories import UserFactory, make_unit, member  # noqa: E402

_truncate_flush = DatabaseOperations.sql_flush


def _delete_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """The flush after each transactional test (live server, locking tests) with DELETE instead
    of TRUNCATE: the tables hold a few rows, and TRUNCATE replaces the files of ~130 tables and
    their indexes (1.4 s a flush, 5 s with two workers fsyncing at once; DELETE takes 0.1 s).
    Every foreign key is DEFERRABLE (Django creates them so), so the order does not matter."""
    if reset_sequences or allow_cascade or not tables:
        return _truncate_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    # The statistics' tables last, each after what writes to it: deleting cases and their code
    # rows writes to the case tally and the facts, deleting facts to the code tally (reports
    # migrations 0007–0009). Deleted earlier, a table was left with rows for the next test.
    last = (
        "reports_casetally",
        "reports_casefacts",
        "reports_codetallypending",
        "reports_codetally",
    )
    ordered = sorted(tables, key=lambda t: last.index(t) + 1 if t in last else 0)
    return ["SET CONSTRAINTS ALL DEFERRED;"] + [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))};"
        for t in ordered
    ]


DatabaseOperations.sql_flush = _delete_flush

ROOT = Path(__file__).resolve().parents[1]


# --- One migrated template database, copied for every test database ---------------------------
# Migrating an empty database takes ~20 s of CPU (Django renders the model state of every
# migration). Every xdist worker and the fault-test pass need a test database; the first one
# migrates a template, the others copy it (CREATE DATABASE … TEMPLATE, about a second). The
# template's name carries a hash of the migrations and pyproject.toml, so a change builds a new
# one, and it stays on the server for the next run.


_PROJECT_IMPORT = re.compile(r"^\s*(?:from|import)\s+([a-z_]+(?:\.[a-z_]+)+)", re.MULTILINE)


def _imported_modules(migrations: list[Path]) -> list[Path]:
    """The project's own modules a migration imports (the seeded report templates live in
    reports/editions/template_data.py): their content is part of what a migrated database
    holds, so it belongs in the key. A changed template structure once survived in a cached
    template database and failed CI while every migration file was unchanged."""
    found: set[Path] = set()
    for migration in migrations:
        for dotted in _PROJECT_IMPORT.findall(migration.read_text()):
            candidate = ROOT.joinpath(*dotted.split(".")).with_suffix(".py")
            if candidate.is_file() and "migrations" not in candidate.parts:
                found.add(candidate)
    return sorted(found)


def _template_key() -> str:
    digest = hashlib.sha256()
    migrations = sorted(ROOT.glob("*/migrations/*.py"))
    for path in migrations + _imported_modules(migrations) + [ROOT / "pyproject.toml"]:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _server_url(db: dict, name: str) -> str:
    auth = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{auth}@{host}/{quote(name)}"


def _build_template(conn, db: dict, template: str, base: str) -> None:
    building = f"{template}_new"
    conn.execute(f'DROP DATABASE IF EXISTS "{building}"')
    conn.execute(f'CREATE DATABASE "{building}"')
    env = {
        **os.environ,
        "DATABASE_URL": _server_url(db, building),
        "AVVIKA_TESTING": "1",
        "DEBUG": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        conn.execute(f'DROP DATABASE IF EXISTS "{building}"')
        raise RuntimeError(f"migrating the test template failed:\n{result.stderr[-3000:]}")
    conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    # Templates of older migrations: nobody copies them any more.
    stale = re.compile(rf"{re.escape(base)}_tpl_[0-9a-f]{{10}}")
    for (name,) in conn.execute("SELECT datname FROM pg_database").fetchall():
        if stale.fullmatch(name) and name != template:
            try:
                conn.execute(f'DROP DATABASE "{name}"')
            except psycopg.Error:
                pass  # in use by another run; its own run will drop it later


@pytest.fixture(scope="session")
def _test_db_template(django_db_modify_db_settings, django_db_blocker):
    """Point the test database's TEST["TEMPLATE"] at a migrated template, built if missing."""
    from django.db import connections

    db = connections["default"].settings_dict
    base = re.sub(r"_gw\d+$", "", db["TEST"]["NAME"])
    template = f"{base}_tpl_{_template_key()}"
    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(autocommit=True, **params) as conn:
        # One builder at a time; the others wait here, then find the template made.
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
        try:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [template]
            ).fetchone()
            if not found:
                _build_template(conn, db, template, base)
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
    db["TEST"]["TEMPLATE"] = template


@pytest.fixture(scope="session")
def django_db_setup(_test_db_template, django_db_setup):
    """pytest-django's database setup, on a copy of the template."""
    yield


# Every test runs on a pinned clock so that nothing depends on the day the suite runs (deadlines
# count Swedish working days; digests and "overdue" depend on the weekday and the hour). An
# ordinary Monday morning in term time; the clock ticks on from there. Tests about awkward
# moments (a Sunday night, New Year's Eve, midsommar, the DST night) move it themselves with
# the `clock` fixture. Tests that drive other processes (the fault tests) keep the real clock.
PINNED_NOW = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture(autouse=True)
def clock(request):
    """The pinned clock (a time_machine traveller); `clock.move_to(moment)` moves it."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Fixtures create many users; PBKDF2 at full strength would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Production requires two-factor for most roles (DEBUG=0); the tests log in with a password
    # or force_login, so the policy is off unless a test turns it on
    # (tests/cases/test_two_factor.py proves the production default).
    settings.AVVIKA_REQUIRE_2FA = False
    # Each test gets its own cache namespace on the real Redis.
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "KEY_PREFIX": f"test-{os.getpid()}-{tmp_path.name}",
        }
    }


@pytest.fixture
def org(db):
    """A small tree: förvaltning → two avdelningar → sections, with people in every role.

    ASF
    ├── A (avdelning)
    │   ├── A1 (sektion)
    │   └── A2 (sektion)
    └── B (avdelning)
        └── B1 (sektion)
    """
    asf = make_unit("ASF", "Förvaltningen", kind_code="forvaltning")
    a = make_unit("A", "Avdelning A", asf, "avdelning")
    a1 = make_unit("A1", "Sektion A1", a)
    a2 = make_unit("A2", "Sektion A2", a)
    b = make_unit("B", "Avdelning B", asf, "avdelning")
    b1 = make_unit("B1", "Sektion B1", b)
    people = {
        "chef_a1": (Role.SEKTIONSCHEF, a1),
        "chef_a": (Role.SEKTIONSCHEF, a),
        "chef_b1": (Role.SEKTIONSCHEF, b1),
        "staff_a1": (Role.MEDARBETARE, a1),
        "investigator": (Role.UTREDARE, asf),
        "au": (Role.ARBETSUTSKOTT, asf),
        "quality": (Role.KVALITETSSTRATEG, asf),
        "admin": (Role.ADMINISTRATOR, asf),
    }
    users = {}
    for username, (role, unit) in people.items():
        user = UserFactory(username=username)
        member(user, unit, role)
        users[username] = user
    units = {"ASF": asf, "A": a, "A1": a1, "A2": a2, "B": b, "B1": b1}
    for key, unit in units.items():
        units[key] = type(unit).objects.get(pk=unit.pk)
    return type("Org", (), {"units": units, "users": users})


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture(autouse=True)
def _reference_data(request):
    node = request.node
    marker = node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "live_server" in getattr(node, "fixturenames", ())
    )
    names = getattr(node, "fixturenames", ())
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in names:
        # Normally restored after every flush (_reseed_after_flush); a database left by an
        # interrupted --reuse-db run may still lack it. The check costs one query.
        request.getfixturevalue("db")
    else:
        yield
        return
    from cases.models import UnitKind

    if not UnitKind.objects.exists():
        _reseed()
    yield


def _reseed_after_flush(sender, using="default", **kwargs):
    """The flush after a transactional test empties every table, reference data (code lists,
    unit kinds, report templates from the data migrations) included; put it back at once, so
    the database is as migrated again whatever test runs next on this xdist worker, in
    whatever order. The flush sends post_migrate; so does migrate, which has the data."""
    if sender.label != "cases":
        return
    from cases.models import UnitKind

    if not UnitKind.objects.using(using).exists():
        _reseed()


post_migrate.connect(_reseed_after_flush, dispatch_uid="avvika-tests-reseed-after-flush")


def _reseed() -> None:
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    local_apps = ["cases", "deviations", "lexsarah", "riskanalysis", "selfcontrol", "reports"]
    loader = MigrationLoader(connection)
    plan: list = []
    for leaf in loader.graph.leaf_nodes():
        for node in loader.graph.forwards_plan(leaf):
            if node[0] in local_apps and node not in plan:
                plan.append(node)
    with connection.schema_editor() as editor:
        for node in plan:
            for op in loader.graph.nodes[node].operations:
                if isinstance(op, RunPython):
                    op.code(apps, editor)
