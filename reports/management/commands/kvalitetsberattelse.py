"""Compile a kvalitetsberättelse from the command line:

    manage.py kvalitetsberattelse --org ASF --year 2025 --pdf ut.pdf [--json siffror.json]
    manage.py kvalitetsberattelse --org ASF --period-start 2024-09-01 --period-end 2025-08-31 \
        --template goteborg-kvalitetsar --pdf ut.pdf
    manage.py kvalitetsberattelse --edition 12 --pdf ut.pdf

A custom report year is twelve months from --period-start to --period-end (both included);
--edition compiles a stored edition with its own period.

Uses the organisation's existing edition for the year (the approved one first); without one,
the default template is used in a transaction that is rolled back, so nothing is stored. The
JSON holds every computed figure with its label. Counts cover all cases of the subtree
(operator tool); --user counts only what that user may see."""

import json
import time
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.models import Unit
from reports.editions.compile import edition_layout_problems, render_edition_pdf
from reports.editions.models import ReportEdition, ReportTemplate
from reports.editions.selectors import edition_compute, edition_figures
from reports.editions.services import edition_create


class Command(BaseCommand):
    help = "Kompilera kvalitetsberättelsen för en organisation och ett år till PDF (och JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--org", default="", help="Enhetens kod, t.ex. förvaltningens.")
        parser.add_argument("--year", type=int)
        parser.add_argument("--period-start", default="", help="Första dagen, ÅÅÅÅ-MM-DD.")
        parser.add_argument("--period-end", default="", help="Sista dagen, ÅÅÅÅ-MM-DD.")
        parser.add_argument("--edition", type=int, help="En sparad kvalitetsberättelses id.")
        parser.add_argument("--pdf", required=True, type=Path)
        parser.add_argument("--json", type=Path)
        parser.add_argument(
            "--template", default="", help="Mallens nyckel (standard: standardmallen)."
        )
        parser.add_argument("--user", default="", help="Räkna bara det användaren får se.")
        parser.add_argument(
            "--check-layout",
            action="store_true",
            help="Kontrollera sidlayouten (tabellhuvud utan rader, diagram utan nummer, tomma "
            "rubriker); fel ger felkod.",
        )

    def handle(self, *args, **opts):
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"Ingen användare {opts['user']}.")
        unit, year, start = None, opts["year"], None
        if opts["edition"] is None:
            unit = Unit.objects.filter(code=opts["org"]).first()
            if unit is None:
                raise CommandError(f"Ingen enhet med koden {opts['org'] or '(tom)'}.")
            if opts["period_start"] or opts["period_end"]:
                start, year = self._period(opts["period_start"], opts["period_end"])
            elif year is None:
                raise CommandError("Ange --year, --period-start och --period-end, eller --edition.")
        started = time.perf_counter()
        with transaction.atomic():
            if opts["edition"] is not None:
                edition = ReportEdition.objects.filter(pk=opts["edition"]).first()
                if edition is None:
                    raise CommandError(f"Ingen kvalitetsberättelse med id {opts['edition']}.")
                self._temporary = False
            else:
                edition = self._edition(unit, year, opts["template"], start)
            outline = edition_compute(edition, user)
            figures = edition_figures(edition, outline)
            pdf = render_edition_pdf(edition, outline)
            problems = edition_layout_problems(edition, outline) if opts["check_layout"] else []
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
        if opts["check_layout"]:
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} layoutfel.")
            self.stdout.write("Layout: inga fel.")

    @staticmethod
    def _period(first: str, last: str) -> tuple[tuple[int, int], int]:
        """((month, day) the year starts, the year it ends in) for twelve months first–last."""
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise CommandError("Ange --period-start och --period-end som ÅÅÅÅ-MM-DD.") from None
        following = end + timedelta(days=1)
        if (following.month, following.day) != (start.month, start.day) or (
            following.year != start.year + 1
        ):
            raise CommandError("Perioden ska vara tolv månader, t.ex. 2024-09-01–2025-08-31.")
        if start.day > 28:
            raise CommandError("Perioden ska börja på en dag mellan 1 och 28.")
        year = end.year if (start.month, start.day) != (1, 1) else start.year
        return (start.month, start.day), year

    def _edition(
        self, unit, year: int, template_key: str, start: tuple[int, int] | None = None
    ) -> ReportEdition:
        existing = (
            ReportEdition.objects.filter(unit=unit, year=year)
            .order_by("-approved_at", "-updated_at")
            .first()
        )
        if existing and start and (existing.period_start_month, existing.period_start_day) != start:
            existing = None  # another report year than the stored edition's
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
            **(
                {
                    "period_start_month": start[0],
                    "period_start_day": start[1],
                    "analysis_start_month": start[0],
                    "analysis_start_day": start[1],
                }
                if start
                else {}
            ),
            reason="Tillfällig, kommandorad",
        )
