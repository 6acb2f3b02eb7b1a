import time

from django.apps import AppConfig

# The idle timeout's activity stamp in the session (cases/middleware.py).
IDLE_SESSION_KEY = "last_activity"


def stamp_activity_at_login(sender, request, user, **kwargs) -> None:
    """Signing in is activity: stamped with the login's own session save, so the first page
    after it does not save the session again."""
    if request is not None and hasattr(request, "session"):
        request.session[IDLE_SESSION_KEY] = int(time.time())


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Ärenden"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(stamp_activity_at_login, dispatch_uid="avvika_idle_stamp")
