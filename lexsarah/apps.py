from django.apps import AppConfig


class LexSarahConfig(AppConfig):
    name = "lexsarah"
    verbose_name = "Lex Sarah"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cases.history import history_of
        from cases.models import Role
        from cases.registry import (
            CaseType,
            StartPanel,
            register_case_type,
            register_demo_seeder,
            register_start_panel,
        )

        from . import demo
        from .actions import REPORT_ACTIONS
        from .api import API_CREATE, LexSarahApiSerializer
        from .archive import ARCHIVE
        from .imports import apply_import_rows
        from .models import ImmediateMeasure, IvoNotification, LexSarahReport
        from .retention import lexsarah_scrub
        from .selectors import au_start_context, investigators
        from .services import lexsarah_assign_investigator, lexsarah_receive, lexsarah_spawn
        from .views.report import lexsarah_detail_context
        from .workflow import WORKFLOW

        register_case_type(
            CaseType(
                kind="lexsarah",
                label=_("Lex Sarah"),
                reference_prefix="LS",
                workflow=WORKFLOW,
                actions=REPORT_ACTIONS,
                spawn=lexsarah_spawn,
                detail_template="lexsarah/detail_part.html",
                detail_context=lexsarah_detail_context,
                history_sources=lambda case: [
                    history_of(LexSarahReport, personal=frozenset({"persons_affected"}))(case),
                    history_of(ImmediateMeasure, "report_id")(case),
                    history_of(IvoNotification, "report_id")(case),
                ],
                import_applier=apply_import_rows,
                scrubber=lexsarah_scrub,
                bulk_receive=lexsarah_receive,
                api_serializer=LexSarahApiSerializer,
                api_row="lexsarah",
                api_prefetch=("lexsarah__reporter_type",),
                api_create=API_CREATE,
                bulk_assign=lexsarah_assign_investigator,
                archive=ARCHIVE,
                # The investigator sits above the unit (often förvaltning level): any holder
                # of the role, as the case page's investigator list.
                assignees=lambda case: investigators(),
            )
        )
        register_demo_seeder(30, demo.seed, "lexsarah")
        register_start_panel(
            StartPanel(
                key="au",
                roles=(Role.ARBETSUTSKOTT,),
                template="lexsarah/_start_au.html",
                context=au_start_context,
            )
        )
