"""List filters of the case core, and the pieces every app's filters share (DESIGN §8).

One style for every list: a django-filter FilterSet in the app's filters.py, bound to the
request's GET and applied inside the app's selector (`<thing>_list(user, params)` returns the
bound FilterSet; `.qs` is the filtered list, `.form` renders the filters). The view only passes
`request.GET`. A value that does not validate (a year of 99999, "²", a NUL byte, a unit outside
the user's scope) filters nothing and the form says why in Swedish; it never reaches the
database, so it never becomes a 500.
"""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import AccessAction, AccessLog, Case, CaseKind, Code, CodeList
from cases.selectors import units_in_scope

# Years a list can be filtered by. A wider range reaches dates Python cannot build (year 99999).
YEAR_MIN, YEAR_MAX = 2000, 2100


class YearFilter(django_filters.Filter):
    """A whole year, 2000–2100. (NumberFilter is a DecimalField: "2025.5" would pass.)"""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


class AccessLogFilter(django_filters.FilterSet):
    # One reference finds every row that concerns it: a read of the case, a read of another
    # object by that label, and a list view that showed it (jsonb containment on `shown`).
    case_reference = django_filters.CharFilter(label=_("Ärende"), method="filter_reference")
    user__username = django_filters.CharFilter(label=_("Användare"), lookup_expr="iexact")
    action = django_filters.ChoiceFilter(
        label=_("Händelse"), choices=AccessAction.choices, empty_label=_("Alla")
    )
    from_date = django_filters.DateFilter(
        label=_("Från"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    to_date = django_filters.DateFilter(
        label=_("Till"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AccessLog
        fields: list[str] = []

    def filter_reference(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(case_reference__iexact=value)
            | Q(object_label__iexact=value)
            | Q(shown__contains={Case._meta.label_lower: [[value.upper()]]})
        )


# --- Inkorgen (issue #4) -----------------------------------------------------------------------


def _status_choices():
    """Grouped per type, value `kind:status`: the same status code means different steps in
    different workflows (a deviation's and a lex Sarah report's "mottagen"). The inbox's script
    hides the groups of the other types once a type is chosen."""
    from cases.workflow import workflow_for

    groups = []
    for kind in CaseKind:
        wf = workflow_for(kind.value)
        options = [(f"{kind.value}:{s.value}", s.label) for s in wf.statuses if s not in wf.closed]
        groups.append((kind.label, options))
    return groups


# A reference or a part of one: "1107", "2026-1107", "AV-2026-11" (digits, maybe a prefix).
REFERENCE_PART = re.compile(r"^(?:[A-ZÅÄÖ]{1,4}-?)?\d[\d-]*$")
# Shorter parts have no trigram to look up in the index (case_reference_trgm).
REFERENCE_PART_MIN = 3


def search_condition(value: str) -> Q | None:
    """The inbox search as one row condition.

    - Words match title, description and reference with Swedish stemming, in websearch syntax
      ("citat", OR, -uteslut), which never raises on odd input. (Not as prefixes: PostgreSQL
      cannot estimate how many cases a prefix matches, and at 150 000 cases it then read every
      match instead of walking the inbox's index to the first page.)
    - A reference or a part of one ("1107", "AV-2026-11") also matches inside the reference
      (trigram index): the full-text parser reads "AV-2026-1107" as the tokens -2026 and -1107,
      so the number alone never matched.
    """
    value = value.strip()
    if not value:
        return None
    words = Q(search=SearchQuery(value, config="swedish", search_type="websearch"))
    upper = value.upper()
    if REFERENCE_PART.match(upper) and len(upper) >= REFERENCE_PART_MIN:
        return Q(reference__contains=upper) | words
    return words


class _ChoiceWithoutNulField(django_filters.fields.ChoiceField):
    """A choice that says "Null-tecken är inte tillåtna." for a NUL, as a model choice did."""

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str) and "\x00" in value:
            validator = ProhibitNullCharactersValidator()
            raise forms.ValidationError(validator.message, code=validator.code)
        return value


class _PlainChoiceFilter(django_filters.ChoiceFilter):
    field_class = _ChoiceWithoutNulField


class InboxFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        kind, status = data.get("kind"), data.get("status")
        if kind and status and not status.startswith(f"{kind}:"):
            # Never a silent empty list: the status belongs to another type's workflow.
            status_kind, _sep, code = status.partition(":")
            self.add_error(
                "status",
                _("Statusen %(status)s finns inte för %(kind)s. Välj en status för typen.")
                % {
                    "status": f"”{_status_label(status_kind, code)}” ({CaseKind(status_kind).label})",
                    "kind": CaseKind(kind).label,
                },
            )
        return data


def _status_label(kind: str, status: str) -> str:
    from cases.workflow import workflow_for

    return workflow_for(kind).label(status)


class InboxFilter(django_filters.FilterSet):
    """Filters of the inbox. Every choice list comes from the user's scope (one query each)."""

    q = django_filters.CharFilter(
        label=_("Sök"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "id": "inbox-q", "autocomplete": "off"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Ärendetyp"), choices=CaseKind.choices, empty_label=_("Alla typer")
    )
    # Units and categories as plain choices read once (one small query each): a model choice
    # list reads its queryset again to validate and iterates it through a server-side cursor.
    unit = _PlainChoiceFilter(
        label=_("Enhet med underenheter"),
        choices=[],
        method="filter_unit",
        empty_label=_("Alla enheter"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[], method="filter_status", empty_label=_("Alla statusar")
    )
    event_category = _PlainChoiceFilter(
        label=_("Händelsekategori"),
        choices=[],
        method="filter_event_category",
        empty_label=_("Alla kategorier"),
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Handläggare"), choices=[], method="filter_assignee", empty_label=_("Alla")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Endast försenade"), method="filter_overdue", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sortering"),
        method="filter_nothing",
        empty_label=None,
        choices=[("newest", _("Nyast först")), ("overdue", _("Mest försenade först"))],
    )

    class Meta:
        model = Case
        fields: list[str] = []
        form = InboxFilterForm

    def __init__(self, *args, user, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.units = list(units_in_scope(user).order_by("path").values_list("pk", "path", "name"))
        self.filters["unit"].extra["choices"] = [(str(pk), name) for pk, _p, name in self.units]
        self.filters["event_category"].extra["choices"] = [
            (str(pk), label)
            for pk, label in Code.objects.filter(
                codelist=CodeList.EVENT_CATEGORY, active=True
            ).values_list("pk", "label")
        ]
        self.filters["status"].extra["choices"] = _status_choices()
        people = [(str(u.pk), u.get_full_name() or u.username) for u in candidates]
        self.filters["assignee"].extra["choices"] = [
            ("me", _("Mina ärenden")),
            ("none", _("Ej tilldelad")),
            *people,
        ]

    def filter_search(self, qs, name, value):
        condition = search_condition(value)
        return qs if condition is None else qs.filter(condition)

    def filter_unit(self, qs, name, value):
        # The subtree's ids from the units already read for the choices (no query): a join on
        # the unit path made PostgreSQL rebuild a bitmap of the open cases once per unit of the
        # subtree; a list of ids is a plain filter while it walks the inbox's index in order.
        path = next(p for pk, p, _name in self.units if str(pk) == value)
        return qs.filter(unit_id__in=[pk for pk, p, _name in self.units if p.startswith(path)])

    def filter_event_category(self, qs, name, value):
        return qs.filter(event_category_id=int(value))

    def filter_status(self, qs, name, value):
        kind, _sep, status = value.partition(":")
        return qs.filter(kind=kind, status=status)

    def filter_assignee(self, qs, name, value):
        if value == "me":
            return qs.filter(assignee=self.user)
        if value == "none":
            return qs.filter(assignee__isnull=True)
        return qs.filter(assignee_id=int(value))

    def filter_overdue(self, qs, name, value):
        return qs.filter(due_at__lt=timezone.now()) if value else qs

    def filter_nothing(self, qs, name, value):
        # The sort order is applied by the keyset pager, not as a filter.
        return qs
