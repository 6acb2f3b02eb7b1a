"""A readable history: who changed which field from what to what, with Swedish labels."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, CaseLink, Code, Measure, Note, Unit
from cases.registry import case_type_or_none

# Bookkeeping and secrets (the receipt-code hash) never appear on the history tab.
HIDDEN_FIELDS = {"version", "search", "due_at", "due_step", "updated_at", "created_at", "id",
                 "receipt_selector", "receipt_code_hash"}


def history_of(model, case_field: str = "case_id"):
    """A history_sources helper: the model's history rows for one case, oldest first."""

    def _source(case):
        records = (model.history.filter(**{case_field: case.pk}).select_related("history_user")
                   .order_by("history_date", "history_id"))
        return (model, records, str(model._meta.verbose_name).capitalize())

    return _source
TYPE_LABEL_DEFAULTS = {
    "case": _("Ärende"),
    "measure": _("Åtgärd"),
    "note": _("Anteckning"),
    "attachment": _("Bilaga"),
    "caselink": _("Koppling"),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    user: str
    reason: str
    what: str
    action: str
    changes: list[Change] = field(default_factory=list)


class _Resolver:
    """Turns stored FK ids into names with one query per model, not per row."""

    MODELS = {"unit": Unit, "event_category": Code, "measure_type": Code}

    def __init__(self):
        self.cache: dict[tuple[type[Model], int], str] = {}

    def name(self, model: type[Model], pk) -> str:
        if pk in (None, ""):
            return "–"
        key = (model, pk)
        if key not in self.cache:
            obj = model._default_manager.filter(pk=pk).first()
            self.cache[key] = str(obj) if obj else str(pk)
        return self.cache[key]


def _display(model: type[Model], fname: str, value, resolver: _Resolver) -> str:
    try:
        f = model._meta.get_field(fname)
    except Exception:  # noqa: BLE001
        return str(value)
    if value in (None, "", []):
        return "–"
    if f.many_to_many and isinstance(value, list):
        return _m2m_display(f, value, resolver)
    if f.is_relation and f.related_model is not None:
        related = f.related_model
        if related is get_user_model():
            return resolver.name(related, value)
        return resolver.name(related, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if hasattr(model, "status_label") and fname == "status":
        return str(value)
    return str(value)


def _m2m_display(f, rows: list, resolver: _Resolver) -> str:
    """simple-history gives M2M snapshots as through-table rows; show the target names."""
    key = f.m2m_reverse_field_name()
    ids = [row.get(key, row.get(f"{key}_id")) for row in rows if isinstance(row, dict)]
    names = sorted(resolver.name(f.related_model, pk) for pk in ids if pk is not None)
    return ", ".join(names) or "–"


def _entries_for(model: type[Model], records, what: str, resolver: _Resolver) -> list[Entry]:
    out = []
    previous: dict = {}
    for rec in records:
        action = {"+": _("skapade"), "~": _("ändrade"), "-": _("tog bort")}[rec.history_type]
        entry = Entry(
            at=rec.history_date,
            user=str(rec.history_user) if rec.history_user else _("Systemet"),
            reason=rec.history_change_reason or "",
            what=what,
            action=action,
        )
        # The tracked row's own key (a one-to-one part is keyed by its case_id, not id).
        key = getattr(rec, model._meta.pk.attname)
        prev = previous.get(key)
        if prev is not None and rec.history_type == "~":
            delta = rec.diff_against(prev)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                label = str(model._meta.get_field(change.field).verbose_name).capitalize()
                old, new = change.old, change.new
                if model is Case and change.field == "status":
                    from cases.workflow import workflow_for

                    wf = workflow_for(rec.kind)
                    old, new = wf.label(old), wf.label(new)
                else:
                    old = _display(model, change.field, old, resolver)
                    new = _display(model, change.field, new, resolver)
                entry.changes.append(Change(label, old, new))
        previous[key] = rec
        out.append(entry)
    return out


def case_history_entries(case: Case) -> list[Entry]:
    resolver = _Resolver()
    sources = [
        (Case, case.history.select_related("history_user").order_by("history_date", "history_id"),
         _("Ärende")),
        (Measure, Measure.history.filter(case_id=case.pk).select_related("history_user")
         .order_by("history_date", "history_id"), _("Åtgärd")),
        (Note, Note.history.filter(case_id=case.pk).select_related("history_user")
         .order_by("history_date", "history_id"), _("Anteckning")),
        (Attachment, Attachment.history.filter(case_id=case.pk).select_related("history_user")
         .order_by("history_date", "history_id"), _("Bilaga")),
        (CaseLink, CaseLink.history.filter(source_id=case.pk).select_related("history_user")
         .order_by("history_date", "history_id"), _("Koppling")),
    ]
    ui = case_type_or_none(case.kind)
    if ui is not None and ui.history_sources is not None:
        sources.extend(ui.history_sources(case))
    entries: list[Entry] = []
    for model, records, what in sources:
        entries.extend(_entries_for(model, records, what, resolver))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
