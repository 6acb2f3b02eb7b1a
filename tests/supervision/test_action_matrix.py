"""The supervision action matrix: every status × every role of the `org` fixture.

For each, the detail page's offered actions (`data-action`) are compared with the table we
expect, then every action is posted: what the page offers succeeds and changes the
supervision; what it does not offer is refused (404 invisible, 403 not allowed, 400/403 not
possible now) and changes nothing (status, version, every history count). Each POST runs in a
savepoint that is rolled back, so every action starts from the same state.
"""

import re
from contextlib import contextmanager
from datetime import date

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import reverse

from cases.models import CodeList
from cases.supervision import services
from cases.supervision.actions import SUPERVISION_ACTIONS, supervision_actions_offered
from cases.supervision.models import Supervision, SupervisionDecision, SupervisionMeasure
from tests.factories import code

pytestmark = pytest.mark.django_db

ROLES = [
    "chef_a1",
    "chef_a",
    "chef_b1",
    "staff_a1",
    "investigator",
    "au",
    "quality",
    "admin",
    "anonymous",
]
WRITERS = {"chef_a1", "chef_a", "quality"}
READ_ONLY = {"au"}  # sees the supervision, never writes
NO_SUPERVISION_ROLE = {"staff_a1", "investigator", "admin"}  # the pages answer 403
OPEN_ALWAYS = {"decision_add", "measure_add", "measure_complete", "edit"}
# What a writer is offered in each state (an unplanned-for step must fail this table, not
# only the page/service agreement).
EXPECTED = {
    "ongoing": OPEN_ALWAYS,
    "decided": OPEN_ALWAYS | {"response_sent", "close"},
    "response_sent": OPEN_ALWAYS | {"supplement", "close"},
    "closed": set(),
}
ACTION_PATTERN = re.compile(r'data-action="([a-z_]+)"')


def _build(org, state: str, units=("A1",)) -> Supervision:
    quality = org.users["quality"]
    sup = services.supervision_create(
        actor=quality,
        authority="ivo",
        supervision_type=code(CodeList.SUPERVISION_TYPE, "hvb"),
        title="Tillsyn av HVB",
        units=[org.units[u] for u in units],
        initiated_on=date(2026, 10, 1),
        authority_reference="3.5.1-7/2026",
    )
    services.supervision_measure_add(supervision=sup, actor=quality, description="Checklista")
    if state != "ongoing":
        services.supervision_decision_add(
            supervision=sup, actor=quality, decided_on=date(2026, 10, 15), deficiencies_found=False
        )
    if state == "response_sent":
        services.supervision_register_response_sent(
            supervision=sup, actor=quality, sent_on=date(2026, 11, 1)
        )
    if state == "closed":
        services.supervision_close(supervision=sup, actor=quality, closed_on=date(2026, 11, 10))
    return Supervision.objects.get(pk=sup.pk)


def _posts(sup: Supervision, org) -> dict[str, tuple[str, dict]]:
    measure = sup.measures.get()
    return {
        "decision_add": (
            reverse("supervision:decision_add", args=[sup.pk]),
            {"decided_on": "2026-11-12", "deficiencies_found": "0"},
        ),
        "measure_add": (
            reverse("supervision:measure_add", args=[sup.pk]),
            {"description": "Ny rutin", "status": "planerad"},
        ),
        "measure_complete": (
            reverse("supervision:measure_complete", args=[sup.pk, measure.pk]),
            {"completed_on": "2026-11-14"},
        ),
        "response_sent": (
            reverse("supervision:response_sent", args=[sup.pk]),
            {"sent_on": "2026-11-13"},
        ),
        "supplement": (
            reverse("supervision:supplement", args=[sup.pk]),
            {"reason": "IVO vill veta mer"},
        ),
        "close": (reverse("supervision:close", args=[sup.pk]), {"closed_on": "2026-11-14"}),
        "edit": (
            reverse("supervision:edit", args=[sup.pk]),
            {
                "authority": "ivo",
                "supervision_type": code(CodeList.SUPERVISION_TYPE, "hvb").pk,
                "authority_reference": "3.5.1-7/2026",
                "title": "Tillsyn av HVB, ändrad",
                "units": [org.units["A1"].pk],
                "initiated_on": "2026-10-01",
                "version": sup.version,
            },
        ),
    }


