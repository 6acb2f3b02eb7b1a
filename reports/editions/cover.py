"""The cover's names and logo. One small function so the sender block can later be read from
an organisation settings register without touching the PDF template: today the edition's own
fields, falling back to the unit's name for the förvaltning."""

import base64

MIME = {".svg": "image/svg+xml", ".png": "image/png"}


def report_cover_names(edition) -> tuple[str, str]:
    """(nämnd, förvaltning) for the cover and the signature line."""
    return edition.board, edition.administration or edition.unit.name


def logo_data_uri(edition) -> str:
    """The stored (already sanitised) logo as a data URI: the renderer never fetches a URL."""
    if not edition.logo:
        return ""
    name = edition.logo.name.lower()
    mime = next((m for ext, m in MIME.items() if name.endswith(ext)), "")
    if not mime:
        return ""
    try:
        with edition.logo.open("rb") as fh:
            data = fh.read()
    except OSError:
        return ""  # a missing file must not stop a compile; the cover is printed without it
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def cover_context(edition) -> dict:
    board, administration = report_cover_names(edition)
    return {"board": board, "administration": administration, "logo_uri": logo_data_uri(edition)}
