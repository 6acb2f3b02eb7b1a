"""The arkivansvarig's pages: create a delivery, a bad form keeps what was typed, the receipt,
the retention plan says which rule applies and records a class with history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog, ArchiveDelivery, Case, RetentionClass
from cases.tasks import build_archive_delivery
from tests.archive.test_delivery import _closed_report

pytestmark = pytest.mark.django_db


def test_create_build_and_receipt_through_the_pages(
    org, make_report, login, django_capture_on_commit_callbacks
):
    case = _closed_report(org, make_report, "Fel dos")
    client = login(org.users["quality"])
    day = case.closed_at.date().isoformat()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("archive:create"),
            {
                "delivery-unit": org.units["ASF"].pk,
                "delivery-case_kind": "lexsarah",
                "delivery-closed_from": day,
                "delivery-closed_to": day,
            },
        )
    delivery = ArchiveDelivery.objects.get()
    assert response.status_code == 302 and response["Location"] == delivery.get_absolute_url()
    assert len(callbacks) == 1 and list(delivery.cases.all()) == [case]
    build_archive_delivery(delivery.pk)

    page = client.get(delivery.get_absolute_url()).content.decode()
    assert "Klar att levereras" in page and case.reference in page and "arendeakt.pdf" in page
    package = client.get(reverse("archive:package", args=[delivery.pk]))
    assert package["Content-Type"] == "application/zip"
    assert AccessLog.objects.filter(
        case=case, user=org.users["quality"], action="export", detail__contains="arkivleverans"
    ).exists()

    response = client.post(reverse("archive:receipt", args=[delivery.pk]), {"receipt-reason": ""})
    assert response.status_code == 400
    assert "Något behöver rättas" in response.content.decode()
    response = client.post(
        reverse("archive:receipt", args=[delivery.pk]),
        {"receipt-receipt_reference": "KA 2026/117"},
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "kvitterad" and delivery.receipt_reference == "KA 2026/117"
    assert delivery.history.first().history_user == org.users["quality"]


def test_bad_period_keeps_what_was_typed_and_creates_nothing(org, login):
    client = login(org.users["quality"])
    response = client.post(
        reverse("archive:create"),
        {
            "delivery-unit": org.units["ASF"].pk,
            "delivery-case_kind": "lexsarah",
            "delivery-closed_from": "2026-05-01",
            "delivery-closed_to": "2026-01-01",
            "delivery-reason": "Årsleverans",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Från-datumet ligger efter till-datumet." in body and "Årsleverans" in body
    assert not ArchiveDelivery.objects.exists()


def test_nothing_to_deliver_is_a_clear_message(org, login):
    client = login(org.users["quality"])
    response = client.post(
        reverse("archive:create"),
        {
            "delivery-unit": org.units["ASF"].pk,
            "delivery-case_kind": "deviation",
            "delivery-closed_from": "2020-01-01",
            "delivery-closed_to": "2020-12-31",
        },
    )
    assert response.status_code == 400
    assert "inga avslutade ärenden" in response.content.decode()


def test_plan_page_says_which_rule_applies_and_records_a_class(org, login):
    client = login(org.users["quality"])
    page = client.get(reverse("archive:plan")).content.decode()
    assert "Bevaras: gallras inte i Avvika förrän arkivet har kvitterat leveransen" in page
    assert "Tillsynsbeslut" in page and "Anmälan till IVO" in page
    assert "Standardvärde – beslutet är inte registrerat" in page

    response = client.post(
        reverse("archive:plan_set", args=["deviation"]),
        {
            "c-deviation-disposition": "gallras_efter",
            "c-deviation-years": "",
            "c-deviation-decision_reference": "SN 2026-03-01 § 12",
            "c-deviation-reason": "Ny plan",
        },
    )
    assert response.status_code == 400
    assert "SN 2026-03-01 § 12" in response.content.decode()  # kept
    response = client.post(
        reverse("archive:plan_set", args=["deviation"]),
        {
            "c-deviation-disposition": "gallras_efter",
            "c-deviation-years": "3",
            "c-deviation-decision_reference": "SN 2026-03-01 § 12",
            "c-deviation-reason": "Ny plan",
        },
    )
    assert response.status_code == 302
    row = RetentionClass.objects.get(subject="deviation")
    assert row.years == 3 and row.history.first().history_change_reason == "Ny plan"
    page = client.get(reverse("archive:plan")).content.decode()
    assert "Gallras i Avvika 3 år efter att ärendet avslutats." in page


def test_gallras_efter_years_times_the_gallring(org, make_report):
    """A class of "gallras efter N år" decides the time instead of the gallringsregel."""
    from cases.archive.services import retention_class_set
    from cases.retention import retention_run
    from tests.factories import make_case

    chef = org.users["chef_a1"]
    case = make_case(org.units["A1"], kind_="deviation", actor=chef, reporter=chef, title="X")
    from cases.services.cases import case_transition

    case_transition(case=case, to_status="avslutad", actor=chef, reason="Klar")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=365 * 3))
    assert retention_run(dry_run=True).counts["deviation"] == 0  # the rule: 60 months
    retention_class_set(
        subject="deviation",
        disposition="gallras_efter",
        years=2,
        decision_reference="SN § 3",
        actor=org.users["quality"],
        reason="Plan",
    )
    assert retention_run(dry_run=True).counts["deviation"] == 1


def test_item_delivery_with_nothing_chosen_is_a_clear_message(org, login):
    client = login(org.users["quality"])
    response = client.post(reverse("archive:create_item"), {"item-reason": "Årets"})
    body = response.content.decode()
    assert response.status_code == 400 and "Fältet måste fyllas i." in body and "Årets" in body
    assert not ArchiveDelivery.objects.exists()
