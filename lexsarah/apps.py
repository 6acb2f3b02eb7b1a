from django.apps import AppConfig


class LexSarahConfig(AppConfig):
    name = "lexsarah"
    verbose_name = "Lex Sarah"

    def ready(self) -> None:
        from cases.history_view import history_of
        from cases.imports.extensions import register as register_import
        from cases.registry import CaseTypeUI, register_case_type
        from cases.retention import register_scrubber

        from . import workflow  # noqa: F401  (registers the transition table)
        from .imports import apply_import_rows
        from .models import ImmediateMeasure, LexSarahReport
        from .retention import lexsarah_scrub
        from .services import lexsarah_assign_investigator, lexsarah_receive
        from .views.report import lexsarah_detail_context

        register_case_type(
            CaseTypeUI(
                kind="lexsarah",
                detail_template="lexsarah/detail_part.html",
                detail_context=lexsarah_detail_context,
                receive=lexsarah_receive,
                assign=lexsarah_assign_investigator,
                history_sources=lambda case: [
                    history_of(LexSarahReport)(case),
                    history_of(ImmediateMeasure, "report_id")(case),
                ],
            )
        )
        register_scrubber("lexsarah", lexsarah_scrub)
        register_import("lexsarah", apply_import_rows)
