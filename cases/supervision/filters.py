"""The supervision list filters, applied in `selectors.supervision_list` (see cases/filters.py)."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cases.filters import YearFilter
from cases.models import Code, CodeList
from cases.supervision.models import Authority, Supervision, SupervisionDecision


class SupervisionFilter(django_filters.FilterSet):
    myndighet = django_filters.ChoiceFilter(
        label=_("Myndighet"),
        field_name="authority",
        choices=Authority.choices,
        empty_label=_("Alla"),
    )
    typ = django_filters.ChoiceFilter(
        label=_("Typ av tillsyn"),
        field_name="supervision_type__code",
        choices=[],
        empty_label=_("Alla"),
    )
    # Counted by decision date: "has a decision dated that year".
    ar = YearFilter(label=_("År (beslutsdatum)"), method="filter_decision_year")
    status = django_filters.ChoiceFilter(
        label=_("Öppna eller avslutade"),
        method="filter_state",
        empty_label=_("Alla"),
        choices=[("open", _("Öppna")), ("closed", _("Avslutade"))],
    )

    class Meta:
        model = Supervision
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["typ"].extra["choices"] = [
            (c.code, c.label) for c in Code.objects.filter(codelist=CodeList.SUPERVISION_TYPE)
        ]

    def filter_decision_year(self, qs, name, year):
        decided = SupervisionDecision.objects.filter(
            supervision=OuterRef("pk"), decided_on__year=year
        )
        return qs.filter(Exists(decided))

    def filter_state(self, qs, name, state):
        if state == "open":
            return qs.exclude(status=Supervision.Status.CLOSED)
        return qs.filter(status=Supervision.Status.CLOSED)
