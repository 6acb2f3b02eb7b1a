"""Reads for complaints: the public unit list and the complaint part of the case page."""

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q

from cases.complaints.models import Complaint
from cases.models import Case, Unit
from cases.selectors.people import assignable_users, units_valid  # noqa: F401  (re-exported)


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
    return (
        qs.filter(kind__code="forvaltning").order_by("path").first() or qs.order_by("path").first()
    )


def complaint_for_case(case: Case) -> Complaint | None:
    """The complaint part of the case page. Its topics' labels come in the same query
    (`topic_labels`, in the code list's order): the page shows only those."""
    topics = (
        Complaint.topics.through.objects.filter(complaint=OuterRef("pk"))
        .order_by("code__codelist", "code__order", "code__label")
        .values("code__label")
    )
    return (
        Complaint.objects.select_related("complaint_type", "sender_category", "channel")
        .annotate(topic_labels=ArraySubquery(topics))
        .prefetch_related("additions")
        .filter(pk=case.pk)
        .first()
    )


def complaint_sender_names(case: Case) -> list[str]:
    """The sender's name, masked in a PDF for utlämnande (CaseType.personal_names)."""
    complaint = Complaint.objects.filter(case=case).only("sender_name").first()
    return [complaint.sender_name] if complaint and complaint.sender_name else []
