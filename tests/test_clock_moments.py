"""Deadlines, the inbox and the daily digest at awkward moments on the Stockholm clock.

Each moment moves the suite's pinned clock (the `clock` fixture) along a short timeline: cases
arrive through the real services (the public e-service, a medarbetare's reports), and at each
look the chef of Sektion A1 opens /inkorg/ and the daily digest runs. Every expected value is
written out by hand, as a Swedish handläggare would read it off a wall calendar; none is
computed by the code under test.

The rules (seeded by cases/migrations/0002_seed_codes.py), counted from the Stockholm date of receipt and due at
23:59:59 Stockholm time on the last day:
- klagomål, mottagningsbekräftelse: 2 working days (Saturdays, Sundays, helgdagar and
  midsommarafton, julafton and nyårsafton are skipped);
- avvikelse, mottagen: 5 calendar days;
- lex Sarah, omedelbara åtgärder: the same day.
The inbox says "Försenad" once the due moment has passed and "Snart" when it is less than 48 hours
away. The digest lists what arrived since the previous digest (the first looks back 24 hours) and
what is overdue, at most once per person per Stockholm day. CET is UTC+1, CEST UTC+2: between
00:00 and 01:00 (02:00 in summer) the UTC date is still yesterday.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from cases.complaints.services import complaint_submit_public
from cases.models import Case, DigestSent, Membership, Unit
from cases.services.cases import case_transition
from cases.services.digest import digest_send_all
from deviations.services import deviation_create
from lexsarah.services import lexsarah_report_create
from selfcontrol.services import run_update
from tests.conftest import PINNED_NOW
from tests.riskanalysis.factories import make_analysis
from tests.selfcontrol.factories import make_plan

STHLM = ZoneInfo("Europe/Stockholm")


def at(year, month, day, hour, minute=0, *, fold=0) -> datetime:
    """A Stockholm wall-clock time; fold=1 is the second pass of the hour repeated in October."""
    return datetime(year, month, day, hour, minute, tzinfo=STHLM, fold=fold)


# --- the timelines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrive:
    """A case arrives at `when`; `due` is its deadline as the user reads it, worked out by hand."""

    name: str
    kind: str  # complaint / deviation / lexsarah
    when: datetime
    due: str  # "YYYY-MM-DD HH:MM:SS CET|CEST", Stockholm time
    reference: str = ""  # checked where the year of receipt matters


@dataclass(frozen=True)
class Mail:
    """The chef's digest: which cases are under which heading."""

    new: set[str] = field(default_factory=set)
    overdue: set[str] = field(default_factory=set)


SAME_DAY = "already sent this Stockholm day"


@dataclass(frozen=True)
class Look:
    """At `when` the chef opens the inbox (`inbox`: every case so far → ok/soon/overdue) and the
    digest runs: `digest` is a Mail, SAME_DAY (nothing goes out although there is something to
    tell) or None (no digest run at this look)."""

    when: datetime
    inbox: dict[str, str]
    followups_overdue: bool
    digest: Mail | str | None


@dataclass(frozen=True)
class Moment:
    id: str
    follow_up_on: date  # a risk analysis follow-up and a self-inspection run are due that day
    timeline: tuple[Arrive | Look, ...]


KL, AV, LS = "complaint", "deviation", "lexsarah"

