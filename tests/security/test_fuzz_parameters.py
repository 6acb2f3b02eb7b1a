"""No 500 from any parameter (issue 15, Found 6 / Deliver 7).

Every route of the permission sweep (`sweep.all_routes()`, kwargs from `sweep_table.TABLE`) is
requested by one user who holds every role on the förvaltning (the widest rights: every page
answers, so the parameters are really read) with a hostile value in

- each path kwarg in turn (a NUL byte after a reference, non-ASCII digits, a huge number, a
  malformed date, a cursor, markup, a very long value), and
- each known query parameter (every FilterSet's fields, the inbox's paging and cursors, the
  prefill and export parameters), one at a time and all at once.

The answer must be below 500 (400/404 with a Swedish message, or the page with the value
refused). POST-only routes get an empty POST with the hostile path kwargs (their GET is a 405
before anything is read).
"""

import pytest
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse

from cases.filters import AccessLogFilter, InboxFilter
from cases.models import Role
from cases.supervision.filters import SupervisionFilter
from reports.filters import AreaFilter
from riskanalysis.filters import AnalysisFilter
from selfcontrol.filters import PlanFilter
from tests.factories import UserFactory, member
from tests.security.sweep import all_routes
from tests.security.sweep_table import TABLE, Post

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

HOSTILE = [
    "\x00",
    "X\x00",
    "²",
    "٣٤",  # Arabic-Indic digits: str.isdigit() says yes, int() says yes, the database no
    "99999",
    "99999999999999999999999",
    "-1",
    "0",
    "2025-13-45",
    "2025-02-30",
    "10000-01-01",
    "eyJ4IjoxfQ",  # a base64 cursor of the wrong shape
    "!!!notbase64",
    "1.5",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "å" * 3000,
]

FILTERSETS = (
    AccessLogFilter,
    InboxFilter,
    SupervisionFilter,
    AreaFilter,
    AnalysisFilter,
    PlanFilter,
)
# Parameters read outside a FilterSet (grep request.GET): paging, cursors, prefill, exports.
EXTRA_PARAMS = (
    "antal",
    "efter",
    "fore",
    "sort",
    "maskerad",
    "next",
    "mall",
    "kopiera",
    "ref",
    "block",
    "table",
    "unit",
    "year",
    "period_start_month",
    "period_start_day",
    "page",
    "q",
    "alla",
)


# Read by middleware on every request, not parameters of a page.
IGNORED = {"csrfmiddlewaretoken"}


def _params() -> list[str]:
    names = set(EXTRA_PARAMS)
    for filterset in FILTERSETS:
        names.update(filterset.base_filters)
    return sorted(names)


class _Recorder:
    """Which query parameters a view reads: every QueryDict lookup during one ordinary GET of
    the route is noted (FilterSet widgets, paging, prefill — whatever the code asks for)."""

    def __init__(self, monkeypatch):
        self.keys: set[str] = set()
        recorder = self
        # Not __contains__: parsing the query string asks it for every key present.
        for method in ("get", "getlist", "__getitem__"):
            original = getattr(QueryDict, method)

            def spy(self, key, *args, _original=original, **kwargs):
                recorder.keys.add(key)
                return _original(self, key, *args, **kwargs)

            monkeypatch.setattr(QueryDict, method, spy)


def _plausible(world) -> dict[str, str]:
    """Valid values for the parameters other parameters depend on."""
    return {
        "unit": str(world.org.units["A1"].pk),
        "year": "2025",
        "ar": "2025",
        "period_start_month": "1",
        "period_start_day": "1",
        "block": "1",
        "table": "0",
        "antal": "25",
    }


def _widest_user(world):
    user = UserFactory(username="fuzz_widest")
    for role in Role.values:
        member(user, world.org.units["ASF"], role)
    return user


def _path_variants(route, kwargs):
    """The route's URL with each kwarg replaced by each hostile value (reverse() would refuse
    most of them, so the real URL is taken apart instead)."""
    url = reverse(route.name, kwargs=kwargs)
    for key, value in kwargs.items():
        real = f"/{value}/"
        if real not in url:
            continue
        for bad in HOSTILE:
            yield key, bad, url.replace(real, f"/{bad}/", 1)


# The walk is split in shards so the xdist workers share it (one shard took ~6 minutes alone).
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_route_survives_hostile_parameters(world, client, monkeypatch, shard):
    user = _widest_user(world)
    client.force_login(user, backend=MODEL_BACKEND)
    params = _params()
    failures: list[str] = []
    routes_reading: dict[str, list[str]] = {}
    count = 0

    def fetch(method: str, url: str, data: dict | None, where: str) -> None:
        nonlocal count
        count += 1
        # Every POST is rolled back: the world stays as it is for the next request.
        savepoint = transaction.savepoint()
        try:
            response = getattr(client, method)(url, data or {})
        except Exception as exc:  # the test client re-raises a view's exception
            failures.append(f"{where}: {type(exc).__name__}: {str(exc)[:120]!r}")
            transaction.savepoint_rollback(savepoint)
            return
        transaction.savepoint_rollback(savepoint)
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code}")
        if method == "post":
            client.force_login(user, backend=MODEL_BACKEND)  # a POST may log out

    valid = _plausible(world)
    recorder = _Recorder(monkeypatch)
    for route in all_routes()[shard::SHARDS]:
        entry = TABLE[route.name]
        if route.name == "logout":
            continue
        kwargs = entry.kwargs(world)
        url = reverse(route.name, kwargs=kwargs)
        post_only = isinstance(entry.expect, Post)
        method = "post" if post_only else "get"
        for key, bad, bad_url in _path_variants(route, kwargs):
            fetch(method, bad_url, None, f"{route.name} {key}={bad[:20]!r}")
        if post_only:
            continue
        # What the view reads: plain, and with plausible values (some parameters are read
        # only once others are valid: the statistics' period once a unit is chosen).
        recorder.keys.clear()
        fetch("get", url, None, f"{route.name} (ordinary)")
        fetch("get", url, valid, f"{route.name} (plausible)")
        read = sorted(k for k in recorder.keys if isinstance(k, str) and k not in IGNORED)
        routes_reading[route.name] = read
        base = {k: v for k, v in valid.items() if k in read}
        for bad in HOSTILE if read else ():
            fetch("get", url, {p: bad for p in params}, f"{route.name} all params={bad[:20]!r}")
            for p in read:
                # One hostile value, the others plausible: the hostile one is really read.
                fetch("get", url, {**base, p: bad}, f"{route.name} ?{p}={bad[:20]!r}")
    print(f"\nparameter fuzz: {count} requests; parameters read: {routes_reading}")
    if "inbox:list" in routes_reading:  # in one shard: the recorder must see what it reads
        assert routes_reading["inbox:list"], "the recorder saw no parameter (check void)"
    assert not failures, f"{len(failures)} of {count}:\n" + "\n".join(failures[:80])


def test_a_nul_byte_in_a_reference_is_a_swedish_404(world, client):
    """The examples of the issue, by name."""
    client.force_login(_widest_user(world), backend=MODEL_BACKEND)
    response = client.get("/arenden/X%00/historik/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()
    for url in (
        "/riskanalyser/?arende=%00",
        "/riskanalyser/?year=%C2%B2",
        "/riskanalyser/?year=99999",
    ):
        assert client.get(url).status_code < 500, url
    assert client.get("/riskanalyser/ny/?mall=%C2%B2").status_code == 200
