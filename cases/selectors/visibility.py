"""The one place that decides which cases a user may see (DESIGN §5, §10).

Visibility is a single SQL query: the case's unit lies in the subtree of one of the user's
active memberships (materialised path prefix) OR an EXISTS on the direct-FK guardian table.
Lists, search, exports, statistics and detail pages all start from `cases_visible_to`.

Rules
- sektionschef and kvalitetsstrateg: every case type in their subtree;
- arbetsutskott: lex Sarah cases in their subtree;
- lex Sarah-utredare, assignees, restricted access: only explicit object grants;
- medarbetare: nothing beyond their own reports (a status-only view, `cases_reported_by`);
- registrator: the cases waiting for routing in their subtree (a routable type on a unit with
  units below it, issue 18); once routed to a section they leave the registrator's sight;
- administratör: organisation and code lists, no case content (least privilege);
- `skyddad` cases: explicit grants only, whatever the role.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith
from django.http import Http404

from cases.models import Case, CaseKind, CaseUserObjectPermission, Membership, Role, Unit
from cases.types import User, Viewer

FULL_SCOPE_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)
LEXSARAH_SCOPE_ROLES = (Role.ARBETSUTSKOTT,)
REGISTRATOR_ROLES = (Role.REGISTRATOR,)
HANDLER_ROLES = (Role.SEKTIONSCHEF,)


def membership_scope(user: User, roles: Iterable[str], unit_path_ref: str = "unit__path") -> Exists:
    """EXISTS an active membership with one of `roles` on an ancestor-or-self of the unit."""
    return Exists(
        Membership.objects.active()
        .filter(user=user, role__in=roles)
        .filter(StartsWith(OuterRef(unit_path_ref), F("unit__path")))
    )


def _granted(user: User, codename: str, case_ref: str = "pk") -> Exists:
    return Exists(
        CaseUserObjectPermission.objects.filter(
            content_object=OuterRef(case_ref), user=user, permission__codename=codename
        )
    )


def visible_rule(user: User, prefix: str = "") -> Q:
    """The visibility rule as a row condition on a case reached through `prefix` ("" for the
    case row itself, "target__" for the target of a CaseLink): linked cases are filtered row by
    row, never by an IN over every case the user may see. Callers check is_authenticated."""
    unit_path = f"{prefix}unit__path"
    by_role = (
        membership_scope(user, FULL_SCOPE_ROLES, unit_path)
        | (
            Q(**{f"{prefix}kind": CaseKind.LEXSARAH})
            & membership_scope(user, LEXSARAH_SCOPE_ROLES, unit_path)
        )
        | (awaiting_routing_rule(prefix) & membership_scope(user, REGISTRATOR_ROLES, unit_path))
    )
    return _granted(user, "view_case", f"{prefix}pk") | (Q(**{f"{prefix}skyddad": False}) & by_role)


def awaiting_routing_rule(prefix: str = "", *, open_known: bool = False) -> Q:
    """Open cases of a routable type on a unit with units below it (cases/actions.py,
    `awaits_routing`), as a row condition. `open_known`: the caller's query has only open
    cases, so the open test is left out (it would be the only column of the rule outside the
    covering index of open cases, and keep PostgreSQL from reading that index alone)."""
    from cases.registry import routable_kinds

    rule = Q(**{f"{prefix}kind__in": routable_kinds(), f"{prefix}unit__numchild__gt": 0})
    return rule if open_known else rule & Q(**{f"{prefix}closed_at__isnull": True})


def _scope_unit_ids(user: User, roles: Iterable[str]) -> QuerySet[Unit]:
    """Ids of the units in the subtree of the user's active memberships with `roles`."""
    members = (
        Membership.objects.active()
        .filter(user=user, role__in=roles)
        .filter(StartsWith(OuterRef("path"), F("unit__path")))
    )
    return Unit.objects.filter(Exists(members)).values("pk")


def _by_role_as_sets(user: User, open_known: bool = False) -> Q:
    """`visible_rule`'s role part with each scope as an uncorrelated `unit_id IN (…)`:
    PostgreSQL computes the hundred-odd unit ids once and probes a hash per row, instead of
    running the membership EXISTS for every row it reads (7 500 of them for "most overdue
    first", a year of a förvaltning for the statistics, at 150 000 cases)."""
    return (
        Q(unit_id__in=_scope_unit_ids(user, FULL_SCOPE_ROLES))
        | (Q(kind=CaseKind.LEXSARAH) & Q(unit_id__in=_scope_unit_ids(user, LEXSARAH_SCOPE_ROLES)))
        | (
            awaiting_routing_rule(open_known=open_known)
            & Q(unit_id__in=_scope_unit_ids(user, REGISTRATOR_ROLES))
        )
    )