SUNDAY_NIGHT = Moment(
    "sondag-2330",
    follow_up_on=date(2026, 11, 15),
    timeline=(
        # Sunday 15 Nov 2026, 23:30 CET.
        # Klagomål: Mon 16 is working day 1, Tue 17 day 2.
        Arrive("klagomål", KL, at(2026, 11, 15, 23, 30), "2026-11-17 23:59:59 CET"),
        # Avvikelse: Sun 15 + 5 = Fri 20.
        Arrive("avvikelse", AV, at(2026, 11, 15, 23, 30), "2026-11-20 23:59:59 CET"),
        # Lex Sarah: the same Sunday, 29 minutes away.
        Arrive("lex_sarah", LS, at(2026, 11, 15, 23, 30), "2026-11-15 23:59:59 CET"),
        Look(
            at(2026, 11, 15, 23, 31),
            # The klagomål is 48 h 29 min away: just not "Snart" yet.
            {"klagomål": "ok", "avvikelse": "ok", "lex_sarah": "soon"},
            followups_overdue=False,  # due today, Sunday
            digest=Mail(new={"klagomål", "avvikelse", "lex_sarah"}),
        ),
        # Monday 00:30 CET is Sunday 23:30 UTC. Received on Monday in Stockholm: the klagomål's
        # working days are Tue 17 and Wed 18, the lex Sarah is due Monday, not already overdue.
        Arrive("klagomål_natt", KL, at(2026, 11, 16, 0, 30), "2026-11-18 23:59:59 CET"),
        Arrive("lex_sarah_natt", LS, at(2026, 11, 16, 0, 30), "2026-11-16 23:59:59 CET"),
        Look(
            at(2026, 11, 16, 0, 31),
            {
                "klagomål": "soon",  # Tue 23:59:59 is 47 h 29 min away
                "avvikelse": "ok",
                "lex_sarah": "overdue",  # Sunday has ended
                "klagomål_natt": "ok",  # Wed 23:59:59, 71 h away
                "lex_sarah_natt": "soon",  # today 23:59:59
            },
            followups_overdue=True,  # Sunday's date has passed in Stockholm, not yet in UTC
            # A new Stockholm day although the UTC date (15 Nov) is that of the 23:31 digest.
            digest=Mail(new={"klagomål_natt", "lex_sarah_natt"}, overdue={"lex_sarah"}),
        ),
        Look(
            # The 06:30 beat: the UTC date has now moved on, the Stockholm day has not.
            at(2026, 11, 16, 6, 30),
            {
                "klagomål": "soon",
                "avvikelse": "ok",
                "lex_sarah": "overdue",
                "klagomål_natt": "ok",  # 65 h 29 min
                "lex_sarah_natt": "soon",
            },
            followups_overdue=True,
            digest=SAME_DAY,
        ),
    ),
)

NEW_YEARS_EVE = Moment(
    "nyarsafton",
    follow_up_on=date(2026, 12, 31),
    timeline=(
        # Wed 30 Dec 2026, 17:00. Thu 31 (nyårsafton), Fri 1 Jan (nyårsdagen), Sat 2 and Sun 3
        # are not working days: Mon 4 Jan is day 1, Tue 5 Jan (trettondagsafton, an ordinary
        # working day) day 2.
        Arrive(
            "klagomål_30dec",
            KL,
            at(2026, 12, 30, 17),
            "2027-01-05 23:59:59 CET",
            reference="KS-2026-0001",
        ),
        # Thu 31 Dec 2026, 16:00, nyårsafton afternoon.
        # Klagomål: Mon 4 Jan day 1, Tue 5 Jan day 2.
        Arrive(
            "klagomål",
            KL,
            at(2026, 12, 31, 16),
            "2027-01-05 23:59:59 CET",
            reference="KS-2026-0002",
        ),
        # Avvikelse: 31 Dec + 5 calendar days = Tue 5 Jan, across the year boundary.
        Arrive(
            "avvikelse",
            AV,
            at(2026, 12, 31, 16),
            "2027-01-05 23:59:59 CET",
            reference="AV-2026-0001",
        ),
        Arrive(
            "lex_sarah",
            LS,
            at(2026, 12, 31, 16),
            "2026-12-31 23:59:59 CET",
            reference="LS-2026-0001",
        ),
        Look(
            at(2026, 12, 31, 16, 1),
            {"klagomål_30dec": "ok", "klagomål": "ok", "avvikelse": "ok", "lex_sarah": "soon"},
            followups_overdue=False,
            # The 30 Dec klagomål arrived 23 h ago: inside the first digest's 24 hours.
            digest=Mail(new={"klagomål_30dec", "klagomål", "avvikelse", "lex_sarah"}),
        ),
        # Fri 1 Jan 2027, 00:30 CET = 31 Dec 23:30 UTC: received in 2027, so the number is
        # 2027's first. 1 Jan + 5 calendar days = Wed 6 Jan (trettondagen: calendar days do not
        # skip helgdagar).
        Arrive(
            "avvikelse_nyår",
            AV,
            at(2027, 1, 1, 0, 30),
            "2027-01-06 23:59:59 CET",
            reference="AV-2027-0001",
        ),
        Look(
            at(2027, 1, 1, 0, 31),
            {
                "klagomål_30dec": "ok",
                "klagomål": "ok",
                "avvikelse": "ok",
                "lex_sarah": "overdue",  # nyårsafton has ended
                "avvikelse_nyår": "ok",
            },
            followups_overdue=True,  # 31 Dec has passed in Stockholm
            digest=Mail(new={"avvikelse_nyår"}, overdue={"lex_sarah"}),
        ),
        Look(
            at(2027, 1, 1, 6, 30),
            {
                "klagomål_30dec": "ok",
                "klagomål": "ok",
                "avvikelse": "ok",
                "lex_sarah": "overdue",
                "avvikelse_nyår": "ok",
            },
            followups_overdue=True,
            digest=SAME_DAY,
        ),
        Look(
            # Mon 4 Jan 09:00: Tue 23:59:59 is 39 h away, Wed 23:59:59 63 h.
            at(2027, 1, 4, 9),
            {
                "klagomål_30dec": "soon",
                "klagomål": "soon",
                "avvikelse": "soon",
                "lex_sarah": "overdue",
                "avvikelse_nyår": "ok",
            },
            followups_overdue=True,
            digest=Mail(overdue={"lex_sarah"}),
        ),
        Look(
            # Tue 5 Jan 08:00: the second working day is today. (Counting nyårsafton as a
            # working day would have made the 30 Dec klagomål "Försenad" since Monday night.)
            at(2027, 1, 5, 8),
            {
                "klagomål_30dec": "soon",
                "klagomål": "soon",
                "avvikelse": "soon",
                "lex_sarah": "overdue",
                "avvikelse_nyår": "soon",  # Wed 23:59:59, 40 h away
            },
            followups_overdue=True,
            digest=Mail(overdue={"lex_sarah"}),
        ),
        Look(
            # Wed 6 Jan 00:30 CET = Tue 5 Jan 23:30 UTC: Tuesday's deadlines have passed.
            at(2027, 1, 6, 0, 30),
            {
                "klagomål_30dec": "overdue",
                "klagomål": "overdue",
                "avvikelse": "overdue",
                "lex_sarah": "overdue",
                "avvikelse_nyår": "soon",
            },
            followups_overdue=True,
            digest=Mail(overdue={"klagomål_30dec", "klagomål", "avvikelse", "lex_sarah"}),
        ),
    ),
)

