from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """dict lookup by a variable key (block results by block id)."""
    return mapping.get(key) if mapping else None


@register.filter
def sv_number(value):
    """1258 → '1 258' (no-break space), as Swedish readers expect."""
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    return value


@register.simple_tag
def personnummer_pattern() -> str:
    """The pattern static/js/personnummer.js checks a text box against (the editor's autosave
    boxes are hand-written, not the form widget of cases/personnummer.py)."""
    from cases.masking import PERSONNUMMER_RE

    return PERSONNUMMER_RE.pattern


@register.filter
def has_personnummer(text) -> bool:
    from cases.personnummer import contains_personnummer

    return contains_personnummer(text)
