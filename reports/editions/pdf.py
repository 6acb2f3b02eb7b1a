"""The PDF's template context: cover, table of contents, numbered sections with computed
blocks, signature block, appendices. The CSS is small and inline in the template (the PDF
template is never served to a browser)."""

from django.utils import timezone

from .blocks.charts import svg_data_uri
from .selectors import walk


def _with_chart_uris(outline) -> None:
    for node in walk(outline):
        for result in node.results.values():
            for chart in result.get("charts", []):
                chart["uri"] = svg_data_uri(chart["svg"])


def pdf_context(edition, outline, generated_at=None) -> dict:
    _with_chart_uris(outline)
    main = [n for n in outline if not n.section.is_appendix]
    appendices = [n for n in outline if n.section.is_appendix]
    return {
        "edition": edition,
        "main": main,
        "appendices": appendices,
        "toc": [n for n in walk(outline) if n.depth <= 3],
        "generated_at": generated_at or timezone.now(),
    }
