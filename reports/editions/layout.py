"""Layout checks over a rendered kvalitetsberättelse (WeasyPrint's layout tree, page by page):
the faults a reader sees on paper and a text test cannot. Used by the tests and by
`manage.py kvalitetsberattelse --check-layout` on a real (demo) organisation.

- a table (with its caption) whose part on a page has a header but no body row: a caption or
  header stranded at the foot of a page, or a header repeated over only the total row;
- a chart without a numbered caption ("Diagram 3.");
- a heading with nothing under it (no text, block, subsection or "Inget att rapportera").
"""

import re

CAPTION = re.compile(r"^Diagram \d+\.")
HEADINGS = {"h2", "h3", "h4"}


def _text(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    if element is None:
        return set()
    return set((element.get("class") or "").split())


def _body_rows(box) -> int:
    """Rows of <tbody> in this fragment (the total in <tfoot> does not count as a row)."""
    return sum(
        sum(1 for row in group.children if type(row).__name__ == "TableRowBox")
        for group in box.descendants()
        if type(group).__name__ == "TableRowGroupBox" and group.element_tag == "tbody"
    )


def layout_problems(document) -> list[str]:
    """Every fault found, in Swedish, with its page number (empty list: none)."""
    problems: list[str] = []
    seen_sections = set()
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            tag = getattr(box, "element_tag", "")
            if tag == "div" and "tbl" in _classes(box) and box.element not in seen_sections:
                # A table's first fragment: it must carry at least one row with it.
                seen_sections.add(box.element)
                if not _body_rows(box):
                    problems.append(
                        f"Sida {number}: tabellrubrik utan rader ({_text(box.element)[:60]!r})"
                    )
            elif tag == "table" and type(box).__name__ == "TableBox":
                has_header = any(
                    type(b).__name__ == "TableRowGroupBox" and b.is_header
                    for b in box.descendants()
                )
                if has_header and not _body_rows(box):
                    problems.append(f"Sida {number}: tabellhuvud upprepat utan rader")
            elif tag == "figure" and box.element not in seen_sections:
                seen_sections.add(box.element)
                caption = box.element.find("figcaption")
                if caption is None or not CAPTION.match(_text(caption)):
                    problems.append(f"Sida {number}: diagram utan numrerad bildtext")
            elif tag == "section" and box.element not in seen_sections:
                seen_sections.add(box.element)
                children = [c for c in box.element if c.tag not in HEADINGS]
                if not any(_text(c) for c in children):
                    heading = next((c for c in box.element if c.tag in HEADINGS), None)
                    title = _text(heading) if heading is not None else ""
                    problems.append(f"Sida {number}: tom rubrik {title!r}")
    return problems
