from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskAnalysisConfig(AppConfig):
    name = "riskanalysis"
    verbose_name = "Riskanalyser"

    def ready(self) -> None:
        from cases.registry import FollowupSource, register_demo_seeder, register_followups

        from . import demo
        from .selectors import overdue_items_for

        register_followups(
            FollowupSource(
                key="analyses",
                heading=_("Riskanalyser med passerat uppföljningsdatum"),
                due_label=_("uppföljning"),
                items=overdue_items_for,
            )
        )
        register_demo_seeder(40, demo.seed, "riskanalysis")
