"""Builders for supervisory cases, always through the services (so history rows exist)."""

from datetime import date

from cases.models import CodeList
from cases.supervision import services as services
from cases.supervision.models import Supervision
from tests.factories import code


def make_supervision(
    actor,
    units,
    *,
    authority="ivo",
    type_code="hvb",
    title="Tillsyn av HVB",
    initiated_on=date(2024, 1, 1),
    reference="3.5.1-1/2025",
    decisions=(),
) -> Supervision:
    supervision = services.supervision_create(
        actor=actor,
        authority=authority,
        supervision_type=code(CodeList.SUPERVISION_TYPE, type_code),
        title=title,
        units=units,
        initiated_on=initiated_on,
        authority_reference=reference,
    )
    for decided_on, categories in decisions:
        services.supervision_decision_add(
            supervision=supervision,
            actor=actor,
            decided_on=decided_on,
            deficiencies_found=bool(categories),
            deficiency_categories=[code(CodeList.SUPERVISION_DEFICIENCY, c) for c in categories],
        )
    supervision.refresh_from_db()
    return supervision
