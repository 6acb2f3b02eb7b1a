"""The fault tests stop and restart servers and kill Celery workers: they run alone, after the
parallel pass (scripts/pytest_passes.sh), never on an xdist worker beside other tests."""

import os

import pytest


@pytest.fixture(autouse=True)
def _alone():
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.fail(
            "tests/faults runs alone, without xdist: `pytest -p no:xdist tests/faults` "
            "(make test does that after the parallel pass)."
        )
