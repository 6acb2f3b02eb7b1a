"""Issue 18, must show: for EVERY unit the public e-service offers (and "Jag vet inte"), a
resident's complaint reaches a section through routing and gets answered.

On the demo organisation (cases/demo.py), whose public units are verksamhetsområden above
the sections: the registrator finds the complaint under "Att fördela", routes it to a section
below the chosen unit, that section's chef receives, answers and closes it, and the resident
reads the reply with the receipt code."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from cases.complaints.selectors import public_unit_groups
from cases.demo import demo_chef, seed_organisation
from cases.models import Case, Unit

pytestmark = pytest.mark.django_db
CODE_IN_PAGE = re.compile(r'id="receipt-code">([A-Z0-9-]+)<')


def _public_choices() -> list[str]:
    return [str(u.pk) for group in public_unit_groups() for u in group.units] + ["vet-inte"]


def _submit(unit_value: str) -> tuple[Case, str]:
    resident = Client()
    response = resident.post(
        "/e-tjanst/",
        {
            "complaint_type": "klagomal",
            "unit": unit_value,
            "description": "Jag har inte fått något svar på min fråga.",
            "occurred_on": "",
            "sender_category": "brukare",
            "anonymous": "nej",
            "sender_name": "Anna Andersson",
            "sender_email": "anna@example.se",
            "sender_phone": "",
            "website": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    code = CODE_IN_PAGE.search(resident.get(response["Location"]).content.decode()).group(1)
    return Case.objects.select_related("unit").latest("id"), code


def _section_below(unit: Unit) -> Unit:
    return (
        Unit.objects.filter(path__startswith=unit.path, numchild=0)
        .exclude(pk=unit.pk)
        .order_by("path")
        .first()
    )


def test_every_public_unit_reaches_a_section_and_gets_an_answer(client):
    users = seed_organisation()
    choices = _public_choices()
    assert len(choices) >= 10  # every verksamhetsområde of the demo, and "Jag vet inte"
    registrator = Client()
    registrator.force_login(users["registrator"])
    today = timezone.localdate().isoformat()
    for value in choices:
        case, code = _submit(value)
        assert case.unit.numchild > 0, f"{case.unit}: the public units lie above the sections"
        section = _section_below(case.unit)
        chef = demo_chef(users, section)
        assert chef is not None, section
        chef_client = Client()
        chef_client.force_login(chef)
        # Before routing the section's chef cannot see it; the registrator has it first.
        assert chef_client.get(case.get_absolute_url()).status_code == 404
        inbox = registrator.get("/inkorg/").content.decode()
        queue = inbox[inbox.index('id="att-fordela"') :]
        assert case.reference in queue[: queue.index("</section>")]
        response = registrator.post(
            f"/arenden/{case.reference}/fordela/",
            {"route-unit": section.pk, "route-reason": "Gäller sektionen"},
        )
        assert response.status_code == 302, (value, response.content.decode()[:3000])
        # The section's chef receives, answers and closes it.
        assert chef_client.get(case.get_absolute_url()).status_code == 200
        for step, data in [
            ("mottag", {"receive-reason": ""}),
            ("svara", {"reply-reply_text": f"Svar om {case.reference}", "reply-replied_on": today}),
            ("avsluta", {"close-reason": "Besvarat"}),
        ]:
            answer = chef_client.post(f"/klagomal/{case.reference}/{step}/", data)
            assert answer.status_code == 302, (value, step, answer.content.decode()[:3000])
        assert Case.objects.get(pk=case.pk).status == "avslutad"
        # The resident reads the reply with the receipt code.
        resident = Client()
        assert resident.post("/e-tjanst/kvitto/", {"code": code}).status_code == 302
        status_page = resident.get("/e-tjanst/kvitto/arende/").content.decode()
        assert f"Svar om {case.reference}" in status_page
