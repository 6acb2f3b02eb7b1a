"""The kvalitetsberättelse as a document a förvaltningsdirektör signs (issue 17, points 1 and 3):
numbered captions and their lists, no table of zeros, named appendices, the cover, the UTKAST
watermark only before approval, the page layout, Göteborg's quality year from the CLI. Read
back with pypdf (text per page) and WeasyPrint's layout tree."""

import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from reports.editions.compile import edition_layout_problems, render_edition_pdf
from reports.editions.layout import layout_problems
from reports.editions.logo import sanitize_svg
from reports.editions.models import ReportBlock, ReportEdition, ReportTemplate
from reports.editions.pdf import collapse_zero_rows, pdf_sections
from reports.editions.selectors import edition_compute
from reports.editions.services import edition_create, edition_logo_set, edition_update
from tests.reports.edition_data import complaint, local

pytestmark = pytest.mark.django_db

LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'viewBox="0 0 200 40" onload="alert(1)"><script>alert(2)</script>'
    b'<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">HTML</p></foreignObject>'
    b'<image xlink:href="file:///etc/passwd" width="10" height="10"/>'
    b'<rect width="40" height="40" fill="#0072B2" style="x"/>'
    b'<text x="50" y="28" font-size="20" fill="url(http://evil.example/x)">Kommunlogo</text>'
    b"</svg>"
)


def pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", p.extract_text().replace("\u00a0", " ")) for p in reader.pages]


@pytest.fixture
def rendered(org, dataset, edition):
    outline = edition_compute(edition, org.users["quality"])
    return edition, outline, pages(render_edition_pdf(edition, outline))


def test_captions_are_numbered_and_listed_after_the_contents(rendered):
    _edition, _outline, texts = rendered
    text = " ".join(texts)
    lists = next(t for t in texts if "Diagramförteckning" in t)
    assert "Tabellförteckning" in lists
    diagrams = [int(n) for n in re.findall(r"Diagram (\d+)\. Antal", text.split(lists)[-1])]
    tables = [int(n) for n in re.findall(r"Tabell (\d+)\. ", text.split(lists)[-1])]
    # Every number once, in reading order, and each one listed with its page.
    assert diagrams == list(range(1, 5))
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 15
    assert re.search(
        r"Diagram 1\. Antal klagomål och synpunkter från utomstående[^.]*\.+ \d+", lists
    )
    assert re.search(r"Tabell 1\. Antal klagomål[^.]*\.+ \d+", lists)
    assert "Diagram:" not in text


def test_zero_rows_collapse_into_one_line_and_totals_still_add_up(rendered):
    _edition, _outline, texts = rendered
    text = " ".join(texts)
    # AU-behandlade per bedömning: two categories with reports, the other two said once.
    assert re.search(
        r"Missförhållande 1 Allvarligt missförhållande 1 Övriga kategorier \(2 st\.\) 0 Totalt 2",
        text,
    )
    # "Ej angivet" is kept, after the collapsed line, and the total is unchanged.
    assert re.search(r"Övriga kategorier \(\d+ st\.\) 0 Ej angivet 1 Totalt 3", text)
    # No table whose every category row is zero remains.
    assert not re.search(r"(?:[A-ZÅÄÖ][a-zåäö ]+ 0 ){3}", text)


def test_collapse_keeps_single_zero_rows_and_ej_angivet():
    rows = [["A", 0], ["B", 3], ["C", 0], ["Ej angivet", 0], ["D", 0]]
    out = collapse_zero_rows(rows)
    assert out == [["B", 3], ["Övriga kategorier (3 st.)", 0], ["Ej angivet", 0]]
    assert sum(r[1] for r in out) == sum(r[1] for r in rows)
    assert collapse_zero_rows([["A", 0], ["B", 1]]) == [["A", 0], ["B", 1]]


def test_every_row_when_the_block_asks_for_it(org, dataset, edition):
    block = next(
        b
        for b in ReportBlock.objects.filter(section__edition=edition, kind="data")
        if b.params.get("dimension") == "event_category" and b.params.get("kind") == "deviation"
    )

    def rows():
        outline = edition_compute(edition, org.users["quality"])
        sections, _captions = pdf_sections(outline)
        return next(
            t["rows"]
            for s in _walk(sections)
            for p in s.parts
            if p["kind"] == "data"
            for t in p["block"]["tables"]
            if t["key"] == "event_category" and t["caption"].startswith("Kvalitetsavvikelser")
        )

    assert any(r[0].startswith("Övriga kategorier") for r in rows())
    block.params = {**block.params, "all_rows": True}
    block.save()
    every = rows()
    assert not any(r[0].startswith("Övriga kategorier") for r in every)
    assert sum(1 for r in every if r[1] == 0) >= 2


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.children)


