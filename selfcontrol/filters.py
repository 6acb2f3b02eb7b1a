"""The self-inspection plan list filter, applied in `selectors.plan_list` (see cases/filters.py)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SelfControlPlan


class PlanFilter(django_filters.FilterSet):
    # Active plans unless asked for all: an inactive plan schedules nothing new.
    alla = django_filters.BooleanFilter(
        label=_("Visa även inaktiva planer"), method="filter_all", widget=forms.CheckboxInput
    )

    class Meta:
        model = SelfControlPlan
        fields: list[str] = []

    def filter_all(self, qs, name, value):
        return qs if value else qs.filter(active=True)
