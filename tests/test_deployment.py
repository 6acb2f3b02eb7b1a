"""Deployment files refer to things that exist (DESIGN §9, §10).

docker-compose.yml, Dockerfile, Makefile, .ci/run and scripts/ are parsed, not run (no Docker
engine is needed): every module, Celery app, queue and management command they name must exist
in this project, and the persistence settings the design asks for must be there.
"""

import importlib
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = {"web", "worker", "pdfworker", "beat", "migrate"}
REQUIRED_SERVICES = APP_SERVICES | {"db", "redis"}
CELERY_SERVICES = {"worker", "pdfworker", "beat"}
LONG_RUNNING = {"web", "worker", "pdfworker", "beat"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def argv(service: dict) -> list[str]:
    command = service.get("command")
    assert command, "service has no command"
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def option(args: list[str], *names: str) -> str | None:
    """Value of a CLI option given as `-Q x`, `-Qx`, `--queues x` or `--queues=x`."""
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                return args[i + 1]
            if name.startswith("--") and arg.startswith(name + "="):
                return arg.split("=", 1)[1]
            if not name.startswith("--") and arg.startswith(name) and arg != name:
                return arg[len(name) :]
    return None


def celery_app(args: list[str]) -> Celery:
    assert Path(args[0]).name == "celery", args
    name = option(args, "-A", "--app")
    assert name, f"no -A/--app in {args}"
    app = find_app(name)  # what `celery -A name` itself does
    assert isinstance(app, Celery), f"-A {name} is not a Celery app"
    return app


def known_queues(app: Celery) -> set[str]:
    routes = app.conf.task_routes or {}
    if isinstance(routes, dict):
        routes = [routes]
    queues = {app.conf.task_default_queue}
    for table in routes:
        if isinstance(table, dict):
            queues |= {r["queue"] for r in table.values() if isinstance(r, dict) and "queue" in r}
    return queues


def worker_queues(args: list[str], app: Celery) -> set[str]:
    value = option(args, "-Q", "--queues")
    return set(value.split(",")) if value else {app.conf.task_default_queue}


# --- docker-compose.yml ------------------------------------------------------------------------


def test_required_services_exist(services):
    assert REQUIRED_SERVICES <= set(services), REQUIRED_SERVICES - set(services)


def test_app_services_build_the_project_image_and_read_the_optional_env_file(services):
    for name in APP_SERVICES:
        service = services[name]
        assert service.get("build") == ".", name
        env_files = service.get("env_file")
        assert {"path": ".env", "required": False} in env_files, name
        env = service["environment"]
        for key in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
            assert key in env, (name, key)
        assert str(env["DEBUG"]) == "0", name
        assert "@db:5432/" in env["DATABASE_URL"], name
        assert env["REDIS_URL"].startswith("redis://redis:6379/"), name


def test_web_serves_the_wsgi_application_with_gunicorn(services):
    args = argv(services["web"])
    assert args[0] == "gunicorn"
    target = next(a for a in args[1:] if ":" in a and not a.startswith("-"))
    module_name, attribute = target.split(":")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute)), target
    assert option(args, "-b", "--bind") == "0.0.0.0:8000"
    assert option(args, "-w", "--workers") == "3"


def test_celery_services_use_the_project_app(services):
    for name in CELERY_SERVICES:
        args = argv(services[name])
        app = celery_app(args)
        assert app.main == "avvika", name
    assert "worker" in argv(services["worker"])
    assert "worker" in argv(services["pdfworker"])
    assert "beat" in argv(services["beat"])


def test_worker_queues_exist_and_every_routed_queue_is_consumed(services):
    consumed: set[str] = set()
    app = None
    for name, service in services.items():
        if "command" not in service:
            continue
        args = argv(service)
        if Path(args[0]).name != "celery" or "worker" not in args:
            continue
        app = celery_app(args)
        queues = worker_queues(args, app)
        assert queues <= known_queues(app), (name, queues - known_queues(app))
        consumed |= queues
    assert app is not None
    assert known_queues(app) <= consumed, f"no worker consumes {known_queues(app) - consumed}"


def test_pdf_worker_is_isolated_and_limited(services):
    args = argv(services["pdfworker"])
    app = celery_app(args)
    assert worker_queues(args, app) == {"pdf"}
    assert "pdf" not in worker_queues(argv(services["worker"]), app)
    assert option(args, "-c", "--concurrency") == "1"
    assert int(option(args, "--max-memory-per-child") or 0) > 0
    assert int(option(args, "--time-limit") or 0) > 0


def test_exactly_one_beat(services):
    beats = [n for n, s in services.items() if "command" in s and "beat" in argv(s)[:4]]
    assert beats == ["beat"]


