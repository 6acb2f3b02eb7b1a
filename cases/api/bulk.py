"""A page of rows through a ModelSerializer's declared fields in one `values()` query:
`ModelSerializer(rows, many=True).data`, key for key, without a model instance per row nor a
query, a manager and a queryset clone per row and relation (Django's prefetch), which at 100
rows cost more than all the SQL.

Each field becomes one column of the query: a model field as itself, a code-list field
(SlugRelatedField over a foreign key) as the joined slug, a many-to-many slug list as an ARRAY
subquery in the related model's own ordering (what `row.<m2m>.all()` gives), `get_X_display`
as X's choice label. Every value then goes through the DRF field's own to_representation, so
its format is the documented one. A serializer with any other kind of field is serialised by
DRF as usual (correct, only slower)."""

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import F, OuterRef, QuerySet
from rest_framework.relations import ManyRelatedField, RelatedField, SlugRelatedField

PREFIX = "_bulk_"
KEY = PREFIX + "key"

_BOUND: dict[type, Any] = {}


def _bound(serializer_class):
    """One bound instance per serializer class: a ModelSerializer builds its fields by
    introspecting the model, which costs more per page than reading the rows. The fields read
    here take nothing from the serializer's context (the API's serializers use none)."""
    serializer = _BOUND.get(serializer_class)
    if serializer is None:
        serializer = serializer_class(context={})
        serializer.fields  # noqa: B018 - binds the fields once
        _BOUND[serializer_class] = serializer
    return serializer


def _model_field(model, source: str) -> models.Field | None:
    try:
        return model._meta.get_field(source)
    except Exception:  # noqa: BLE001 - a property or method, not a model field
        return None


def _slug_array(child: SlugRelatedField, m2m: models.Field) -> ArraySubquery:
    through = m2m.remote_field.through
    source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    ordering = [
        f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}"
        for o in m2m.related_model._meta.ordering
    ] + ["pk"]
    slugs = (
        through.objects.filter(**{source: OuterRef("pk")})
        .order_by(*ordering)
        .values(f"{target}__{child.slug_field}")
    )
    return ArraySubquery(slugs)


def _column(model, field) -> tuple[str, Any, dict | None] | None:
    """(how the value is read, the query expression, the choice labels of a `get_X_display`)
    for one field, None if unsupported."""
    if len(field.source_attrs) != 1:
        return None
    source = field.source_attrs[0]
    model_field = _model_field(model, source)
    if isinstance(field, ManyRelatedField):
        child = field.child_relation
        if isinstance(child, SlugRelatedField) and model_field and model_field.many_to_many:
            return "slugs", _slug_array(child, model_field), None
        return None
    if isinstance(field, SlugRelatedField):
        if model_field is not None and model_field.many_to_one:
            return "slug", F(f"{model_field.name}__{field.slug_field}"), None
        return None
    if isinstance(field, RelatedField):
        return None
    if model_field is not None and model_field.concrete and not model_field.is_relation:
        return "value", F(model_field.attname), None
    if source.startswith("get_") and source.endswith("_display"):
        shown = _model_field(model, source[4:-8])
        if shown is not None and shown.choices:
            # The labels once per page, not once per row.
            return "display", F(shown.attname), dict(shown.flatchoices)
    return None


def _columns(serializer) -> dict[str, tuple[str, Any, dict | None]] | None:
    model, columns = serializer.Meta.model, {}
    for field in serializer._readable_fields:
        column = _column(model, field)
        if column is None:
            return None
        columns[field.field_name] = column
    return columns


def _represent(field, how: str, value, labels: dict | None):
    if how == "slugs":
        return [slug for slug in value if slug is not None]
    if value is None:
        return None
    if how == "slug":
        return value
    if labels is not None:
        value = str(labels.get(value, value))
    return field.to_representation(value)


def bulk_values(serializer_class, queryset: QuerySet, key: str = "pk") -> list[tuple[Any, dict]]:
    """`(row.<key>, serializer_class(row).data)` for every row of `queryset`, in its order."""
    serializer = _bound(serializer_class)
    columns = _columns(serializer)
    if columns is None:
        rows = list(queryset)
        data = serializer_class(rows, many=True).data
        return [(getattr(row, key), item) for row, item in zip(rows, data, strict=True)]
    expressions = {PREFIX + name: column[1] for name, column in columns.items()}
    fields = [
        (field, columns[field.field_name][0], columns[field.field_name][2])
        for field in serializer._readable_fields
    ]
    out = []
    for row in queryset.values(**expressions, **{KEY: F(key)}):
        item = {
            field.field_name: _represent(field, how, row[PREFIX + field.field_name], labels)
            for field, how, labels in fields
        }
        out.append((row[KEY], item))
    return out