MIDSUMMER = Moment(
    "midsommar",
    follow_up_on=date(2026, 6, 19),
    timeline=(
        # Thu 18 June 2026, 15:00 CEST. Fri 19 is midsommarafton (a de facto holiday), Sat 20
        # midsommardagen, Sun 21: Mon 22 is working day 1, Tue 23 day 2.
        Arrive("klagomål_torsdag", KL, at(2026, 6, 18, 15), "2026-06-23 23:59:59 CEST"),
        # Fri 19 June 2026, 10:00 CEST, midsommarafton.
        # Klagomål: Mon 22 day 1, Tue 23 day 2.
        Arrive("klagomål", KL, at(2026, 6, 19, 10), "2026-06-23 23:59:59 CEST"),
        # Avvikelse: 19 + 5 = Wed 24.
        Arrive("avvikelse", AV, at(2026, 6, 19, 10), "2026-06-24 23:59:59 CEST"),
        # Lex Sarah: the same day, holiday or not.
        Arrive("lex_sarah", LS, at(2026, 6, 19, 10), "2026-06-19 23:59:59 CEST"),
        Look(
            at(2026, 6, 19, 10, 1),
            {"klagomål_torsdag": "ok", "klagomål": "ok", "avvikelse": "ok", "lex_sarah": "soon"},
            followups_overdue=False,
            digest=Mail(new={"klagomål_torsdag", "klagomål", "avvikelse", "lex_sarah"}),
        ),
        Look(
            # Midsommardagen 00:30 CEST = midsommarafton 22:30 UTC.
            at(2026, 6, 20, 0, 30),
            {"klagomål_torsdag": "ok", "klagomål": "ok", "avvikelse": "ok", "lex_sarah": "overdue"},
            followups_overdue=True,
            digest=Mail(overdue={"lex_sarah"}),
        ),
        Look(
            at(2026, 6, 20, 6, 30),
            {"klagomål_torsdag": "ok", "klagomål": "ok", "avvikelse": "ok", "lex_sarah": "overdue"},
            followups_overdue=True,
            digest=SAME_DAY,
        ),
        Look(
            # Tue 23 June 08:00: both klagomål are due tonight, the avvikelse tomorrow night
            # (40 h). Counting midsommarafton as a working day would have made Thursday's
            # klagomål due on Monday: "Försenad" here and in the digest.
            at(2026, 6, 23, 8),
            {
                "klagomål_torsdag": "soon",
                "klagomål": "soon",
                "avvikelse": "soon",
                "lex_sarah": "overdue",
            },
            followups_overdue=True,
            digest=Mail(overdue={"lex_sarah"}),
        ),
        Look(
            # Wed 24 June 00:30 CEST = Tue 22:30 UTC.
            at(2026, 6, 24, 0, 30),
            {
                "klagomål_torsdag": "overdue",
                "klagomål": "overdue",
                "avvikelse": "soon",
                "lex_sarah": "overdue",
            },
            followups_overdue=True,
            digest=Mail(overdue={"klagomål_torsdag", "klagomål", "lex_sarah"}),
        ),
    ),
)

