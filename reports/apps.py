from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapporter och kvalitetsberättelse"

    def ready(self) -> None:
        from cases.registry import (
            register_archive_source,
            register_bulk_write_hook,
            register_demo_seeder,
        )

        from . import demo
        from .analysis import demo as analysis_demo
        from .archive import SOURCE
        from .bulk import HOOK

        register_demo_seeder(70, demo.seed, "reports")
        register_demo_seeder(80, analysis_demo.seed, "reports.analysis")
        register_archive_source(SOURCE)
        register_bulk_write_hook(HOOK)
