"""The PDF's template context: cover, table of contents, lists of diagrams and tables,
numbered sections with computed blocks, signature block, appendices. The CSS is small and
inline in the template (the PDF template is never served to a browser).

The computed results are never changed here: the same dicts feed the stored figures (JSON)
and the browser. This module builds a separate, print-only view of them:
- headings with neither narrative nor data (nor kept subsections) are left out of the PDF and
  its contents, and the kept ones are numbered again (no gap where section 3 was), or, when
  the template asks for it, they stay with "Inget att rapportera";
- every chart and table gets a running number ("Diagram 1.", "Tabell 1.") and is listed after
  the contents, as in seed 000;
- rows whose figures are all zero are said once ("Övriga kategorier: 0") unless the block asks
  for every row; "Ej angivet" always stays, and the total is unchanged;
- the selection rule ("Urval: …") is said once per section, after its blocks, instead of
  under every table.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .blocks.base import EJ_ANGIVET
from .blocks.charts import svg_data_uri
from .selectors import OutlineNode

# A table this short is kept on one page (its header never ends a page alone).
KEEP_TOGETHER_ROWS = 12


@dataclass
class PdfSection:
    id: int
    number: str
    title: str
    depth: int
    is_appendix: bool
    parts: list[dict] = field(default_factory=list)  # {"kind": "text"|"data", ...}
    children: list["PdfSection"] = field(default_factory=list)
    rule_texts: list[str] = field(default_factory=list)
    nothing_to_report: bool = False
    appendix_number: int = 0

    @property
    def heading(self) -> str:
        if self.is_appendix:
            # "Bilaga Bilagor" never: a title that already says Bilaga keeps its own words.
            if self.title.lower().startswith("bilaga") or not self.appendix_number:
                return self.title
            return f"{_('Bilaga')} {self.appendix_number}. {self.title}"
        return f"{self.number} {self.title}" if self.number else self.title


@dataclass
class Captions:
    diagrams: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)


def _is_zero_row(row: list) -> bool:
    numbers = [c for c in row[1:] if isinstance(c, int | float)]
    return bool(numbers) and not any(numbers) and row[0] != EJ_ANGIVET


def collapse_zero_rows(rows: list[list]) -> list[list]:
    """Rows with nothing but zeros become one "Övriga kategorier" row (the total stays the
    same: the collapsed rows added nothing). A single zero row is left as it is."""
    zero = [r for r in rows if _is_zero_row(r)]
    if len(zero) < 2:
        return rows
    kept = [r for r in rows if not _is_zero_row(r)]
    other = [_("Övriga kategorier (%(n)s st.)") % {"n": len(zero)}] + [
        0 if isinstance(c, int | float) else "" for c in zero[0][1:]
    ]
    # Before "Ej angivet", which stays last as in the browser.
    blank = [r for r in kept if r[0] == EJ_ANGIVET]
    return [r for r in kept if r[0] != EJ_ANGIVET] + [other] + blank


def _table_is_empty(table: dict) -> bool:
    numbers = [c for r in table["rows"] for c in r[1:] if isinstance(c, int | float)]
    return not table["rows"] or (table.get("total") is not None and not any(numbers))


def _has_content(result: dict | None) -> bool:
    if not result:
        return False
    return bool(
        result.get("sentences")
        or result.get("items")
        or result.get("charts")
        or any(t["rows"] for t in result.get("tables", []))
    )


def _block_view(result: dict, params: dict, captions: Captions) -> dict:
    every_row = bool(params.get("all_rows"))
    charts = []
    for chart in result.get("charts", []):
        number = len(captions.diagrams) + 1
        text = f"{chart['title']}. {_('Källa: Avvika.')}"
        captions.diagrams.append(
            {"number": number, "text": chart["title"], "anchor": f"dia-{number}"}
        )
        data_table = None
        if chart.get("data_table"):
            # A chart's own values table (the SPC block's text alternative): a numbered table.
            t_number = len(captions.tables) + 1
            captions.tables.append(
                {
                    "number": t_number,
                    "text": chart["data_table"]["caption"],
                    "anchor": f"tab-{t_number}",
                }
            )
            data_table = {
                **chart["data_table"],
                "number": t_number,
                "anchor": f"tab-{t_number}",
                "keep": len(chart["data_table"]["rows"]) <= KEEP_TOGETHER_ROWS,
            }
        charts.append(
            {
                "uri": svg_data_uri(chart["svg"]),
                "title": chart["title"],
                "number": number,
                "caption": text,
                "anchor": f"dia-{number}",
                "data_table": data_table,
            }
        )
    tables, empty_captions = [], []
    for table in result.get("tables", []):
        if _table_is_empty(table):
            # No header over nothing: the sentence says there is nothing to count.
            empty_captions.append(table["caption"])
            continue
        rows = table["rows"] if every_row else collapse_zero_rows(table["rows"])
        number = len(captions.tables) + 1
        captions.tables.append(
            {"number": number, "text": table["caption"], "anchor": f"tab-{number}"}
        )
        tables.append(
            {
                **table,
                "rows": rows,
                "number": number,
                "anchor": f"tab-{number}",
                "keep": len(rows) + (1 if table.get("total") else 0) <= KEEP_TOGETHER_ROWS,
            }
        )
    return {
        "block_type": result.get("block_type", ""),
        "sentences": result.get("sentences", []),
        "charts": charts,
        "tables": tables,
        "empty_tables": empty_captions,
        "items": result.get("items", []),
    }


def _build(
    nodes: list[OutlineNode], captions: Captions, keep_empty: bool, prefix: str | None = ""
) -> list[PdfSection]:
    """prefix None: an unnumbered branch (appendices and everything under them)."""
    sections: list[PdfSection] = []
    counter = 0
    for node in nodes:
        s = node.section
        # Numbers are given after pruning, so children are built with a placeholder first.
        section = PdfSection(s.pk, "", s.title, node.depth, s.is_appendix)
        has_own = False
        for block in node.blocks:
            if block.kind == "text":
                if block.text.strip():
                    section.parts.append({"kind": "text", "text": block.text})
                    has_own = True
                continue
            result = node.results.get(block.pk)
            if result is None or not _has_content(result):
                continue
            view = _block_view(result, block.params or {}, captions)
            section.parts.append({"kind": "data", "block": view})
            has_own = True
            rule = result.get("rule_text", "")
            if rule and rule not in section.rule_texts:
                section.rule_texts.append(rule)
        number = f"{prefix}{counter + 1}" if prefix is not None and not s.is_appendix else ""
        section.children = _build(
            node.children, captions, keep_empty, f"{number}." if number else None
        )
        if not has_own and not section.children:
            if not keep_empty or s.is_appendix:
                continue
            section.nothing_to_report = True
        if number:
            counter += 1
        section.number = number
        sections.append(section)
    return sections


def pdf_sections(outline: list[OutlineNode], keep_empty: bool = False) -> tuple[list, Captions]:
    """The print view of the outline and the captions in reading order. Captions are
    numbered while the tree is built, which is reading order (main sections first)."""
    main = [n for n in outline if not n.section.is_appendix]
    appendices = [n for n in outline if n.section.is_appendix]
    captions = Captions()
    built = _build(main, captions, keep_empty)
    built_appendices = _build(appendices, captions, keep_empty, None)
    for n, section in enumerate(built_appendices, start=1):
        section.appendix_number = n  # seed 001: "Bilaga 1. Riskanalyser"
    return built + built_appendices, captions


def walk_pdf(sections: list[PdfSection]):
    for s in sections:
        yield s
        yield from walk_pdf(s.children)


def template_options(edition) -> dict:
    from .template_data import TEMPLATE_OPTIONS

    key = edition.template.key if edition.template_id and edition.template else ""
    return TEMPLATE_OPTIONS.get(key, {})


def pdf_context(edition, outline, generated_at=None) -> dict:
    from .cover import cover_context

    options = template_options(edition)
    sections, captions = pdf_sections(outline, keep_empty=options.get("empty") == "note")
    main = [s for s in sections if not s.is_appendix]
    appendices = [s for s in sections if s.is_appendix]
    context: dict[str, Any] = {
        "edition": edition,
        "main": main,
        "appendices": appendices,
        "toc": [s for s in walk_pdf(sections) if s.depth <= 3],
        "diagrams": captions.diagrams,
        "tables": captions.tables,
        "draft": not edition.is_frozen,
        "generated_at": generated_at or timezone.now(),
    }
    context.update(cover_context(edition))
    return context
