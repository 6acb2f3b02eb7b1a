"""Build one E-ARK submission package (CSIP 2.1 / SIP) for a delivery.

    <objid>/METS.xml                              root METS: checksums of every file
    <objid>/metadata/descriptive/arenden.xml       FGS Ärendehantering's elements per case and
                                                   document (diarienummer, ärendemening, …)
    <objid>/metadata/preservation/premis.xml       PREMIS objects (fixity) and events (history)
    <objid>/representations/rep1/data/<dnr>/...    each case's documents as PDF/A, attachments
    <objid>/documentation/innehallsforteckning.html  the manifest the archivist reads
    <objid>/schemas/avvika-arenden.xsd             the schema of the descriptive file

Element names follow FGS Ärendehantering; the namespace is Avvika's own (urn:avvika:fgs-arende:1)
because the package says what it is (OTHERMDTYPE) rather than claim a schema version it was not
validated against. Written with the standard library: nothing here parses untrusted XML.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET  # noqa: S405 (writing only)

from django.template.loader import render_to_string
from django.utils import timezone

from cases.history import case_history_entries
from cases.models import ArchiveDelivery, Case, CaseLink
from cases.pdf import ARCHIVE_VARIANT, case_print_context, render_pdf
from cases.registry import archive_source, case_type_or_none
from cases.retention import retention_class_of

METS = "http://www.loc.gov/METS/"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PREMIS = "http://www.loc.gov/premis/v3"
FGS = "urn:avvika:fgs-arende:1"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_TYPE = "FGS Ärendehantering"
SECRECY = "OSL 26 kap. 1 §"  # socialtjänstsekretess: the archive must keep it in mind

for prefix, uri in (
    ("mets", METS),
    ("csip", CSIP),
    ("sip", SIP),
    ("xlink", XLINK),
    ("xsi", XSI),
    ("premis", PREMIS),
    ("fgs", FGS),
):
    ET.register_namespace(prefix, uri)


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _safe(name: str) -> str:
    """A file name the archive's systems all accept: ASCII letters, digits, dot and dash."""
    base, ext = os.path.splitext(name)
    for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("Å", "A"), ("Ä", "A"), ("Ö", "O")):
        base = base.replace(a, b)
    base = re.sub(r"[^A-Za-z0-9.-]+", "-", base).strip("-.") or "fil"
    ext = re.sub(r"[^A-Za-z0-9.]", "", ext)[:10]
    return f"{base[:80]}{ext}"


@dataclass
class PackedFile:
    path: str  # relative to the package root
    mime: str
    size: int
    sha256: str
    created: str
    title: str = ""
    case_reference: str = ""
    kind: str = ""  # the document kind (retention subject) or "bilaga"
    file_id: str = field(default_factory=lambda: f"ID-{uuid.uuid4()}")


class PackageWriter:
    def __init__(self, delivery: ArchiveDelivery, root: Path):
        self.delivery = delivery
        self.objid = delivery.package_name
        self.root = root
        self.created = _iso(timezone.now())

    def write(self, rel: str, data: bytes, *, mime: str, **info) -> PackedFile:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return PackedFile(
            path=rel,
            mime=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            created=info.pop("created", "") or self.created,
            **info,
        )


# --- the case's documents ----------------------------------------------------------------------