def test_urval_is_said_once_per_section(rendered):
    _edition, _outline, texts = rendered
    text = " ".join(texts)
    section = text.split("Klagomål och synpunkter från personal och kvalitetsavvikelser")[-1]
    section = section.split("Lex Sarah")[0]
    # Four blocks in the section, one selection rule: said once, after the blocks.
    assert section.count("Urval: inkomna, räknat på inkomstdatum") == 1


def test_empty_headings_left_out_and_no_bilaga_bilagor(rendered):
    edition, _outline, texts = rendered
    text = " ".join(texts)
    assert "Ledningssystemets grundläggande uppbyggnad" not in text
    assert "Bilaga Bilagor" not in text
    # Renumbered without a gap: 1 Inledning, 2 Det systematiska förbättringsarbetet …
    assert re.search(r"1 Inledning \.+ \d+ 2 Det systematiska förbättringsarbetet", text)


def test_named_appendices_list_the_years_analyses_controls_and_decisions(rendered):
    _edition, _outline, texts = rendered
    text = " ".join(texts)
    risk = text.split("Bilaga 1. Riskanalyser 2025")[-1]
    assert "Riskanalys om barnavårdsutredningar 2025-03-10" in risk
    assert "Ej med 2025-04-01" in risk  # the register lists every analysis of the year
    controls = text.split("Bilaga 2. Egenkontroller 2025")[-1]
    assert "Aktgranskning av utredningar 2025-01-01–2025-06-30" in controls
    decisions = text.split("Bilaga 3. Beslut från tillsynsmyndigheter 2025")[-1]
    assert "Tillsyn 2025-05-05 IVO Ja" in decisions
    assert "2024-12-31" not in decisions  # JO's decision is from the year before
    # In the contents, with page numbers.
    assert re.search(r"Bilaga 3\. Beslut från tillsynsmyndigheter 2025 \.+ \d+", text)


def test_cover_has_board_administration_logo_and_fields(org, dataset, edition):
    actor = org.users["quality"]
    edition = edition_update(
        edition=edition,
        expected_version=edition.version,
        data={"board": "Socialnämnden", "administration": "Socialförvaltningen"},
        actor=actor,
    )
    edition = edition_logo_set(edition=edition, name="logo.svg", data=LOGO_SVG, actor=actor)
    assert edition.history.first().history_change_reason == "Logotypen byttes"
    outline = edition_compute(edition, actor)
    cover = pages(render_edition_pdf(edition, outline))[0]
    for field in (
        "Kommunlogo",  # the logo's own text, drawn from the sanitised SVG
        "Socialnämnden",
        "Socialförvaltningen",
        "Kvalitetsberättelse 2025",
        "2026-02-27",
        "ASN-2026-00042",
        "Förvaltningsdirektör",
        "Status Utkast",
    ):
        assert field in cover, field
    assert "HTML" not in cover


def test_cover_takes_the_organisations_names_when_the_edition_has_none(org, dataset, edition):
    from cases.services.organisation import organisation_settings_update

    actor = org.users["quality"]
    assert not edition.board and not edition.administration
    organisation_settings_update(
        actor=actor,
        reason="Uppgifter för IVO och kvalitetsberättelsen",
        board="Vård- och omsorgsnämnden",
        administration="Vård- och omsorgsförvaltningen",
    )
    cover = pages(render_edition_pdf(edition, edition_compute(edition, actor)))[0]
    assert "Vård- och omsorgsnämnden" in cover and "Vård- och omsorgsförvaltningen" in cover
    # The edition's own names win over the organisation's.
    edition = edition_update(
        edition=edition,
        expected_version=edition.version,
        data={"board": "Socialnämnden"},
        actor=actor,
    )
    cover = pages(render_edition_pdf(edition, edition_compute(edition, actor)))[0]
    assert "Socialnämnden" in cover and "Vård- och omsorgsnämnden" not in cover
    assert "Vård- och omsorgsförvaltningen" in cover


def test_svg_logo_is_rebuilt_without_script_links_or_foreign_content():
    clean = sanitize_svg(LOGO_SVG).decode()
    for bad in ("script", "onload", "foreignObject", "file://", "evil.example", "style="):
        assert bad not in clean, bad
    assert "Kommunlogo" in clean and "<ns0:" not in clean


