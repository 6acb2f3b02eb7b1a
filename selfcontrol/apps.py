from django.apps import AppConfig


class SelfControlConfig(AppConfig):
    name = "selfcontrol"
    verbose_name = "Egenkontroller"
