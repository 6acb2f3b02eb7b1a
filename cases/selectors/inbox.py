"""The unit inbox: every open case the user may see, all types together (issue #4).

Keyset pagination, never OFFSET (DESIGN §10: OFFSET at row 150 000 cost 125 ms, keyset 2 ms).
A sort order is a list of *segments*; each segment is a filter plus one key column with `id` as
tie-breaker, in the same direction, so every segment is served by a B-tree index in order:

- newest: one segment, (received_at, id) descending — index `case_received_desc`;
- overdue: cases with a deadline by (due_at, id) ascending — index `case_inbox_due` —, then
  cases without a deadline, newest first. A single ORDER BY with NULLS LAST would need an
  `OR due_at IS NULL` in the keyset condition, which no index can serve.

A page reads one segment query, two where it crosses into the next segment: the number of
queries never depends on the page size.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _l

from cases.deadlines import deadline_state
from cases.filters import InboxFilter
from cases.models import Case, CaseKind
from cases.types import Params, User

from .visibility import cases_listable_by, handle_rule

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Segment:
    where: Q
    key: str
    descending: bool
    # The same test as `where`, in Python, to build a cursor from a fetched row.
    matches: Callable[[Case], bool] = lambda case: True

    def ordering(self, reverse: bool) -> tuple[str, str]:
        desc = self.descending != reverse
        sign = "-" if desc else ""
        return (f"{sign}{self.key}", f"{sign}id")

    def after(self, value: datetime, pk: int, reverse: bool) -> Q:
        """Rows strictly after (value, pk) in this segment's order (or before, if reverse).

        Written as `key >= v AND (key > v OR id > pk)` rather than an OR alone: the first
        conjunct is an index condition, so only ties on `key` are filtered row by row.
        """
        desc = self.descending != reverse
        op, op_eq = ("lt", "lte") if desc else ("gt", "gte")
        return Q(**{f"{self.key}__{op_eq}": value}) & (
            Q(**{f"{self.key}__{op}": value}) | Q(**{f"id__{op}": pk})
        )


SORTS: dict[str, tuple[Segment, ...]] = {
    "newest": (Segment(Q(), "received_at", descending=True),),
    "overdue": (
        Segment(
            Q(due_at__isnull=False),
            "due_at",
            descending=False,
            matches=lambda case: case.due_at is not None,
        ),
        Segment(
            Q(due_at__isnull=True),
            "received_at",
            descending=True,
            matches=lambda case: case.due_at is None,
        ),
    ),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class Cursor:
    segment: int
    value: datetime
    pk: int

    def encode(self) -> str:
        raw = json.dumps([self.segment, self.value.isoformat(), self.pk]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, sort: str) -> "Cursor | None":
        """A tampered or stale token gives the first page, never an error: the cursor only
        positions the page inside the already visibility-filtered queryset."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            segment, value, pk = json.loads(raw)
            cursor = cls(int(segment), datetime.fromisoformat(value), int(pk))
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            return None
        if not 0 <= cursor.segment < len(SORTS[sort]) or timezone.is_naive(cursor.value):
            return None
        return cursor


@dataclass
class InboxPage:
    rows: list[Case]
    next_cursor: str | None = None
    prev_cursor: str | None = None
    size: int = DEFAULT_PAGE_SIZE
    extra: dict = field(default_factory=dict)


def inbox_cases(user: User) -> QuerySet[Case]:
    """Open cases the user may see, with `can_handle` per row — one SQL query for the page.

    Visibility is `cases_visible_to`'s rule in its list form (`visible_rule_for_lists`: the
    unit scope hashed once, so PostgreSQL can walk the keyset index and stop at the LIMIT).
    The handle rule is a row condition in the SELECT list, so PostgreSQL evaluates it only for
    the rows the LIMIT returns.
    """
    if not user.is_authenticated:
        return Case.objects.none()
    return _as_rows(cases_listable_by(user, open_only=True), user)


def inbox_rows(user: User) -> QuerySet[Case]:
    """The inbox's row columns and `can_handle`, without the list's rule or filters: a page's
    rows are read by the ids the filtered query found (`_collect`), so they are not applied
    twice. Re-applied, they cost a second compile of the visibility rule, and PostgreSQL
    sometimes read the filter's thousands of rows again instead of 51 by primary key."""
    if not user.is_authenticated:
        return Case.objects.none()
    return _as_rows(Case.objects.all(), user)


