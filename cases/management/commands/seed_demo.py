"""Build the demo förvaltning, its users and (per app) five years of cases. Idempotent."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.demo import DEMO_PASSWORD, DEMO_USERS, seed_organisation
from cases.registry import demo_seeders


class Command(BaseCommand):
    help = "Skapar demodata (förvaltning, användare och ärenden). Kräver DEBUG=1."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--only-org", action="store_true", help="Bara organisation och användare"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo vägrar köra med DEBUG=0 (skyddar produktionsdata).")
        started = time.monotonic()
        users = seed_organisation()
        self.stdout.write(f"  [organisation: {time.monotonic() - started:.1f} s]")
        rng = random.Random(options["seed"])
        if not options["only_org"]:
            # Each app registers its seeder from AppConfig.ready(), ordered so that what builds
            # on cases (risk analyses, reports) comes after them.
            for seeder in demo_seeders():
                began = time.monotonic()
                seeder.seed(users=users, rng=rng, stdout=self.stdout)
                self.stdout.write(f"  [{seeder.name}: {time.monotonic() - began:.1f} s]")
        self.stdout.write(f"Tid totalt: {time.monotonic() - started:.0f} s.")
        self.stdout.write(
            self.style.SUCCESS(f"Demodata klar. Inloggningar (lösenord för alla: {DEMO_PASSWORD}):")
        )
        for du in DEMO_USERS:
            self.stdout.write(f"  {du.username:<16} {du.description}")
