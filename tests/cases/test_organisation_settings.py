"""Organisation details (issue 18 point 5): edited by quality staff only, audited, validated."""

import pytest

from cases.models import OrganisationSettings
from cases.services.errors import ServiceError
from cases.services.organisation import organisation_settings_update

pytestmark = pytest.mark.django_db

VALID = {
    "board": "Socialnämnden",
    "administration": "Arbetsmarknads- och socialförvaltningen",
    "organisation_number": "2120000142",
    "street_address": "Box 123",
    "postal_code": "12345",
    "city": "Exempelstad",
    "contact_name": "Maria Ek",
    "contact_phone": "08-123 456",
    "contact_email": "kvalitet@example.se",
}


def test_load_before_anyone_filled_it_in_writes_nothing():
    settings_row = OrganisationSettings.load()
    assert settings_row.board == ""
    assert not settings_row.is_filled
    assert not OrganisationSettings.objects.exists()


def test_update_normalises_and_leaves_history_with_person_and_reason(org):
    row = organisation_settings_update(
        actor=org.users["quality"], reason="Nya uppgifter från kansliet", **VALID
    )
    assert row.organisation_number == "212000-0142"
    assert row.postal_code == "123 45"
    entry = row.history.latest()
    assert entry.history_user == org.users["quality"]
    assert entry.history_change_reason == "Nya uppgifter från kansliet"
    assert OrganisationSettings.load().board == "Socialnämnden"


@pytest.mark.parametrize("who", ["chef_a1", "admin", "au", "staff_a1"])
def test_update_refused_for_others(org, who):
    with pytest.raises(ServiceError, match="kvalitetsstrateger"):
        organisation_settings_update(actor=org.users[who], reason="x", **VALID)
    assert not OrganisationSettings.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("organisation_number", "12345", "tio siffror"),
        ("postal_code", "1234", "fem siffror"),
    ],
)
def test_update_refuses_bad_numbers(org, field, value, message):
    with pytest.raises(ServiceError, match=message):
        organisation_settings_update(
            actor=org.users["quality"], reason="x", **{**VALID, field: value}
        )


def test_update_requires_a_reason(org):
    with pytest.raises(ServiceError, match="anledning"):
        organisation_settings_update(actor=org.users["quality"], reason="  ", **VALID)


def test_page_allowed_for_quality_and_saves(org, login):
    client = login(org.users["quality"])
    assert client.get("/organisation/").status_code == 200
    response = client.post("/organisation/", {**VALID, "reason": "Första gången"})
    assert response.status_code == 302
    page = client.get("/organisation/").content.decode()
    assert "Socialnämnden" in page
    assert "212000-0142" in page


@pytest.mark.parametrize("who", ["chef_a1", "admin", "au", "staff_a1", "investigator"])
def test_page_forbidden_for_other_roles(org, login, who):
    client = login(org.users[who])
    assert client.get("/organisation/").status_code == 403
    assert client.post("/organisation/", {**VALID, "reason": "x"}).status_code == 403
    assert not OrganisationSettings.objects.exists()


def test_page_anonymous_goes_to_login(client):
    response = client.get("/organisation/")
    assert response.status_code == 302
    assert "/logga-in/" in response["Location"]


def test_bad_input_shows_swedish_error_and_keeps_what_was_typed(org, login):
    client = login(org.users["quality"])
    response = client.post(
        "/organisation/", {**VALID, "organisation_number": "12-34", "reason": "Rättning"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Skriv organisationsnumret med tio siffror" in page
    assert "Socialnämnden" in page  # what was typed is kept
    assert not OrganisationSettings.objects.exists()


def test_demo_organisation_has_its_details_and_keeps_what_was_changed():
    """seed_demo fills the sender block the IVO notification and the report cover read, through
    the service (history names the quality strategist); a later seed keeps an edited value."""
    from cases.demo import seed_organisation

    users = seed_organisation()
    row = OrganisationSettings.load()
    assert row.is_filled and row.administration == "Arbetsmarknads- och socialförvaltningen"
    assert row.history.first().history_user == users["kvalitet"]
    organisation_settings_update(
        actor=users["kvalitet"], reason="Ny kontaktperson", **{**VALID, "contact_name": "Ola Ek"}
    )
    seed_organisation()
    assert OrganisationSettings.load().contact_name == "Ola Ek"
