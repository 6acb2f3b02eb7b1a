"""Test data for the unit analysis: cases closed at exact local times. Closing is set with the
ORM because the point is the date rule, not the workflows that close cases."""

from datetime import date, datetime

from django.utils import timezone

from cases.complaints.models import Complaint
from cases.models import Case, Code, CodeList, Measure
from deviations.models import Deviation
from reports.analysis.services import round_open
from tests.factories import make_case


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args), timezone.get_default_timezone())


def code(codelist: str, code_: str) -> Code:
    return Code.objects.get(codelist=codelist, code=code_)


def _close(case: Case, closed_at, event=None) -> Case:
    Case.objects.filter(pk=case.pk).update(
        closed_at=closed_at, event_category=code(CodeList.EVENT_CATEGORY, event) if event else None
    )
    case.refresh_from_db()
    return case


def deviation(unit, closed_at, *, event=None, deficiencies=(), causes=(), measures=(), **kw):
    case = make_case(unit, "deviation", **kw)
    dev = Deviation.objects.create(case=case)
    dev.deficiencies.set([code(CodeList.DEFICIENCY, d) for d in deficiencies])
    dev.root_causes.set([code(CodeList.ROOT_CAUSE, r) for r in causes])
    for mtype in measures:
        Measure.objects.create(
            case=case,
            description="Åtgärd",
            measure_type=code(CodeList.MEASURE_TYPE, mtype) if mtype else None,
        )
    return _close(case, closed_at, event)


def complaint(unit, closed_at, *, source="utomstaende", topics=(), **kw):
    case = make_case(unit, "complaint", **kw)
    comp = Complaint.objects.create(
        case=case, source=source, complaint_type=code(CodeList.COMPLAINT_TYPE, "klagomal")
    )
    comp.topics.set([code(CodeList.COMPLAINT_TOPIC, t) for t in topics])
    return _close(case, closed_at)


def lexsarah(unit, closed_at, **kw):
    return _close(make_case(unit, "lexsarah", **kw), closed_at)


def open_2025(org):
    """Round 2025 (1 Jun 2024 – 31 May 2025): analyses for A1, A (covers A, A2) and B1."""
    return round_open(year=2025, actor=org.users["quality"], due_date=date(2025, 6, 30))


def table(figures: dict, key: str) -> dict:
    """{row key: (current, previous)} of one figures table."""
    found = next(t for t in figures["tables"] if t["key"] == key)
    return {r["key"]: (r["current"], r["previous"]) for r in found["rows"]}


def total(figures: dict, key: str) -> tuple[int, int]:
    found = next(t for t in figures["tables"] if t["key"] == key)
    return found["total"]["current"], found["total"]["previous"]
