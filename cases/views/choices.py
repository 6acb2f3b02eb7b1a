"""The choices of every form on a page, read in one query per model (issue 16: the case page in
≤ 15 queries).

The case page renders the forms of every action it offers (most behind a disclosure button):
each code list and each list of people was its own query. `fill_choices` unions the querysets
of all unbound model-choice fields of one model into a single UNION ALL (each part keeps its
own filter and order; a constant column says which field a row belongs to) and sets each
field's choices from it. Bound forms are left alone: they validate against their queryset.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import IntegerField, Value
from django.forms import ModelChoiceField

SLOT = "_choice_slot"


def _plain(qs) -> bool:
    """Rows of the model's own columns only, so the parts of a union line up."""
    if qs is None:
        return False
    q = qs.query
    return not (
        q.annotations
        or q.extra
        or q.select_related
        or q.deferred_loading != (frozenset(), True)
        or q.combinator
        or qs._fields
        or qs._prefetch_related_lookups
    )


def fill_choices(forms: Iterable) -> None:
    by_model: dict[type, list[ModelChoiceField]] = defaultdict(list)
    seen: set[int] = set()
    for form in forms:
        if form is None or form.is_bound or id(form) in seen:
            continue
        seen.add(id(form))
        for field in form.fields.values():
            if isinstance(field, ModelChoiceField) and _plain(field.queryset):
                by_model[field.queryset.model].append(field)
    for fields in by_model.values():
        if len(fields) < 2:
            continue  # one field, one query either way
        parts = [
            f.queryset.annotate(**{SLOT: Value(i, output_field=IntegerField())})
            for i, f in enumerate(fields)
        ]
        rows: dict[int, list] = defaultdict(list)
        # Each part's rows arrive in the part's own order (PostgreSQL appends the parts).
        for obj in parts[0].union(*parts[1:], all=True):
            rows[getattr(obj, SLOT)].append(obj)
        for i, field in enumerate(fields):
            iterator = field.iterator(field)
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            field.choices = empty + [iterator.choice(obj) for obj in rows[i]]
