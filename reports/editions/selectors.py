"""Reads for kvalitetsberättelser. Editions are visible to kvalitetsstrateger whose active
membership covers the edition's unit (subtree); everyone else gets 403 (no role) or 404 (out of
scope). Figures start from cases_countable_by(user) (cases_visible_to as hashed sets): the
statistics rule of DESIGN §5."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, Role
from cases.selectors import (
    EVERY_CASE,
    CountableParts,
    cases_countable_by,
    countable_parts,
    resolved_scopes,
)
from cases.selectors.visibility import membership_scope
from cases.types import Params, User, Viewer

from .blocks import BlockScope, compute_block
from .forms import StatisticsForm, statistics_units
from .models import ReportBlock, ReportEdition, ReportSection

EDIT_ROLES = (Role.KVALITETSSTRATEG,)


def editions_visible_to(user: Viewer) -> QuerySet[ReportEdition]:
    if not user.is_authenticated:
        return ReportEdition.objects.none()
    in_scope = membership_scope(user, EDIT_ROLES, "unit__path")
    return ReportEdition.objects.filter(in_scope).select_related("unit", "template")


@dataclass
class OutlineNode:
    section: ReportSection
    number: str
    depth: int
    blocks: list[ReportBlock] = field(default_factory=list)
    children: list["OutlineNode"] = field(default_factory=list)
    results: dict[int, dict] = field(default_factory=dict)

    @property
    def heading(self) -> str:
        return f"{self.number} {self.section.title}" if self.number else self.section.title


def edition_outline(edition: ReportEdition) -> list[OutlineNode]:
    """The section tree with heading numbers (1, 1.2, 1.2.3); appendices are unnumbered.
    Two queries, whatever the size."""
    sections = list(edition.sections.order_by("order", "id"))
    blocks: dict[int, list[ReportBlock]] = {}
    for block in ReportBlock.objects.filter(section__edition=edition).order_by("order", "id"):
        blocks.setdefault(block.section_id, []).append(block)
    by_parent: dict[int | None, list[ReportSection]] = {}
    for s in sections:
        by_parent.setdefault(s.parent_id, []).append(s)

    def build(parent_id: int | None, prefix: str | None, depth: int) -> list[OutlineNode]:
        nodes, counter = [], 0
        for s in by_parent.get(parent_id, []):
            if s.is_appendix or prefix is None:
                number = ""
            else:
                counter += 1
                number = f"{prefix}{counter}"
            child_prefix = f"{number}." if number else None
            nodes.append(
                OutlineNode(
                    s, number, depth, blocks.get(s.pk, []), build(s.pk, child_prefix, depth + 1)
                )
            )
        return nodes

    return build(None, "", 1)


def walk(nodes: list[OutlineNode]) -> Iterator[OutlineNode]:
    for node in nodes:
        yield node
        yield from walk(node.children)


def countable(user: Viewer | None) -> tuple[QuerySet, CountableParts | None]:
    """The cases a user's figures count and their split for the tally (one scope query);
    user=None: every case (operators)."""
    if user is None:
        return Case.objects.all(), EVERY_CASE
    if not user.is_authenticated:
        return Case.objects.none(), None
    scopes = resolved_scopes(user)
    return cases_countable_by(user, scopes), countable_parts(user, scopes)


def edition_scope(edition: ReportEdition, user: Viewer | None = None) -> BlockScope:
    """user=None only for operators (the management command): all cases of the subtree."""
    cases, parts = countable(user)
    return BlockScope(
        unit=edition.unit,
        year=edition.year,
        cases=cases,
        parts=parts,
        period_start=(edition.period_start_month, edition.period_start_day),
        analysis_start=(edition.analysis_start_month, edition.analysis_start_day),
    )


def edition_compute(
    edition: ReportEdition,
    user: Viewer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[OutlineNode]:
    """The outline with every data block computed (results keyed by block id)."""
    outline = edition_outline(edition)
    scope = edition_scope(edition, user)
    data_blocks = [
        (n, b) for n in walk(outline) for b in n.blocks if b.kind == ReportBlock.Kind.DATA
    ]
    for done, (node, block) in enumerate(data_blocks, start=1):
        node.results[block.pk] = compute_block(block.block_type, block.params, scope)
        if progress:
            progress(done, len(data_blocks))
    return outline


def edition_figures(edition: ReportEdition, outline: list[OutlineNode]) -> dict:
    """Every computed figure with its label, for --json and the CompiledReport row. Charts
    are left out (they are drawings of the tables)."""
    sections = []
    for node in walk(outline):
        blocks = []
        for block in node.blocks:
            result = node.results.get(block.pk)
            if result:
                blocks.append({k: v for k, v in result.items() if k != "charts"})
        sections.append({"number": node.number, "title": node.section.title, "blocks": blocks})
    return {
        "edition": {
            "title": edition.title,
            "organisation": edition.unit.name,
            "year": edition.year,
            "period": edition.period.label,
            "period_start": edition.period.start.isoformat(),
            "period_end": edition.period.last_day.isoformat(),
            "analysis_period": edition.analysis_period.label,
            "diarienummer": edition.diarienummer,
            "responsible": edition.responsible,
        },
        "sections": sections,
    }


def statistics_scope(user: User, params: Params) -> tuple[StatisticsForm, BlockScope | None]:
    """The statistics page's unit and period from `params` (request.GET), over the cases the
    user may see. Without a unit the user's first unit and this year are shown; a value that
    does not validate gives the form with its Swedish errors and no scope (nothing computed)."""
    this_year = timezone.localdate().year
    data = params if "unit" in params else None
    form = StatisticsForm(data, user=user, initial={"year": this_year, "period_start_month": 1})
    if data is None:
        first = statistics_units(user).first()
        if first is None:
            return form, None
        form = StatisticsForm(
            {"unit": first.pk, "year": this_year, "period_start_month": 1}, user=user
        )
    if not form.is_valid():
        return form, None
    cases, parts = countable(user)
    return form, BlockScope(
        unit=form.cleaned_data["unit"],
        year=form.cleaned_data["year"],
        cases=cases,
        parts=parts,
        period_start=(form.cleaned_data["period_start_month"], 1),
        # A year not yet over is counted up to today and compared with the same part of the
        # years before (issue 17): "2026 t.o.m. 2 december", never against all of 2025.
        as_of=timezone.localdate(),
    )


def edition_submitter(edition: ReportEdition) -> User | None:
    """Who sent the edition to review the last time (from its history: there is no column)."""
    rows = edition.history.order_by("-history_date", "-history_id").values_list(
        "status", "history_user"
    )
    submitter_id = None
    for status, user_id in rows:
        if status != ReportEdition.Status.REVIEW:
            break
        submitter_id = user_id  # the oldest row of the latest run of "granskning" rows
    if submitter_id is None:
        return None
    return get_user_model().objects.filter(pk=submitter_id).first()