DST_ENDS = Moment(
    "sommartid-slutar",
    follow_up_on=date(2026, 10, 25),
    timeline=(
        # Fri 23 Oct 2026, 10:00 CEST. + 5 = Wed 28, after the clocks have gone back: still
        # 23:59:59 on the wall clock, now in CET (not 22:59:59, the CEST offset kept).
        Arrive("avvikelse_fredag", AV, at(2026, 10, 23, 10), "2026-10-28 23:59:59 CET"),
        # Sun 25 Oct 2026: at 03:00 CEST the clocks go back to 02:00 CET. First 02:30 (CEST,
        # 00:30 UTC). Klagomål: Mon 26 day 1, Tue 27 day 2.
        Arrive("klagomål", KL, at(2026, 10, 25, 2, 30), "2026-10-27 23:59:59 CET"),
        # Avvikelse: 25 + 5 = Fri 30.
        Arrive("avvikelse", AV, at(2026, 10, 25, 2, 30), "2026-10-30 23:59:59 CET"),
        # Lex Sarah: the same day, which has 25 hours and ends at 23:59:59 CET.
        Arrive("lex_sarah", LS, at(2026, 10, 25, 2, 30), "2026-10-25 23:59:59 CET"),
        # The second 02:30 (CET, 01:30 UTC): the same Sunday.
        Arrive("lex_sarah_igen", LS, at(2026, 10, 25, 2, 30, fold=1), "2026-10-25 23:59:59 CET"),
        Look(
            at(2026, 10, 25, 2, 31, fold=1),
            {
                "avvikelse_fredag": "ok",
                "klagomål": "ok",
                "avvikelse": "ok",
                "lex_sarah": "soon",
                "lex_sarah_igen": "soon",
            },
            followups_overdue=False,
            # Friday's avvikelse arrived more than 24 hours ago.
            digest=Mail(new={"klagomål", "avvikelse", "lex_sarah", "lex_sarah_igen"}),
        ),
        Look(
            # Sun 23:30 CET: the lex Sarah deadlines are 29 minutes away (they would be past
            # with a deadline an hour early); the klagomål is 48 h 29 min away.
            at(2026, 10, 25, 23, 30),
            {
                "avvikelse_fredag": "ok",
                "klagomål": "ok",
                "avvikelse": "ok",
                "lex_sarah": "soon",
                "lex_sarah_igen": "soon",
            },
            followups_overdue=False,
            digest=None,
        ),
        Look(
            # Mon 26 Oct 00:30 CET = Sun 23:30 UTC.
            at(2026, 10, 26, 0, 30),
            {
                "avvikelse_fredag": "ok",
                "klagomål": "soon",
                "avvikelse": "ok",
                "lex_sarah": "overdue",
                "lex_sarah_igen": "overdue",
            },
            followups_overdue=True,
            digest=Mail(overdue={"lex_sarah", "lex_sarah_igen"}),
        ),
        Look(
            at(2026, 10, 26, 6, 30),
            {
                "avvikelse_fredag": "ok",
                "klagomål": "soon",
                "avvikelse": "ok",
                "lex_sarah": "overdue",
                "lex_sarah_igen": "overdue",
            },
            followups_overdue=True,
            digest=SAME_DAY,
        ),
        Look(
            # Wed 28 Oct 23:30 CET: Friday's avvikelse has 29 minutes left (an hour-early
            # deadline would show "Försenad"); Friday 30's is 48 h 29 min away.
            at(2026, 10, 28, 23, 30),
            {
                "avvikelse_fredag": "soon",
                "klagomål": "overdue",
                "avvikelse": "ok",
                "lex_sarah": "overdue",
                "lex_sarah_igen": "overdue",
            },
            followups_overdue=True,
            digest=None,
        ),
    ),
)

