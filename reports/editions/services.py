"""Writes for kvalitetsberättelser: typed, atomic, each leaving a history row with user and
reason (cases.services.history.audited_save). An approved edition is frozen: every write
below goes through `_editable`, which refuses."""

from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from cases.models import Unit
from cases.services import ConcurrentEditError, ServiceError
from cases.services.history import audited_delete, audited_save
from cases.services.transitions import transition
from cases.types import User

from .compile import edition_final_render_request
from .models import (
    ALLOWED_TRANSITIONS,
    CompiledReport,
    ReportBlock,
    ReportEdition,
    ReportSection,
    ReportTemplate,
)
from .selectors import edition_submitter

EDITABLE_FIELDS = {
    "title",
    "report_date",
    "diarienummer",
    "responsible",
    "board",
    "administration",
    "period_start_month",
    "period_start_day",
    "analysis_start_month",
    "analysis_start_day",
}


def _editable(edition: ReportEdition) -> ReportEdition:
    if edition.is_frozen:
        raise ServiceError(_("Kvalitetsberättelsen är godkänd och kan inte längre ändras."))
    return edition


def _lock(edition_id: int) -> ReportEdition:
    return ReportEdition.objects.select_for_update().get(pk=edition_id)


def _with_unit(spec: dict, unit: Unit) -> dict:
    """A copy of `spec` titled for `unit`, every data block below it counting in that unit."""
    return {
        **spec,
        "title": spec["title"].replace("{unit}", unit.name),
        "per_unit": "",
        "blocks": [
            {**b, "params": {**b.get("params", {}), "unit": unit.code}}
            if b.get("kind") == "data"
            else b
            for b in spec.get("blocks", [])
        ],
        "children": [_with_unit(c, unit) for c in spec.get("children", [])],
    }


def _expanded(edition: ReportEdition, structure: list) -> list:
    """Sections marked per_unit repeated for each unit of that kind in the edition's subtree
    (Göteborg: one section per verksamhetsområde), in the tree's order."""
    out = []
    for spec in structure:
        if not spec.get("per_unit"):
            out.append(spec)
            continue
        units = Unit.objects.filter(
            path__startswith=edition.unit.path, kind__code=spec["per_unit"]
        ).order_by("path")
        if not units.exists():
            # An organisation without that level: its own children, as the blocks group.
            units = Unit.objects.filter(
                path__startswith=edition.unit.path, depth=edition.unit.depth + 1
            ).order_by("path")
        out.extend(_with_unit(spec, u) for u in units)
    return out


def _build(
    edition: ReportEdition,
    structure: list,
    parent: ReportSection | None,
    actor: User | None,
    fill: dict,
) -> None:
    for order, spec in enumerate(_expanded(edition, structure)):
        section = audited_save(
            ReportSection(
                edition=edition,
                parent=parent,
                order=order,
                title=spec["title"].format(**fill),
                is_appendix=spec.get("appendix", False),
            ),
            actor=actor,
            reason=_("Avsnitt från mall"),
        )
        for b_order, block in enumerate(spec.get("blocks", [])):
            audited_save(
                ReportBlock(
                    section=section,
                    order=b_order,
                    kind=block["kind"],
                    text=block.get("text", ""),
                    block_type=block.get("block_type", ""),
                    params=block.get("params", {}),
                ),
                actor=actor,
                reason=_("Block från mall"),
            )
        _build(edition, spec.get("children", []), section, actor, fill)


@transaction.atomic
def edition_create(
    *,
    unit: Unit,
    year: int,
    template: ReportTemplate,
    actor: User | None,
    title: str = "",
    reason: str = "",
    **fields: Any,
) -> ReportEdition:
    title = title or _("Kvalitetsberättelse %(year)s") % {"year": year}
    if ReportEdition.objects.filter(unit=unit, year=year, title=title).exists():
        raise ServiceError(
            _(
                "Det finns redan en kvalitetsberättelse med den rubriken för "
                "organisationen och året."
            )
        )
    from .template_data import TEMPLATE_OPTIONS

    options = TEMPLATE_OPTIONS.get(template.key, {})
    for name, key in (("period_start", "period_start"), ("analysis_start", "analysis_start")):
        if key in options and f"{name}_month" not in fields:
            fields[f"{name}_month"], fields[f"{name}_day"] = options[key]
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(_("Okända fält: %s") % ", ".join(sorted(unknown)))
    edition = audited_save(
        ReportEdition(
            unit=unit, year=year, title=title, template=template, created_by=actor, **fields
        ),
        actor=actor,
        reason=reason or _("Kvalitetsberättelsen skapades från mallen %s") % template,
    )
    _build(edition, template.structure, None, actor, {"year": year, "next_year": year + 1})
    return edition


