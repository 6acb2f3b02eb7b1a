"""Deadline arithmetic: calendar or Swedish working days (DESIGN §4)."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone
from holidays.constants import DE_FACTO, PUBLIC

from cases.models import DeadlineRule

DUE_SOON_DAYS = 2


@lru_cache(maxsize=32)
def _swedish_holidays(year: int) -> set[date]:
    """The days a working-day deadline skips besides Saturdays and Sundays.

    The allmänna helgdagar (PUBLIC) and also midsommarafton, julafton and nyårsafton (DE_FACTO):
    not helgdagar in law, but de facto holidays that Swedish employers give off (semesterlagen
    7 § counts them as Sundays). So "two working days" from the Thursday before midsommar ends
    on Tuesday, not on Monday. The half days (trettondagsafton, the day before midsommarafton,
    …) stay working days."""
    found = holidays.country_holidays("SE", years=year, categories=(PUBLIC, DE_FACTO))
    return set(found.keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _swedish_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    day = start
    added = 0
    while added < days:
        day += timedelta(days=1)
        if is_working_day(day):
            added += 1
    return day


def due_for(kind: str, step: str, start: datetime) -> datetime | None:
    """End of the day on which the step is due, in local time."""
    return due_by_rule(DeadlineRule.objects.filter(kind=kind, step=step).first(), start)


def due_by_rule(rule: DeadlineRule | None, start: datetime) -> datetime | None:
    """`due_for` with the rule already read: a bulk import reads each rule once, not once per
    row (issue 16: 100 000 rows ≤ 20 s)."""
    if rule is None:
        return None
    start_day = timezone.localtime(start).date()
    day = (
        add_working_days(start_day, rule.days)
        if rule.working_days
        else start_day + timedelta(days=rule.days)
    )
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def deadline_state(due_at: datetime | None, now: datetime | None = None) -> str:
    """ok / soon / overdue, as shown in the inbox."""
    if due_at is None:
        return "none"
    now = now or timezone.now()
    if due_at < now:
        return "overdue"
    if due_at < now + timedelta(days=DUE_SOON_DAYS):
        return "soon"
    return "ok"


# --- Routing (fördelning, issue 18) ------------------------------------------------------------

ROUTING_STEP = "fordelning"
# Without a rule for the case's type, a case waits at most one working day to be routed.
ROUTING_DEFAULT_WORKING_DAYS = 1


def routing_rules(kinds) -> dict[str, DeadlineRule]:
    """The "fordelning" rule of each kind, read once for a whole queue."""
    rules = DeadlineRule.objects.filter(kind__in=set(kinds), step=ROUTING_STEP)
    return {rule.kind: rule for rule in rules}


_UNREAD = object()


def routing_due(kind: str, received_at: datetime, rule=_UNREAD) -> datetime:
    """When a case that came in above the sections must have been routed to one: the type's
    "fordelning" rule, else one working day after receipt (end of that day). A list passes the
    rule it read once (`routing_rules`), or None when the kind has none."""
    if rule is _UNREAD:
        due = due_for(kind, ROUTING_STEP, received_at)
    else:
        due = due_by_rule(rule, received_at)
    if due is not None:
        return due
    start_day = timezone.localtime(received_at).date()
    day = add_working_days(start_day, ROUTING_DEFAULT_WORKING_DAYS)
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
