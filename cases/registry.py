"""The case-type contract (DESIGN §8): each case type describes itself once, in one `CaseType`
registered from its app's `AppConfig.ready()`, and the core asks this registry for everything
type-specific. The core never imports a type, and the types never import each other: a
complaint escalating to a deviation, a deviation reclassified as lex Sarah or an egenkontroll
finding that becomes a deviation all ask `case_type(kind).spawn(...)`.

Beside the case types, apps that are not case types (riskanalys, egenkontroll, reports) plug
into core features through the small extension points at the end of this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cases.workflow import Workflow


@dataclass(frozen=True)
class ArchiveDocumentKind:
    """A kind of document in the dokumenthanteringsplan (an IVO notification, a supervision
    decision) with the disposition that applies until the arkivansvarig records the plan's."""

    key: str  # "<kind>.<document>", the retention class's subject
    label: str
    default: str = "bevaras"  # a cases.models.Disposition value


@dataclass(frozen=True)
class ArchiveDocument:
    """One document of a case in an archive package. `render(variant)` gives its PDF bytes in
    the WeasyPrint PDF variant asked for ("pdf/a-3b" for the archive)."""

    kind: str  # an ArchiveDocumentKind key
    title: str
    filename: str  # a plain ASCII name inside the package
    created: Any  # date or datetime
    render: Callable[[str], bytes]


@dataclass(frozen=True)
class ArchiveMapping:
    """How a case type reaches the e-archive (FGS Ärendehantering): its default retention class,
    its document kinds, the documents of one case beside the shared case file, and any extra
    descriptive elements: fn(case) -> [(FGS element name, value)]."""

    default: str = "gallras_vid_inaktualitet"  # a cases.models.Disposition value
    default_years: int | None = None
    document_kinds: tuple[ArchiveDocumentKind, ...] = ()
    documents: Callable[..., list[ArchiveDocument]] | None = None
    descriptive: Callable[..., list[tuple[str, str]]] | None = None


@dataclass(frozen=True)
class ArchiveItem:
    """One thing delivered whole that is not a case (a year's approved kvalitetsberättelse):
    what the descriptive metadata says about it, and its documents."""

    reference: str  # its diarienummer, or another stable reference
    title: str
    unit_id: int  # the archive-forming unit
    unit_name: str
    created: Any  # date or datetime
    status: str
    documents: list[ArchiveDocument]
    elements: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ArchiveSource:
    """An app's deliverable outside the cases: `choices(user)` lists (id, label) of the items
    that user may deliver, `item(id)` describes one."""

    key: str
    label: str
    document_kind: ArchiveDocumentKind
    choices: Callable[..., list[tuple[int, str]]]
    item: Callable[[int], ArchiveItem]


@dataclass(frozen=True)
class CaseType:
    kind: str
    label: str
    reference_prefix: str
    workflow: Workflow
    # What a user may do on a case of this type, from which status, and who: a tuple of
    # cases.actions.Action (not imported here: cases.actions asks this registry for the table).
    actions: tuple[Any, ...] = ()
    # Cross-type creation with one signature: fn(*, unit, title, description, actor,
    # reporter=None, occurred_on=None, source_case=None, reason="") -> Case. The type's own
    # create service behind it makes the one-to-one rows; the lineage link is its job too.
    spawn: Callable[..., Any] | None = None
    # The shared case page: template included below the shared facts, and its context
    # fn(request, case, actions) -> dict.
    detail_template: str = ""
    detail_context: Callable[..., dict] | None = None
    # The type's own audited rows on the history tab: fn(case) -> [(model, history qs, label)].
    history_sources: Callable[..., list] | None = None
    # Import of historic rows: fn(items, *, codes, user, reason) writing in bulk.
    import_applier: Callable[..., None] | None = None
    # Gallring: fn(case) that removes the type's own personal data.
    scrubber: Callable[..., None] | None = None
    # Names the type keeps beside the case (a complaint's sender), masked in a PDF for
    # utlämnande: fn(case) -> list[str].
    personal_names: Callable[..., list[str]] | None = None
    # Bulk actions in the inbox call these exact services (the single action's rule applies):
    # fn(*, case, actor, reason="") and fn(*, case, assignee, actor, reason="").
    bulk_receive: Callable[..., Any] | None = None
    bulk_assign: Callable[..., Any] | None = None
    # The REST API (/api/v1/, cases/api/): the type's own fields beside the shared ones, as a
    # DRF serializer class over the type's one-to-one row, found from the case by the related
    # name `api_row`; `api_prefetch` the related names a page prefetches so a list is a fixed
    # number of queries. `api_create`: cases.api.types.ApiCreate for a type that systems may create,
    # calling the same service as the type's form.
    api_serializer: Any = None
    api_row: str = ""
    api_prefetch: tuple[str, ...] = ()
    api_create: Any = None
    # Arkivleverans and the retention class (issue 21); None: the core's defaults.
    archive: ArchiveMapping | None = None
    # Who may be assigned a case of this type: fn(case) -> QuerySet of users. None means the
    # core rule (cases.selectors.people.assignable_users: members of the case's unit line).
    # The assign services refuse anyone else, whichever form or path the assignee came from.
    assignees: Callable[..., Any] | None = None

    def action(self, name: str) -> Any:
        for action in self.actions:
            if action.name == name:
                return action
        raise KeyError(f"{self.kind} has no action {name!r}")


