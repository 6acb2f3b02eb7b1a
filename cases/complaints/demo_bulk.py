"""The closed years of demo complaints in bulk (see cases/complaints/demo.py): the rows and
every step's history row, as the services would have written them, a handful of INSERTs per
2 000 rows. Case.created_at / updated_at are the time of the run, as in deviations/demo.py;
nothing shows them."""

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

from django.apps import apps
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.complaints.models import Complaint
from cases.complaints.workflow import COMPLAINT_WORKFLOW
from cases.deadlines import due_for
from cases.models import Case, CaseKind, Code, Measure
from cases.registry import case_type
from cases.services.references import reference_block

REASON = "Demodata"
BATCH = 2000


@dataclass
class Plan:
    case: Case
    complaint: Complaint
    case_steps: list[tuple[datetime, str, object, dict]] = field(default_factory=list)
    complaint_steps: list[tuple[datetime, str, object, dict, bool]] = field(default_factory=list)
    topics: list[Code] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)

    def case_step(self, at, reason, user, changes):
        self.case_steps.append((at, reason, user, changes))

    def complaint_step(self, at, reason, user, changes, with_topics=False):
        self.complaint_steps.append((at, reason, user, changes, with_topics))


@lru_cache(maxsize=4096)
def _due(step: str, day: date) -> datetime | None:
    # The deadline depends only on the day a step starts; one query per day, not per case.
    return due_for(CaseKind.COMPLAINT, step, timezone.make_aware(datetime.combine(day, time(12))))


def _snapshots(obj, steps, *, deadline: bool):
    """Walk `obj` through its steps; return (first snapshot, later snapshots). Like a service
    save, each step bumps the case's version and recomputes its deadline."""
    created, later = None, []
    for index, (at, reason, user, changes, *_rest) in enumerate(steps):
        for name, value in changes.items():
            setattr(obj, name, value)
        if deadline:
            obj.version = index + 1
            step = (COMPLAINT_WORKFLOW.deadline_steps.get(obj.status, "")
                    if obj.closed_at is None else "")
            obj.due_step = step
            obj.due_at = _due(step, timezone.localtime(obj.received_at).date()) if step else None
        snap = copy.copy(obj)
        snap._history_date, snap._history_user = at, user  # type: ignore[attr-defined]
        snap._change_reason = reason  # type: ignore[attr-defined]
        if index:
            later.append(snap)
        else:
            created = snap
    return created, later


def write_block(plans: list[Plan], year: int) -> None:
    """Cases, complaints, topics and measures of one block, with every step's history row:
    a handful of INSERTs per 2 000 rows instead of ~30 statements per case."""
    prefix = case_type(CaseKind.COMPLAINT).reference_prefix
    for plan, reference in zip(plans, reference_block(prefix=prefix, year=year,
                                                      count=len(plans)), strict=True):
        plan.case.reference = reference
    case_first, case_later, comp_first, comp_later = [], [], [], []
    for plan in plans:
        first, later = _snapshots(plan.case, plan.case_steps, deadline=True)
        case_first.append(first)
        case_later += later
    cases = [p.case for p in plans]
    Case.objects.bulk_create(cases, batch_size=BATCH)
    saved = {c.reference: c for c in cases}
    for snap in case_first + case_later:
        case = saved[snap.reference]
        snap.pk, snap.created_at, snap.updated_at = case.pk, case.created_at, case.updated_at
    Case.history.bulk_history_create(case_first, batch_size=BATCH, default_change_reason=REASON)
    Case.history.bulk_history_create(case_later, batch_size=BATCH, update=True,
                                     default_change_reason=REASON)

    topics_with = []  # (snapshot, plan) for history rows that carry the topics
    for plan in plans:
        plan.complaint.case = plan.case  # picks up the saved case's pk
        first, later = _snapshots(plan.complaint, plan.complaint_steps, deadline=False)
        comp_first.append(first)
        comp_later += later
        topics_with += [(snap, plan) for snap, step in zip(later, plan.complaint_steps[1:],
                                                           strict=True) if step[4]]
    Complaint.objects.bulk_create([p.complaint for p in plans], batch_size=BATCH)
    Complaint.history.bulk_history_create(comp_first, batch_size=BATCH,
                                          default_change_reason=REASON)
    later_rows = Complaint.history.bulk_history_create(comp_later, batch_size=BATCH,
                                                       update=True, default_change_reason=REASON)
    _topics(plans, topics_with, later_rows, comp_later)
    measures = [m for p in plans for m in p.measures]
    bulk_create_with_history(measures, Measure, batch_size=BATCH, default_change_reason=REASON)


def _topics(plans, topics_with, history_rows, snapshots) -> None:
    """The topics' through rows and, for each history row written after the assessment, the
    snapshot of the topics that simple-history keeps beside it."""
    through = Complaint.topics.through
    rows = [through(complaint_id=p.complaint.pk, code_id=t.pk) for p in plans for t in p.topics]
    through.objects.bulk_create(rows, batch_size=BATCH)
    by_complaint: dict[int, list] = {}
    for row in rows:
        by_complaint.setdefault(row.complaint_id, []).append(row)
    history_id = {id(snap): row.history_id for snap, row in zip(snapshots, history_rows,
                                                                strict=True)}
    model = apps.get_model("cases", "HistoricalComplaint_topics")
    model.objects.bulk_create(
        [model(history_id=history_id[id(snap)], id=row.pk, complaint_id=row.complaint_id,
               code_id=row.code_id)
         for snap, plan in topics_with for row in by_complaint.get(plan.complaint.pk, [])],
        batch_size=BATCH)
