"""Bulk writes of deviation rows with their history, for imports and demo data.

`bulk_create` alone writes no history (DESIGN §10), and simple-history's bulk helper skips the
M2M snapshot tables. This writes the rows, one history row each, the through rows and the
matching M2M history rows: a handful of INSERTs per 2 000 rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from . import models as m

BATCH = 2000


@dataclass
class DeviationSpec:
    deviation: m.Deviation  # unsaved, with case_id set
    deficiency_ids: list[int] = field(default_factory=list)
    root_cause_ids: list[int] = field(default_factory=list)
    history_date: datetime | None = None
    history_user: object = None


def _m2m(specs, history_rows, through, history_model, ids_of) -> None:
    """Through rows and, per history row, the snapshot of that relation."""
    rows = [through(deviation_id=s.deviation.pk, code_id=code_id)
            for s in specs for code_id in ids_of(s)]
    through.objects.bulk_create(rows, batch_size=BATCH)
    history_by_case = {h.case_id: h.history_id for h in history_rows}
    snapshots = [history_model(history_id=history_by_case[r.deviation_id], id=r.pk,
                               deviation_id=r.deviation_id, code_id=r.code_id) for r in rows]
    history_model.objects.bulk_create(snapshots, batch_size=BATCH)


def deviations_bulk_create(specs: list[DeviationSpec], *, user, reason: str) -> None:
    if not specs:
        return
    objs = []
    for spec in specs:
        obj = spec.deviation
        if spec.history_date is not None:
            obj._history_date = spec.history_date  # type: ignore[attr-defined]
        obj._history_user = spec.history_user or user  # type: ignore[attr-defined]
        objs.append(obj)
    m.Deviation.objects.bulk_create(objs, batch_size=BATCH)
    history_rows = m.Deviation.history.bulk_history_create(
        objs, batch_size=BATCH, default_user=user, default_change_reason=reason)
    _m2m(specs, history_rows, m.Deviation.deficiencies.through,
         m.HistoricalDeviation_deficiencies, lambda s: s.deficiency_ids)
    _m2m(specs, history_rows, m.Deviation.root_causes.through,
         m.HistoricalDeviation_root_causes, lambda s: s.root_cause_ids)


def import_apply(items, *, codes, user, reason: str) -> None:
    """`CaseType.import_applier`: items are (ImportedCase, CaseRow); codes maps
    (codelist, code) → Code. Imported rows carry deficiencies ("brister") and root causes
    ("orsaker") as lists of codes and the consequence ("konsekvens") as one. Written by COPY with history made by PostgreSQL
    (cases.imports.bulk): 100 000 rows must import in < 60 s."""
    from cases.imports import bulk

    if not items:
        return
    rows, deficiencies, causes = [], [], []
    for case, row in items:
        consequence = row.codes.get("konsekvens") or []
        rows.append({"case_id": case.pk, "consequence_id":
                     codes[("consequence", consequence[0])].pk if consequence else None})
        deficiencies += [{"deviation_id": case.pk, "code_id": codes[("deficiency", c)].pk}
                         for c in row.codes.get("brister", [])]
        causes += [{"deviation_id": case.pk, "code_id": codes[("root_cause", c)].pk}
                   for c in row.codes.get("orsaker", [])]
    bulk.copy_rows(m.Deviation, rows)
    history = bulk.history_from_rows(m.Deviation, "case_id", [case.pk for case, _row in items],
                                     user=user, reason=reason)
    bulk.copy_rows(m.Deviation.deficiencies.through, deficiencies, skip=("id",))
    bulk.copy_rows(m.Deviation.root_causes.through, causes, skip=("id",))
    bulk.m2m_history_from_rows(m.Deviation, "deficiencies", history)
    bulk.m2m_history_from_rows(m.Deviation, "root_causes", history)