def _case_documents(writer: PackageWriter, case: Case, reader) -> list[PackedFile]:
    folder = f"representations/rep1/data/{_safe(case.reference)}"
    history = case_history_entries(case, reader=reader)
    context = case_print_context(case, history=history, masked=False, printed_by=reader)
    packed = [
        writer.write(
            f"{folder}/arendeakt.pdf",
            render_pdf("cases/print.html", context, ARCHIVE_VARIANT),
            mime="application/pdf",
            title="Ärendeakt",
            case_reference=case.reference,
            kind=case.kind,
            created=_iso(case.closed_at),
        )
    ]
    ct = case_type_or_none(case.kind)
    if ct is not None and ct.archive is not None and ct.archive.documents is not None:
        for doc in ct.archive.documents(case):
            packed.append(
                writer.write(
                    f"{folder}/{_safe(doc.filename)}",
                    doc.render(ARCHIVE_VARIANT),
                    mime="application/pdf",
                    title=doc.title,
                    case_reference=case.reference,
                    kind=doc.kind,
                    created=_iso(doc.created),
                )
            )
    for number, attachment in enumerate(case.attachments.all(), start=1):
        with attachment.file.open("rb") as handle:
            data = handle.read()
        packed.append(
            writer.write(
                f"{folder}/bilagor/{number:03d}-{_safe(attachment.original_name)}",
                data,
                mime=attachment.content_type or "application/octet-stream",
                title=attachment.original_name,
                case_reference=case.reference,
                kind="bilaga",
                created=_iso(attachment.uploaded_at),
            )
        )
    return packed


def _item_documents(writer: PackageWriter, item) -> list[PackedFile]:
    folder = f"representations/rep1/data/{_safe(item.reference)}"
    return [
        writer.write(
            f"{folder}/{_safe(doc.filename)}",
            doc.render(ARCHIVE_VARIANT),
            mime="application/pdf",
            title=doc.title,
            case_reference=item.reference,
            kind=doc.kind,
            created=_iso(doc.created),
        )
        for doc in item.documents
    ]


# --- descriptive metadata (FGS Ärendehantering's elements) -------------------------------------


