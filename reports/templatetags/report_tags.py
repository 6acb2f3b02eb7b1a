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
