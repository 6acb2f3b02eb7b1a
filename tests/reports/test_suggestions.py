"""Suggested sentences (issue 17 point 6): computed from each block's figures, offered in the
editor with an "Infoga förslag" button, never in a frozen edition."""

import pytest

from cases.models import Case
from reports.editions.blocks import BLOCK_TYPES, BlockScope, compute_block
from reports.editions.models import ReportBlock, ReportEdition

pytestmark = pytest.mark.django_db


def scope(org, year=2025):
    return BlockScope(unit=org.units["ASF"], year=year, cases=Case.objects.all())


def test_count_block_suggests_its_sentence(org, dataset):
    r = compute_block("case_count", {"kind": "deviation"}, scope(org))
    assert r["suggestion"] == "Färre kvalitetsavvikelser har inkommit 2025 än 2024, 4 (6)."


def test_trend_suggestion_from_the_table(org, dataset):
    r = compute_block("case_trend", {"kind": "deviation"}, scope(org))
    assert r["suggestion"] == (
        "Antalet kvalitetsavvikelser har ökat från 0 år 2021 till 4 år 2025. "
        "Flest år 2025 hade Avdelning A (4)."
    )


def test_distribution_suggestion_names_the_leading_categories(org, dataset):
    r = compute_block(
        "case_distribution",
        {"kind": "deviation", "dimension": "deficiency", "rule": "closed", "period": "analysis"},
        scope(org),
    )
    assert r["suggestion"] == (
        "Kvalitetsavvikelser per bristområde 1 juni 2024–31 maj 2025: vanligast var "
        "Dokumentation (2) och Processer och rutiner (1)."
    )


def test_every_block_type_offers_a_suggestion(org, dataset):
    for block_type in BLOCK_TYPES:
        r = compute_block(block_type, {"kind": "deviation"}, scope(org))
        assert r["suggestion"], block_type
    assert compute_block("nonexistent", {}, scope(org))["suggestion"] == ""


def _preview(client, edition, block):
    return client.get(
        f"/rapporter/{edition.pk}/block/{block.pk}/siffror/", HTTP_HX_REQUEST="true"
    ).content.decode()


def test_editor_offers_insert_button_with_the_suggestion(edition, org, login):
    client = login(org.users["quality"])
    block = ReportBlock.objects.filter(section__edition=edition, block_type="case_count").first()
    html = _preview(client, edition, block)
    assert "Infoga förslag" in html
    assert f'data-insert-suggestion="suggestion-{block.pk}"' in html
    result = compute_block(block.block_type, block.params, scope(org))
    assert f'id="suggestion-{block.pk}">{result["suggestion"]}</span>' in html


def test_frozen_edition_offers_no_insert(edition, org, login):
    ReportEdition.objects.filter(pk=edition.pk).update(status=ReportEdition.Status.APPROVED)
    client = login(org.users["quality"])
    block = ReportBlock.objects.filter(section__edition=edition, block_type="case_count").first()
    assert "Infoga förslag" not in _preview(client, edition, block)


def test_an_appendix_list_suggests_its_count(org, dataset):
    r = compute_block("selfcontrol_register", {}, scope(org))
    n = r["figures"][0]["value"]
    assert r["suggestion"].startswith(r["title"])
    assert (f": {n}, i " in r["suggestion"]) if n else r["suggestion"].endswith(": inga.")
