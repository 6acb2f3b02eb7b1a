"""manage.py import_cases FILE [--units FILE] [--dry-run] [--create-codes]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.imports import ImportError_, import_cases_file


class Command(BaseCommand):
    help = "Importerar historiska ärenden från CSV eller XLSX (se docs/import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--units", help="Fil med enheter som importeras först")
        parser.add_argument("--dry-run", action="store_true", help="Kontrollera utan att spara")
        parser.add_argument(
            "--create-codes", action="store_true", help="Lägg till okända koder som inaktiva"
        )
        parser.add_argument("--user", default="", help="Användarnamn som står i historiken")

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Användaren {options['user']} finns inte.")
        units_path = Path(options["units"]) if options["units"] else None
        try:
            result = import_cases_file(
                path.read_bytes(),
                path.name,
                user=user,
                dry_run=options["dry_run"],
                create_codes=options["create_codes"],
                units_data=units_path.read_bytes() if units_path else None,
                units_filename=units_path.name if units_path else "",
            )
        except ImportError_ as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Filen avvisades: {len(exc.errors)} fel. Inget sparades.") from exc
        prefix = "Torrkörning: skulle skapa" if result.dry_run else "Skapade"
        self.stdout.write(
            f"{prefix} {result.created} ärenden, hoppade över {result.skipped} "
            f"redan importerade, {result.units_created} nya enheter."
        )
        for key, n in sorted(result.by_type.items()):
            self.stdout.write(f"  {key}: {n}")
        if result.codes_created:
            self.stdout.write("Nya inaktiva koder: " + ", ".join(result.codes_created))