def test_migrate_is_a_one_shot_that_the_app_waits_for(services):
    args = argv(services["migrate"])
    assert args[:3] == ["python", "manage.py", "migrate"]
    assert str(services["migrate"].get("restart")) == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in LONG_RUNNING:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_database_is_postgres_15_on_a_named_volume(compose, services):
    db = services["db"]
    assert db["image"].startswith("postgres:15")
    assert "healthcheck" in db
    named = {v.split(":")[0]: v.split(":")[1] for v in db["volumes"]}
    assert "/var/lib/postgresql/data" in named.values()
    volume = next(k for k, v in named.items() if v == "/var/lib/postgresql/data")
    assert volume in compose["volumes"], "db data must be a declared named volume"


def test_redis_persists_with_aof_and_never_evicts(compose, services):
    redis = services["redis"]
    assert redis["image"].startswith("redis:7")
    args = argv(redis)
    assert option(args, "--appendonly") == "yes"
    assert option(args, "--maxmemory-policy") == "noeviction"
    assert "healthcheck" in redis
    mounts = {v.split(":")[0]: v.split(":")[1] for v in redis["volumes"]}
    assert "/data" in mounts.values()
    assert next(k for k, v in mounts.items() if v == "/data") in compose["volumes"]


def test_compose_variables_are_documented_in_env_example(compose):
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    variables = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    assert variables
    missing = {v for v in variables if not re.search(rf"^#?\s*{v}=", example, re.M)}
    assert not missing, f"add to .env.example: {sorted(missing)}"


# --- Dockerfile --------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def test_dockerfile_base_runtime_libraries_and_non_root_user():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    run = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in run, package
    assert "collectstatic" in run and "SECRET_KEY=" in run
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}


def test_dockerfile_command_is_the_web_service(services):
    instructions = dockerfile_instructions()
    assert not [rest for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    cmd = json.loads(next(rest for keyword, rest in reversed(instructions) if keyword == "CMD"))
    assert cmd[0] == "gunicorn"
    assert "config.wsgi:application" in cmd
    assert cmd == argv(services["web"])


# --- Commands named anywhere in the deployment files -------------------------------------------


def deployment_texts() -> dict[str, str]:
    paths = [ROOT / "docker-compose.yml", ROOT / "Dockerfile", ROOT / "Makefile", ROOT / ".ci/run"]
    paths += sorted((ROOT / "scripts").glob("*.sh"))
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths}


def test_every_management_command_named_exists():
    available = get_commands()
    named: dict[str, set[str]] = {}
    for path, text in deployment_texts().items():
        for command in re.findall(r"""manage\.py["',\s]+([a-z_]+)""", text):
            named.setdefault(command, set()).add(path)
    for command in re.findall(r"\$\(MANAGE\)\s+([a-z_]+)", deployment_texts()["Makefile"]):
        named.setdefault(command, set()).add("Makefile")
    assert {"migrate", "seed_demo", "collectstatic", "compilemessages"} <= set(named)
    unknown = {c: sorted(p) for c, p in named.items() if c not in available}
    assert not unknown, f"unknown management commands: {unknown}"


def test_makefile_has_the_documented_targets():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", text, re.M))
    expected = {
        "venv",
        "install",
        "system-deps",
        "node-deps",
        "db",
        "run",
        "test",
        "bench",
        "lint",
        "clean",
    }
    assert expected <= targets, expected - targets
    assert (ROOT / "bench" / "run.py").is_file()


def test_ci_runs_make_test():
    ci = ROOT / ".ci" / "run"
    text = ci.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    assert re.search(r"^make test$", text, re.M)
    assert ci.stat().st_mode & 0o111, ".ci/run must be executable"


def test_shell_scripts_parse():
    scripts = [ROOT / ".ci" / "run", *sorted((ROOT / "scripts").glob("*.sh"))]
    for script in scripts:
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script.name}: {result.stderr}"


# --- Configuration and vendored assets ---------------------------------------------------------


def test_every_setting_read_from_the_environment_is_in_the_readme():
    settings_text = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"""env(?:_bool|_int)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", settings_text))
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL"} <= names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert not missing, f"document in README.md's configuration table: {missing}"


def test_htmx_is_vendored_with_licence_and_version():
    vendor = ROOT / "static" / "vendor"
    script = (vendor / "htmx.min.js").read_text(encoding="utf-8")
    version = re.search(r'version:"(\d+\.\d+\.\d+)"', script)
    assert version, "htmx.min.js carries no version string"
    assert "Zero-Clause BSD" in (vendor / "htmx.LICENSE").read_text(encoding="utf-8")
    assert f"| {version.group(1)} |" in (vendor / "README.md").read_text(encoding="utf-8")


def test_axe_core_is_pinned_and_locked():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["devDependencies"]["axe-core"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin axe-core to an exact version"
    assert lock["packages"]["node_modules/axe-core"]["version"] == pinned


def test_a_web_worker_freezes_its_startup_objects_out_of_the_collectors_reach():
    """config.wsgi (what gunicorn loads) imports every view and freezes what is alive then, so a
    full garbage collection during a request does not walk Django's startup objects (it set
    the inbox's p95 at 70–135 ms extra)."""
    code = (
        "import gc; import config.wsgi; "
        "print(gc.get_freeze_count(), 'cases.views.inbox' in __import__('sys').modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"
