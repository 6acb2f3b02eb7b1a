from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "cases.supervision"
    label = "supervision"
    verbose_name = "Tillsyn"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cases.registry import ArchiveDocumentKind, register_demo_seeder, register_document_kind

        from . import demo

        register_demo_seeder(60, demo.seed, "supervision")
        # Tillsynsbeslut are kept for ever in most plans (issue 21); the plan's row may say else.
        register_document_kind(
            ArchiveDocumentKind("supervision.decision", _("Tillsynsbeslut"), "bevaras")
        )
