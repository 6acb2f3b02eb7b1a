"""Compile a kvalitetsberättelse from the command line:

    manage.py kvalitetsberattelse --org ASF --year 2025 --pdf ut.pdf [--json siffror.json]

Uses the organisation's existing edition for the year (the approved one first); without one,
the default template is used in a transaction that is rolled back, so nothing is stored. The
JSON holds every computed figure with its label. Counts cover all cases of the subtree
(operator tool); --user counts only what that user may see."""

import json
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.models import Unit
from reports.editions.compile import render_edition_pdf
from reports.editions.models import ReportEdition, ReportTemplate
from reports.editions.selectors import edition_compute, edition_figures
from reports.editions.services import edition_create


class Command(BaseCommand):
    help = "Kompilera kvalitetsberättelsen för en organisation och ett år till PDF (och JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Enhetens kod, t.ex. förvaltningens.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--pdf", required=True, type=Path)
        parser.add_argument("--json", type=Path)
        parser.add_argument(
            "--template", default="", help="Mallens nyckel (standard: standardmallen)."
        )
        parser.add_argument("--user", default="", help="Räkna bara det användaren får se.")

    def handle(self, *args, **opts):
        unit = Unit.objects.filter(code=opts["org"]).first()
        if unit is None:
            raise CommandError(f"Ingen enhet med koden {opts['org']}.")
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"Ingen användare {opts['user']}.")
        started = time.perf_counter()
        with transaction.atomic():
            edition = self._edition(unit, opts["year"], opts["template"])
            outline = edition_compute(edition, user)
            figures = edition_figures(edition, outline)
            pdf = render_edition_pdf(edition, outline)
            if getattr(self, "_temporary", False):
                transaction.set_rollback(True)
        Path(opts["pdf"]).write_bytes(pdf)
        if opts["json"]:
            Path(opts["json"]).write_text(
                json.dumps(figures, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
            )
        self.stdout.write(
            f"{edition.title}: {len(pdf)} byte PDF på "
            f"{time.perf_counter() - started:.1f} s → {opts['pdf']}"
        )

    def _edition(self, unit, year: int, template_key: str) -> ReportEdition:
        existing = (
            ReportEdition.objects.filter(unit=unit, year=year)
            .order_by("-approved_at", "-updated_at")
            .first()
        )
        if existing and not template_key:
            self._temporary = False
            return existing
        template = (
            ReportTemplate.objects.filter(key=template_key).first()
            if template_key
            else ReportTemplate.objects.filter(is_default=True).first()
        )
        if template is None:
            raise CommandError("Mallen finns inte.")
        self._temporary = True
        return edition_create(
            unit=unit,
            year=year,
            template=template,
            actor=None,
            title=f"Kvalitetsberättelse {year} (förhandsgranskning)",
            responsible="",
            reason="Tillfällig, kommandorad",
        )
