from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "cases.complaints"
    label = "complaints"
    verbose_name = "Klagomål och synpunkter"

    def ready(self) -> None:
        # Klagomål och synpunkter add their part to the shared case page (issue #3).
        from cases.history_view import history_of
        from cases.imports import extensions
        from cases.registry import CaseTypeUI, register_case_type
        from cases.retention import register_scrubber

        from . import workflow  # noqa: F401  (registers the transition table)
        from .imports import complaints_import_apply
        from .models import Complaint
        from .services import complaint_assign, complaint_receive, complaint_scrub
        from .views import complaint_detail_context

        register_case_type(
            CaseTypeUI(
                kind="complaint",
                detail_template="cases/complaints/detail_part.html",
                detail_context=complaint_detail_context,
                receive=complaint_receive,
                assign=complaint_assign,
                history_sources=lambda case: [history_of(Complaint)(case)],
            )
        )
        register_scrubber("complaint", complaint_scrub)
        extensions.register("complaint", complaints_import_apply)