def _as_rows(qs: QuerySet[Case], user: User) -> QuerySet[Case]:
    can_handle = ExpressionWrapper(handle_rule(user), output_field=BooleanField())
    return (
        qs.select_related("unit", "assignee", "event_category")
        .defer("description", "search")
        .annotate(can_handle=can_handle)
    )


def inbox_list(user: User, params: Params, *, candidates: list) -> InboxFilter:
    """The inbox's rows filtered by `params` (the keyset pager orders and pages `.qs`).
    `candidates` are the people the assignee filter offers (`assignee_candidates()`)."""
    return InboxFilter(params, queryset=inbox_cases(user), user=user, candidates=candidates)


def _cursor_for(case: Case, sort: str) -> Cursor:
    for index, segment in enumerate(SORTS[sort]):
        if segment.matches(case):
            return Cursor(index, getattr(case, segment.key), case.pk)
    raise ValueError(f"case {case.pk} fits no segment of {sort}")


def _collect(
    qs: QuerySet[Case],
    sort: str,
    cursor: Cursor | None,
    want: int,
    reverse: bool,
    rows_of: QuerySet[Case] | None = None,
) -> list[Case]:
    """Walk the segments from the cursor's, forward or backward, until `want` rows. The rows
    are read from `rows_of` (`inbox_rows`) by the ids `qs` gives, or from `qs` itself."""
    segments = SORTS[sort]
    order = range(len(segments)) if not reverse else range(len(segments) - 1, -1, -1)
    rows: list[Case] = []
    for index in order:
        if cursor is not None and (
            index < cursor.segment if not reverse else index > cursor.segment
        ):
            continue
        segment = segments[index]
        part = qs.filter(segment.where)
        if cursor is not None and index == cursor.segment:
            part = part.filter(segment.after(cursor.value, cursor.pk, reverse))
        ordering = segment.ordering(reverse)
        # A deferred join: the page's ids first, by a query that needs only the columns of
        # the covering index of open cases (case_open_scope), then the 51 rows by primary
        # key. Read whole, a filter matching thousands of cases read each of them from the
        # table before sorting them (the overdue deviations of an avdelning, 8 500 rows at
        # 1.5 million cases).
        ids = part.order_by(*ordering).values("pk")[: want - len(rows)]
        rows += list((qs if rows_of is None else rows_of).filter(pk__in=ids).order_by(*ordering))
        if len(rows) >= want:
            break
    return rows


