"""Permission sweep (issue #10): every URL pattern of the project × every role.

- A route without an entry in tests/security/sweep_table.py fails the suite, so a new view
  cannot escape the sweep.
- Pages: anonymous → login (or 200 for the public e-service, login, health); each role gets
  exactly its expected answer; lists, search, exports and fragments never show the world's
  A1 objects to a role without scope over them.
- Every answer to a logged-in role carries `Cache-Control: no-store` (issue 15).
- POST-only views refuse GET (405) and refuse a POST from out-of-scope users without changing
  anything (every history table and the job table are counted before and after).
"""

import io
import re

import pytest
from django.urls import resolve, reverse

from tests.security.sweep import all_routes
from tests.security.sweep_table import BLIND, PROBES, ROLES, TABLE, Post
from tests.security.world import state_fingerprint

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\s(?:src=|type=[\"']application/json))[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_every_route_has_a_sweep_entry():
    names = [r.name for r in all_routes()]
    missing = sorted(set(names) - set(TABLE))
    assert not missing, f"routes without a permission-sweep entry: {missing}"
    stale = sorted(set(TABLE) - set(names))
    assert not stale, f"sweep entries for routes that no longer exist: {stale}"
    assert len(names) == len(set(names)), "two routes share a name"


def _text(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith(XLSX):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(v)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    if content_type.startswith("application/pdf"):
        return ""
    return body.decode("utf-8", "replace")


class Sweep:
    """One logged-in client per role, kept across routes: logging in again before every
    request was 1 500 logins (a fifth of the sweep's time). Only POSTs write to the session
    (receipt codes, logout), so a client starts afresh after each POST."""

    def __init__(self, client, world):
        self.world, self.count, self.failures = world, 0, []
        self.client_class = type(client)
        self.clients: dict[str, object] = {}
        self.client = client

    def as_(self, role: str):
        if role not in self.clients:
            client = self.client_class()
            if role != "anonymous":
                client.force_login(self.world.users[role], backend=MODEL_BACKEND)
            self.clients[role] = client
        self.client = self.clients[role]
        self.role = role

    def posted(self):
        self.clients.pop(self.role, None)

    def check(self, name, role, method, response, expected, entry, headers):
        self.count += 1
        where = f"{name} {method}{' htmx' if headers else ''} as {role}"
        if response.status_code != expected:
            self.failures.append(f"{where}: {response.status_code}, expected {expected}")
            return None
        if role != "anonymous" and name != "logout":
            # Issue 15: no answer to a logged-in user may be stored by a browser or proxy.
            if "no-store" not in response.get("Cache-Control", ""):
                self.failures.append(f"{where}: no Cache-Control: no-store")
        if role == "anonymous" and expected == 302:
            location = response["Location"]
            if not location.startswith(entry.anon_to):
                self.failures.append(f"{where}: redirected to {location}")
        if response.get("Content-Type", "").startswith("text/html"):
            self.check_html(where, response)
        return response

    def check_html(self, where, response):
        """Every HTML answer (pages, fragments, 403/404/405 pages): CSP without unsafe-*,
        no inline script or handler that the CSP would have to allow, no stack trace."""
        csp = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in csp or "unsafe-" in csp:
            self.failures.append(f"{where}: CSP {csp!r}")
        body = _text(response)
        if INLINE_SCRIPT.search(body) or INLINE_HANDLER.search(body) or "Traceback" in body:
            self.failures.append(f"{where}: inline script/handler or stack trace in the page")


def _pages(sweep: Sweep, name, url, entry):
    variants = [{}] + ([{"HTTP_HX_REQUEST": "true"}] if entry.htmx else [])
    for headers in variants:
        for role in ROLES:
            sweep.as_(role)
            response = sweep.client.get(url, **headers)
            if sweep.check(name, role, "GET", response, entry.expect[role], entry, headers) is None:
                continue
            if entry.marker is None or response.status_code != 200:
                continue
            marker = entry.marker(sweep.world)
            shown = marker in _text(response)
            if role == entry.seen_by and not shown:
                sweep.failures.append(f"{name} as {role}: {marker!r} missing (marker check void)")
            if role in BLIND and shown:
                sweep.failures.append(f"{name} as {role}: shows {marker!r} out of scope")


def _post_only(sweep: Sweep, name, url, entry):
    expect: Post = entry.expect
    for role in ROLES:
        sweep.as_(role)
        sweep.check(name, role, "GET", sweep.client.get(url), expect.get[role], entry, {})
    for role in PROBES:
        sweep.as_(role)
        before = state_fingerprint()
        response = sweep.client.post(url, entry.post_data(sweep.world))
        sweep.posted()
        sweep.check(name, role, "POST", response, expect.post[role], entry, {})
        if state_fingerprint() != before:
            sweep.failures.append(f"{name} POST as {role}: the refused POST changed data")


def test_permission_sweep(client, world, capsys):
    sweep = Sweep(client, world)
    for route in all_routes():
        entry = TABLE[route.name]
        url = reverse(route.name, kwargs=entry.kwargs(world))
        query = entry.query(world) if callable(entry.query) else entry.query
        view_class = getattr(resolve(url).func, "view_class", None)
        has_get = view_class is None or (
            hasattr(view_class, "get") and "get" in view_class.http_method_names
        )
        if isinstance(entry.expect, Post):
            if has_get:
                sweep.failures.append(f"{route.name}: table says POST-only, the view has GET")
            _post_only(sweep, route.name, url + query, entry)
        else:
            if not has_get:
                sweep.failures.append(f"{route.name}: table says page, the view has no GET")
            _pages(sweep, route.name, url + query, entry)
    with capsys.disabled():
        print(
            f"\npermission sweep: {len(TABLE)} routes, {len(ROLES)} roles, "
            f"{sweep.count} URL × role requests"
        )
    assert not sweep.failures, "\n".join(sweep.failures)


def test_statistics_refuse_a_unit_out_of_scope(world, client):
    """The unit is a query parameter: chef_b1 asking for Sektion A1 gets no figures."""
    client.force_login(world.users["chef_b1"], backend=MODEL_BACKEND)
    query = f"?unit={world.org.units['A1'].pk}&year=2025&period_start_month=1"
    page = client.get(reverse("reports:statistics") + query)
    assert page.status_code == 400
    export = client.get(reverse("reports:statistics_xlsx") + query + "&block=1&table=0")
    assert export.status_code == 404
