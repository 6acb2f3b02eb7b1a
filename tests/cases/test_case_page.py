"""The status-driven case page and the action kit behind it: what is offered where, what an
htmx save answers (only the changed parts, focus and confirmation), what a save without
JavaScript answers (back to the section acted in), errors that keep what was typed, and the
deliberate confirmation for closing over unfinished measures."""

import json
import re

import pytest
from django.utils import timezone

from cases.complaints.services import complaint_create
from cases.models import Case, Measure
from cases.services.parts import measure_create, measure_set_status, note_add
from deviations import services as dsvc
from tests.factories import code

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


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


@pytest.fixture
def chef(org, login):
    return login(org.users["chef_a1"])


def _actions(html: str) -> list[str]:
    return re.findall(r'data-action="([a-z_]+)"', html)


def _side(html: str) -> str:
    return html[html.index('id="handlaggning"') : html.index('class="case-main"')]


# --- what the page offers, and where --------------------------------------------------------


def test_the_expected_next_step_is_open_and_the_rest_behind_buttons(chef, deviation):
    html = chef.get(deviation.get_absolute_url()).content.decode()
    side = _side(html)
    # The box beside the facts comes first in the page (first on a narrow screen).
    assert html.index('id="handlaggning"') < html.index('id="uppgifter"')
    # "Ta emot" is the next step: its form is open, in the "Nästa steg" part.
    next_step = side[side.index("Nästa steg") : side.index("Fler åtgärder")]
    assert 'data-action="receive"' in next_step and "<details" not in next_step
    # Every other step sits behind a disclosure button (<details>/<summary>, keyboard-ready);
    # its form loads when it opens, from a link that also works without JavaScript.
    others = side[side.index("Fler åtgärder") :]
    for name, label in [
        ("close", "Avsluta avvikelsen"),
        ("assign", "Tilldela handläggare"),
        ("classify", "Klassificering"),
        ("reclassify", "Omklassificera"),
    ]:
        assert (
            f'<details class="action" id="action-{name}" data-action="{name}">\n'
            f"  <summary>{label}</summary>"
        ) in others
        form_url = f"/arenden/{deviation.reference}/steg/{name}/"
        assert f'hx-get="{form_url}"' in others and f'<a href="{form_url}">' in others
        assert f'<form method="post" action="/avvikelser/{deviation.reference}/' not in others
    # Not offered in "rapporterad": starting the investigation.
    assert "investigate" not in _actions(html)
    # "Lägg till åtgärd" once, in the measures section.
    assert html.count(">Lägg till åtgärd<") == 1
    assert _actions(html).count("measure") == 1
    assert html.index('id="action-measure"') > html.index('id="atgarder"')


def test_a_reader_sees_the_status_box_without_actions(org, login, deviation):
    html = login(org.users["quality"]).get(deviation.get_absolute_url()).content.decode()
    assert _actions(html) == []
    assert "Du kan läsa ärendet men inte handlägga det." in html
    assert "Nästa tidsfrist" in _side(html)


def test_a_closed_case_shows_no_handling_forms(org, chef, deviation):
    measure_create(case=deviation, actor=org.users["chef_a1"], description="Genomgång")
    dsvc.deviation_close(
        case=deviation,
        outcome="med_atgard",
        summary="Klart",
        confirm_open_measures=True,
        actor=org.users["chef_a1"],
    )
    html = chef.get(deviation.get_absolute_url()).content.decode()
    assert _actions(html) == [] and "<form" not in html.split('<div class="case-layout">')[1]
    assert "Avslutad" in _side(html)