DST_STARTS = Moment(
    "sommartid-borjar",
    follow_up_on=date(2026, 3, 29),
    timeline=(
        # Fri 27 Mar 2026, 10:00 CET. + 5 = Wed 1 Apr, in summer time: 23:59:59 CEST on the
        # wall clock (not 00:59:59 on Thursday, the CET offset kept).
        Arrive("avvikelse_fredag", AV, at(2026, 3, 27, 10), "2026-04-01 23:59:59 CEST"),
        # Sun 29 Mar 2026, 01:30 CET (00:30 UTC); at 02:00 the clocks jump to 03:00 CEST.
        # Klagomål: Mon 30 day 1, Tue 31 day 2.
        Arrive("klagomål", KL, at(2026, 3, 29, 1, 30), "2026-03-31 23:59:59 CEST"),
        # Avvikelse: 29 + 5 = Fri 3 Apr (långfredagen: calendar days do not skip helgdagar).
        Arrive("avvikelse", AV, at(2026, 3, 29, 1, 30), "2026-04-03 23:59:59 CEST"),
        # Lex Sarah: the same day, which has 23 hours and ends at 23:59:59 CEST.
        Arrive("lex_sarah", LS, at(2026, 3, 29, 1, 30), "2026-03-29 23:59:59 CEST"),
        # 03:30 CEST (01:30 UTC), an hour after the first by the clock of the world.
        Arrive("lex_sarah_efter", LS, at(2026, 3, 29, 3, 30), "2026-03-29 23:59:59 CEST"),
        Look(
            at(2026, 3, 29, 3, 31),
            {
                "avvikelse_fredag": "ok",
                "klagomål": "ok",
                "avvikelse": "ok",
                "lex_sarah": "soon",
                "lex_sarah_efter": "soon",
            },
            followups_overdue=False,
            digest=Mail(new={"klagomål", "avvikelse", "lex_sarah", "lex_sarah_efter"}),
        ),
        Look(
            # Sun 23:30 CEST: 29 minutes left; the klagomål is 48 h 29 min away.
            at(2026, 3, 29, 23, 30),
            {
                "avvikelse_fredag": "ok",
                "klagomål": "ok",
                "avvikelse": "ok",
                "lex_sarah": "soon",
                "lex_sarah_efter": "soon",
            },
            followups_overdue=False,
            digest=None,
        ),
        Look(
            # Mon 30 Mar 00:30 CEST = Sun 22:30 UTC: Sunday's lex Sarah deadlines have passed
            # (an hour-late deadline would still say "Snart").
            at(2026, 3, 30, 0, 30),
            {
                "avvikelse_fredag": "ok",
                "klagomål": "soon",
                "avvikelse": "ok",
                "lex_sarah": "overdue",
                "lex_sarah_efter": "overdue",
            },
            followups_overdue=True,
            digest=Mail(overdue={"lex_sarah", "lex_sarah_efter"}),
        ),
        Look(
            at(2026, 3, 30, 6, 30),
            {
                "avvikelse_fredag": "ok",
                "klagomål": "soon",
                "avvikelse": "ok",
                "lex_sarah": "overdue",
                "lex_sarah_efter": "overdue",
            },
            followups_overdue=True,
            digest=SAME_DAY,
        ),
        Look(
            # Thu 2 Apr 00:30 CEST = Wed 22:30 UTC: Wednesday's avvikelse is overdue; Friday's
            # is 47 h 29 min away.
            at(2026, 4, 2, 0, 30),
            {
                "avvikelse_fredag": "overdue",
                "klagomål": "overdue",
                "avvikelse": "soon",
                "lex_sarah": "overdue",
                "lex_sarah_efter": "overdue",
            },
            followups_overdue=True,
            digest=Mail(overdue={"avvikelse_fredag", "klagomål", "lex_sarah", "lex_sarah_efter"}),
        ),
    ),
)

MOMENTS = [SUNDAY_NIGHT, NEW_YEARS_EVE, MIDSUMMER, DST_ENDS, DST_STARTS]


# --- helpers -------------------------------------------------------------------------------------


LABELS = {"ok": "I tid", "soon": "Snart", "overdue": "Försenad"}
SECTIONS = {
    "Nya ärenden sedan förra sammanställningen": "new",
    "Försenade ärenden": "overdue",
    "Riskanalyser med passerat uppföljningsdatum": "analyses",
    "Försenade egenkontroller": "runs",
}


