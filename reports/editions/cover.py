"""The cover's names and logo: the edition's own fields, else the organisation's details
(/organisation/, the same ones the IVO notification's sender block reads), else the unit's
name for the förvaltning."""

import base64

from cases.models import OrganisationSettings

MIME = {".svg": "image/svg+xml", ".png": "image/png"}


def report_cover_names(edition) -> tuple[str, str]:
    """(nämnd, förvaltning) for the cover and the signature line."""
    organisation = OrganisationSettings.load()
    board = edition.board or organisation.board
    administration = edition.administration or organisation.administration or edition.unit.name
    return board, administration


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
