"""The daily e-mail digest (DESIGN §4; issue #4 point 5).

Who: every active person with an e-mail address who is a sektionschef with scope or the
assignee of an open case. What: the open cases they may *handle* (`cases_handleable_by`) that
arrived since their previous digest, the ones that are overdue, and their overdue risk
follow-ups and self-inspection runs. Nothing to tell → no e-mail.

The e-mail holds reference numbers, types, units and dates, never case titles or text: e-mail
leaves the system, and free text may hold data covered by OSL 26 kap. The link leads to the
inbox, behind login.

Idempotent: a `DigestSent` row per (user, day) is inserted in the same transaction that sends,
under a unique constraint. Everything is read when the per-person task runs, so a case deleted
(or a person removed) after the fan-out is simply not mentioned.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case, CaseKind, DigestSent, Membership, Role
from cases.registry import followup_sources
from cases.selectors import cases_handleable_by
from cases.types import User

# Each section lists at most this many items and then says how many more there are.
SECTION_LIMIT = 50
FIRST_DIGEST_LOOKBACK = timedelta(days=1)


@dataclass
class DigestSection:
    title: str
    items: list[str] = field(default_factory=list)
    more: int = 0


@dataclass
class Digest:
    since: datetime
    until: datetime
    sections: list[DigestSection]

    @property
    def item_count(self) -> int:
        return sum(len(s.items) + s.more for s in self.sections)


def digest_recipients(*, day: date | None = None) -> list[int]:
    """Ids of chefs with an active membership and of assignees of open cases."""
    day = day or timezone.localdate()
    chef = Membership.objects.active(day).filter(user=OuterRef("pk"), role=Role.SEKTIONSCHEF)
    assignee = Case.objects.filter(assignee=OuterRef("pk"), closed_at__isnull=True)
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Exists(chef) | Exists(assignee))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _case_line(case: Case) -> str:
    due = f", {_('frist')} {timezone.localtime(case.due_at):%Y-%m-%d}" if case.due_at else ""
    url = settings.SITE_URL.rstrip("/") + case.get_absolute_url()
    return f"{case.reference} ({CaseKind(case.kind).label}, {case.unit.name}{due}) {url}"


def _section(title: str, lines: list[str]) -> DigestSection:
    return DigestSection(title, lines[:SECTION_LIMIT], max(len(lines) - SECTION_LIMIT, 0))


def _case_lines(qs: QuerySet[Case]) -> list[str]:
    return [_case_line(c) for c in qs.select_related("unit")[: SECTION_LIMIT + 1]]


def digest_build(user: User, *, since: datetime, now: datetime) -> Digest:
    open_cases = cases_handleable_by(user).filter(closed_at__isnull=True)
    new = open_cases.filter(received_at__gt=since, received_at__lte=now).order_by("received_at")
    overdue = open_cases.filter(Q(due_at__lt=now)).order_by("due_at", "id")
    site = settings.SITE_URL.rstrip("/")
    sections = [
        _section(_("Nya ärenden sedan förra sammanställningen"), _case_lines(new)),
        _section(_("Försenade ärenden"), _case_lines(overdue)),
    ]
    # Risk analyses and egenkontroll runs plug in through the registry (the core never
    # imports them).
    for source in followup_sources():
        lines = [
            f"{i.title} ({source.due_label} {i.due_date:%Y-%m-%d}) {site}{i.url}"
            for i in source.items(user)
        ]
        sections.append(_section(source.heading, lines))
    return Digest(since=since, until=now, sections=[s for s in sections if s.items])


def _since(user: User, day: date, now: datetime) -> datetime:
    last = DigestSent.objects.filter(user=user, day__lt=day).order_by("-day").first()
    return last.covered_until if last else now - FIRST_DIGEST_LOOKBACK


def digest_send(*, user_id: int, day: date | None = None, now: datetime | None = None) -> bool:
    """Send one person's digest for `day`. True if an e-mail went out."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False  # removed or deactivated since the fan-out
    if DigestSent.objects.filter(user=user, day=day).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        digest = digest_build(user, since=_since(user, day, now), now=now)
        try:
            with transaction.atomic():
                # Insert first: a concurrent run blocks on the unique index and then fails.
                DigestSent.objects.create(
                    user=user,
                    day=day,
                    covered_until=now,
                    item_count=digest.item_count,
                    sent_at=now if digest.sections else None,
                )
                if digest.sections:
                    _mail(user, digest, day)
        except IntegrityError:
            return False
    return bool(digest.sections)


def _mail(user: User, digest: Digest, day: date) -> None:
    context = {
        "user": user,
        "digest": digest,
        "day": day,
        "inbox_url": settings.SITE_URL.rstrip("/") + reverse("inbox:list"),
    }
    send_mail(
        subject=_("Avvika: daglig sammanställning %s") % f"{day:%Y-%m-%d}",
        message=render_to_string("cases/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def digest_send_all(*, now: datetime | None = None) -> int:
    """In-process variant of the fan-out (management use and tests): sends every digest."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    return sum(digest_send(user_id=uid, day=day, now=now) for uid in digest_recipients(day=day))
