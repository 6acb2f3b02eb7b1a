"""The development-area list filters, applied in `selectors.development_area_list` (see
cases/filters.py)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.filters import YearFilter

from .models import DevelopmentArea


class AreaFilter(django_filters.FilterSet):
    ar = YearFilter(label=_("Beslutat år"), field_name="year_decided")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DevelopmentArea.Status.choices, empty_label=_("Alla")
    )

    class Meta:
        model = DevelopmentArea
        fields: list[str] = []
