"""Utvecklingsområden: services, the N → N+1 follow-up rule, visibility and every view."""

import pytest
from django.urls import reverse

from cases.services import ServiceError, TransitionNotAllowed
from reports import services
from reports.models import ALLOWED_TRANSITIONS, DevelopmentArea
from reports.selectors import (
    development_areas_decided,
    development_areas_followed_up,
    development_areas_visible_to,
)

pytestmark = pytest.mark.django_db
S = DevelopmentArea.Status


def _area(org, unit="ASF", year=2024, title="Öka användningen av egenkontroller", actor="quality"):
    return services.development_area_create(
        actor=org.users[actor], unit=org.units[unit], year_decided=year, title=title
    )


def test_transition_table():
    outcomes = set(S.values) - {S.DECIDED}
    assert ALLOWED_TRANSITIONS[S.DECIDED] == outcomes
    assert all(S.DECIDED not in targets for targets in ALLOWED_TRANSITIONS.values())


def test_decided_in_n_is_followed_up_in_n_plus_1(org):
    area = _area(org, year=2024)
    asf = org.units["ASF"]
    assert list(development_areas_decided(asf, 2024)) == [area]
    assert list(development_areas_followed_up(asf, 2025)) == [area]  # due, not yet followed up
    assert not development_areas_followed_up(asf, 2024).exists()
    assert not development_areas_decided(asf, 2025).exists()
    area = services.development_area_follow_up(
        area=area, actor=org.users["quality"], status=S.ONGOING, text="Har ökat, fortsätter"
    )
    assert (area.follow_up_year, area.status) == (2025, S.ONGOING)
    assert list(development_areas_followed_up(asf, 2025)) == [area]
    assert not development_areas_followed_up(asf, 2026).exists()


def test_follow_up_recorded_for_a_later_year_moves_with_it(org):
    area = _area(org, year=2023)
    services.development_area_follow_up(
        area=area, actor=org.users["quality"], status=S.DONE, text="Klart", year=2025
    )
    asf = org.units["ASF"]
    assert list(development_areas_followed_up(asf, 2025)) == [area]
    assert not development_areas_followed_up(asf, 2024).exists()


def test_subunits_only_when_asked(org):
    _area(org, unit="A1", year=2024, title="Sektionens område")
    assert not development_areas_decided(org.units["ASF"], 2024).exists()
    assert development_areas_decided(org.units["ASF"], 2024, include_subunits=True).count() == 1


def test_follow_up_rules_and_history(org):
    quality = org.users["quality"]
    area = _area(org)
    with pytest.raises(TransitionNotAllowed):
        services.development_area_follow_up(area=area, actor=quality, status=S.DECIDED, text="x")
    with pytest.raises(ServiceError, match="Beskriv"):
        services.development_area_follow_up(area=area, actor=quality, status=S.DONE, text=" ")
    with pytest.raises(ServiceError, match="året efter"):
        services.development_area_follow_up(
            area=area, actor=quality, status=S.DONE, text="x", year=2024
        )
    services.development_area_follow_up(area=area, actor=quality, status=S.ONGOING, text="a")
    area = services.development_area_follow_up(area=area, actor=quality, status=S.DONE, text="b")
    reasons = list(
        area.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        "Utvecklingsområde beslutat",
        "Utvecklingsområdet följdes upp",
        "Uppföljningen ändrades",
    ]
    assert all(h.history_user == quality for h in area.history.all())


def test_create_and_update_check_scope(org):
    with pytest.raises(ServiceError, match="egen organisation"):
        _area(org, unit="B1", actor="chef_a1")
    area = _area(org, unit="A1", actor="chef_a1")
    with pytest.raises(ServiceError, match="egen organisation"):
        services.development_area_update(
            area=area, actor=org.users["chef_a1"], data={"unit": org.units["B1"]}
        )
    with pytest.raises(ServiceError, match="kan inte ändras"):
        services.development_area_update(
            area=area, actor=org.users["chef_a1"], data={"status": S.DONE}
        )


@pytest.mark.parametrize(
    "username, sees",
    [
        ("chef_a1", True),
        ("chef_a", True),
        ("chef_b1", False),
        ("quality", True),
        ("au", False),
        ("staff_a1", False),
        ("admin", False),
    ],
)
def test_visibility(org, username, sees):
    area = _area(org, unit="A1")
    assert development_areas_visible_to(org.users[username]).filter(pk=area.pk).exists() is sees


# --- views ---------------------------------------------------------------------------------

ALLOWED = {"chef_a1", "chef_a", "quality"}
NO_ROLE = {"au", "staff_a1", "admin", "investigator"}


@pytest.mark.parametrize("view", ["list", "create", "detail", "edit", "follow_up"])
@pytest.mark.parametrize("username", sorted(ALLOWED | NO_ROLE | {"chef_b1"}) + ["anonymous"])
def test_view_permissions(org, client, view, username):
    area = _area(org, unit="A1")
    url = {
        "list": reverse("reports:development_area_list"),
        "create": reverse("reports:development_area_create"),
        "detail": area.get_absolute_url(),
        "edit": reverse("reports:development_area_edit", args=[area.pk]),
        "follow_up": reverse("reports:development_area_follow_up", args=[area.pk]),
    }[view]
    if username != "anonymous":
        client.force_login(org.users[username])
    status = client.get(url).status_code
    if username == "anonymous":
        assert status == 302
    elif username in NO_ROLE:
        assert status == 403
    elif username == "chef_b1" and view in {"detail", "edit", "follow_up"}:
        assert status == 404
    else:
        assert status == 200


def test_views_create_edit_follow_up(org, client):
    client.force_login(org.users["quality"])
    asf = org.units["ASF"]
    bad = client.post(
        reverse("reports:development_area_create"),
        {
            "unit": asf.pk,
            "year_decided": "2025",
            "title": "",
            "background": "Bakgrundstext som ska finnas kvar",
        },
    )
    assert bad.status_code == 200 and "Bakgrundstext som ska finnas kvar" in bad.content.decode()
    response = client.post(
        reverse("reports:development_area_create"),
        {
            "unit": asf.pk,
            "year_decided": "2025",
            "title": "Tydliggöra resultatet av kvalitetsarbetet",
        },
    )
    area = DevelopmentArea.objects.get(title="Tydliggöra resultatet av kvalitetsarbetet")
    assert response["Location"] == area.get_absolute_url()
    client.post(
        reverse("reports:development_area_edit", args=[area.pk]),
        {
            "unit": asf.pk,
            "year_decided": "2025",
            "title": area.title,
            "actions": "Utveckla arbetssättet för uppföljning",
        },
    )
    area.refresh_from_db()
    assert area.actions == "Utveckla arbetssättet för uppföljning"
    url = reverse("reports:development_area_follow_up", args=[area.pk])
    assert client.get(url).context["form"].initial["year"] == 2026
    client.post(url, {"status": S.DONE, "year": "2026", "text": "Genomfört"})
    area.refresh_from_db()
    assert (area.status, area.follow_up_year) == (S.DONE, 2026)
    body = client.get(area.get_absolute_url()).content.decode()
    assert "Utvecklingsområdet följdes upp" in body
    listing = client.get(reverse("reports:development_area_list"), {"ar": "2025"})
    assert list(listing.context["areas"]) == [area]
