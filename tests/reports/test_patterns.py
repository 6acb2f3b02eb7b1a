"""Cross-type patterns (issue 17 point 5): deviations, complaints and lex Sarah reports that
point at the same problem area in a verksamhetsområde."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CodeList
from reports.editions.blocks import BlockScope, compute_block
from tests.reports.edition_data import c, complaint, deviation, lexsarah, local

pytestmark = pytest.mark.django_db


def scope(org, year=2025):
    return BlockScope(unit=org.units["ASF"], year=year, cases=Case.objects.all())


def build(org):
    u = org.units
    closed = local(2025, 3, 1)
    # Avdelning A: bemötande in deviations (2) and complaints (1), lex Sarah about bemötande too.
    deviation(u["A1"], local(2025, 1, 5), closed=closed, deficiencies=["bemotande"])
    deviation(
        u["A2"], local(2025, 1, 6), closed=closed, deficiencies=["bemotande", "dokumentation"]
    )
    complaint(u["A1"], local(2025, 1, 7), topics=["bemotande", "beslut"], closed=closed)
    report = lexsarah(u["A1"], local(2025, 1, 8))
    Case.objects.filter(pk=report.pk).update(
        closed_at=closed, event_category=c(CodeList.EVENT_CATEGORY, "bemotande")
    )
    # Avdelning B: different problems in each channel; no shared area.
    deviation(u["B1"], local(2025, 2, 1), closed=closed, deficiencies=["kompetens"])
    complaint(u["B1"], local(2025, 2, 2), topics=["tillganglighet"], closed=closed)
    # Closed outside the analysis period (1 June 2024 – 31 May 2025): not counted, so no
    # shared "handläggning" in Avdelning B.
    july = local(2025, 7, 1)
    complaint(u["B1"], local(2025, 2, 3), topics=["handlaggning"], closed=july)
    deviation(u["B1"], local(2025, 2, 4), closed=july, deficiencies=["handlaggning"])


def test_shared_problem_area_gives_a_sentence(org):
    build(org)
    with CaptureQueriesContext(connection) as ctx:
        r = compute_block("patterns", {}, scope(org))
    assert r["sentences"] == [
        "Inom Avdelning A pekar kvalitetsavvikelser, klagomål och synpunkter samt "
        "lex Sarah-rapporter på samma område: bemötande."
    ]
    rows = {row[0]: row[1:] for row in r["tables"][0]["rows"]}
    assert rows["Avdelning A"] == [
        "Bemötande (2), Dokumentation (1)",
        "Bemötande (1), Beslut (1)",  # a tie goes by label
        "Brister i bemötande (1)",
        "Bemötande",
    ]
    assert rows["Avdelning B"] == ["Kompetens (1)", "Tillgänglighet (1)", "–", "–"]
    assert "1 juni 2024–31 maj 2025" in r["rule_text"]
    counting = [q for q in ctx.captured_queries if "UNION ALL" in q["sql"]]
    assert len(counting) == 1


def test_no_shared_area_says_so(org):
    deviation(
        org.units["B1"], local(2025, 2, 1), closed=local(2025, 3, 1), deficiencies=["kompetens"]
    )
    r = compute_block("patterns", {}, scope(org))
    assert r["sentences"] == [
        "Kvalitetsavvikelser, klagomål och lex Sarah-rapporter pekar inte på samma område "
        "inom något verksamhetsområde 1 juni 2024–31 maj 2025."
    ]
    assert r["suggestion"] == r["sentences"][0]
