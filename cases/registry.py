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


@dataclass
class _Extensions:
    followups: dict[str, FollowupSource] = field(default_factory=dict)
    demo_seeders: list[DemoSeeder] = field(default_factory=list)


EXTENSIONS = _Extensions()


def register_followups(source: FollowupSource) -> None:
    EXTENSIONS.followups[source.key] = source


def followup_sources() -> list[FollowupSource]:
    return list(EXTENSIONS.followups.values())


def register_demo_seeder(order: int, seed: Callable[..., Any], name: str = "") -> None:
    if all(s.seed is not seed for s in EXTENSIONS.demo_seeders):
        EXTENSIONS.demo_seeders.append(DemoSeeder(order, seed, name))


def demo_seeders() -> list[DemoSeeder]:
    return sorted(EXTENSIONS.demo_seeders, key=lambda s: s.order)
