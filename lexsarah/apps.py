from django.apps import AppConfig


class LexSarahConfig(AppConfig):
    name = "lexsarah"
    verbose_name = "Lex Sarah"

    def ready(self) -> None:
        from . import workflow  # noqa: F401  (registers the transition table)
