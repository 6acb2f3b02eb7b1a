"""A closed action's form on its own (cases/views/actionform.py): what opening a disclosure on
the case page loads (htmx) and where its link leads without JavaScript. Same gates as the
action's POST (allowed 200, not allowed 403, invisible 404, not possible now 409 with the
reason), every form shown is logged as a read of the case, and the case page builds no closed
form at all (its code lists were most of the page's time, issue 16)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AccessLog, Case
from deviations import services as dsvc

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
FORM_QUERIES = 15
DEFICIENCY = "Processer och rutiner"  # a code of the reference data's deficiency list  # the fragment: the case page's own reads, without the page's parts


@pytest.fixture
def deviation(org):
    staff = org.users["staff_a1"]
    return dsvc.deviation_create(
        unit=org.units["A1"],
        title="Beslut skickades inte ut",
        description="Beslutet skickades aldrig.",
        actor=staff,
        reporter=staff,
    )


def _url(case, name: str) -> str:
    return f"/arenden/{case.reference}/steg/{name}/"


def _logged(case, user) -> list[str]:
    return list(
        AccessLog.objects.filter(case=case, user=user, action="read").values_list(
            "detail", flat=True
        )
    )


# --- allowed -----------------------------------------------------------------------------------


def test_the_disclosure_loads_the_form_alone_and_logs_the_read(org, login, deviation):
    chef = org.users["chef_a1"]
    response = login(chef).get(_url(deviation, "classify"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    # Only the form, posting with htmx to the action's own view, named for screen readers.
    assert "<html" not in html and 'id="handlaggning"' not in html
    assert f'action="/avvikelser/{deviation.reference}/klassificera/"' in html
    assert f'hx-post="/avvikelser/{deviation.reference}/klassificera/"' in html
    assert 'data-action="classify"' in html and 'aria-label="Klassificering"' in html
    assert DEFICIENCY in html and 'name="csrfmiddlewaretoken"' in html
    assert "HX-Request" in response["Vary"]
    assert _logged(deviation, chef) == ["form:classify"]


def test_without_javascript_the_link_opens_the_form_on_its_own_page(org, login, deviation):
    chef = org.users["chef_a1"]
    response = login(chef).get(_url(deviation, "note"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and deviation.reference in html and deviation.title in html
    # A heading names the form; an ordinary POST back to the case page; a way back.
    assert '<h2 id="action-note-h">Ny anteckning</h2>' in html
    assert 'aria-labelledby="action-note-h"' in html
    assert f'<form method="post" action="/arenden/{deviation.reference}/anteckning/"' in html
    assert "hx-post" not in html.split('data-action="note"')[0].rsplit("<form", 1)[1]
    assert f'href="/arenden/{deviation.reference}/#anteckningar">Tillbaka till ärendet' in html
    assert _logged(deviation, chef) == ["form:note"]


def test_an_error_from_the_forms_own_page_keeps_what_was_typed_on_the_case_page(
    org, login, deviation
):
    client = login(org.users["chef_a1"])
    assert client.get(_url(deviation, "close")).status_code == 200
    response = client.post(
        f"/avvikelser/{deviation.reference}/avsluta/",
        {"close-summary": "Rutinen är ny", "close-reason": "Klart"},  # no outcome chosen
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The case page, with the close form open (not behind its disclosure) and the text kept.
    assert '<div class="action-card card" id="action-close">' in html
    assert "Rutinen är ny" in html and 'class="error-summary"' in html
    assert Case.objects.get(pk=deviation.pk).is_open


def test_the_form_takes_a_bounded_number_of_queries(
    org, login, deviation, django_assert_max_num_queries
):
    client = login(org.users["chef_a1"])
    client.get(deviation.get_absolute_url())  # the session's activity stamp
    with django_assert_max_num_queries(FORM_QUERIES):
        assert client.get(_url(deviation, "classify"), **HTMX).status_code == 200


# --- not allowed, not possible now, invisible ----------------------------------------------------


def test_a_reader_who_may_not_handle_gets_403_and_nothing_is_logged(org, login, deviation):
    quality = org.users["quality"]  # sees the case, does not handle it
    client = login(quality)
    assert client.get(deviation.get_absolute_url()).status_code == 200
    assert client.get(_url(deviation, "classify"), **HTMX).status_code == 403
    assert client.get(_url(deviation, "classify")).status_code == 403
    assert _logged(deviation, quality) == ["overview"]


def test_someone_who_cannot_see_the_case_gets_404(org, login, deviation):
    other = org.users["chef_b1"]
    client = login(other)
    assert client.get(_url(deviation, "classify"), **HTMX).status_code == 404
    assert client.get(_url(deviation, "classify")).status_code == 404
    assert _logged(deviation, other) == []


def test_an_unknown_action_or_a_measures_status_has_no_form_of_its_own(org, login, deviation):
    client = login(org.users["chef_a1"])
    assert client.get(_url(deviation, "nonsense"), **HTMX).status_code == 404
    assert client.get(_url(deviation, "measure_status"), **HTMX).status_code == 404
    assert client.get(_url(deviation, "reply"), **HTMX).status_code == 404  # a complaint's


def test_a_step_no_longer_possible_says_why_instead_of_the_form(org, login, deviation):
    """The page was read before someone moved the case on: "Påbörja utredning" is for a
    received deviation, this one is only reported."""
    client = login(org.users["chef_a1"])
    response = client.get(_url(deviation, "investigate"), **HTMX)
    assert response.status_code == 409
    assert response["X-Avvika-Fragment"] == "1"  # static/js/avvika.js swaps it in
    html = response.content.decode()
    assert "<form" not in html and 'class="message message-error"' in html
    assert "Visa ärendet som det är nu" in html
    page = client.get(_url(deviation, "investigate"))
    assert page.status_code == 409 and "<h2>Påbörja utredning</h2>" in page.content.decode()


# --- the case page builds no closed form ----------------------------------------------------


def test_the_case_page_builds_only_the_open_forms(org, login, deviation):
    client = login(org.users["chef_a1"])
    client.get(deviation.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(deviation.get_absolute_url()).content.decode()
    # "Ta emot" is the next step and open; classify's code lists are not read.
    assert 'data-action="receive" novalidate' in html
    assert DEFICIENCY not in html
    assert not [q["sql"] for q in ctx.captured_queries if "UNION" in q["sql"]]
    assert not [q["sql"] for q in ctx.captured_queries if "'deficiency'" in q["sql"]]
