"""The readable history tab for a supervisory case: the case, its decisions and its measures,
in the same Entry/Change shape as `cases.history_view` so `cases/_history.html` renders it.

Own loop rather than `history_view._entries_for` because these models track M2M fields
(units, deficiency categories), whose diffs are lists of through-rows, not single values.
"""

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.history_view import HIDDEN_FIELDS, Change, Entry, _display, _Resolver
from cases.supervision.models import Supervision, SupervisionDecision, SupervisionMeasure

ACTIONS = {"+": gettext_lazy("skapade"), "~": gettext_lazy("ändrade"), "-": gettext_lazy("tog bort")}


def _m2m_names(model: type[Model], field_name: str, rows, resolver: _Resolver) -> str:
    related = model._meta.get_field(field_name).related_model
    target = related._meta.model_name  # the through-row's key for the related object
    names = sorted(resolver.name(related, row.get(target)) for row in rows or [])
    return ", ".join(names) or "–"


def _changes(model: type[Model], rec, prev, resolver: _Resolver) -> list[Change]:
    m2m = {f.name for f in model._meta.many_to_many}
    out = []
    for change in rec.diff_against(prev).changes:
        if change.field in HIDDEN_FIELDS:
            continue
        label = str(model._meta.get_field(change.field).verbose_name).capitalize()
        if change.field in m2m:
            old = _m2m_names(model, change.field, change.old, resolver)
            new = _m2m_names(model, change.field, change.new, resolver)
        else:
            old = _display(model, change.field, change.old, resolver)
            new = _display(model, change.field, change.new, resolver)
        if old != new:
            out.append(Change(label, old, new))
    return out


def _entries(model: type[Model], records, what: str, resolver: _Resolver) -> list[Entry]:
    out = []
    previous: dict = {}
    for rec in records:
        entry = Entry(
            at=rec.history_date,
            user=str(rec.history_user) if rec.history_user else _("Systemet"),
            reason=rec.history_change_reason or "",
            what=what,
            action=str(ACTIONS[rec.history_type]),
        )
        prev = previous.get(rec.id)
        if prev is not None and rec.history_type == "~":
            entry.changes = _changes(model, rec, prev, resolver)
        previous[rec.id] = rec
        out.append(entry)
    return out


def supervision_history_entries(supervision: Supervision) -> list[Entry]:
    resolver = _Resolver()
    order = ("history_date", "history_id")
    sources = [
        (Supervision, supervision.history.select_related("history_user").order_by(*order),
         _("Tillsynsärende")),
        (SupervisionDecision, SupervisionDecision.history.filter(supervision_id=supervision.pk)
         .select_related("history_user").order_by(*order), _("Beslut")),
        (SupervisionMeasure, SupervisionMeasure.history.filter(supervision_id=supervision.pk)
         .select_related("history_user").order_by(*order), _("Åtgärd")),
    ]
    entries: list[Entry] = []
    for model, records, what in sources:
        entries.extend(_entries(model, records, what, resolver))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
