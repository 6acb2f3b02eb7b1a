"""Two people save the same draft at once: the second gets the conflict page with both versions;
nothing is silently overwritten (real transactions, two threads, two sessions)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from lexsarah import services as svc
from lexsarah.models import Investigation


def _form(version: int, events: str) -> dict:
    return {
        "version": version,
        "events": events,
        "person_view": "",
        "staff_view": "",
        "cause_analysis": "",
        "assessment_text": "",
        "proposed_measures": "",
    }


@pytest.mark.django_db(transaction=True)
def test_two_sessions_save_same_draft(org, make_report):
    chef, inv_user = org.users["chef_a1"], org.users["investigator"]
    case = make_report()
    svc.lexsarah_receive(case=case, actor=chef)
    svc.lexsarah_assign_investigator(case=case, assignee=inv_user, actor=chef)
    investigation = svc.investigation_create(cases=[case], actor=chef)
    url = reverse("lexsarah:investigation", args=[investigation.pk])
    texts = {"investigator": "Utredarens förlopp", "chef_a1": "Chefens förlopp"}
    responses: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def save(username: str) -> None:
        try:
            client = Client()
            client.force_login(org.users[username])
            barrier.wait(timeout=10)  # both opened version 1 and now press "Spara" together
            responses[username] = client.post(url, _form(1, texts[username]))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(u,)) for u in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    codes = sorted(r.status_code for r in responses.values())
    assert codes == [302, 409]
    winner = next(u for u, r in responses.items() if r.status_code == 302)
    loser = next(u for u, r in responses.items() if r.status_code == 409)
    stored = Investigation.objects.get(pk=investigation.pk)
    assert stored.events == texts[winner] and stored.version == 2
    body = responses[loser].content.decode()
    assert texts[winner] in body  # the stored version is shown …
    assert texts[loser] in body  # … and the loser's text stays in the form
    assert 'name="version" value="2"' in body
    # Saving again from the conflict page is a conscious overwrite and works.
    client = Client()
    client.force_login(org.users[loser])
    merged = f"{texts[winner]}\n{texts[loser]}"
    assert client.post(url, _form(2, merged)).status_code == 302
    stored.refresh_from_db()
    assert stored.events == merged
    assert {h.events for h in stored.history.all()} >= {texts[winner], merged}
