"""manage.py gallra [--dry-run]: remove personal data from cases past their retention time."""

from django.core.management.base import BaseCommand

from cases.retention import retention_run


class Command(BaseCommand):
    help = "Gallrar personuppgifter och fritext i ärenden vars bevarandetid har gått ut."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Räkna utan att ändra något")

    def handle(self, *args, **options):
        run = retention_run(dry_run=options["dry_run"])
        label = "Skulle gallra" if run.dry_run else "Gallrade"
        kept = {"bevarade_pga_rattsligt_hinder", "vantar_pa_arkivleverans"}
        for key, n in sorted(run.counts.items()):
            self.stdout.write(f"{'Bevaras' if key in kept else label} {key}: {n}")