def _fingerprint(sup: Supervision) -> tuple:
    fresh = Supervision.objects.get(pk=sup.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.history.count(),
        SupervisionDecision.history.filter(supervision_id=sup.pk).count(),
        SupervisionMeasure.history.filter(supervision_id=sup.pk).count(),
        tuple(fresh.measures.order_by("pk").values_list("status", flat=True)),
    )


@contextmanager
def _rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _login(client, org, role):
    client.logout()
    if role != "anonymous":
        client.force_login(org.users[role], backend="django.contrib.auth.backends.ModelBackend")


def _offered_on_page(client, sup) -> set[str] | int:
    response = client.get(sup.get_absolute_url())
    if response.status_code != 200:
        return response.status_code
    return set(ACTION_PATTERN.findall(response.content.decode()))


@pytest.mark.parametrize("state", list(EXPECTED))
def test_page_offers_exactly_what_the_services_accept(client, org, state):
    sup = _build(org, state)
    failures = []
    for role in ROLES:
        _login(client, org, role)
        on_page = _offered_on_page(client, sup)
        if role in WRITERS | READ_ONLY:
            expected = EXPECTED[state] if role in WRITERS else set()
            if on_page != expected:
                failures.append(f"{state} {role}: page offers {on_page}, expected {expected}")
                continue
            table = {a.name for a in supervision_actions_offered(sup, org.users[role])}
            assert table == on_page, (role, table, on_page)
        else:
            # Out of scope: 404; no supervision role at all: 403; anonymous: the login page.
            expected_code = {"anonymous": 302, "chef_b1": 404}.get(role, 403)
            if on_page != expected_code:
                failures.append(f"{state} {role}: page answered {on_page}")
                continue
            on_page = set()
        for name, (url, data) in _posts(sup, org).items():
            before = _fingerprint(sup)
            with _rolled_back():
                response = client.post(url, data)
                after = _fingerprint(sup)
            where = f"{state} {role} {name}: {response.status_code}"
            if name in on_page:
                if response.status_code != 302 or after == before:
                    failures.append(f"{where}, offered but not accepted")
                continue
            if after != before:
                failures.append(f"{where}, not offered but changed the supervision")
            if role == "anonymous":
                ok = response.status_code == 302 and response["Location"].startswith(
                    resolve_url(settings.LOGIN_URL)
                )
            elif role == "chef_b1":
                ok = response.status_code == 404
            elif role in READ_ONLY | NO_SUPERVISION_ROLE:
                ok = response.status_code == 403
            else:
                ok = response.status_code in (400, 403)
            if not ok:
                failures.append(f"{where}, not offered: expected a refusal")
    assert not failures, "\n".join(failures)


def test_register_is_offered_to_and_accepted_from_writers_only(client, org):
    """Registering: any sektionschef or kvalitetsstrateg, for units in their own scope."""
    writers = WRITERS | {"chef_b1"}
    for role in ROLES:
        unit = org.units["B1" if role == "chef_b1" else "A1"]
        data = {
            "authority": "jo",
            "title": "JO-granskning",
            "units": [unit.pk],
            "supervision_type": code(CodeList.SUPERVISION_TYPE, "hvb").pk,
            "initiated_on": "2026-11-02",
        }
        _login(client, org, role)
        listing = client.get(reverse("supervision:list"))
        offered = (
            listing.status_code == 200 and 'data-action="register"' in listing.content.decode()
        )
        assert offered == (role in writers), role
        before = Supervision.objects.count()
        with _rolled_back():
            response = client.post(reverse("supervision:create"), data)
            created = Supervision.objects.count() - before
        if role in writers:
            assert response.status_code == 302 and created == 1, role
        else:
            assert created == 0 and response.status_code in (302, 403), role
    # Another chef's unit: refused with a message, nothing registered.
    _login(client, org, "chef_b1")
    response = client.post(reverse("supervision:create"), {**data, "units": [org.units["A1"].pk]})
    assert response.status_code == 400 and Supervision.objects.count() == 0


def test_a_supervision_of_two_units_is_written_by_the_chef_of_either(client, org):
    """chef_b1 has no scope over A1, but the supervision also concerns B1."""
    sup = _build(org, "decided", units=("A1", "B1"))
    _login(client, org, "chef_b1")
    assert _offered_on_page(client, sup) == EXPECTED["decided"]
    url, data = _posts(sup, org)["decision_add"]
    assert client.post(url, data).status_code == 302
    assert sup.decisions.count() == 2


def test_every_action_of_the_table_is_in_the_matrix():
    names = {a.name for a in SUPERVISION_ACTIONS}
    assert names == set().union(*EXPECTED.values()) | {"register"}
