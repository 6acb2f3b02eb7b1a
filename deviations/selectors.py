"""Reads for kvalitetsavvikelser. Case-level visibility always comes from cases.selectors."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Model, OuterRef, QuerySet
from django.utils.translation import gettext as _

from cases.models import Case, CaseKind, Membership, Unit
from cases.selectors import cases_reported_by
from cases.types import Viewer

from .models import Deviation


def _labels(through: type[Model]) -> ArraySubquery:
    """The labels of a deviation's codes on one many-to-many list (its `through` table), in
    the code list's order (Code.Meta.ordering), as one array column."""
    return ArraySubquery(
        through._default_manager.filter(deviation=OuterRef("pk"))
        .order_by("code__codelist", "code__order", "code__label")
        .values("code__label")
    )


def deviation_for_case(case: Case) -> Deviation:
    """The deviation part of a case; an unsaved empty one when the case has none yet
    (cases created by the core alone), so the page never fails. The labels of its
    deficiencies and root causes come in the same query (`deficiency_labels`,
    `root_cause_labels`): the case page shows only those, and a prefetch was a query each."""
    found = (
        Deviation.objects.select_related("consequence")
        .annotate(
            deficiency_labels=_labels(Deviation.deficiencies.through),
            root_cause_labels=_labels(Deviation.root_causes.through),
        )
        .filter(pk=case.pk)
        .first()
    )
    return found or Deviation(case=case)


def reported_deviation(user: Viewer, reference: str) -> Case | None:
    """The reporter's own report, for the receipt (status only, never the handling)."""
    return (
        cases_reported_by(user)
        .filter(kind=CaseKind.DEVIATION, reference=reference)
        .select_related("unit")
        .first()
    )


def default_report_unit(user: Viewer) -> Unit | None:
    """The unit a report starts in: the reporter's own, deepest active membership."""
    membership = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("unit")
        .order_by("-unit__depth", "pk")
        .first()
    )
    return membership.unit if membership else None


def deviation_label_counts(cases: QuerySet[Case], relation: str) -> list[tuple[str, int]]:
    """Deviations per label of a multi-label dimension ("deficiencies" or "root_causes").
    A deviation with three labels counts once under each; those with none count under
    "Ej angivet" (DESIGN §3.8). `cases` is a visibility-scoped queryset."""
    through = getattr(Deviation, relation).through
    rows = (
        through.objects.filter(deviation__case__in=cases)
        .values("code__label", "code__order")
        .annotate(n=Count("deviation_id", distinct=True))
        .order_by("code__order", "code__label")
    )
    counts = [(r["code__label"], r["n"]) for r in rows]
    blank = (
        Deviation.objects.filter(case__in=cases)
        .exclude(pk__in=through.objects.values("deviation_id"))
        .count()
    )
    if blank:
        counts.append((_("Ej angivet"), blank))
    return counts
