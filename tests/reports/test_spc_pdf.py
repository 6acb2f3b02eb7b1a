"""The SPC and pattern blocks in the compiled PDF: the sentence, the chart with its caption
and the chart's values as a table (the text alternative)."""

import io
import re

from pypdf import PdfReader

from reports.editions.compile import compile_run, edition_compile_request
from reports.editions.models import ReportSection
from reports.editions.services import block_add
from tests.reports.spc_data import plant_all


def test_spc_block_prints_sentence_chart_and_values(
    org, edition, django_capture_on_commit_callbacks
):
    plant_all(org)
    section = ReportSection.objects.filter(edition=edition, parent=None).order_by("order").first()
    actor = org.users["quality"]
    block_add(section=section, block_type="spc", params={}, actor=actor)
    block_add(section=section, block_type="patterns", params={}, actor=actor)
    with django_capture_on_commit_callbacks(execute=False):
        job = edition_compile_request(edition=edition, actor=actor)
    compiled = compile_run(job_id=job.pk)
    with compiled.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert (
        "Antalet kvalitetsavvikelser inom Avdelning A har ökat: 9 månader i följd över "
        "medianen sedan april 2025." in text
    )
    assert re.search(r"Diagram \d+\. Kvalitetsavvikelser per månad, Avdelning A\.", text)
    assert "Värdena i diagrammet: Kvalitetsavvikelser per månad, Avdelning A" in text
    assert "Samma problem i flera kanaler per verksamhetsområde" in text
    assert "inte per 1 000 brukare (u-diagram)" in text  # no denominator, and it says so
