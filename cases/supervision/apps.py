from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "cases.supervision"
    label = "supervision"
    verbose_name = "Tillsyn"
