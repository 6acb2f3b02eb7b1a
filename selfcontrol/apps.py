from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfControlConfig(AppConfig):
    name = "selfcontrol"
    verbose_name = "Egenkontroller"

    def ready(self) -> None:
        from cases.registry import FollowupSource, register_demo_seeder, register_followups

        from . import demo
        from .selectors import overdue_items_for

        register_followups(
            FollowupSource(
                key="runs",
                heading=_("Försenade egenkontroller"),
                due_label=_("klar senast"),
                items=overdue_items_for,
            )
        )
        register_demo_seeder(50, demo.seed, "selfcontrol")
