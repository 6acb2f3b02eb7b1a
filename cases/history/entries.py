"""Any set of history sources → one readable list: one entry per user action, each listing
who did it, when, why, and every field it changed, with Swedish labels and readable values.

A source is a model, its historical rows (simple-history) and the word the entry uses for it.
The case core, supervision, lex Sarah investigations, risk analyses, egenkontroll and the
reports all build their history through `history_entries`, and every page shows it with
templates/includes/history.html.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.db.models import Field, Model, QuerySet
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_reverse_field_name

from cases.services.history import person_name

from .display import Resolver, display, is_empty, is_person

# Bookkeeping and secrets never appear as changes. Fields without a Swedish verbose_name
# (created_by, sha256, CaseLink's ends …) are bookkeeping too; see `_shown`.
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "version",
        "search",
        "due_at",
        "due_step",
        "created_at",
        "updated_at",
        "receipt_selector",
        "receipt_code_hash",
    }
)

# Rows one user writes within this window belong to one action: a close writes the Case row
# and the type's row, a classification the Case row and the M2M rows, a drawn loggkontroll
# sample fifty LogSample rows, all in one request milliseconds apart. Several services give
# each row its own reason (a lex Sarah assessment writes "Bedömd: …" on the case and
# "Bedömning" on the report), so a differing reason does not split an action; a second row
# for an object the action already changed, with another reason and a visible change, does:
# that is the user's next request (create, then at once save a draft).
SAME_ACTION = timedelta(seconds=2)

VERBS = {
    "+": gettext_lazy("skapade %(what)s"),
    "~": gettext_lazy("ändrade %(what)s"),
    "-": gettext_lazy("tog bort %(what)s"),
}


@dataclass(frozen=True)
class HistorySource:
    model: type[Model]
    records: QuerySet  # the model's historical rows to show
    label: str  # the word in the entry's sentence: "ärendet", "åtgärd", "riskanalysen"
    # A part of another source's object (a case's Deviation row, one-to-one on the case): its
    # changes join the action's entry, but it adds no words of its own to the sentence.
    part: bool = False
    hidden: frozenset[str] = frozenset()
    # field → fn(stored value) → text, for values only the caller can read (Case.status
    # through the type's workflow, a risk's probability on the analysis's scale).
    formats: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    # fn(history_type, {field: (old, new)}) → a sentence "avslutade %(what)s", or None for
    # the plain verb (skapade / ändrade / tog bort).
    verb: Callable[[str, dict], str | None] | None = None
    # Fields whose values identify a person (a sender's e-mail): the masked PDF hides them.
    personal: frozenset[str] = frozenset()


@dataclass
class Change:
    label: str
    old: str
    new: str
    person: bool = False  # the values name people (the masked PDF hides them)


@dataclass
class Entry:
    at: datetime
    user: str
    summary: str  # "avslutade ärendet"
    reason: str
    changes: list[Change] = field(default_factory=list)
    system: bool = False  # written by Avvika itself (a task, the public e-service), no user


@dataclass
class _Row:
    order: int  # the source's position: the first source leads the sentence
    source: HistorySource
    rec: Any
    key: Any  # the tracked object's primary key
    changed: dict[str, tuple[Field, Any, Any]]


def _as_source(source) -> HistorySource:
    # (model, records, label) tuples are still accepted from older history_sources.
    return source if isinstance(source, HistorySource) else HistorySource(*source)


def _shown(f: Field, source: HistorySource, subject: type[Model]) -> bool:
    return (
        f.name not in HIDDEN_FIELDS
        and f.name not in source.hidden
        and not f.primary_key
        and (f.editable or bool(f.many_to_many))
        # A lazy translation is a label someone wrote; a plain str is Django's default.
        and isinstance(f.verbose_name, Promise)
        # A measure's case on the case's own page says nothing.
        and not (bool(f.many_to_one) and f.related_model is subject)
    )


def _m2m_values(source: HistorySource, records: list, fields: list[Field]) -> dict:
    """{(field name, history_id): sorted target keys}, one query per M2M field."""
    values: dict[tuple[str, int], list] = {}
    ids = [rec.history_id for rec in records]
    for f in fields:
        through = getattr(source.records.model, f.name).model
        target = get_m2m_reverse_field_name(f)
        rows = through.objects.filter(history_id__in=ids).values_list("history_id", f"{target}_id")
        for history_id, pk in rows:
            values.setdefault((f.name, history_id), []).append(pk)
    return {key: sorted(pks) for key, pks in values.items()}


def _rows(
    order: int, source: HistorySource, subject: type[Model], resolver: Resolver
) -> list[_Row]:
    history_model = source.records.model
    records = list(
        source.records.select_related("history_user").order_by("history_date", "history_id")
    )
    plain = [f for f in history_model.tracked_fields if _shown(f, source, subject)]
    m2m = [
        f for f in getattr(history_model, "_history_m2m_fields", []) if _shown(f, source, subject)
    ]
    m2m_values = _m2m_values(source, records, m2m) if m2m and records else {}

    def value(f: Field, rec):
        if f.many_to_many:
            return m2m_values.get((f.name, rec.history_id), [])
        return getattr(rec, f.attname)

    rows: list[_Row] = []
    previous: dict[Any, Any] = {}
    pk_attname = source.model._meta.pk.attname
    for rec in records:
        key = getattr(rec, pk_attname)
        prev = previous.get(key)
        previous[key] = rec
        changed = {}
        for f in plain + m2m:
            if rec.history_type == "+":
                # What the object was created with; defaults left as they were say nothing.
                old, new = None, value(f, rec)
                if is_empty(new) or new is False:
                    continue
            elif rec.history_type == "~" and prev is not None:
                old, new = value(f, prev), value(f, rec)
                if old == new:
                    continue
            else:
                continue
            changed[f.name] = (f, old, new)
            _announce(f, (old, new), source, resolver)
        rows.append(_Row(order, source, rec, key, changed))
    return rows


def _announce(f: Field, values, source: HistorySource, resolver: Resolver) -> None:
    if f.name in source.formats or not f.is_relation or f.related_model is None:
        return
    related = cast(type[Model], f.related_model)
    for value in values:
        if not is_empty(value):
            resolver.want(related, value if f.many_to_many else [value])


@dataclass
class _Group:
    rows: list[_Row]
    objects: set[tuple]
    reasons: set[str]

    def takes(self, row: _Row) -> bool:
        if row.rec.history_date - self.rows[-1].rec.history_date > SAME_ACTION:
            return False
        return (
            (row.order, row.key) not in self.objects
            or (row.rec.history_change_reason or "") in self.reasons
            or not row.changed
        )  # bookkeeping of the same action (a deadline)

    def add(self, row: _Row) -> None:
        self.rows.append(row)
        self.objects.add((row.order, row.key))
        self.reasons.add(row.rec.history_change_reason or "")


def _groups(rows: list[_Row]) -> list[list[_Row]]:
    """One group per user action: the same user's rows close together in time."""
    groups: list[_Group] = []
    open_groups: dict[Any, _Group] = {}
    for row in sorted(rows, key=lambda r: (r.rec.history_date, r.order, r.rec.history_id)):
        group = open_groups.get(row.rec.history_user_id)
        if group is None or not group.takes(row):
            group = _Group([], set(), set())
            groups.append(group)
            open_groups[row.rec.history_user_id] = group
        group.add(row)
    return [group.rows for group in groups]