def visible_rule_for_lists(user: User, open_known: bool = False) -> Q:
    """`visible_rule` for long lists (the inbox, the API's case list): the same rule, scopes and
    grants as sets (uncorrelated `IN`s that PostgreSQL hashes once). The grants as a set, not
    an EXISTS per row: with the EXISTS, PostgreSQL never read the covering index of open cases
    alone, and the inbox filtered to an avdelning's overdue deviations read 34 000 heap pages
    at 1.5 million cases. The inbox tests compare its rows with `cases_visible_to` for every
    role."""
    return Q(pk__in=_granted_ids(user)) | (
        Q(skyddad=False) & _by_role_as_sets(user, open_known=open_known)
    )


def cases_listable_by(user: Viewer, *, open_only: bool = False) -> QuerySet[Case]:
    """`cases_visible_to` for long lists (the inbox, the API's case pages): same rows.
    `open_only`: only open cases (the inbox)."""
    if not user.is_authenticated:
        return Case.objects.none()
    if open_only:
        rule = Q(closed_at__isnull=True) & visible_rule_for_lists(user, open_known=True)
        return Case.objects.filter(rule)
    return Case.objects.filter(visible_rule_for_lists(user))


def cases_visible_to(user: Viewer) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(visible_rule(user))


@dataclass(frozen=True)
class ResolvedScopes:
    """The units each of the user's active roles reaches, read once as plain ids."""

    by_role: dict[str, frozenset[int]]
    with_children: frozenset[int]  # those of them that have units below them

    def units(self, roles: Iterable[str]) -> list[int]:
        return sorted(set().union(*(self.by_role.get(role, frozenset()) for role in roles)))

    def routable_units(self, roles: Iterable[str]) -> list[int]:
        return [pk for pk in self.units(roles) if pk in self.with_children]

    @property
    def routes_cases(self) -> bool:
        """`routes_cases` from the scopes: a registrator anywhere, or a sektionschef whose
        subtree has a unit with units below it (the membership's own unit has children
        exactly when its subtree holds such a unit)."""
        return bool(self.by_role.get(Role.REGISTRATOR)) or bool(
            self.routable_units((Role.SEKTIONSCHEF,))
        )


def resolved_scopes(user: User) -> ResolvedScopes:
    """One query: every unit in the subtree of one of the user's active memberships, with the
    roles that reach it. As literal ids in a count, PostgreSQL can answer from the covering
    index of open cases (case_open_scope) without reading a case row; as a subquery it read
    every open case of the förvaltning (16 ms → 2 ms for an avdelning's chef at 150 000
    cases)."""
    members = (
        Membership.objects.active()
        .filter(user=user)
        .filter(StartsWith(OuterRef("path"), F("unit__path")))
    )
    rows = (
        Unit.objects.filter(Exists(members))
        .annotate(roles=ArraySubquery(members.values("role")))
        .values_list("pk", "numchild", "roles")
    )
    by_role: dict[str, set[int]] = {}
    with_children = set()
    for pk, numchild, roles in rows:
        for role in roles:
            by_role.setdefault(role, set()).add(pk)
        if numchild:
            with_children.add(pk)
    return ResolvedScopes(
        by_role={role: frozenset(ids) for role, ids in by_role.items()},
        with_children=frozenset(with_children),
    )


def _granted_ids(user: User) -> QuerySet:
    return CaseUserObjectPermission.objects.filter(
        user=user, permission__codename="view_case"
    ).values("content_object_id")


def _routing_rest(scopes: ResolvedScopes) -> Q:
    from cases.registry import routable_kinds

    return Q(
        skyddad=False,
        kind__in=routable_kinds(),
        closed_at__isnull=True,
        unit_id__in=scopes.routable_units(REGISTRATOR_ROLES),
    )


def visible_rule_sets(user: User, scopes: ResolvedScopes | None = None) -> Q:
    """The same rule as `visible_rule`, with the role scopes resolved to unit ids first (one
    query, `resolved_scopes`, or the caller's) and the grants as a set of case ids: no subplan
    per case, and counts of open cases answered from an index. For counting many rows
    (statistics, the kvalitetsberättelse, the start page's open and overdue cases). Linked
    cases and single pages keep `visible_rule`. Callers check is_authenticated."""
    from cases.registry import routable_kinds

    scopes = scopes or resolved_scopes(user)
    by_role = (
        Q(unit_id__in=scopes.units(FULL_SCOPE_ROLES))
        | Q(kind=CaseKind.LEXSARAH, unit_id__in=scopes.units(LEXSARAH_SCOPE_ROLES))
        | Q(
            kind__in=routable_kinds(),
            closed_at__isnull=True,
            unit_id__in=scopes.routable_units(REGISTRATOR_ROLES),
        )
    )
    return Q(pk__in=_granted_ids(user)) | (Q(skyddad=False) & by_role)