def test_the_page_costs_the_same_queries_however_much_the_case_holds(
    org, chef, deviation, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        assert chef.get(deviation.get_absolute_url()).status_code == 200
    for i in range(6):
        measure_create(case=deviation, actor=org.users["chef_a1"], description=f"Åtgärd {i}")
        note_add(case=deviation, text=f"Anteckning {i}", actor=org.users["chef_a1"])
    with django_assert_max_num_queries(30):
        html = chef.get(deviation.get_absolute_url()).content.decode()
    assert _actions(html).count("measure_status") == 6


# --- saving without JavaScript: back to where the user acted ----------------------------------


@pytest.mark.parametrize(
    "url,data,anchor",
    [
        ("mottag/", {"receive-reason": "Sett"}, "#handlaggning"),
        (
            "atgard/",
            {"measure-description": "Genomgång på APT", "measure-level": "verksamhet"},
            "#atgarder",
        ),
    ],
)
def test_a_save_redirects_to_the_section_acted_in(chef, deviation, url, data, anchor):
    response = chef.post(f"/avvikelser/{deviation.reference}/{url}", data)
    assert response.status_code == 302
    assert response["Location"] == deviation.get_absolute_url() + anchor


def test_shared_parts_redirect_to_their_section(org, chef, deviation):
    response = chef.post(f"/arenden/{deviation.reference}/anteckning/", {"text": "Ringde"})
    assert response["Location"] == deviation.get_absolute_url() + "#anteckningar"
    measure = measure_create(case=deviation, actor=org.users["chef_a1"], description="Rutin")
    response = chef.post(
        f"/arenden/{deviation.reference}/atgard/{measure.pk}/status/",
        {f"ms{measure.pk}-status": "genomford"},
    )
    assert response["Location"] == deviation.get_absolute_url() + "#atgarder"
    assert Measure.objects.get(pk=measure.pk).status == "genomford"
    latest = Measure.objects.get(pk=measure.pk).history.latest()
    assert latest.history_user == org.users["chef_a1"]


def test_a_route_only_does_its_own_types_action(chef, deviation):
    # The core measure route is not how a deviation adds a measure (its own service is).
    response = chef.post(
        f"/arenden/{deviation.reference}/atgard/",
        {"description": "Förbi avvikelsens regler", "level": "verksamhet"},
    )
    assert response.status_code == 404
    assert not Measure.objects.filter(case=deviation).exists()


# --- saving with htmx: only the changed parts come back ------------------------------------


def test_htmx_save_answers_with_the_changed_parts_and_moves_focus(chef, deviation):
    response = chef.post(
        f"/avvikelser/{deviation.reference}/atgard/",
        {"measure-description": "Genomgång på APT", "measure-level": "verksamhet"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "site-header" not in html  # a fragment, not a page
    for part in (
        'id="case-status" hx-swap-oob="true"',
        'id="handlaggning"',
        'id="atgarder" aria-labelledby="atgarder-h" hx-swap-oob="true"',
        'id="case-type-part"',
    ):
        assert part in html
    # The confirmation: in the live region and beside the section acted in.
    assert (
        '<div id="messages" hx-swap-oob="innerHTML"><p class="message message-success">'
        "Åtgärden sparades.</p></div>" in html
    )
    assert '<p class="saved-note">Åtgärden sparades.</p>' in html
    assert "Genomgång på APT" in html
    trigger = json.loads(response["HX-Trigger-After-Settle"])
    assert trigger == {"avvika-focus": {"target": "#atgarder"}}
    # Not flashed for the next page as well.
    assert "Åtgärden sparades." not in chef.get(deviation.get_absolute_url()).content.decode()


def test_htmx_status_change_refreshes_every_section(chef, deviation):
    response = chef.post(
        f"/avvikelser/{deviation.reference}/mottag/", {"receive-reason": ""}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and ">Mottagen</span>" in html
    for section in ("handlaggning", "atgarder", "anteckningar", "bilagor"):
        assert f'id="{section}"' in html
    assert 'data-action="investigate"' in html and 'data-action="receive"' not in html


def test_htmx_error_keeps_what_was_typed_and_focuses_the_summary(chef, deviation):
    response = chef.post(
        f"/avvikelser/{deviation.reference}/avsluta/",
        {"close-outcome": "med_atgard", "close-summary": "Rutinen följdes inte <b>alls</b>"},
        **HTMX,
    )
    assert response.status_code == 400 and response["X-Avvika-Fragment"] == "1"
    html = response.content.decode()
    assert "Lägg till minst en åtgärd" in html
    assert "Rutinen följdes inte &lt;b&gt;alls&lt;/b&gt;" in html  # typed, kept, escaped
    # The form comes back open (not behind its button), its summary gets the focus.
    assert '<div class="action-card card" id="action-close">' in html
    assert json.loads(response["HX-Trigger-After-Settle"]) == {
        "avvika-focus": {"target": "#close-error-summary"}
    }
    assert Case.objects.get(pk=deviation.pk).is_open


def test_htmx_action_that_leads_elsewhere_redirects_the_browser(chef, deviation):
    response = chef.post(
        f"/avvikelser/{deviation.reference}/omklassificera/",
        {"reclassify-target": "lex_sarah", "reclassify-reason": "Risk för missförhållande"},
        **HTMX,
    )
    lex = Case.objects.get(kind="lexsarah")
    assert response.status_code == 200 and response["HX-Redirect"] == lex.get_absolute_url()


def test_a_step_no_longer_possible_says_why_on_the_page(org, chef, deviation):
    # Opened before someone else received it: the receive form posts to a case that moved on.
    dsvc.deviation_receive(case=deviation, actor=org.users["chef_a"])
    response = chef.post(
        f"/avvikelser/{deviation.reference}/mottag/", {"receive-reason": "x"}, **HTMX
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Ärendet har redan status ”Mottagen”." in html
    side = html[html.index('id="handlaggning"') : html.index("</section>")]
    assert 'role="alert"' in side  # in the status box, since the form is gone
    assert 'data-action="investigate"' in html  # what is possible now


# --- closing over unfinished measures ---------------------------------------------------------


def _complaint(org):
    staff = org.users["staff_a1"]
    return complaint_create(
        source="personal",
        unit=org.units["A1"],
        complaint_type=code("complaint_type", "synpunkt"),
        description="Rutinen följs inte.",
        actor=staff,
        reporter=staff,
    ).complaint.case


@pytest.mark.parametrize("kind", ["deviation", "complaint"])
def test_closing_over_unfinished_measures_needs_a_deliberate_yes(org, chef, deviation, kind):
    case = deviation if kind == "deviation" else _complaint(org)
    url = (
        f"/avvikelser/{case.reference}/avsluta/"
        if kind == "deviation"
        else f"/klagomal/{case.reference}/avsluta/"
    )
    data = (
        {"close-outcome": "med_atgard", "close-summary": "Rutinen är ny"}
        if kind == "deviation"
        else {"close-reason": "Klart"}
    )
    label = "Jag vill avsluta trots att åtgärder inte är genomförda"
    # The close form behind its disclosure, as opening it loads it.
    close_form = f"/arenden/{case.reference}/steg/close/"
    assert label not in chef.get(close_form, **HTMX).content.decode()

    measure = measure_create(case=case, actor=org.users["chef_a1"], description="Rutin")
    form = chef.get(close_form, **HTMX).content.decode()
    assert label in form and "1 åtgärd är planerad eller pågår." in form
    refused = chef.post(url, data)
    assert refused.status_code == 400 and Case.objects.get(pk=case.pk).is_open
    assert "Kryssa i rutan om du vill avsluta" in refused.content.decode()
    assert "Rutinen är ny" in refused.content.decode() or kind == "complaint"

    response = chef.post(url, {**data, "close-confirm_open_measures": "on"})
    assert response.status_code == 302
    closed = Case.objects.get(pk=case.pk)
    assert not closed.is_open
    reason = closed.history.latest().history_change_reason
    assert reason.startswith("Avslutad trots 1 åtgärd som inte är genomförd (bekräftat).")
    assert Measure.objects.get(pk=measure.pk).status == "planerad"


def test_the_service_refuses_without_the_confirmation_and_not_when_all_are_done(org, deviation):
    chef = org.users["chef_a1"]
    measure = measure_create(case=deviation, actor=chef, description="Rutin")
    with pytest.raises(Exception, match="1 åtgärd är inte genomförd"):
        dsvc.deviation_close(case=deviation, outcome="med_atgard", summary="x", actor=chef)
    measure_set_status(measure=measure, status="pagar", actor=chef)
    with pytest.raises(Exception, match="1 åtgärd är inte genomförd"):
        dsvc.deviation_close(case=deviation, outcome="med_atgard", summary="x", actor=chef)
    measure_set_status(measure=measure, status="genomford", actor=chef)
    closed = dsvc.deviation_close(case=deviation, outcome="med_atgard", summary="Klart", actor=chef)
    assert closed.history.latest().history_change_reason == "Avslutad med åtgärd: Klart"
    assert closed.closed_at <= timezone.now()