def _objects(group: list[_Row]) -> dict[tuple, list[_Row]]:
    """The group's rows per tracked object, leading source first."""
    objects: dict[tuple, list[_Row]] = {}
    for row in sorted(group, key=lambda r: (r.order, r.rec.history_date, r.rec.history_id)):
        objects.setdefault((row.order, row.key), []).append(row)
    return objects


def _net_changes(rows: list[_Row]) -> dict[str, tuple[Field, Any, Any]]:
    """One object's changes over several rows of one action: first old, last new."""
    net: dict[str, tuple[Field, Any, Any]] = {}
    for row in rows:
        for name, (f, old, new) in row.changed.items():
            net[name] = (f, net[name][1] if name in net else old, new)
    # The status leads: it is what the action did; the rest follows the model's field order.
    ordered = sorted(net.items(), key=lambda item: item[0] != "status")
    return {name: change for name, change in ordered if change[1] != change[2]}


def _phrase(rows: list[_Row], net: dict) -> str:
    source = rows[0].source
    kinds = [row.rec.history_type for row in rows]
    kind = "+" if "+" in kinds else "-" if "-" in kinds else "~"
    template = None
    if source.verb is not None:
        template = source.verb(kind, {name: (old, new) for name, (_f, old, new) in net.items()})
    return str(template or VERBS[kind]) % {"what": source.label}


def _join(phrases: list[str]) -> str:
    if len(phrases) < 2:
        return "".join(phrases)
    return _("%(first)s och %(last)s") % {"first": ", ".join(phrases[:-1]), "last": phrases[-1]}


def _entry(group: list[_Row], resolver: Resolver) -> Entry:
    objects = _objects(group)
    per_source = Counter(order for order, _key in objects)
    phrases: list[str] = []
    changes: list[Change] = []
    created = Counter(
        order for (order, _key), rows in objects.items() if rows[0].rec.history_type == "+"
    )
    for (order, _key), rows in objects.items():
        source = rows[0].source
        net = _net_changes(rows)
        if not source.part:
            phrase = _phrase(rows, net)
            if created[order] > 1 and rows[0].rec.history_type == "+":
                phrase = _("%(phrase)s (%(n)s st.)") % {"phrase": phrase, "n": created[order]}
            if phrase not in phrases:
                phrases.append(phrase)
        if created[order] > 1 and rows[0].rec.history_type == "+":
            continue  # fifty sampled log rows: the count says it, not fifty tables
        # Several objects of one kind changed in one action (two risks re-scored): say which.
        prefix = f"{str(rows[-1].rec.instance)[:60]}: " if per_source[order] > 1 else ""
        for name, (f, old, new) in net.items():
            fmt = source.formats.get(name)
            changes.append(
                Change(
                    label=prefix + capfirst(str(f.verbose_name)),
                    old=display(f, old, resolver, fmt),
                    new=display(f, new, resolver, fmt),
                    person=is_person(f) or name in source.personal,
                )
            )
    if not phrases:  # only parts changed: the first one speaks
        first_rows = next(iter(objects.values()))
        phrases.append(_phrase(first_rows, _net_changes(first_rows)))
    first = group[0].rec
    return Entry(
        at=first.history_date,
        user=person_name(first.history_user) if first.history_user else _("Systemet"),
        summary=_join(phrases),
        reason="; ".join(
            dict.fromkeys(r.rec.history_change_reason for r in group if r.rec.history_change_reason)
        ),
        changes=changes,
        system=first.history_user is None,
    )


def history_entries(sources: Iterable, *, reader) -> list[Entry]:
    """Newest first, as `reader` may see it (None: unrestricted, for code that has checked).
    Queries: one per source, one per M2M field, one per related model."""
    resolver = Resolver(reader)
    rows: list[_Row] = []
    sources = [_as_source(s) for s in sources]
    subject = sources[0].model if sources else Model  # the page is about the first source
    for order, source in enumerate(sources):
        rows.extend(_rows(order, source, subject, resolver))
    resolver.load()
    entries = [_entry(group, resolver) for group in _groups(rows)]
    entries.reverse()
    return entries
