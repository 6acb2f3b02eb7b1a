from django.apps import AppConfig


class DeviationsConfig(AppConfig):
    name = "deviations"
    verbose_name = "Kvalitetsavvikelser"

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
        from .api import API_CREATE, DeviationApiSerializer
        from .bulk import import_apply
        from .models import Deviation
        from .services import deviation_assign, deviation_create, deviation_receive, deviation_scrub
        from .views import deviation_detail_context
        from .workflow import WORKFLOW

        register_case_type(
            CaseType(
                kind="deviation",
                label=_("Kvalitetsavvikelse"),
                reference_prefix="AV",
                workflow=WORKFLOW,
                actions=ACTIONS,
                spawn=deviation_create,
                detail_template="deviations/detail_part.html",
                detail_context=deviation_detail_context,
                history_sources=lambda case: [history_of(Deviation)(case)],
                import_applier=import_apply,
                scrubber=deviation_scrub,
                bulk_receive=deviation_receive,
                api_serializer=DeviationApiSerializer,
                api_row="deviation",
                api_prefetch=(
                    "deviation__consequence",
                    "deviation__deficiencies",
                    "deviation__root_causes",
                ),
                api_create=API_CREATE,
                bulk_assign=deviation_assign,
                # Most plans let these go when no longer needed (gallras vid inaktualitet),
                # timed by the gallringsregel; the arkivansvarig may record otherwise.
                archive=ArchiveMapping(default="gallras_vid_inaktualitet"),
            )
        )
        register_demo_seeder(20, demo.seed, "deviations")
