"""No lost work (issue #10).

Concurrent edits are already tested through the views for the deviation classification
(tests/deviations/test_views.py), the lex Sarah investigation (tests/lexsarah/
test_concurrency.py, real threads), the supervision (tests/supervision/test_views.py), the
report block autosave (tests/reports/test_editions_views.py) and the unit analysis
(tests/reports/test_unit_analysis_views.py). Complaints have no free edit form (only
transitions). Here: the riskanalys edit form (version check, stored version shown),
and a record deleted or moved out of scope while the edit tab is open — the POST must answer
the Swedish 404 page, never a 500 and never a write.
"""

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case
from cases.services.history import audited_save
from tests.security.world import state_fingerprint

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
NOT_FOUND = "Sidan hittades inte"


def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def _session(user):
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_riskanalys_concurrent_edit_is_detected(world):
    url = reverse("riskanalysis:edit", args=[world.analysis.pk])
    first = _session(world.users["chef_a1"])
    second = _session(world.users["quality"])
    data_1 = _form_data(first.get(url).context["form"])
    data_2 = _form_data(second.get(url).context["form"])
    assert first.post(url, {**data_1, "participants": "Först sparad"}).status_code == 302
    response = second.post(url, {**data_2, "participants": "Min text, sparad sist"})
    body = response.content.decode()
    assert response.status_code in (400, 409) and "Min text, sparad sist" in body
    assert "Först sparad" in type(world.analysis).objects.get(pk=world.analysis.pk).participants
    # The stored version is shown beside the form; a deliberate second save goes through.
    assert "Sparad version" in body and "Först sparad" in body
    again = _form_data(response.context["form"])
    assert second.post(url, {**again, "participants": "Min text, sparad sist"}).status_code == 302
    assert (
        type(world.analysis).objects.get(pk=world.analysis.pk).participants
        == "Min text, sparad sist"
    )


def _move_case_to_b1(world, case):
    case = Case.objects.get(pk=case.pk)
    case.unit = world.org.units["B1"]
    audited_save(case, actor=world.users["quality"], reason="Flyttad i test")


def _move_units_to_b1(world, obj):
    obj.units.set([world.org.units["B1"]])


# (edit page to open, POST url, data, who edits, how the record leaves the editor's scope)
SCENARIOS = {
    "complaint moved": (
        lambda w: w.complaint.get_absolute_url(),
        lambda w: reverse("complaints:receive", args=[w.complaint.reference]),
        {"receive-reason": "Tar emot"},
        "chef_a1",
        lambda w: _move_case_to_b1(w, w.complaint),
    ),
    "deviation moved": (
        lambda w: w.deviation.get_absolute_url(),
        lambda w: reverse("deviations:classify", args=[w.deviation.reference]),
        {"classify-version": "1"},
        "chef_a1",
        lambda w: _move_case_to_b1(w, w.deviation),
    ),
    "lex Sarah investigation moved": (
        lambda w: reverse("lexsarah:investigation", args=[w.investigation.pk]),
        lambda w: reverse("lexsarah:investigation", args=[w.investigation.pk]),
        {"version": "9", "events": "Mitt utkast"},
        "chef_a1",
        lambda w: _move_case_to_b1(w, w.lexsarah),
    ),
    "riskanalys moved": (
        lambda w: reverse("riskanalysis:edit", args=[w.analysis.pk]),
        lambda w: reverse("riskanalysis:edit", args=[w.analysis.pk]),
        {"title": "Mitt utkast"},
        "chef_a1",
        lambda w: _move_units_to_b1(w, w.analysis),
    ),
    "supervision moved": (
        lambda w: reverse("supervision:edit", args=[w.supervision.pk]),
        lambda w: reverse("supervision:edit", args=[w.supervision.pk]),
        {"title": "Mitt utkast", "version": "1"},
        "chef_a1",
        lambda w: _move_units_to_b1(w, w.supervision),
    ),
    "riskanalys risk deleted": (
        lambda w: reverse("riskanalysis:risk_edit", args=[w.analysis.pk, w.risk.pk]),
        lambda w: reverse("riskanalysis:risk_edit", args=[w.analysis.pk, w.risk.pk]),
        {"description": "Mitt utkast", "probability": "2", "consequence": "2"},
        "chef_a1",
        lambda w: type(w.risk).objects.filter(pk=w.risk.pk).delete(),
    ),
    "egenkontroll plan moved": (
        lambda w: reverse("selfcontrol:plan_edit", args=[w.plan.pk]),
        lambda w: reverse("selfcontrol:plan_edit", args=[w.plan.pk]),
        {"area": "Mitt utkast"},
        "chef_a1",
        lambda w: (
            type(w.plan).objects.filter(pk=w.plan.pk).update(responsible_unit=w.org.units["B1"])
        ),
    ),
    "development area deleted": (
        lambda w: reverse("reports:development_area_edit", args=[w.area.pk]),
        lambda w: reverse("reports:development_area_edit", args=[w.area.pk]),
        {"title": "Mitt utkast"},
        "chef_a1",
        lambda w: type(w.area).objects.filter(pk=w.area.pk).delete(),
    ),
    "unit analysis moved": (
        lambda w: reverse("reports:analysis_detail", args=[w.unit_analysis.pk]),
        lambda w: reverse("reports:analysis_save", args=[w.unit_analysis.pk]),
        {"patterns": "Mitt utkast", "version": "1"},
        "chef_a1",
        lambda w: (
            type(w.unit_analysis)
            .objects.filter(pk=w.unit_analysis.pk)
            .update(unit=w.org.units["A2"])
        ),
    ),  # A2 has no analysis of its own; chef_a1 leads A1 only
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_record_gone_while_the_tab_is_open_gives_the_swedish_404(world, client, scenario):
    page, post_url, data, who, leave = SCENARIOS[scenario]
    client.force_login(world.users[who], backend=BACKEND)
    assert client.get(page(world)).status_code == 200  # the tab is open
    url = post_url(world)
    leave(world)
    before = state_fingerprint()
    client.raise_request_exception = False
    response = client.post(url, data)
    assert response.status_code == 404, response.content.decode()[:500]
    body = response.content.decode()
    assert NOT_FOUND in body and "Traceback" not in body
    assert state_fingerprint() == before