def test_watermark_on_every_page_until_approved(rendered):
    edition, outline, texts = rendered
    assert all("UTKAST" in t for t in texts)
    edition.status = ReportEdition.Status.APPROVED  # as printed once approved
    approved = pages(render_edition_pdf(edition, outline))
    assert not any("UTKAST" in t for t in approved)
    assert "Status Godkänd" in approved[0]


def test_layout_no_stranded_header_unnumbered_chart_or_empty_heading(rendered):
    edition, outline, _texts = rendered
    assert edition_layout_problems(edition, outline) == []


def test_layout_check_finds_the_faults_it_looks_for():
    from weasyprint import HTML

    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(60))
    html = (
        "<style>@page{size:A6} tr{break-inside:avoid} thead{display:table-header-group}"
        "tfoot{display:table-row-group}</style>"
        "<section><h2>Tom rubrik</h2></section>"
        "<figure><img alt=''><figcaption>Diagram: utan nummer</figcaption></figure>"
        f"<div class='tbl'><p class='caption'>Tabell 1. Lång</p><table><thead><tr><th>H</th>"
        f"</tr></thead><tbody>{rows}</tbody><tfoot><tr><td>Totalt</td></tr></tfoot></table></div>"
    )
    problems = layout_problems(HTML(string=html).render())
    assert any("tom rubrik 'Tom rubrik'" in p for p in problems)
    assert any("diagram utan numrerad bildtext" in p for p in problems)


def test_goteborg_template_from_the_cli_with_a_custom_quality_year(org, dataset, tmp_path):
    complaint(org.units["A1"], local(2024, 10, 10))  # in 2024/25, not in calendar 2025
    pdf, js = tmp_path / "g.pdf", tmp_path / "g.json"
    call_command(
        "kvalitetsberattelse",
        org="ASF",
        period_start="2024-09-01",
        period_end="2025-08-31",
        template="goteborg-kvalitetsar",
        pdf=str(pdf),
        json=str(js),
    )
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["edition"]["period_start"] == "2024-09-01"
    assert data["edition"]["period_end"] == "2025-08-31"
    assert data["edition"]["period"] == "1 september 2024–31 augusti 2025"
    titles = [s["title"] for s in data["sections"]]
    # One section per verksamhetsområde (here the förvaltning's avdelningar), same blocks.
    assert "Avdelning A" in titles and "Avdelning B" in titles
    a = data["sections"][titles.index("Avdelning A")]
    assert a["number"] == "2"
    figures = {
        f["label"]: f["value"] for s in data["sections"] for b in s["blocks"] for f in b["figures"]
    }
    # Avdelning A's complaints received 1 Sep 2024–31 Aug 2025 (all sources): 2025-01-01,
    # 2025-05-05, 2024-12-31 23:59, 2024-10-10 and the personal one of 2025-02-02 → 5.
    area = next(s for s in data["sections"] if s["title"].startswith("Synpunkter, avvikelser"))
    counts = [f for b in area["blocks"] for f in b["figures"]]
    assert counts[0]["value"] == 5, counts
    assert figures
    text = " ".join(pages(pdf.read_bytes()))
    assert "Kvalitetsrapportens syfte och sammanhang" in text
    assert "1 september 2024–31 augusti 2025" in text
    # Göteborg's template keeps every area's headings; an empty one says so.
    assert re.search(r"Förbättringsarbetet sedan förra året Inget att rapportera\.", text)
    assert not ReportEdition.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-09-01", "2025-09-30"), ("2024-13-01", "2025-08-31"), ("2024-09-01", "")],
)
def test_cli_refuses_a_period_that_is_not_twelve_months(org, tmp_path, start, end):
    with pytest.raises(CommandError):
        call_command(
            "kvalitetsberattelse",
            org="ASF",
            period_start=start,
            period_end=end,
            pdf=str(tmp_path / "x.pdf"),
        )


def test_cli_compiles_a_stored_edition_by_id(org, dataset, tmp_path):
    edition = edition_create(
        unit=org.units["ASF"],
        year=2025,
        template=ReportTemplate.objects.get(key="goteborg-kvalitetsar"),
        actor=org.users["quality"],
    )
    assert (edition.period.start, edition.period.last_day) == (
        date(2024, 9, 1),
        date(2025, 8, 31),
    )
    js = tmp_path / "e.json"
    call_command(
        "kvalitetsberattelse", edition=edition.pk, pdf=str(tmp_path / "e.pdf"), json=str(js)
    )
    assert json.loads(js.read_text(encoding="utf-8"))["edition"]["period_start"] == "2024-09-01"