@pytest.fixture
def world(org):
    """The org, with memberships and units valid since 2020: the moments lie before the pin."""
    Membership.objects.update(valid_from=date(2020, 1, 1))
    Unit.objects.update(valid_from=date(2020, 1, 1))
    return org


def _arrive(org, kind: str) -> Case:
    """A new case of `kind` for Sektion A1, received now, through the services users reach."""
    unit, staff = org.units["A1"], org.users["staff_a1"]
    if kind == KL:
        case = complaint_submit_public(
            unit=unit, complaint_type="klagomal", description="Ingen ringde tillbaka."
        ).complaint.case
    elif kind == AV:
        case = deviation_create(
            unit=unit,
            title="Beslut till fel adress",
            actor=staff,
            reporter=staff,
            description="Beslutet skickades fel.",
        )
    else:
        case = lexsarah_report_create(
            unit=unit,
            title="Fel dos",
            actor=staff,
            reporter=staff,
            description="Kvällspersonalen gav fel dos.",
            reporter_type="anstalld",
            notify=False,
        )
    return Case.objects.get(pk=case.pk)


def _due(case: Case) -> str:
    return timezone.localtime(case.due_at, STHLM).strftime("%Y-%m-%d %H:%M:%S %Z")


def _row(html: str, reference: str) -> str:
    rows = [r for r in html.split("<tr data-case-row")[1:] if f">{reference}</a>" in r]
    assert len(rows) == 1, reference
    return rows[0].split("</tr>")[0]


def _digest_to(user) -> tuple[str, dict[str, list[str]]] | None:
    found = [m for m in mail.outbox if m.to == [user.email]]
    assert len(found) <= 1
    if not found:
        return None
    sections: dict[str, list[str]] = {}
    current = None
    for line in found[0].body.splitlines():
        if line in SECTIONS:
            current = sections.setdefault(SECTIONS[line], [])
        elif line.startswith("- ") and current is not None:
            current.append(line[2:])
    return found[0].subject, sections