def _sub(parent, tag: str, text=None, **attrs):
    element = ET.SubElement(parent, _q(FGS, tag), {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


def _retention(parent, subject: str) -> None:
    effective = retention_class_of(subject)
    element = _sub(parent, "GallringBevarande", typ=effective.disposition)
    _sub(element, "Beskrivning", effective.disposition_label)
    if effective.years:
        _sub(element, "Gallringsfrist", f"{effective.years} år")
    _sub(element, "Beslut", effective.decision_reference or "standardvärde i Avvika")


def _handling(parent, packed: PackedFile, subject_kind: str) -> None:
    handling = _sub(parent, "Handling", id=packed.file_id)
    _sub(handling, "Rubrik", packed.title)
    _sub(handling, "Handlingstyp", packed.kind)
    _sub(handling, "Datum", packed.created)
    _sub(handling, "Sekretess", SECRECY)
    if packed.kind not in ("bilaga", subject_kind):
        _retention(handling, packed.kind)
    _sub(handling, "Fil", packed.path, sha256=packed.sha256)


def _descriptive_item(writer: PackageWriter, item, files: list[PackedFile]) -> bytes:
    """A deliverable outside the cases: one Handlingar group under its own reference."""
    root = ET.Element(_q(FGS, "Arkivleverans"))
    _sub(root, "Leverans", writer.objid)
    _sub(root, "Arkivbildare", writer.delivery.unit.name)
    group = _sub(root, "Handlingar", id=f"item-{writer.delivery.source_id}")
    _sub(group, "Diarienummer", item.reference)
    _sub(group, "Rubrik", item.title)
    _sub(group, "Enhet", item.unit_name)
    _sub(group, "Status", item.status)
    _sub(group, "Datum", _iso(item.created))
    for name, value in item.elements:
        _sub(group, "Egenskap", value, namn=name)
    for packed in files:
        handling = _sub(group, "Handling", id=packed.file_id)
        _sub(handling, "Rubrik", packed.title)
        _sub(handling, "Handlingstyp", packed.kind)
        _sub(handling, "Datum", packed.created)
        # A kvalitetsberättelse is public (allmän handling without secrecy by its nature).
        _sub(handling, "Sekretess", "Offentlig")
        _retention(handling, packed.kind)
        _sub(handling, "Fil", packed.path, sha256=packed.sha256)
    return _xml(root)


def _descriptive(writer: PackageWriter, cases: list[Case], files: list[PackedFile]) -> bytes:
    root = ET.Element(_q(FGS, "Arkivleverans"))
    _sub(root, "Leverans", writer.objid)
    _sub(root, "Arkivbildare", writer.delivery.unit.name)
    for case in cases:
        arende = _sub(root, "Arende", id=f"arende-{case.pk}")
        _sub(arende, "Diarienummer", case.reference)
        _sub(arende, "Arendemening", case.title)
        _sub(arende, "Arendetyp", case.get_kind_display())
        _sub(arende, "Enhet", case.unit.name, kod=case.unit.code)
        _sub(arende, "Status", case.status_label)
        _sub(arende, "Inkommet", _iso(case.received_at))
        if case.occurred_on:
            _sub(arende, "Handelsedatum", _iso(case.occurred_on))
        _sub(arende, "Avslutat", _iso(case.closed_at))
        if case.assignee:
            _sub(arende, "Handlaggare", case.assignee.get_full_name() or case.assignee.username)
        _sub(arende, "Sekretess", SECRECY, skyddad="ja" if case.skyddad else "nej")
        _retention(arende, case.kind)
        ct = case_type_or_none(case.kind)
        if ct is not None and ct.archive is not None and ct.archive.descriptive is not None:
            for name, value in ct.archive.descriptive(case):
                _sub(arende, "Egenskap", value, namn=name)
        relations = _sub(arende, "Relationer")
        for link in CaseLink.objects.filter(source=case).select_related("target"):
            _sub(relations, "Relation", link.target.reference, typ=link.get_kind_display())
        for link in CaseLink.objects.filter(target=case).select_related("source"):
            _sub(
                relations,
                "Relation",
                link.source.reference,
                typ=f"{link.get_kind_display()} (från)",
            )
        handlingar = _sub(arende, "Handlingar")
        for packed in files:
            if packed.case_reference == case.reference:
                _handling(handlingar, packed, case.kind)
    return _xml(root)


# --- PREMIS: fixity per file, events from each case's history ----------------------------------


def _premis(writer: PackageWriter, cases: list[Case], files: list[PackedFile], reader) -> bytes:
    p = lambda tag: _q(PREMIS, tag)  # noqa: E731
    root = ET.Element(p("premis"), {"version": "3.0"})
    for packed in files:
        obj = ET.SubElement(root, p("object"), {_q(XSI, "type"): "premis:file"})
        ident = ET.SubElement(obj, p("objectIdentifier"))
        ET.SubElement(ident, p("objectIdentifierType")).text = "local"
        ET.SubElement(ident, p("objectIdentifierValue")).text = packed.path
        chars = ET.SubElement(obj, p("objectCharacteristics"))
        fixity = ET.SubElement(chars, p("fixity"))
        ET.SubElement(fixity, p("messageDigestAlgorithm")).text = "SHA-256"
        ET.SubElement(fixity, p("messageDigest")).text = packed.sha256
        ET.SubElement(chars, p("size")).text = str(packed.size)
        fmt = ET.SubElement(ET.SubElement(chars, p("format")), p("formatDesignation"))
        ET.SubElement(fmt, p("formatName")).text = packed.mime
    for case in cases:
        for entry in reversed(case_history_entries(case, reader=reader)):
            event = ET.SubElement(root, p("event"))
            ident = ET.SubElement(event, p("eventIdentifier"))
            ET.SubElement(ident, p("eventIdentifierType")).text = "UUID"
            ET.SubElement(ident, p("eventIdentifierValue")).text = str(uuid.uuid4())
            ET.SubElement(event, p("eventType")).text = entry.summary
            ET.SubElement(event, p("eventDateTime")).text = _iso(entry.at)
            if entry.reason:
                info = ET.SubElement(event, p("eventDetailInformation"))
                ET.SubElement(info, p("eventDetail")).text = entry.reason
            agent = ET.SubElement(event, p("linkingAgentIdentifier"))
            ET.SubElement(agent, p("linkingAgentIdentifierType")).text = "namn"
            ET.SubElement(agent, p("linkingAgentIdentifierValue")).text = entry.user or "Avvika"
            linked = ET.SubElement(event, p("linkingObjectIdentifier"))
            ET.SubElement(linked, p("linkingObjectIdentifierType")).text = "diarienummer"
            ET.SubElement(linked, p("linkingObjectIdentifierValue")).text = case.reference
    event = ET.SubElement(root, p("event"))
    ident = ET.SubElement(event, p("eventIdentifier"))
    ET.SubElement(ident, p("eventIdentifierType")).text = "UUID"
    ET.SubElement(ident, p("eventIdentifierValue")).text = str(uuid.uuid4())
    ET.SubElement(event, p("eventType")).text = "arkivleverans skapad"
    ET.SubElement(event, p("eventDateTime")).text = writer.created
    return _xml(root)


def _xml(root) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- METS ---------------------------------------------------------------------------------------


def _flocat_attrs(path: str) -> dict:
    return {"LOCTYPE": "URL", _q(XLINK, "type"): "simple", _q(XLINK, "href"): path}


def _md_ref(parent, packed: PackedFile, mdtype: str, **extra) -> None:
    ET.SubElement(
        parent,
        _q(METS, "mdRef"),
        {
            **_flocat_attrs(packed.path),
            "MDTYPE": mdtype,
            **extra,
            "MIMETYPE": packed.mime,
            "SIZE": str(packed.size),
            "CREATED": packed.created,
            "CHECKSUM": packed.sha256,
            "CHECKSUMTYPE": "SHA-256",
        },
    )


def _file_grp(parent, use: str, files: list[PackedFile]):
    # CSIP63 as eark-validator 1.1.3 words it holds only for groups that state a content
    # information type, so every group states the package's.
    attrs = {
        _q(CSIP, "CONTENTINFORMATIONTYPE"): "OTHER",
        _q(CSIP, "OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE,
    }
    grp = ET.SubElement(
        parent, _q(METS, "fileGrp"), {"ID": f"ID-{uuid.uuid4()}", "USE": use, **attrs}
    )
    for packed in files:
        element = ET.SubElement(
            grp,
            _q(METS, "file"),
            {
                "ID": packed.file_id,
                "MIMETYPE": packed.mime,
                "SIZE": str(packed.size),
                "CREATED": packed.created,
                "CHECKSUM": packed.sha256,
                "CHECKSUMTYPE": "SHA-256",
            },
        )
        ET.SubElement(element, _q(METS, "FLocat"), _flocat_attrs(packed.path))
    return grp


def _mets(writer, descriptive, premis, documentation, schemas, content) -> bytes:
    m = lambda tag: _q(METS, tag)  # noqa: E731
    root = ET.Element(
        m("mets"),
        {
            "OBJID": writer.objid,
            "LABEL": f"Arkivleverans från Avvika: {writer.delivery.unit.name}",
            "TYPE": "Other",
            _q(CSIP, "OTHERTYPE"): "Ärenden",
            _q(CSIP, "CONTENTINFORMATIONTYPE"): "OTHER",
            _q(CSIP, "OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE,
            "PROFILE": SIP_PROFILE,
        },
    )
    header = ET.SubElement(
        root,
        m("metsHdr"),
        {
            "CREATEDATE": writer.created,
            "LASTMODDATE": writer.created,
            "RECORDSTATUS": "NEW",
            _q(CSIP, "OAISPACKAGETYPE"): "SIP",
        },
    )
    agent = ET.SubElement(
        header, m("agent"), {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"}
    )
    ET.SubElement(agent, m("name")).text = "Avvika"
    ET.SubElement(agent, m("note"), {_q(CSIP, "NOTETYPE"): "SOFTWARE VERSION"}).text = "0.1.0"
    dmd_id, digi_id = f"ID-{uuid.uuid4()}", f"ID-{uuid.uuid4()}"
    dmd = ET.SubElement(
        root, m("dmdSec"), {"ID": dmd_id, "CREATED": writer.created, "STATUS": "CURRENT"}
    )
    _md_ref(dmd, descriptive, "OTHER", OTHERMDTYPE="FGS-ARENDEHANTERING")
    amd = ET.SubElement(root, m("amdSec"))
    digi = ET.SubElement(amd, m("digiprovMD"), {"ID": digi_id, "STATUS": "CURRENT"})
    _md_ref(digi, premis, "PREMIS")
    file_sec = ET.SubElement(root, m("fileSec"), {"ID": f"ID-{uuid.uuid4()}"})
    doc_grp = _file_grp(file_sec, "Documentation", [documentation])
    schema_grp = _file_grp(file_sec, "Schemas", schemas)
    rep_grp = _file_grp(file_sec, "Representations/rep1", content)
    struct = ET.SubElement(
        root, m("structMap"), {"ID": f"ID-{uuid.uuid4()}", "TYPE": "PHYSICAL", "LABEL": "CSIP"}
    )
    top = ET.SubElement(struct, m("div"), {"ID": f"ID-{uuid.uuid4()}", "LABEL": writer.objid})
    ET.SubElement(
        top,
        m("div"),
        {"ID": f"ID-{uuid.uuid4()}", "LABEL": "Metadata", "ADMID": digi_id, "DMDID": dmd_id},
    )
    for label, grp in (
        ("Documentation", doc_grp),
        ("Schemas", schema_grp),
        ("Representations", rep_grp),
    ):
        div = ET.SubElement(top, m("div"), {"ID": f"ID-{uuid.uuid4()}", "LABEL": label})
        ET.SubElement(div, m("fptr"), {"FILEID": grp.get("ID")})
    return _xml(root)


# --- the whole package ------------------------------------------------------------------------

SCHEMA = Path(__file__).with_name("avvika-arenden.xsd")


def build_package(delivery: ArchiveDelivery, reader) -> tuple[Path, dict]:
    """The package as a ZIP in a temporary folder (the caller stores it and removes the
    folder) and the manifest as data for the delivery's page."""
    work = Path(tempfile.mkdtemp(prefix="avvika-sip-"))
    try:
        return _build(delivery, reader, work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)  # nothing with case data is left behind
        raise


def _build(delivery: ArchiveDelivery, reader, work: Path) -> tuple[Path, dict]:
    cases = list(
        delivery.cases.select_related("unit", "assignee", "reporter").order_by("reference")
    )
    root = work / delivery.package_name
    writer = PackageWriter(delivery, root)
    content: list[PackedFile] = []
    item = None
    if delivery.source:
        registered = archive_source(delivery.source)
        if registered is None or delivery.source_id is None:
            raise ValueError(f"unknown archive source {delivery.source!r}")
        item = registered.item(delivery.source_id)
        content = _item_documents(writer, item)
    for case in cases:
        content.extend(_case_documents(writer, case, reader))
    schemas = [
        writer.write("schemas/avvika-arenden.xsd", SCHEMA.read_bytes(), mime="application/xml")
    ]
    descriptive = writer.write(
        "metadata/descriptive/arenden.xml",
        _descriptive_item(writer, item, content) if item else _descriptive(writer, cases, content),
        mime="text/xml",
    )
    premis = writer.write(
        "metadata/preservation/premis.xml",
        _premis(writer, cases, content, reader),
        mime="text/xml",
    )
    manifest = {
        "package": delivery.package_name,
        "unit": delivery.unit.name,
        "created": writer.created,
        "cases": [
            {
                "reference": reference,
                "title": title,
                "closed": closed,
                "files": [
                    {"path": f.path, "title": f.title, "size": f.size, "sha256": f.sha256}
                    for f in content
                    if f.case_reference == reference
                ],
            }
            for reference, title, closed in (
                [(item.reference, item.title, _iso(item.created))]
                if item
                else [(c.reference, c.title, _iso(c.closed_at)) for c in cases]
            )
        ],
    }
    html = render_to_string("archive/manifest.html", {"manifest": manifest, "files": content})
    documentation = writer.write(
        "documentation/innehallsforteckning.html", html.encode(), mime="text/html"
    )
    (root / "METS.xml").write_bytes(
        _mets(writer, descriptive, premis, documentation, schemas, content)
    )
    archive = work / f"{delivery.package_name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(work).as_posix())
    shutil.rmtree(root)
    return archive, manifest
