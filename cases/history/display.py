"""Stored values as a person reads them: code labels not codes, full names not usernames or
ids, Swedish dates in local time, Ja/Nej, and "–" for nothing."""

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db.models import Field, JSONField, Model
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case
from cases.selectors import cases_visible_to
from cases.services.history import person_name

EMPTY = "–"
DATETIME_FORMAT = "Y-m-d H:i"
DATE_FORMAT = "Y-m-d"


def is_empty(value: Any) -> bool:
    # False and 0 are values; only "nothing stored" is empty.
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


class _Unseen(str):
    """A case the reader may not see: named by nothing, not even its reference."""


def _is_case(model: type[Model]) -> bool:
    # Case itself, or a type's row keyed by its case (LexSarahReport, Deviation, Complaint).
    pk = model._meta.pk
    return model is Case or bool(pk.one_to_one and pk.related_model is Case)


class Resolver:
    """Names of related rows (units, codes, people, cases …) for a whole page: the builder
    first says which it wants, then `load` fetches them with one query per related model, so
    the number of queries never grows with the number of history rows.

    With a `reader`, cases are named only when the reader may see them (cases_visible_to):
    a risk analysis's source cases on its history are as hidden as on the page itself."""

    def __init__(self, reader=None) -> None:
        self.reader = reader
        self._wanted: dict[type[Model], set] = defaultdict(set)
        self._names: dict[tuple[type[Model], Any], str] = {}

    def want(self, model: type[Model], pks) -> None:
        self._wanted[model].update(pk for pk in pks if not is_empty(pk))

    def load(self) -> None:
        user_model = get_user_model()
        for model, pks in self._wanted.items():
            missing = [pk for pk in pks if (model, pk) not in self._names]
            if not missing:
                continue
            found = model._default_manager.in_bulk(missing)
            restricted = self.reader is not None and _is_case(model)
            if restricted:
                seen = set(
                    cases_visible_to(self.reader)
                    .filter(pk__in=missing)
                    .values_list("pk", flat=True)
                )
                found = {pk: obj for pk, obj in found.items() if pk in seen}
            for pk in missing:
                obj = found.get(pk)
                name: str
                if obj is None and restricted:
                    name = _Unseen(_("ärende som du inte har behörighet att se"))
                elif obj is None:
                    name = _("(borttagen)")
                elif model is user_model:
                    name = person_name(obj)  # type: ignore[arg-type]  # a user: model is user_model
                else:
                    name = str(obj)
                self._names[(model, pk)] = name
        self._wanted.clear()

    def name(self, model: type[Model], pk) -> str:
        if is_empty(pk):
            return EMPTY
        if (model, pk) not in self._names:  # not announced: still one query, never a crash
            self.want(model, [pk])
            self.load()
        return self._names[(model, pk)]


def local_datetime(value: datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, DATETIME_FORMAT)


def _json_text(value) -> str:
    """JSON as text a reader follows: a list of sections as "Rubrik: text" lines."""
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        lines = []
        for item in value:
            title = str(item.get("title") or item.get("label") or "")
            text = str(item.get("text") or "")
            if title or text:
                lines.append(f"{title}: {text}" if title and text else title or text)
        return "\n".join(lines) or EMPTY
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or EMPTY
    return json.dumps(value, ensure_ascii=False)


def display(field: Field, value, resolver: Resolver, fmt=None) -> str:
    """One stored value of `field` (a many-to-many value is the list of target keys)."""
    if is_empty(value):
        return EMPTY
    if fmt is not None:
        return str(fmt(value))
    related = cast(type[Model], field.related_model)  # resolved: the apps are loaded
    if field.many_to_many:
        names = [resolver.name(related, pk) for pk in value]
        seen = sorted(name for name in names if not isinstance(name, _Unseen))
        unseen = len(names) - len(seen)
        if unseen:
            seen.append(
                ngettext(
                    "%(n)s ärende som du inte har behörighet att se",
                    "%(n)s ärenden som du inte har behörighet att se",
                    unseen,
                )
                % {"n": unseen}
            )
        return ", ".join(seen) or EMPTY
    if field.is_relation and related is not None:
        return resolver.name(related, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return dateformat.format(value, DATE_FORMAT)
    if isinstance(field, JSONField) or isinstance(value, list | dict):
        return _json_text(value)
    return str(value)


def is_person(field: Field) -> bool:
    return bool(field.is_relation and field.related_model is get_user_model())
