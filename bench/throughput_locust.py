"""Locust users for bench/throughput.py: staff who sign in through the real login form and
work the inbox, case pages, search, deviation reports and receiving, and residents who use the
public complaint form. Run by bench/throughput.py (`locust --headless -f` this file); the
accounts come from the JSON file named by BENCH_TP_USERS, written by its seeding step.

Figures count from when every staff member has signed in (see MEASURE_S below).
Every response that is not 2xx/3xx counts as an error, and so does a POST that does not end
in the redirect a successful submit gives (a form shown again with errors is a 400 anyway).
CSRF as in a browser: the token is read from the form the page rendered."""

import itertools
import json
import os
import random
import re
from collections import defaultdict, deque
from datetime import date, timedelta

import gevent
from locust import FastHttpUser, between, events, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_LINK = re.compile(r'href="(/arenden/[^"/]+/)" data-open')
UNIT_OPTION = re.compile(r'<option value="(\d+)"')
TYPE_OPTION = re.compile(r'name="complaint_type" value="([^"]+)"')
SEARCH_WORDS = ("läkemedel", "journal", "bemötande", "hemtjänst", "utredning", "larm dos")

with open(os.environ["BENCH_TP_USERS"], encoding="utf-8") as fh:
    ACCOUNTS = json.load(fh)
PASSWORD = ACCOUNTS["password"]
STAFF = ACCOUNTS["staff"]
_next_staff = itertools.count()
# Reports waiting to be received, per section: (reporter, reference). A colleague in the same
# section receives them (never the reporter), as in the workflow.
PENDING: dict[int, deque] = defaultdict(deque)
# The measured window starts when every staff member has signed in (a sign-in hashes the
# password, seconds of CPU for twenty at once) and lasts BENCH_TP_SECONDS; the sign-ins are
# real requests through the form, but not part of the figures. At most BENCH_TP_WARMUP s.
MEASURE_S = float(os.environ.get("BENCH_TP_SECONDS", "60"))
WARMUP_S = float(os.environ.get("BENCH_TP_WARMUP", "120"))
SIGNED_IN = {"count": 0, "measuring": False}


def _measure(environment) -> None:
    if SIGNED_IN["measuring"]:
        return
    SIGNED_IN["measuring"] = True
    environment.runner.stats.reset_all()
    print(f"measuring {MEASURE_S:.0f} s from now", flush=True)
    gevent.spawn_later(MEASURE_S, environment.runner.quit)


@events.test_start.add_listener
def _start(environment, **kwargs) -> None:
    gevent.spawn_later(WARMUP_S, _measure, environment)


def _ok(response, expected: tuple[int, ...] = ()) -> None:
    good = response.status_code in expected if expected else 200 <= response.status_code < 400
    if not good:
        response.failure(f"status {response.status_code}")
    else:
        response.success()


class Staff(FastHttpUser):
    """A sektionschef or kvalitetsstrateg: reads much, writes some."""

    weight = 5
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        account = STAFF[next(_next_staff) % len(STAFF)]
        self.username = account["username"]
        self.section = account["section"]
        self.handles = account["handles"]
        self.cases: list[str] = []
        self.csrf = ""
        self._get("/logga-in/", "login form")
        with self.client.post(
            "/logga-in/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "next": "/inkorg/",
                "csrfmiddlewaretoken": self.csrf,
            },
            name="login (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _ok(response, (302,))
        SIGNED_IN["count"] += 1
        staff = self.environment.runner.user_classes_count.get("Staff", 0)
        if SIGNED_IN["count"] >= staff:
            _measure(self.environment)
        self.inbox()

    def _get(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            _ok(response)
            text = response.text or ""
        found = CSRF.search(text)
        if found:
            self.csrf = found.group(1)
        return text

    def _post(self, url: str, data: dict, name: str) -> str:
        data = {**data, "csrfmiddlewaretoken": self.csrf}
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            _ok(response, (302,))
            return response.headers.get("Location", "") if response.status_code == 302 else ""

    @task(30)
    def inbox(self) -> None:
        text = self._get("/inkorg/", "inbox")
        links = CASE_LINK.findall(text)
        if links:
            self.cases = links

    @task(25)
    def case_page(self) -> None:
        if not self.cases:
            return self.inbox()
        self._get(random.choice(self.cases), "case page")

    @task(10)
    def search(self) -> None:
        self._get(f"/inkorg/?q={random.choice(SEARCH_WORDS)}", "inbox search")

    @task(8)
    def report_deviation(self) -> None:
        self._get("/avvikelser/ny/", "deviation form")
        location = self._post(
            "/avvikelser/ny/",
            {
                "unit": self.section,
                "occurred_on": (date.today() - timedelta(days=1)).isoformat(),
                "description": "Läkemedel gavs en timme för sent vid överlämningen.",
                "immediate_consequence": "",
                "title": "Försenad läkemedelsgivning",
            },
            "report deviation (POST)",
        )
        match = re.search(r"/avvikelser/([^/]+)/kvitto/", location)
        if match:
            self._get(location, "deviation receipt")
            if self.handles:
                PENDING[self.section].append((self.username, match.group(1)))

    @task(8)
    def receive(self) -> None:
        if not self.handles:  # a kvalitetsstrateg searches instead
            return self.search()
        queue = PENDING[self.section]
        mine = [item for item in queue if item[0] == self.username]
        others = [item for item in queue if item[0] != self.username]
        if not others:
            return self.report_deviation() if len(mine) < 5 else self.inbox()
        item = others[0]
        queue.remove(item)
        reference = item[1]
        self._get(f"/arenden/{reference}/", "case page")
        self._post(
            f"/avvikelser/{reference}/mottag/",
            {"receive-reason": "Mottagen för utredning"},
            "receive deviation (POST)",
        )


class Resident(FastHttpUser):
    """A resident leaving a complaint through the public e-service (no login)."""

    weight = 1
    wait_time = between(1.0, 3.0)

    @task
    def complaint(self) -> None:
        with self.client.get("/e-tjanst/", name="public form", catch_response=True) as response:
            _ok(response)
            text = response.text or ""
        token = CSRF.search(text)
        units = UNIT_OPTION.findall(text)
        types = TYPE_OPTION.findall(text)
        with self.client.post(
            "/e-tjanst/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "complaint_type": random.choice(types) if types else "",
                "unit": random.choice(units) if units else "vet-inte",
                "description": "Min pappa fick vänta länge på hemtjänsten i förra veckan.",
                "occurred_on": "",
                "sender_category": "",
                "anonymous": "ja",
                "website": "",
            },
            name="public form (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _ok(response, (302,))
        self.client.cookiejar.clear()  # the next resident is someone else