@transaction.atomic
def edition_update(
    *, edition: ReportEdition, expected_version: int, data: dict, actor: User, reason: str = ""
) -> ReportEdition:
    edition = _editable(_lock(edition.pk))
    if edition.version != expected_version:
        raise ConcurrentEditError(current=edition)
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ServiceError(_("Fältet %s kan inte ändras här.") % name)
        setattr(edition, name, value)
    edition.version += 1
    return audited_save(edition, actor=actor, reason=reason or _("Uppgifterna ändrades"))


def _transition(
    edition: ReportEdition, to_status: str, actor: User | None, reason: str, **kwargs: Any
) -> ReportEdition:
    # The version guards the cover fields only (and dates the compiled PDFs): a status change
    # leaves it as it was, so the approved PDF stays current.
    return transition(
        edition,
        to=to_status,
        actor=actor,
        reason=reason,
        table=ALLOWED_TRANSITIONS,
        bump_version=False,
        **kwargs,
    )


def edition_submit_for_review(
    *, edition: ReportEdition, actor: User | None, reason: str = ""
) -> ReportEdition:
    return _transition(
        edition, ReportEdition.Status.REVIEW, actor, reason or _("Skickad på granskning")
    )


def edition_return_to_draft(
    *, edition: ReportEdition, actor: User | None, reason: str
) -> ReportEdition:
    if not reason.strip():
        raise ServiceError(_("Ange varför kvalitetsberättelsen skickas tillbaka."))
    return _transition(edition, ReportEdition.Status.DRAFT, actor, reason)


def pdf_is_current(edition: ReportEdition, compiled: CompiledReport) -> bool:
    """No text, section or cover field changed since `compiled` was made."""
    if compiled.edition_version != edition.version:
        return False
    blocks = ReportBlock.objects.filter(section__edition=edition).aggregate(m=Max("updated_at"))[
        "m"
    ]
    sections = edition.sections.aggregate(m=Max("updated_at"))["m"]
    changed = max(filter(None, [blocks, sections]), default=None)
    # The texts were read when the job started: a save during the compile makes it stale.
    read_at = (
        compiled.job.started_at if compiled.job and compiled.job.started_at else compiled.created_at
    )
    return changed is None or changed <= read_at


def _freeze_on_latest_pdf(edition: ReportEdition) -> None:
    latest = CompiledReport.objects.filter(edition=edition).order_by("-created_at", "-id").first()
    if latest is None:
        raise ServiceError(_("Kompilera kvalitetsberättelsen innan den godkänns."))
    if not pdf_is_current(edition, latest):
        raise ServiceError(
            _(
                "Texten har ändrats sedan den senaste PDF:en. Kompilera om innan "
                "kvalitetsberättelsen godkänns."
            )
        )
    edition.approved_pdf = latest


@transaction.atomic
def edition_approve(
    *, edition: ReportEdition, actor: User | None, reason: str = "", exception_reason: str = ""
) -> ReportEdition:
    """Freezes the edition on its latest compiled PDF, which must show the current text.

    Four eyes (issue 15): another kvalitetsstrateg than the one who sent it to review approves
    it. A förvaltning with a single kvalitetsstrateg records why instead (`exception_reason`),
    and the reason stays in the edition's history."""
    submitter = edition_submitter(edition)
    own = actor is not None and submitter is not None and submitter.pk == actor.pk
    exception_reason = (exception_reason or "").strip()
    if own and not exception_reason:
        raise ServiceError(
            _(
                "Du skickade själv kvalitetsberättelsen på granskning. En annan "
                "kvalitetsstrateg ska godkänna den, eller ange skälet till undantaget."
            )
        )
    if own:
        reason = (
            _("Godkänd av samma person som skickade den på granskning. Skäl: %s")
            % (exception_reason[:500])
        )
    approved = _transition(
        edition,
        ReportEdition.Status.APPROVED,
        actor,
        reason or _("Godkänd"),
        check=_freeze_on_latest_pdf,
        stamp={ReportEdition.Status.APPROVED: "approved_at"},
        approved_by=actor,
    )
    # The reviewed PDF carries "UTKAST"; the one the director signs must not (issue 17).
    edition_final_render_request(edition=approved, actor=actor)
    return approved


# --- structure ------------------------------------------------------------------------------


