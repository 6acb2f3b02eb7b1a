"""Reads for complaints: the public unit list and the complaint part of the case page."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.lookups import StartsWith
from django.utils import timezone

from cases.complaints.models import Complaint
from cases.models import Case, Membership, Role, Unit


def units_valid(qs: QuerySet[Unit] | None = None, day=None) -> QuerySet[Unit]:
    """Units valid today. (treebeard's manager returns its own queryset class, so the model's
    `valid_on` queryset method is not reachable through `Unit.objects`.)"""
    day = day or timezone.localdate()
    qs = Unit.objects.all() if qs is None else qs
    return qs.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


@dataclass
class PublicUnitGroup:
    label: str
    units: list[Unit] = field(default_factory=list)


def public_unit_groups() -> list[PublicUnitGroup]:
    """The units a resident chooses among: each avdelning's children (e.g. verksamhetsområden),
    grouped under the avdelning's public name. Two queries whatever the size of the tree."""
    avdelningar = list(units_valid().filter(kind__code="avdelning").order_by("path"))
    if not avdelningar:
        return []
    depth = avdelningar[0].depth + 1
    prefixes = Q()
    for avd in avdelningar:
        prefixes |= Q(path__startswith=avd.path)
    children = units_valid().filter(prefixes, depth=depth).order_by("path")
    by_parent: dict[str, list[Unit]] = {}
    steplen = Unit.steplen
    for child in children:
        by_parent.setdefault(child.path[: len(child.path) - steplen], []).append(child)
    groups = []
    for avd in avdelningar:
        units = sorted(by_parent.get(avd.path, []), key=lambda u: u.label_for_public)
        groups.append(PublicUnitGroup(label=avd.label_for_public, units=units or [avd]))
    return groups


def public_fallback_unit() -> Unit | None:
    """Where "Jag vet inte" goes: the förvaltning, whose quality staff route it on."""
    qs = units_valid()
    return qs.filter(kind__code="forvaltning").order_by("path").first() or qs.order_by("path").first()


def complaint_for_case(case: Case) -> Complaint | None:
    return (
        Complaint.objects.select_related("complaint_type", "sender_category", "channel")
        .prefetch_related("topics", "additions")
        .filter(pk=case.pk)
        .first()
    )


def assignable_users(case: Case) -> QuerySet:
    """People who may take a complaint: active members of the case's unit, its ancestors or its
    subtree (a chef above, a colleague in the section)."""
    User = get_user_model()
    memberships = Membership.objects.active().filter(user=OuterRef("pk")).filter(
        StartsWith(Value(case.unit.path, output_field=CharField()), F("unit__path")) | Q(unit__path__startswith=case.unit.path)
    ).exclude(role=Role.ADMINISTRATOR)
    return User.objects.filter(Exists(memberships), is_active=True).order_by(
        "first_name", "last_name", "username"
    )
