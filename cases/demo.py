"""Demo organisation and users modelled on Malmö's Arbetsmarknads- och socialförvaltning
(seeds 000, 001). Idempotent: units and users are looked up by code/username.

Also the two write paths every case-type seeder uses, the same ones real data takes: the
services, run at the moment a step "happened" (`demo_clock`), and the import service for the
years before Avvika (`demo_import`)."""

import contextlib
import csv
import functools
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cases.imports import ImportResult, import_cases_file
from cases.imports.runner import CASE_COLUMNS
from cases.models import Membership, OrganisationSettings, Role, Unit, UnitKind
from cases.services.org import membership_create, unit_create
from cases.services.organisation import organisation_settings_update

DEMO_PASSWORD = "Avvika-demo-2025"  # noqa: S105 - documented demo password, DEBUG only

# (code, name, public name, kind, children)
TREE = (
    "ASN",
    "Arbetsmarknads- och socialnämnden",
    "",
    "namnd",
    [
        (
            "ASF",
            "Arbetsmarknads- och socialförvaltningen",
            "Socialtjänsten",
            "forvaltning",
            [
                (
                    "UTR",
                    "Avdelning för utredning IFO",
                    "Utredning för barn, unga och familjer",
                    "avdelning",
                    [
                        (
                            "UTR-BU",
                            "Barn och unga utredning",
                            "Utredning av barn och unga",
                            "verksamhetsomrade",
                            [
                                (
                                    "UTR-BU-1",
                                    "Utredning barn och unga sektion 1",
                                    "",
                                    "sektion",
                                    [],
                                ),
                                (
                                    "UTR-BU-2",
                                    "Utredning barn och unga sektion 2",
                                    "",
                                    "sektion",
                                    [],
                                ),
                            ],
                        ),
                        (
                            "UTR-FR",
                            "Familjerätt",
                            "Familjerätt (vårdnad, boende, umgänge)",
                            "verksamhetsomrade",
                            [
                                ("UTR-FR-1", "Familjerätt sektion", "", "sektion", []),
                            ],
                        ),
                        (
                            "UTR-MOT",
                            "Mottag",
                            "Första kontakt med socialtjänsten",
                            "verksamhetsomrade",
                            [
                                (
                                    "UTR-MOT-5",
                                    "Mottag 5 VINR/heder",
                                    "Våld i nära relation",
                                    "sektion",
                                    [],
                                ),
                            ],
                        ),
                    ],
                ),
                (
                    "INS",
                    "Avdelning för insatser IFO",
                    "Stöd och insatser för barn och familjer",
                    "avdelning",
                    [
                        (
                            "INS-OV",
                            "Öppenvård barn och familj",
                            "Öppenvård för barn och familjer",
                            "verksamhetsomrade",
                            [
                                ("INS-OV-1", "Tidigt och förebyggande stöd", "", "sektion", []),
                                ("INS-OV-2", "Familjebehandling", "", "sektion", []),
                            ],
                        ),
                        (
                            "INS-PL",
                            "Placering och familjehem",
                            "Familjehem och HVB",
                            "verksamhetsomrade",
                            [
                                ("INS-PL-1", "Familjehemssektionen", "", "sektion", []),
                            ],
                        ),
                    ],
                ),
                (
                    "EKB",
                    "Avdelning för ekonomiskt bistånd och boende",
                    "Ekonomiskt bistånd",
                    "avdelning",
                    [
                        (
                            "EKB-EB",
                            "Ekonomiskt bistånd",
                            "Ekonomiskt bistånd (försörjningsstöd)",
                            "verksamhetsomrade",
                            [
                                ("EKB-EB-1", "Ekonomiskt bistånd sektion 1", "", "sektion", []),
                                ("EKB-EB-2", "Ekonomiskt bistånd sektion 2", "", "sektion", []),
                            ],
                        ),
                        (
                            "EKB-MB",
                            "Myndighetsutövning boende",
                            "Hjälp med boende",
                            "verksamhetsomrade",
                            [
                                ("EKB-MB-1", "Boendesektionen", "", "sektion", []),
                            ],
                        ),
                    ],
                ),
                (
                    "BTS",
                    "Avdelning för boende, tillsyn och service",
                    "Boende, tillstånd och tillsyn",
                    "avdelning",
                    [
                        (
                            "BTS-OB",
                            "Öppenvård boende",
                            "Boendestöd och tillfälligt boende",
                            "verksamhetsomrade",
                            [
                                ("BTS-OB-1", "Öppenvård boende sektion 1", "", "sektion", []),
                            ],
                        ),
                        (
                            "BTS-TT",
                            "Tillstånd och tillsyn",
                            "Tillstånd för alkohol och tobak",
                            "verksamhetsomrade",
                            [
                                ("BTS-TT-1", "Tillståndssektionen", "", "sektion", []),
                            ],
                        ),
                    ],
                ),
                (
                    "ARB",
                    "Arbetsmarknadsavdelningen",
                    "Stöd till arbete och studier",
                    "avdelning",
                    [
                        (
                            "ARB-JC",
                            "Jobbcentrum",
                            "Jobbcentrum",
                            "verksamhetsomrade",
                            [
                                ("ARB-JC-1", "Jobbcentrum sektion 1", "", "sektion", []),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ],
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first: str
    last: str
    role: str
    unit: str
    description: str


DEMO_USERS = [
    DemoUser(
        "chef.utredning",
        "Sara",
        "Lindqvist",
        Role.SEKTIONSCHEF,
        "UTR-BU-1",
        "sektionschef, Utredning barn och unga sektion 1",
    ),
    DemoUser(
        "chef.insats",
        "Omar",
        "Haddad",
        Role.SEKTIONSCHEF,
        "INS-OV-2",
        "sektionschef, Familjebehandling",
    ),
    DemoUser(
        "chef.bistand",
        "Karin",
        "Nilsson",
        Role.SEKTIONSCHEF,
        "EKB-EB-1",
        "sektionschef, Ekonomiskt bistånd sektion 1",
    ),
    DemoUser(
        "medarbetare",
        "Jonas",
        "Berg",
        Role.MEDARBETARE,
        "UTR-BU-1",
        "socialsekreterare, Utredning barn och unga sektion 1",
    ),
    DemoUser("utredare", "Eva", "Holm", Role.UTREDARE, "ASF", "lex Sarah-utredare"),
    DemoUser(
        "au.ordforande",
        "Lars",
        "Persson",
        Role.ARBETSUTSKOTT,
        "ASN",
        "ordförande i arbetsutskottet",
    ),
    DemoUser("kvalitet", "Maria", "Ek", Role.KVALITETSSTRATEG, "ASF", "kvalitetsstrateg"),
    # Routes (fördelar) the complaints residents send to a verksamhetsområde (issue 18).
    DemoUser("registrator", "Birgitta", "Sjögren", Role.REGISTRATOR, "ASF", "registrator"),
    DemoUser("admin", "Ali", "Yilmaz", Role.ADMINISTRATOR, "ASF", "administratör"),
]


# Every other sektion has its chef too (not among the logins printed by `make run`, same
# password): the action tables let only a sektionschef over the unit receive its cases, so a
# demo case in a section without one could never be handled through the services.
SECTION_CHEF_NAMES = [
    ("Anna", "Berglund"),
    ("Erik", "Sandberg"),
    ("Lena", "Forsberg"),
    ("Johan", "Åberg"),
    ("Fatima", "Hassan"),
    ("Mikael", "Lund"),
    ("Ingrid", "Holmgren"),
    ("Peter", "Sjöberg"),
    ("Nadia", "Karimi"),
    ("Henrik", "Dahl"),
    ("Sofia", "Engström"),
    ("Tomas", "Wikström"),
]


@functools.cache
def _section_chefs() -> tuple[DemoUser, ...]:
    """A sektionschef for each section of the tree that no persona chef leads."""
    led = {du.unit for du in DEMO_USERS if du.role == Role.SEKTIONSCHEF}
    sections: list[tuple[str, str]] = []

    def walk(node) -> None:
        code, name, _public, kind, children = node
        if kind == "sektion" and code not in led:
            sections.append((code, name))
        for child in children:
            walk(child)

    walk(TREE)
    return tuple(
        DemoUser(
            f"chef.{code.lower()}", first, last, Role.SEKTIONSCHEF, code, f"sektionschef, {name}"
        )
        for (code, name), (first, last) in zip(
            sections, SECTION_CHEF_NAMES[: len(sections)], strict=True
        )
    )


def demo_chef(users: dict, unit: Unit):
    """The demo sektionschef who leads `unit` (a persona or the section's own chef)."""
    for du in [*DEMO_USERS, *_section_chefs()]:
        if du.role == Role.SEKTIONSCHEF and du.unit == unit.code and du.username in users:
            return users[du.username]
    return None


def _build(node, parent: Unit | None, kinds: dict[str, UnitKind]) -> None:
    code, name, public, kind, children = node
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = unit_create(
            code=code,
            name=name,
            public_name=public,
            kind=kinds[kind],
            parent=parent,
            reason="Demodata",
        )
    for child in children:
        _build(child, Unit.objects.get(pk=unit.pk), kinds)


# The demo förvaltning, its units and its people's roles exist from before the first demo case:
# the services run at the moments cases were handled (demo_clock) and check roles valid then.
ORGANISATION_SINCE = date(2021, 1, 1)


def seed_organisation() -> dict[str, object]:
    since = timezone.make_aware(datetime.combine(ORGANISATION_SINCE, time(8, 0)))
    with demo_clock(since):
        return _seed_organisation()


@transaction.atomic
def _seed_organisation() -> dict[str, object]:
    kinds = {k.code: k for k in UnitKind.objects.all()}
    _build(TREE, None, kinds)
    User = get_user_model()
    users = {}
    # One hash for all: the demo password is the same for everyone and documented, and each
    # PBKDF2 hash costs ~0.5 s (8 of them were most of the organisation's seeding time).
    password = make_password(DEMO_PASSWORD)
    for du in [*DEMO_USERS, *_section_chefs()]:
        user, created = User.objects.get_or_create(
            username=du.username,
            defaults={
                "first_name": du.first,
                "last_name": du.last,
                "email": f"{du.username}@example.se",
            },
        )
        if created:
            user.password = password
            if du.role == Role.ADMINISTRATOR:
                user.is_staff = user.is_superuser = True
            user.save()
        unit = Unit.objects.get(code=du.unit)
        if not Membership.objects.filter(user=user, unit=unit, role=du.role).exists():
            # The demo writes years of history as these people: they held their roles then,
            # so the services' action rules (cases/actions.py) let them act on those dates.
            membership_create(
                user=user, unit=unit, role=du.role, reason="Demodata", valid_from=ORGANISATION_SINCE
            )
        users[du.username] = user
    _seed_organisation_settings(users)
    return users


# The sender block of the IVO notification and the report's cover (fictitious organisation).
ORGANISATION_SETTINGS = {
    "board": "Arbetsmarknads- och socialnämnden",
    "administration": "Arbetsmarknads- och socialförvaltningen",
    "organisation_number": "212000-0000",
    "street_address": "Box 100",
    "postal_code": "123 45",
    "city": "Exempelstad",
    "contact_email": "kvalitet@example.se",
    "contact_phone": "010-123 45 00",
}


def _seed_organisation_settings(users: dict) -> None:
    if OrganisationSettings.load().is_filled:
        return  # idempotent: what quality staff changed in the demo stays
    quality = users[IMPORT_USER]
    organisation_settings_update(
        actor=quality,
        reason="Demodata",
        contact_name=quality.get_full_name(),
        **ORGANISATION_SETTINGS,
    )


# --- Writing demo cases the way real ones are written ------------------------------------------

# The quality strategist runs the import of the years before Avvika (named in its history rows).
IMPORT_USER = "kvalitet"


@contextlib.contextmanager
def demo_clock(at: datetime) -> Iterator[None]:
    """Run services as if it were `at`: timestamps, auto_now fields and history rows all read
    django.utils.timezone.now. Demo data only (a single-threaded management command)."""
    real_now = timezone.now
    timezone.now = lambda: at
    try:
        yield
    finally:
        timezone.now = real_now


def demo_step(at: datetime, service: Callable, **kwargs):
    """One service call at the moment the step happened."""
    with demo_clock(at):
        return service(**kwargs)


def cutover(today: date, *, days: int) -> datetime:
    """The day a type's register moved into Avvika, `days` before today (midnight, local
    time). Cases received before it come in through the import; the rest through the
    services, as users would have entered them."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days), time(0, 0)))


def continue_after(
    floor: datetime, moments: Iterable[datetime | None], *, latest: datetime
) -> list[datetime | None]:
    """The steps of a case imported open and handled on from `floor`: each one at its own
    moment, but not before `floor`, at least an hour apart, in order, never after `latest`."""
    out: list[datetime | None] = []
    earliest = floor
    for moment in moments:
        if moment is None:
            out.append(None)
            continue
        step = min(max(moment, earliest), latest)
        out.append(step)
        earliest = step + timedelta(hours=1)
    return out


def demo_import(rows: list[dict[str, str]], *, filename: str, user, at: datetime) -> ImportResult:
    """The years before Avvika through the import service (docs/import.md), as a
    förvaltning's history from Lifecare or Treserva comes in: a CSV file built in memory,
    imported at `at` by `user` (so the history says who imported it, and when)."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=CASE_COLUMNS, delimiter=";", lineterminator="\n", restval=""
    )
    writer.writeheader()
    writer.writerows(rows)
    with demo_clock(at):
        return import_cases_file(out.getvalue().encode(), filename, user=user)
