"""Reads about people and units that every case type's forms need: which units are valid today
and who may take a case."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.lookups import StartsWith
from django.utils import timezone

from cases.models import Case, Membership, Role, Unit


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