def inbox_page(
    qs: QuerySet[Case],
    *,
    sort: str = DEFAULT_SORT,
    after: str = "",
    before: str = "",
    size: int = DEFAULT_PAGE_SIZE,
    now: datetime | None = None,
    rows_of: QuerySet[Case] | None = None,
) -> InboxPage:
    """One page of `qs` in `sort` order; `after`/`before` are tokens from a previous page.
    `rows_of`: where the rows are read by id (`inbox_rows(user)`; default `qs`)."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    size = max(1, size)  # the view limits the choice to PAGE_SIZES
    backward = bool(before) and not after
    cursor = Cursor.decode(before if backward else after, sort) if (after or before) else None
    rows = _collect(qs, sort, cursor, size + 1, reverse=backward, rows_of=rows_of)
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    page = InboxPage(rows=rows, size=size)
    if rows:
        has_next = (not backward and more) or (backward and cursor is not None)
        has_prev = (backward and more) or (not backward and cursor is not None)
        page.next_cursor = _cursor_for(rows[-1], sort).encode() if has_next else None
        page.prev_cursor = _cursor_for(rows[0], sort).encode() if has_prev else None
    decorate_rows(rows, now=now)
    return page


DEADLINE_LABELS = {
    "ok": _l("I tid"),
    "soon": _l("Snart"),
    "overdue": _l("Försenad"),
    "none": _l("Ingen frist"),
}


def decorate_rows(rows: list[Case], now: datetime | None = None) -> None:
    """Labels from the registries and the clock, never from the database; computed here once
    per row rather than by template tags or properties (a page of 100 rows is 900 cells), and
    each distinct label once per page."""
    from cases.workflow import workflow_for

    now = now or timezone.now()
    url_pattern = reverse("cases:detail", args=["REF"])
    kind_labels = {k.value: str(k.label) for k in CaseKind}
    deadline_labels = {key: str(label) for key, label in DEADLINE_LABELS.items()}
    status_labels: dict[tuple[str, str], str] = {}
    select_label = gettext("Markera %s")
    names: dict[int, str] = {}
    for case in rows:
        age = max((now - case.received_at).days, 0)
        extra = case.__dict__
        extra["kind_label"] = kind_labels[case.kind]
        key = (case.kind, case.status)
        if key not in status_labels:
            status_labels[key] = workflow_for(case.kind).label(case.status)
        extra["status_text"] = status_labels[key]
        extra["deadline"] = deadline_state(case.due_at, now)
        extra["deadline_label"] = deadline_labels[extra["deadline"]]
        extra["due_label"] = (
            timezone.localtime(case.due_at).strftime("%Y-%m-%d") if case.due_at else ""
        )
        extra["age_days"] = age
        extra["age_label"] = ngettext("%d dag", "%d dagar", age) % age
        extra["url"] = url_pattern.replace("REF", case.reference)
        extra["select_label"] = select_label % case.reference
        assignee = case.assignee
        if assignee is not None and assignee.pk not in names:
            names[assignee.pk] = assignee.get_full_name() or assignee.username
        extra["assignee_name"] = names[assignee.pk] if assignee is not None else ""


# The total above the list is exact up to this many cases, then "fler än 1 000": counting every
# visible open case checks the visibility rule on each of them, which at 150 000 cases would cost
# more than the page itself; a capped count stops after COUNT_CAP + 1 rows.
COUNT_CAP = 1000


@dataclass(frozen=True)
class InboxTotal:
    count: int
    capped: bool
    cap: int = COUNT_CAP

    @property
    def label(self) -> str:
        if self.capped:
            return gettext("Fler än %(n)s ärenden") % {"n": _grouped(self.cap)}
        return ngettext("%(n)s ärende", "%(n)s ärenden", self.count) % {"n": _grouped(self.count)}


def _grouped(n: int) -> str:
    # Swedish digit grouping with a no-break space: "1 234".
    return f"{n:,}".replace(",", "\u00a0")


def inbox_total(
    qs: QuerySet[Case], cap: int = COUNT_CAP, page: InboxPage | None = None
) -> InboxTotal:
    """How many cases the filtered inbox holds, exact up to `cap` (one query; none when
    `page` is the only page, whose rows are then all there is)."""
    if page is not None and not page.next_cursor and not page.prev_cursor:
        return InboxTotal(count=min(len(page.rows), cap), capped=len(page.rows) > cap, cap=cap)
    count = qs.select_related(None).order_by().values("pk")[: cap + 1].count()
    return InboxTotal(count=min(count, cap), capped=count > cap, cap=cap)


def inbox_export_rows(qs: QuerySet[Case], *, sort: str = DEFAULT_SORT, limit: int) -> list[Case]:
    """Every row of the filtered inbox for the XLSX export, in the page order, capped."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    rows = _collect(qs, sort, None, limit, reverse=False)
    decorate_rows(rows)
    return rows


def assignee_candidates() -> QuerySet[User]:
    """People a case can be handed to from the inbox: active chefs, investigators and quality
    staff anywhere (an investigator usually sits above the unit, outside the chef's subtree)."""
    from django.contrib.auth import get_user_model

    from cases.models import Membership, Role

    roles = (Role.SEKTIONSCHEF, Role.UTREDARE, Role.KVALITETSSTRATEG)
    members = Membership.objects.active().filter(role__in=roles, user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(members))
        .order_by("first_name", "last_name", "username")
    )


def bulk_assignee_candidates(user: User) -> QuerySet[User]:
    """Whom the inbox's "Tilldela till" offers: of `assignee_candidates()`, those who may be
    assigned a case in the user's scope — a lex Sarah-utredare anywhere, others only with a
    membership on the line of a unit the user handles (above it or below it). The list only
    narrows; each type's assign service refuses anyone its case page would refuse."""
    from django.db.models import F
    from django.db.models.lookups import StartsWith

    from cases.models import Membership, Role

    scope_roots = Membership.objects.active().filter(user=user).exclude(role=Role.ADMINISTRATOR)
    on_line = Exists(
        scope_roots.filter(
            StartsWith(OuterRef("unit__path"), F("unit__path"))
            | StartsWith(F("unit__path"), OuterRef("unit__path"))
        )
    )
    members = (
        Membership.objects.active()
        .filter(user=OuterRef("pk"))
        .filter(
            Q(role=Role.UTREDARE)
            | (Q(role__in=(Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)) & Q(on_line))
        )
    )
    return assignee_candidates().filter(Exists(members))
