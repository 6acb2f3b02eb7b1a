from django.apps import AppConfig


class DeviationsConfig(AppConfig):
    name = "deviations"
    verbose_name = "Kvalitetsavvikelser"

    def ready(self) -> None:
        from cases.history_view import history_of
        from cases.imports import extensions
        from cases.registry import CaseTypeUI, register_case_type
        from cases.retention import register_scrubber

        from . import workflow  # noqa: F401  (registers the transition table)
        from .bulk import import_apply
        from .models import Deviation
        from .services import deviation_assign, deviation_receive, deviation_scrub
        from .views import deviation_detail_context

        register_case_type(
            CaseTypeUI(
                kind="deviation",
                detail_template="deviations/detail_part.html",
                detail_context=deviation_detail_context,
                receive=deviation_receive,
                assign=deviation_assign,
                history_sources=lambda case: [history_of(Deviation)(case)],
            )
        )
        register_scrubber("deviation", deviation_scrub)
        extensions.register("deviation", import_apply)
