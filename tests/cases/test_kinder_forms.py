"""Kinder reporting forms (issue 18, point 3): the error summary, labels and defaults, titles cut
at a word, and the reporter's own pages showing what they wrote."""

import re

import pytest
from django.urls import reverse

from cases.models import Case
from cases.titles import cut_at_word
from deviations import services as dsvc
from lexsarah.services import lexsarah_report_create
from tests.factories import code

pytestmark = pytest.mark.django_db


# --- Error summary ------------------------------------------------------------------------------


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_error_summary_links_each_field_without_doubled_punctuation(org, login):
    client = login(org.users["staff_a1"])
    response = client.post("/avvikelser/ny/", {"unit": str(org.units["A1"].pk)})
    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert 'tabindex="-1"' in summary  # the script moves focus here
    assert '<a href="#id_description">Vad hände? Beskriv vad som hände.</a>' in summary
    assert '<a href="#id_occurred_on">När hände det? Ange datum för händelsen.</a>' in summary
    assert "?:" not in summary


def test_error_summary_keeps_a_colon_after_a_plain_label(org, login):
    client = login(org.users["staff_a1"])
    response = client.post("/klagomal/personal/ny/", {"unit": org.units["A1"].pk})
    summary = _summary(response.content.decode())
    assert '<a href="#id_title">Rubrik: Skriv en rubrik.</a>' in summary
    assert '<a href="#id_complaint_type_0">Typ: Välj typ.</a>' in summary


# --- Labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,who", [("/avvikelser/ny/", "staff_a1"), ("/e-tjanst/", None), ("lexsarah", "staff_a1")]
)
def test_optional_is_said_once_and_checkboxes_sit_beside_their_labels(org, client, url, who):
    if who:
        client.force_login(org.users[who])
    if url == "lexsarah":
        url = reverse("lexsarah:create")
    html = client.get(url).content.decode()
    assert "Frivilligt" not in html
    checkboxes = re.findall(
        r'<input type="checkbox" name="(\w+)"[^>]*id="(\w+)"[^>]*>(.{0,80})', html
    )
    for name, id_, after in checkboxes:
        if name.endswith("_pnr_ok"):
            continue
        # The label follows the box on the same row, and a single checkbox is never "optional".
        assert after.startswith(f' <label class="inline-label" for="{id_}">'), (name, after)
        label_text = after.split(">", 1)[1]
        assert "frivilligt" not in label_text


def test_lex_sarah_reporter_type_defaults_to_employee_and_no_bottom_confirm_box(org, login):
    html = login(org.users["staff_a1"]).get(reverse("lexsarah:create")).content.decode()
    employed = code("reporter_type", "anstalld")
    assert f'<option value="{employed.pk}" selected>' in html
    # The personnummer confirmation is not a field at the bottom of the form any more.
    assert "personnummer_ok" not in html
    form_end = html.index('<button type="submit" class="primary">Skicka rapporten')
    last_field = html.rindex('class="field', 0, form_end)
    assert "Jag har kontrollerat texten" not in html[last_field:form_end]


# --- Titles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,maximum,expected",
    [
        ("kort rubrik", 80, "kort rubrik"),
        ("Första raden\nandra raden", 80, "Första raden"),
        ("Beslutet dröjde eftersom handläggaren var sjuk", 30, "Beslutet dröjde eftersom…"),
        ("Beslutet dröjde, eftersom handläggaren var sjuk", 17, "Beslutet dröjde…"),
        ("Ordet" + "x" * 100, 20, "Ordet" + "x" * 14 + "…"),
        ("", 80, ""),
    ],
)
def test_cut_at_word(text, maximum, expected):
    cut = cut_at_word(text, maximum)
    assert cut == expected and len(cut) <= maximum


def test_derived_deviation_title_ends_at_a_word(org):
    staff = org.users["staff_a1"]
    description = (
        "Beslutet om hemtjänst skickades inte ut eftersom överlämningen mellan handläggarna "
        "på enheten inte fungerade under semestern"
    )
    case = dsvc.deviation_create(
        unit=org.units["A1"], title="", description=description, actor=staff, reporter=staff
    )
    assert case.title.endswith("…") and len(case.title) <= 80
    stem = case.title[:-1]
    assert description.startswith(stem) and description[len(stem)] == " "


# --- The reporter's own pages ---------------------------------------------------------------------


def test_reporter_status_page_shows_what_they_wrote_but_not_the_handling(org, login):
    staff = org.users["staff_a1"]
    case = dsvc.deviation_create(
        unit=org.units["A1"],
        title="Beslut skickades inte ut",
        description="Beslutet skickades aldrig.\nUpptäcktes efter tre veckor.",
        actor=staff,
        reporter=staff,
    )
    response = login(staff).get(case.get_absolute_url())
    html = response.content.decode()
    assert "cases/reporter_status.html" in [t.name for t in response.templates]
    assert "Det här skrev du" in html and "Beslut skickades inte ut" in html
    assert "Beslutet skickades aldrig.<br>Upptäcktes efter tre veckor." in html
    assert "Sektion A1" in html and "Handläggning" not in html


def test_my_lex_sarah_reports_have_titles_links_and_pages(org, login):
    staff = org.users["staff_a1"]
    for i in range(23):
        lexsarah_report_create(
            unit=org.units["A1"],
            title=f"Rapport nummer {i:02d}",
            description="Något hände.",
            actor=staff,
            reporter=staff,
            reporter_type="anstalld",
            notify=False,
        )
    client = login(staff)
    first = client.get(reverse("lexsarah:mine")).content.decode()
    assert first.count("</td></tr>") == 20 and "23 rapporter" in first
    assert "Sida 1 av 2" in first and "Rapport nummer 22" in first
    newest = Case.objects.filter(kind="lexsarah").order_by("-received_at", "-pk").first()
    assert f'<a href="{newest.get_absolute_url()}">{newest.reference}</a>' in first
    second = client.get(reverse("lexsarah:mine") + "?page=2").content.decode()
    assert second.count("</td></tr>") == 3
