"""Idle timeout: a session left alone for IDLE_TIMEOUT_SECONDS is logged out (issue 10); no
staff page is kept in a browser or proxy cache (issue 15)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

# The activity stamp, also set at login (cases/apps.py).
from cases.apps import IDLE_SESSION_KEY as SESSION_KEY

# The activity stamp is rewritten at most this often: every request used to save the session
# (three queries). The timeout can then come up to a minute early, never late.
TOUCH_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(SESSION_KEY, now)
            if now - last > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, _("Du har loggats ut efter en tids inaktivitet."))
                return redirect(f"{settings.LOGIN_URL and '/logga-in/'}?next={request.path}")
            # Polling fragments must not keep an abandoned session alive.
            background = request.headers.get("X-Avvika-Background") == "1"
            if not background and (
                SESSION_KEY not in request.session or now - last >= TOUCH_EVERY_SECONDS
            ):
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a logged-in user: case text must not stay
    in the browser's cache or a shared proxy after logout (the back button on a shared
    computer). PDFs, XLSX and attachments set it themselves; this covers every page too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
