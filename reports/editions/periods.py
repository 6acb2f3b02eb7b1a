"""Report periods as readers and SQL need them: local dates → aware datetimes in the project's
time zone (Europe/Stockholm), so 31 Dec 23:30 local belongs to the old year even though it is
22:30 UTC."""

from datetime import date, datetime, time

from django.utils import timezone

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def datetime_range(period) -> tuple[datetime, datetime]:
    """[start, end) for DateTimeFields."""
    return local_midnight(period.start), local_midnight(period.end)


def _day(d: date, with_year: bool) -> str:
    text = f"{d.day} {MONTHS[d.month - 1]}"
    return f"{text} {d.year}" if with_year else text


def period_label(period) -> str:
    last = period.last_day
    if period.start.year == last.year:
        return f"{_day(period.start, False)}–{_day(last, True)}"
    return f"{_day(period.start, True)}–{_day(last, True)}"


def period_short(period) -> str:
    """2025 for a calendar year, 2024/25 for a custom year."""
    last = period.last_day
    if (period.start.month, period.start.day) == (1, 1) and period.start.year == last.year:
        return str(last.year)
    return f"{period.start.year}/{str(last.year)[-2:]}"
