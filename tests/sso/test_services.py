"""The SSO services: the audited group mapping table and the login sync (issue 15)."""

import pytest
from django.contrib.auth.models import User

from cases.models import IdpGroupMapping, Membership, MembershipSource, Role
from cases.services.errors import ServiceError
from cases.services.sso import (
    SsoIdentity,
    group_mapping_create,
    group_mapping_delete,
    group_mapping_update,
    sso_login_sync,
)
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_person(org):
    return UserFactory(username="sysadmin", is_staff=True, is_superuser=True)


def test_mapping_changes_leave_history_with_actor_and_reason(org, admin_person):
    mapping = group_mapping_create(
        group=" g-chefer ",
        role=Role.SEKTIONSCHEF,
        unit=org.units["A1"],
        actor=admin_person,
        reason="Ny grupp i Entra ID",
    )
    assert mapping.group == "g-chefer"
    group_mapping_update(
        mapping=mapping,
        group="g-chefer",
        role=Role.SEKTIONSCHEF,
        unit=org.units["A"],
        actor=admin_person,
        reason="Flyttad till avdelningen",
    )
    group_mapping_delete(mapping=mapping, actor=admin_person, reason="Gruppen läggs ned")
    rows = IdpGroupMapping.history.order_by("history_id")
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in rows] == [
        ("+", admin_person, "Ny grupp i Entra ID"),
        ("~", admin_person, "Flyttad till avdelningen"),
        ("-", admin_person, "Gruppen läggs ned"),
    ]


@pytest.mark.parametrize(
    ("group", "role", "reason", "message"),
    [
        ("", Role.SEKTIONSCHEF, "x", "Ange gruppens"),
        ("g", "kung", "x", "Välj en roll"),
        ("g", Role.SEKTIONSCHEF, "  ", "anledning"),
    ],
)
def test_mapping_refuses_bad_input_in_swedish(org, admin_person, group, role, reason, message):
    with pytest.raises(ServiceError, match=message):
        group_mapping_create(
            group=group, role=role, unit=org.units["A1"], actor=admin_person, reason=reason
        )
    assert not IdpGroupMapping.objects.exists()


def test_duplicate_mapping_is_refused(org, admin_person):
    kwargs = {"group": "g", "role": Role.SEKTIONSCHEF, "unit": org.units["A1"]}
    group_mapping_create(**kwargs, actor=admin_person, reason="första")
    with pytest.raises(ServiceError, match="redan"):
        group_mapping_create(**kwargs, actor=admin_person, reason="andra")
    assert IdpGroupMapping.objects.count() == 1


def test_sync_adds_and_ends_only_sso_memberships(org, admin_person):
    for group, role, unit in [("g1", Role.SEKTIONSCHEF, "A1"), ("g2", Role.UTREDARE, "ASF")]:
        group_mapping_create(
            group=group, role=role, unit=org.units[unit], actor=admin_person, reason="test"
        )
    result = sso_login_sync(SsoIdentity(username="eva", first_name="Eva", groups=("g1",)))
    eva = User.objects.get(username="eva")
    assert (result.user, result.has_access, result.added, result.ended) == (eva, True, 1, 0)
    manual = member(eva, org.units["B1"], Role.MEDARBETARE)

    result = sso_login_sync(SsoIdentity(username="eva", groups=("g2", "okänd")))
    assert (result.added, result.ended) == (1, 1)
    active = Membership.objects.active().filter(user=eva)
    assert set(active.values_list("role", "unit__code", "source")) == {
        (Role.UTREDARE, "ASF", MembershipSource.SSO),
        (Role.MEDARBETARE, "B1", MembershipSource.MANUAL),
    }
    assert Membership.objects.get(pk=manual.pk).valid_to is None
    # The same groups again: nothing changes, no new history.
    before = Membership.history.count()
    assert sso_login_sync(SsoIdentity(username="eva", groups=("g2",))).added == 0
    assert Membership.history.count() == before


def test_unknown_person_with_unmapped_groups_is_not_created(org):
    result = sso_login_sync(SsoIdentity(username="okand", groups=("ingen",)))
    assert (result.user, result.has_access) == (None, False)
    assert not User.objects.filter(username="okand").exists()


def test_inactive_user_gets_no_access_even_with_mapped_groups(org, admin_person):
    group_mapping_create(
        group="g1", role=Role.SEKTIONSCHEF, unit=org.units["A1"], actor=admin_person, reason="t"
    )
    UserFactory(username="spärrad", is_active=False)
    assert not sso_login_sync(SsoIdentity(username="spärrad", groups=("g1",))).has_access


def test_admin_class_saves_through_the_service_with_the_reason(org, admin_person, client):
    client.force_login(admin_person, backend="django.contrib.auth.backends.ModelBackend")
    data = {"group": "g-admin", "role": Role.KVALITETSSTRATEG, "unit": org.units["ASF"].pk}
    refused = client.post("/admin/cases/idpgroupmapping/add/", data)
    assert refused.status_code == 200  # no reason: the form says so and keeps the input
    assert "g-admin" in refused.content.decode()
    assert not IdpGroupMapping.objects.exists()
    client.post("/admin/cases/idpgroupmapping/add/", {**data, "reason": "Beslut 2026-11"})
    row = IdpGroupMapping.history.get()
    assert (row.history_user, row.history_change_reason) == (admin_person, "Beslut 2026-11")
