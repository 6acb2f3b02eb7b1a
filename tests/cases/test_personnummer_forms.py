"""The personnummer warning (issue 18, point 3): one component on every free-text field of the
staff and public forms. The server refuses a text with a personnummer until the checkbox right
under that field is ticked, and keeps what was typed."""

import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse

from cases.models import Case, Note
from cases.personnummer import (
    CONFIRM_SUFFIX,
    PersonnummerCheckMixin,
    PersonnummerTextarea,
    contains_personnummer,
)
from deviations import services as dsvc
from tests.factories import code

pytestmark = pytest.mark.django_db
PNR = "19850101-1234"
WARNING = "Texten ser ut att innehålla ett personnummer"

FORM_MODULES = [
    "cases.forms",
    "cases.complaints.forms",
    "cases.supervision.forms",
    "deviations.forms",
    "lexsarah.forms",
    "riskanalysis.forms",
    "selfcontrol.forms",
    "reports.forms",
    "reports.analysis.forms",
]
# Free text that is not about people: a search box, an import file's settings, a receipt code.
NOT_CHECKED = {"ReceiptCodeForm", "LoginForm"}


@pytest.mark.parametrize(
    "text,found",
    [
        (f"Brukaren {PNR} föll", True),
        ("pnr 850101-1234", True),
        ("198501011234", True),
        ("Diarienummer OAN 2026/80, tel 040-34 10 00", False),
        ("AV-2026-0042", False),
        ("", False),
    ],
)
def test_the_shared_validator(text, found):
    assert contains_personnummer(text) is found


def test_every_case_form_with_free_text_checks_it():
    """A new form with a text box and without the mixin fails here."""
    missing = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module_name or not issubclass(cls, forms.BaseForm):
                continue
            if name in NOT_CHECKED or name.endswith("Mixin"):
                continue
            fields = cls.base_fields.values()
            has_text = any(
                isinstance(f, forms.CharField) and type(f.widget) is forms.Textarea for f in fields
            )
            if has_text and not issubclass(cls, PersonnummerCheckMixin):
                missing.append(f"{module_name}.{name}")
    assert missing == []


def test_the_widget_puts_the_confirmation_right_under_the_text_box():
    class F(PersonnummerCheckMixin, forms.Form):
        text = forms.CharField(label="Vad hände?", widget=forms.Textarea)

    blank = str(F()["text"])
    assert blank.index("</textarea>") < blank.index('id="id_text_pnr"')
    assert 'id="id_text_pnr" hidden' in blank and 'data-pnr-check="' in blank
    refused = F(data={"text": f"Brukare {PNR}"})
    assert not refused.is_valid() and WARNING in refused.errors["text"][0]
    assert isinstance(refused.fields["text"].widget, PersonnummerTextarea)
    html = str(refused["text"])
    assert 'id="id_text_pnr" hidden' not in html  # shown without any script
    assert f'name="text{CONFIRM_SUFFIX}"' in html and f"Brukare {PNR}" in html
    confirmed = F(data={"text": f"Brukare {PNR}", f"text{CONFIRM_SUFFIX}": "1"})
    assert confirmed.is_valid()
    assert " checked" in str(confirmed["text"])


def _refused_then_confirmed(client, url, data, field, *, confirm_name=None):
    """Posts `data` (whose `field` holds a personnummer): refused with the warning and the text
    kept; then with the confirmation ticked: accepted."""
    response = client.post(url, data)
    assert response.status_code == 400, response.status_code
    html = response.content.decode()
    assert WARNING in html and PNR in html
    name = confirm_name or field + CONFIRM_SUFFIX
    assert f'name="{name}"' in html
    accepted = client.post(url, {**data, name: "1"})
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    return accepted


def test_deviation_report(org, login):
    client = login(org.users["staff_a1"])
    data = {
        "unit": str(org.units["A1"].pk),
        "occurred_on": "2026-11-10",
        "description": f"Brukare {PNR} fick fel beslut.",
    }
    _refused_then_confirmed(client, "/avvikelser/ny/", data, "description")
    assert Case.objects.get(kind="deviation").description == data["description"]


def test_deviation_report_checks_the_short_fields_too(org, login):
    client = login(org.users["staff_a1"])
    data = {
        "unit": str(org.units["A1"].pk),
        "occurred_on": "2026-11-10",
        "description": "Beslutet skickades inte ut.",
        "title": f"Gäller {PNR}",
    }
    _refused_then_confirmed(client, "/avvikelser/ny/", data, "title")


def test_lex_sarah_report(org, login):
    client = login(org.users["staff_a1"])
    data = {
        "report_kind": "risk",
        "unit": org.units["A1"].pk,
        "reporter_type": code("reporter_type", "anstalld").pk,
        "description": "Boende föll i badrummet.",
        "persons_affected": f"Boende {PNR}",
    }
    _refused_then_confirmed(client, reverse("lexsarah:create"), data, "persons_affected")


def test_public_complaint_form(org, client):
    data = {
        "complaint_type": "klagomal",
        "unit": str(org.units["A1"].pk),
        "description": f"Min mamma {PNR} fick inget svar.",
        "occurred_on": "",
        "sender_category": "narstaende",
        "anonymous": "ja",
        "website": "",
    }
    response = client.post("/e-tjanst/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert WARNING in html and data["description"] in html
    assert 'name="website_pnr_ok"' not in html  # the honeypot is no free text
    accepted = client.post("/e-tjanst/", {**data, "description_pnr_ok": "1"})
    assert accepted.status_code == 302


def test_staff_complaint_form(org, login):
    client = login(org.users["staff_a1"])
    data = {
        "unit": org.units["A1"].pk,
        "complaint_type": "synpunkt",
        "title": "Svar dröjer",
        "description": f"Brukaren {PNR} väntar.",
        "occurred_on": "",
    }
    _refused_then_confirmed(client, "/klagomal/personal/ny/", data, "description")


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


def test_note(org, login, deviation):
    client = login(org.users["chef_a1"])
    url = f"/arenden/{deviation.reference}/anteckning/"
    _refused_then_confirmed(client, url, {"text": f"Ringde {PNR}"}, "text")
    assert Note.objects.get(case=deviation).text == f"Ringde {PNR}"


def test_measure(org, login, deviation):
    client = login(org.users["chef_a1"])
    url = f"/avvikelser/{deviation.reference}/atgard/"
    data = {"measure-description": f"Ring {PNR}", "measure-level": "arbetsgrupp"}
    _refused_then_confirmed(client, url, data, "measure-description")


def test_fields_a_form_adds_after_init_are_checked_too():
    class F(PersonnummerCheckMixin, forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["section_1"] = forms.CharField(label="Analys", widget=forms.Textarea)

    assert 'id="id_section_1_pnr"' in str(F()["section_1"])
    refused = F(data={"section_1": f"Gäller {PNR}"})
    assert not refused.is_valid() and WARNING in refused.errors["section_1"][0]