@dataclass(frozen=True)
class CountableParts:
    """`cases_countable_by(user)` as two parts, for counting from a per-unit tally: whole
    units (every case of `units` — None: of every unit — and the lex Sarah cases of
    `lexsarah_units`, skyddad ones only if `skyddad`), and `rest`, the cases visible one by one
    (explicit grants, a registrator's cases waiting for routing), which may overlap the
    first. The visible cases are exactly the union (tested for every role)."""

    units: tuple[int, ...] | None
    lexsarah_units: tuple[int, ...]
    skyddad: bool
    rest: Q
    # False when `rest` can match nothing (no grant, no registrator scope): counting skips it.
    beyond: bool = True

    def whole_units_q(self) -> Q:
        if self.units is None:
            by_unit = Q()
        else:
            by_unit = Q(unit_id__in=self.units) | Q(
                kind=CaseKind.LEXSARAH, unit_id__in=self.lexsarah_units
            )
        return by_unit if self.skyddad else Q(skyddad=False) & by_unit


# Every case (operators' kvalitetsberättelse from the command line).
EVERY_CASE = CountableParts(
    units=None, lexsarah_units=(), skyddad=True, rest=Q(pk__in=[]), beyond=False
)


def countable_parts(user: User, scopes: ResolvedScopes | None = None) -> CountableParts:
    scopes = scopes or resolved_scopes(user)
    # Grants as literal ids: with the open-case condition they form an index OR (BitmapOr),
    # where a subquery would make PostgreSQL test every case of the period.
    granted = list(_granted_ids(user).values_list("content_object_id", flat=True))
    return CountableParts(
        units=tuple(scopes.units(FULL_SCOPE_ROLES)),
        lexsarah_units=tuple(scopes.units(LEXSARAH_SCOPE_ROLES)),
        skyddad=False,
        rest=Q(pk__in=granted) | _routing_rest(scopes),
        beyond=bool(granted or scopes.routable_units(REGISTRATOR_ROLES)),
    )


def cases_countable_by(user: Viewer, scopes: ResolvedScopes | None = None) -> QuerySet[Case]:
    """`cases_visible_to` for aggregates over many rows (`visible_rule_sets`)."""
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(visible_rule_sets(user, scopes))


def handle_rule(user: User) -> Q:
    """The handle rule as a row condition, for `cases_handleable_by` and for annotating a list
    row by row (`Exists(cases_handleable_by(...).filter(pk=OuterRef("pk")))` is planned as a
    hashed subplan over every handleable case)."""
    return _granted(user, "handle_case") | (
        Q(skyddad=False) & membership_scope(user, HANDLER_ROLES)
    )


def cases_handleable_by(user: Viewer) -> QuerySet[Case]:
    """Cases the user may change: chefs in scope (not skyddad) and explicit handle grants."""
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(handle_rule(user))


def cases_reported_by(user: Viewer) -> QuerySet[Case]:
    """A reporter's own reports: shown as status only, never the handling."""
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(reporter=user)


def case_get_visible(user: Viewer, reference: str) -> Case:
    """Detail pages: invisible and missing are the same answer, 404."""
    case = (
        cases_visible_to(user)
        .select_related("unit", "assignee", "reporter", "event_category")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404
    return case


def user_memberships(user: Viewer) -> list[tuple[str, str]]:
    """(role, unit path) of the user's active memberships: one query, from which a page takes
    both the user's roles and the roles covering a unit (`roles_covering`)."""
    if not user.is_authenticated:
        return []
    return list(Membership.objects.active().filter(user=user).values_list("role", "unit__path"))


def roles_covering(memberships: list[tuple[str, str]], unit_path: str) -> frozenset[str]:
    """The roles whose membership unit is the unit or one of its ancestors (the same prefix
    rule as `membership_scope`)."""
    return frozenset(role for role, path in memberships if unit_path.startswith(path))


def user_roles(user: Viewer) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.active().filter(user=user).values_list("role", flat=True))


def units_in_scope(user: Viewer, roles: Iterable[str] | None = None) -> QuerySet[Unit]:
    """Units in the subtree of the user's memberships (optionally only some roles)."""
    memberships = Membership.objects.active().filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Unit.objects.filter(
        Exists(memberships.filter(StartsWith(OuterRef("path"), F("unit__path"))))
    )
