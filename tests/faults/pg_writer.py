"""Run by test_pg_restart: keeps writing cases through the service layer, one "request" at a
time, while the test restarts PostgreSQL. Prints the acknowledged references as JSON."""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import DatabaseError, close_old_connections  # noqa: E402

from cases.models import Unit, UnitKind  # noqa: E402
from cases.services.cases import case_create  # noqa: E402
from cases.services.org import unit_create  # noqa: E402


def main(duration: float) -> None:
    unit = Unit.objects.filter(code="F1").first() or unit_create(
        code="F1", name="Felsektion", kind=UnitKind.objects.get(code="sektion")
    )
    acked: list[str] = []
    failures = 0
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        # What Django does around every request: drop connections that are broken or too old.
        close_old_connections()
        try:
            case = case_create(
                kind="deviation", unit=unit, title="Skrivning under omstart", actor=None
            )
            acked.append(case.reference)
        except DatabaseError:
            failures += 1
            time.sleep(0.1)
        time.sleep(0.02)
    print(json.dumps({"acked": acked, "failures": failures}))


if __name__ == "__main__":
    main(float(sys.argv[1]))
