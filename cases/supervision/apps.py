from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "cases.supervision"
    label = "supervision"
    verbose_name = "Tillsyn"

    def ready(self) -> None:
        from cases.registry import register_demo_seeder

        from . import demo

        register_demo_seeder(60, demo.seed, "supervision")
