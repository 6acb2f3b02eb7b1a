"""The deviation rows of an import (`CaseType.import_applier`), written in bulk with their
history: the rows and their M2M links by COPY, one history row each and the matching M2M
history rows by INSERT … SELECT (cases.imports.bulk). simple-history's own bulk helper skips
the M2M snapshot tables (DESIGN §10).
"""

from . import models as m


def import_apply(items, *, codes, user, reason: str) -> None:
    """`CaseType.import_applier`: items are (ImportedCase, CaseRow); codes maps
    (codelist, code) → Code. Imported rows carry deficiencies ("brister") and root causes
    ("orsaker") as lists of codes and the consequence ("konsekvens") as one. Written by COPY
    with history made by PostgreSQL (cases.imports.bulk): 100 000 rows must import in < 60 s."""
    from cases.imports import bulk

    if not items:
        return
    rows, deficiencies, causes = [], [], []
    for case, row in items:
        consequence = row.codes.get("konsekvens") or []
        rows.append((case.pk, codes[("consequence", consequence[0])].pk if consequence else None))
        deficiencies += [
            (case.pk, codes[("deficiency", c)].pk) for c in row.codes.get("brister", [])
        ]
        causes += [(case.pk, codes[("root_cause", c)].pk) for c in row.codes.get("orsaker", [])]
    links = ("deviation_id", "code_id")
    bulk.copy_rows(m.Deviation, ("case_id", "consequence_id"), rows)
    history = bulk.history_from_rows(
        m.Deviation, "case_id", [case.pk for case, _row in items], user=user, reason=reason
    )
    bulk.copy_rows(m.Deviation.deficiencies.through, links, deficiencies, skip=("id",))
    bulk.copy_rows(m.Deviation.root_causes.through, links, causes, skip=("id",))
    bulk.m2m_history_from_rows(m.Deviation, "deficiencies", history)
    bulk.m2m_history_from_rows(m.Deviation, "root_causes", history)
