from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "cases.complaints"
    label = "complaints"
    verbose_name = "Klagomål och synpunkter"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cases.history import history_of
        from cases.registry import (
            ArchiveMapping,
            CaseType,
            register_case_type,
            register_demo_seeder,
        )

        from . import demo
        from .actions import ACTIONS
        from .api import ComplaintApiSerializer
        from .imports import complaints_import_apply
        from .models import Complaint, ComplaintAddition
        from .selectors import complaint_sender_names
        from .services import complaint_assign, complaint_receive, complaint_scrub
        from .views import complaint_detail_context
        from .workflow import COMPLAINT_WORKFLOW

        register_case_type(
            CaseType(
                kind="complaint",
                label=_("Klagomål och synpunkter"),
                reference_prefix="KS",
                workflow=COMPLAINT_WORKFLOW,
                actions=ACTIONS,
                detail_template="cases/complaints/detail_part.html",
                detail_context=complaint_detail_context,
                history_sources=lambda case: [
                    history_of(
                        Complaint,
                        personal=frozenset({"sender_name", "sender_email", "sender_phone"}),
                    )(case),
                    history_of(ComplaintAddition, "complaint_id")(case),
                ],
                import_applier=complaints_import_apply,
                scrubber=complaint_scrub,
                bulk_receive=complaint_receive,
                api_serializer=ComplaintApiSerializer,
                api_row="complaint",
                api_prefetch=(
                    "complaint__complaint_type",
                    "complaint__topics",
                    "complaint__sender_category",
                    "complaint__channel",
                ),
                bulk_assign=complaint_assign,
                # Most plans let these go when no longer needed (gallras vid inaktualitet),
                # timed by the gallringsregel; the arkivansvarig may record otherwise.
                archive=ArchiveMapping(default="gallras_vid_inaktualitet"),
                personal_names=complaint_sender_names,
            )
        )
        register_demo_seeder(10, demo.seed, "complaints")