def _next_order(qs: QuerySet) -> int:
    return (qs.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def section_add(
    *,
    edition: ReportEdition,
    title: str,
    actor: User,
    parent: ReportSection | None = None,
    is_appendix: bool = False,
) -> ReportSection:
    _editable(_lock(edition.pk))
    if not title.strip():
        raise ServiceError(_("Ange en rubrik för avsnittet."))
    if parent is not None and parent.edition_id != edition.pk:
        raise ServiceError(_("Det överordnade avsnittet hör till en annan kvalitetsberättelse."))
    siblings = ReportSection.objects.filter(edition=edition, parent=parent)
    section = audited_save(
        ReportSection(
            edition=edition,
            parent=parent,
            title=title.strip(),
            order=_next_order(siblings),
            is_appendix=is_appendix,
        ),
        actor=actor,
        reason=_("Avsnitt tillagt"),
    )
    audited_save(
        ReportBlock(section=section, kind=ReportBlock.Kind.TEXT),
        actor=actor,
        reason=_("Textblock tillagt"),
    )
    return section


@transaction.atomic
def section_rename(*, section: ReportSection, title: str, actor: User) -> ReportSection:
    _editable(_lock(section.edition_id))
    if not title.strip():
        raise ServiceError(_("Ange en rubrik för avsnittet."))
    section = ReportSection.objects.get(pk=section.pk)
    section.title = title.strip()
    return audited_save(section, actor=actor, reason=_("Avsnittet döptes om"))


@transaction.atomic
def section_delete(*, section: ReportSection, actor: User) -> None:
    _editable(_lock(section.edition_id))
    # Children and blocks go too; their history rows stay.
    for child in section.children.all():
        section_delete(section=child, actor=actor)
    for block in section.blocks.all():
        audited_delete(block, actor=actor, reason=_("Avsnittet togs bort"))
    audited_delete(section, actor=actor, reason=_("Avsnittet togs bort"))


@transaction.atomic
def section_move(*, section: ReportSection, direction: str, actor: User) -> ReportSection:
    """Swap with the previous or next sibling ("up"/"down")."""
    _editable(_lock(section.edition_id))
    siblings = list(
        ReportSection.objects.filter(
            edition_id=section.edition_id, parent_id=section.parent_id
        ).order_by("order", "id")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(siblings):
        return siblings[index]
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sib in enumerate(siblings):
        if sib.order != order:
            sib.order = order
            audited_save(sib, actor=actor, reason=_("Avsnitten sorterades om"))
    return siblings[other]


@transaction.atomic
def block_add(
    *, section: ReportSection, actor: User, block_type: str = "", params: dict | None = None
) -> ReportBlock:
    from .blocks import BLOCK_TYPES

    _editable(_lock(section.edition_id))
    if block_type and block_type not in BLOCK_TYPES:
        raise ServiceError(_("Okänt datablock."))
    kind = ReportBlock.Kind.DATA if block_type else ReportBlock.Kind.TEXT
    return audited_save(
        ReportBlock(
            section=section,
            kind=kind,
            block_type=block_type,
            params=params or {},
            order=_next_order(section.blocks.all()),
        ),
        actor=actor,
        reason=_("Block tillagt"),
    )


@transaction.atomic
def block_delete(*, block: ReportBlock, actor: User) -> None:
    _editable(_lock(block.section.edition_id))
    audited_delete(block, actor=actor, reason=_("Block borttaget"))


@transaction.atomic
def block_text_save(
    *, block_id: int, expected_version: int, text: str, actor: User, reason: str = ""
) -> ReportBlock:
    """Autosave target. A stale version raises ConcurrentEditError with the stored block, so
    the page can show both texts and keep what the user typed."""
    block = ReportBlock.objects.select_related("section").get(pk=block_id)
    _editable(_lock(block.section.edition_id))
    block = ReportBlock.objects.select_for_update().get(pk=block_id)
    if block.kind != ReportBlock.Kind.TEXT:
        raise ServiceError(_("Datablock räknas fram och kan inte skrivas i."))
    if block.version != expected_version:
        raise ConcurrentEditError(current=block)
    if block.text == text:
        return block
    block.text = text
    block.version += 1
    return audited_save(block, actor=actor, reason=reason or _("Text sparad"))


@transaction.atomic
def edition_logo_set(
    *, edition: ReportEdition, name: str, data: bytes, actor: User
) -> ReportEdition:
    """Store the cover logo (PNG as checked, SVG rebuilt safe: reports/editions/logo.py).
    UploadRefused becomes a ServiceError with the Swedish reason."""
    from django.core.files.base import ContentFile

    from cases.uploads import UploadRefused

    from .logo import logo_content

    edition = _editable(_lock(edition.pk))
    try:
        ext, content = logo_content(name, data)
    except UploadRefused as exc:
        raise ServiceError(str(exc)) from None
    edition.logo.save(f"logotyp{ext}", ContentFile(content), save=False)
    edition.version += 1
    return audited_save(edition, actor=actor, reason=_("Logotypen byttes"))


@transaction.atomic
def edition_logo_clear(*, edition: ReportEdition, actor: User) -> ReportEdition:
    edition = _editable(_lock(edition.pk))
    edition.logo = ""
    edition.version += 1
    return audited_save(edition, actor=actor, reason=_("Logotypen togs bort"))