_TYPES: dict[str, CaseType] = {}


def register_case_type(case_type: CaseType) -> CaseType:
    from cases.workflow import register

    register(case_type.workflow)
    _TYPES[case_type.kind] = case_type
    return case_type


def case_type(kind: str) -> CaseType:
    """The registered type; a KeyError for an unknown kind is a programming error."""
    return _TYPES[kind]


def case_type_or_none(kind: str) -> CaseType | None:
    return _TYPES.get(kind)


def case_types() -> list[CaseType]:
    return list(_TYPES.values())


# The action name of "Fördela" (cases/actions.py `ROUTE`), read here so that visibility can ask
# which types route without importing the action module (which imports visibility).
ROUTE_ACTION = "route"


def routable_kinds() -> list[str]:
    """The case types whose action table offers "Fördela" (issue 18)."""
    return [ct.kind for ct in case_types() if any(a.name == ROUTE_ACTION for a in ct.actions)]


# --- Extension points for apps that are not case types ----------------------------------------


@dataclass(frozen=True)
class DemoSeeder:
    order: int  # organisation first (0), then case types (10-40), then what builds on them
    seed: Callable[..., Any]  # fn(*, users, rng, stdout)
    name: str = ""


@dataclass(frozen=True)
class FollowupSource:
    """Overdue follow-ups outside the cases (risk analyses, egenkontroll runs) that the inbox
    and the daily digest list: fn(user) -> items with .title, .url, .due_date, .unit."""

    key: str
    heading: str  # digest section heading
    due_label: str  # "uppföljning", "klar senast"
    items: Callable[..., Iterable]


@dataclass(frozen=True)
class StartPanel:
    """A card on the start page for the holders of some roles (issue 18: the AU chair sees
    the next meeting and the decisions waiting). `context(user)` returns the template's
    context; a "cases" entry (a list of Case) is written to the access log with the page."""

    key: str
    roles: tuple[str, ...]
    template: str
    context: Callable[..., dict]


@dataclass(frozen=True)
class BulkWriteHook:
    """A table kept from the case tables (the statistics' facts) that a bulk write of new cases
    (the import) brings up to date once instead of statement by statement: `begin()` before the
    first row is written, `end(case_ids)` after the last, both inside the write's transaction,
    with the ids of the cases the write created (cases that did not exist before it)."""

    key: str
    begin: Callable[[], None]
    end: Callable[[list[int]], None]


@dataclass
class _Extensions:
    start_panels: dict[str, StartPanel] = field(default_factory=dict)
    followups: dict[str, FollowupSource] = field(default_factory=dict)
    demo_seeders: list[DemoSeeder] = field(default_factory=list)
    document_kinds: dict[str, ArchiveDocumentKind] = field(default_factory=dict)
    archive_sources: dict[str, ArchiveSource] = field(default_factory=dict)
    bulk_write_hooks: dict[str, BulkWriteHook] = field(default_factory=dict)


EXTENSIONS = _Extensions()


def register_start_panel(panel: StartPanel) -> None:
    EXTENSIONS.start_panels[panel.key] = panel


def start_panels() -> list[StartPanel]:
    return list(EXTENSIONS.start_panels.values())


def register_followups(source: FollowupSource) -> None:
    EXTENSIONS.followups[source.key] = source


def followup_sources() -> list[FollowupSource]:
    return list(EXTENSIONS.followups.values())


def register_demo_seeder(order: int, seed: Callable[..., Any], name: str = "") -> None:
    if all(s.seed is not seed for s in EXTENSIONS.demo_seeders):
        EXTENSIONS.demo_seeders.append(DemoSeeder(order, seed, name))


def demo_seeders() -> list[DemoSeeder]:
    return sorted(EXTENSIONS.demo_seeders, key=lambda s: s.order)


def register_document_kind(kind: ArchiveDocumentKind) -> None:
    """A document kind outside the case types (a supervision decision) that the
    dokumenthanteringsplan classifies."""
    EXTENSIONS.document_kinds[kind.key] = kind


def document_kinds() -> list[ArchiveDocumentKind]:
    """Every document kind: the case types' own, then the registered others."""
    kinds = [k for ct in _TYPES.values() if ct.archive for k in ct.archive.document_kinds]
    kinds += [s.document_kind for s in EXTENSIONS.archive_sources.values()]
    return kinds + list(EXTENSIONS.document_kinds.values())


def register_archive_source(source: ArchiveSource) -> None:
    EXTENSIONS.archive_sources[source.key] = source


def archive_source(key: str) -> ArchiveSource | None:
    return EXTENSIONS.archive_sources.get(key)


def archive_sources() -> list[ArchiveSource]:
    return list(EXTENSIONS.archive_sources.values())


def register_bulk_write_hook(hook: BulkWriteHook) -> None:
    EXTENSIONS.bulk_write_hooks[hook.key] = hook


def bulk_write_hooks() -> list[BulkWriteHook]:
    return list(EXTENSIONS.bulk_write_hooks.values())
