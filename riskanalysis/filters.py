"""The risk-analysis list filters, applied in `selectors.analysis_list` (see cases/filters.py)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.filters import YearFilter
from cases.selectors import cases_visible_to

from .models import RiskAnalysis


class AnalysisFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RiskAnalysis.Status.choices, empty_label=_("Alla")
    )
    year = YearFilter(label=_("År"), field_name="analysed_on", lookup_expr="year")
    # Analyses started from one case (a link from elsewhere, not typed): a reference the user
    # may not open matches nothing, exactly like one that does not exist.
    arende = django_filters.CharFilter(
        label=_("Ärende"), method="filter_case", max_length=20, widget=forms.HiddenInput
    )

    class Meta:
        model = RiskAnalysis
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_case(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(source_cases__in=cases_visible_to(self.user).filter(reference=value))
