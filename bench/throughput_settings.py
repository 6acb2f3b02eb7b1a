"""Settings for the throughput benchmark's gunicorn (bench/throughput.py): production settings
(DEBUG=0, manifest static files, database sessions, Redis cache, axes) with only what a load
test over plain HTTP on 127.0.0.1 needs changed. Never used outside bench/.

- No TLS terminator in front of gunicorn here: no HTTPS redirect, no HSTS, and the session and
  CSRF cookies without `Secure` (a client does not send a Secure cookie over http://).
- The public e-service's per-address submit limit (20 an hour) would refuse the load test's
  residents after 20 forms, since every simulated resident comes from 127.0.0.1: it is raised
  here. Logins do not need it: each simulated staff member has their own account and signs in
  once with the right password, and axes and the per-address login limit count failures only.
- Static files are collected into var/bench/static (the repo's own var/staticfiles untouched),
  hashed names through the manifest as in production but not compressed: the load test asks
  for pages, not for the assets a browser caches, and compressing them takes minutes here.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
COMPLAINT_SUBMIT_LIMIT = 1_000_000
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