def _check_inbox(client, chef, look: Look, cases: dict, arrivals: dict, follow_ups) -> None:
    assert set(look.inbox) == set(cases), "every case so far is checked at every look"
    # A fresh login at every look: hours pass between looks, and the idle timeout ends a session.
    client.logout()
    client.force_login(chef, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/inkorg/?antal=100")
    assert response.status_code == 200
    html = response.content.decode()
    rows = {c.reference: c for c in response.context["page"].rows}
    for name, state in look.inbox.items():
        reference = cases[name].reference
        assert rows[reference].deadline == state, (name, look.when)
        row = _row(html, reference)
        # The badge and the due date the user sees: the Stockholm date of the deadline.
        due_day = arrivals[name].due[:10]
        assert f'badge-{state}">{LABELS[state]}</span>' in row, (name, look.when)
        assert f'<span class="meta">{due_day}</span>' in row, (name, look.when)
    followups = response.context["followups"]
    analysis, run = follow_ups
    overdue = look.followups_overdue
    assert [i.url for i in followups["analyses"]] == ([analysis.get_absolute_url()] * overdue)
    assert [i.url for i in followups["runs"]] == ([run.get_absolute_url()] * overdue)
    assert ('class="card followups"' in html) == overdue


def _check_digest(chef, look: Look, cases: dict, arrivals: dict) -> None:
    mail.outbox.clear()
    sent = digest_send_all(now=timezone.now())
    day = look.when.date()  # the Stockholm date of the look (`when` is Stockholm wall time)
    got = _digest_to(chef)
    if look.digest == SAME_DAY:
        # Nothing goes out although there is something to tell: the day's digest went out.
        assert look.followups_overdue or "overdue" in look.inbox.values()
        assert got is None and sent == 0, look.when
        assert DigestSent.objects.filter(user=chef, day=day).count() == 1
        return
    assert got is not None, look.when
    subject, sections = got
    assert subject == f"Avvika: daglig sammanställning {day:%Y-%m-%d}"
    assert DigestSent.objects.get(user=chef, day=day).sent_at is not None
    by_reference = {c.reference: name for name, c in cases.items()}
    for key, expected in (("new", look.digest.new), ("overdue", look.digest.overdue)):
        lines = sections.get(key, [])
        assert {by_reference[line.split(" ")[0]] for line in lines} == expected, (key, look.when)
        for line in lines:
            name = by_reference[line.split(" ")[0]]
            assert re.search(r"frist (\d{4}-\d{2}-\d{2})\)", line)[1] == arrivals[name].due[:10]
    assert ("analyses" in sections) == look.followups_overdue
    assert ("runs" in sections) == look.followups_overdue


# --- the tests -----------------------------------------------------------------------------------


def test_the_suite_runs_on_the_pinned_clock():
    """tests/conftest.py pins every test to an ordinary Monday morning; removing the pin makes
    the suite depend on the day it runs, so it must not go silently."""
    assert PINNED_NOW.weekday() == 0 and (PINNED_NOW.hour, PINNED_NOW.minute) == (9, 0)
    assert str(PINNED_NOW.tzinfo) == "Europe/Stockholm"
    assert abs(timezone.now() - PINNED_NOW) < timedelta(minutes=1)
    assert timezone.localdate() == date(2026, 11, 16)


@pytest.mark.parametrize("moment", MOMENTS, ids=[m.id for m in MOMENTS])
def test_deadlines_inbox_and_digest_at_an_awkward_moment(moment, world, clock, client):
    org = world
    chef = org.users["chef_a1"]
    analysis = make_analysis(
        chef, [org.units["A1"]], title="Nytt journalsystem", follow_up_on=moment.follow_up_on
    )
    run = make_plan(chef, org.units["A1"], year=moment.follow_up_on.year).runs.get()
    run = run_update(run=run, data={"due_date": moment.follow_up_on}, actor=chef)
    cases: dict[str, Case] = {}
    arrivals: dict[str, Arrive] = {}
    for step in moment.timeline:
        clock.move_to(step.when)
        if isinstance(step, Arrive):
            case = _arrive(org, step.kind)
            assert abs(case.received_at - step.when) < timedelta(minutes=1)
            assert _due(case) == step.due, step.name
            if step.reference:
                assert case.reference == step.reference
            cases[step.name], arrivals[step.name] = case, step
            continue
        _check_inbox(client, chef, step, cases, arrivals, (analysis, run))
        if step.digest is not None:
            _check_digest(chef, step, cases, arrivals)


@pytest.mark.parametrize(
    ("received", "acknowledge", "answer"),
    [
        # Thu 18 June: midsommarafton, midsommardagen and Sunday skipped → Mon 22, Tue 23.
        # The answer (14 calendar days) is due Thu 2 July.
        (at(2026, 6, 18, 15), "2026-06-23 23:59:59 CEST", "2026-07-02 23:59:59 CEST"),
        # Wed 23 Dec: julafton, juldagen, annandag jul (Sat) and Sunday skipped → Mon 28,
        # Tue 29. The answer is due 23 Dec + 14 = Wed 6 Jan.
        (at(2026, 12, 23, 14), "2026-12-29 23:59:59 CET", "2027-01-06 23:59:59 CET"),
        # Wed 30 Dec: nyårsafton, nyårsdagen, Sat, Sun skipped → Mon 4, Tue 5 Jan. The answer
        # is due 30 Dec + 14 = Wed 13 Jan.
        (at(2026, 12, 30, 14), "2027-01-05 23:59:59 CET", "2027-01-13 23:59:59 CET"),
    ],
    ids=["midsommarafton", "julafton", "nyarsafton"],
)
def test_working_days_skip_the_eves_and_a_transition_keeps_the_receipt_date(
    world, clock, received, acknowledge, answer
):
    """Midsommarafton, julafton and nyårsafton are not helgdagar in law but days off in
    practice: a working-day deadline skips them. Moving the case on (case_transition) the next
    morning recomputes the deadline from the date of receipt, not from the move."""
    org = world
    chef = org.users["chef_a1"]
    clock.move_to(received)
    complaint, report = _arrive(org, KL), _arrive(org, LS)
    assert _due(complaint) == acknowledge
    clock.move_to(received + timedelta(days=1, hours=-5))  # the next morning
    moved = case_transition(
        case=complaint, to_status="under_utredning", actor=chef, reason="Utreds"
    )
    assert (moved.due_step, _due(moved)) == ("answer", answer)
    # The lex Sarah report taken in the next morning (an eve: a day off itself): the
    # investigation must start within two working days of receipt, the same Tuesday.
    taken = case_transition(case=report, to_status="mottagen", actor=chef, reason="Mottagen")
    assert (taken.due_step, _due(taken)) == ("investigation_start", acknowledge)
