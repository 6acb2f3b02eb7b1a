"""The cover logo: an uploaded PNG or SVG. PNG is checked by the attachment allowlist
(cases/uploads.py, by name and bytes). SVG is not on that list (it is markup a browser runs),
so it is rebuilt here from an allowlist of drawing elements and attributes: no script, no
foreignObject, no event attributes, no style sheets, no link outside the file. The rebuilt
SVG is what is stored, so the PDF renderer never sees the uploaded markup."""

import re
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from cases.uploads import HEAD_BYTES, UploadRefused, upload_extension, upload_type

MAX_LOGO_BYTES = 1024 * 1024
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

ELEMENTS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "defs", "linearGradient", "radialGradient", "stop", "title", "desc", "use",
    "clipPath", "mask", "symbol",
}  # fmt: skip
ATTRIBUTES = {
    "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "d", "points", "fill", "fill-opacity", "fill-rule", "clip-rule", "stroke", "stroke-width",
    "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "opacity",
    "transform", "id", "offset", "stop-color", "stop-opacity", "gradientUnits",
    "gradientTransform", "font-family", "font-size", "font-weight", "text-anchor",
    "clip-path", "mask", "preserveAspectRatio", "version", "dx", "dy", "spreadMethod", "fx",
    "fy", "clipPathUnits", "maskUnits", "maskContentUnits",
}  # fmt: skip
# Paint and reference values may only point inside the file ("url(#id)").
URL = re.compile(r"url\(\s*([^)]*)\)", re.I)


def _refused() -> UploadRefused:
    return UploadRefused(_("Logotypen måste vara en PNG- eller SVG-fil på högst 1 MB."))


def _local_refs_only(value: str) -> bool:
    return all(m.strip("'\" ").startswith("#") for m in URL.findall(value))


def _clean(element: ET.Element) -> ET.Element | None:
    tag = element.tag.split("}", 1)[-1] if element.tag.startswith("{") else element.tag
    if element.tag.startswith("{") and not element.tag.startswith("{" + SVG_NS):
        return None
    if tag not in ELEMENTS:
        return None
    out = ET.Element(f"{{{SVG_NS}}}{tag}")
    for name, value in element.attrib.items():
        if name in (f"{{{XLINK_NS}}}href", "href"):
            if value.startswith("#"):
                out.set(f"{{{XLINK_NS}}}href", value)
            continue
        if name not in ATTRIBUTES or not _local_refs_only(value):
            continue
        out.set(name, value)
    out.text = element.text if tag in ("text", "tspan", "title", "desc") else None
    for child in element:
        cleaned = _clean(child)
        if cleaned is not None:
            cleaned.tail = child.tail if tag in ("text", "tspan") else None
            out.append(cleaned)
    return out


def sanitize_svg(data: bytes) -> bytes:
    """The SVG rebuilt from allowed elements and attributes, or UploadRefused."""
    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, DefusedXmlException, ValueError):
        raise _refused() from None
    if root.tag != f"{{{SVG_NS}}}svg" and root.tag != "svg":
        raise _refused()
    cleaned = _clean(root)
    if cleaned is None:
        raise _refused()
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(cleaned, encoding="utf-8", xml_declaration=False)


def logo_content(name: str, data: bytes) -> tuple[str, bytes]:
    """(extension, bytes to store) for an uploaded logo, or UploadRefused."""
    if len(data) > MAX_LOGO_BYTES:
        raise _refused()
    ext = upload_extension(name)
    if ext == ".svg":
        return ext, sanitize_svg(data)
    if ext != ".png":
        raise _refused()
    try:
        upload_type(name, lambda: data, data[:HEAD_BYTES])
    except UploadRefused:
        raise _refused() from None
    return ext, data
