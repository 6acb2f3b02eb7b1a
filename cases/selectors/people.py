"""Reads about people and units that every case type's forms need: which units are valid today
and who may take a case."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.lookups import StartsWith
from django.utils import timezone

from cases.models import Case, Membership, Role, Unit
from cases.registry import case_type_or_none


def units_valid(qs: QuerySet[Unit] | None = None, day: date | None = None) -> QuerySet[Unit]:
    """Units valid today. (treebeard's manager returns its own queryset class, so the model's
    `valid_on` queryset method is not reachable through `Unit.objects`.)"""
    day = day or timezone.localdate()
    qs = Unit.objects.all() if qs is None else qs
    return qs.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def assignable_users(case: Case) -> QuerySet:
    """People who may take a complaint: active members of the case's unit, its ancestors or its
    subtree (a chef above, a colleague in the section)."""
    User = get_user_model()
    memberships = (
        Membership.objects.active()
        .filter(user=OuterRef("pk"))
        .filter(
            StartsWith(Value(case.unit.path, output_field=CharField()), F("unit__path"))
            | Q(unit__path__startswith=case.unit.path)
        )
        .exclude(role=Role.ADMINISTRATOR)
    )
    return User.objects.filter(Exists(memberships), is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def case_assignees(case: Case) -> QuerySet:
    """People who may be assigned this case: the type's own rule (`CaseType.assignees`, e.g.
    lex Sarah-utredare), otherwise `assignable_users`. The one list every assign form offers
    and every assign service checks, so the inbox cannot hand a case to more people than the
    case page can."""
    ct = case_type_or_none(case.kind)
    rule = ct.assignees if ct is not None and ct.assignees is not None else assignable_users
    return rule(case)


def may_be_assigned(case: Case, user: AbstractBaseUser) -> bool:
    return case_assignees(case).filter(pk=user.pk).exists()


def measure_responsibles(case: Case) -> QuerySet:
    """Who may be named "Ansvarig" for a measure of this case: the people who may handle it
    (its unit line, not an administratör) and its assignee (a lex Sarah-utredare above)."""
    User = get_user_model()
    people = assignable_users(case)
    if case.assignee_id:
        people = people | User.objects.filter(pk=case.assignee_id, is_active=True)
    return people.distinct().order_by("first_name", "last_name", "username")


def may_be_responsible(case: Case, user: AbstractBaseUser) -> bool:
    return measure_responsibles(case).filter(pk=user.pk).exists()
