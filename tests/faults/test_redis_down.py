"""With Redis unreachable every page still works; /health/ reports it."""

import json

import pytest

from tests.factories import make_case

pytestmark = [pytest.mark.faults, pytest.mark.django_db, pytest.mark.real_clock]
DEAD_REDIS = "redis://127.0.0.1:6399/0"  # nothing listens here


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    settings.REDIS_URL = DEAD_REDIS
    settings.CELERY_BROKER_URL = DEAD_REDIS
    # Changing CACHES through the settings fixture makes Django rebuild its cache handlers.
    yield


def test_staff_pages_work_without_redis(org, login, redis_down):
    case = make_case(org.units["A1"], title="Utan Redis")
    client = login(org.users["chef_a1"])
    for url in [
        "/",
        case.get_absolute_url(),
        f"/arenden/{case.reference}/historik/",
        "/arenden/logg/",
    ]:
        assert client.get(url).status_code == 200, url


def test_login_works_without_redis(org, client, redis_down):
    response = client.post("/logga-in/", {"username": "chef_a1", "password": "Testlosenord-123"})
    assert response.status_code == 302


def test_health_reports_redis_down(db, client, redis_down):
    response = client.get("/health/")
    data = json.loads(response.content)
    assert data["database"] == "ok"
    assert data["redis"] == "fel"
    assert response.status_code == 200
