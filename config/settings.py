"""Avvika settings. Everything deployment-specific comes from environment variables."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


DEBUG = env_bool("DEBUG", False)
# Test runs serve plain HTTP on localhost; production settings stay strict.
TESTING = env_bool("AVVIKA_TESTING", False)
_INSECURE_DEV_KEY = "dev-insecure-key-only-for-local-demo-and-tests-0123456789abcdef"
SECRET_KEY = env("SECRET_KEY", _INSECURE_DEV_KEY if DEBUG or env_bool("AVVIKA_TESTING") else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY måste sättas när DEBUG=0.")

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "guardian",
    "simple_history",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Recovery codes: single-use tokens, shown once at enrolment (docs/security.md).
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djangosaml2",
    "cases",
    "cases.complaints",
    "cases.supervision",
    "deviations",
    "lexsarah",
    "riskanalysis",
    "selfcontrol",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # SAML's own session (outstanding requests, the NameID for Single Logout); touched only by
    # the SAML views and logout, so it costs nothing elsewhere.
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cases.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After MessageMiddleware: the timeout adds a message ("Du har loggats ut …").
    "cases.middleware.IdleTimeoutMiddleware",
    "cases.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cases.sso.SsoCspMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out login never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
# Django's renderer, with the choice widgets written in Python (long code lists; issue 16).
FORM_RENDERER = "cases.widgets.FastChoiceRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/avvika"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# No JIT: PostgreSQL compiles a plan whose estimated cost passes jit_above_cost, and for the
# statistics page's lex Sarah counts at 1.5 million cases that was ~0.5 s of compiling for
# ~20 ms of work (the page 671 -> 274 ms). The app's queries are short; none gained from it.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Parallel test runs (and helpers) need distinct test databases.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", "test_avvika")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "avvika"),
        # A Redis outage must not take pages down: rate limits fail open, pages keep working.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Both inactive until configured below (they read their settings lazily).
    "cases.sso.OidcBackend",
    "cases.sso.SamlBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A reason is the user's own words about why (up to cases.forms.REASON_MAX characters): kept
# whole in the history, not cut at simple-history's default 100.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Attachments hold secret data: stored outside the web root, served only by a checked view.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("MEDIA_ROOT", str(BASE_DIR / "var" / "private"))},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("AVVIKA_TESTING")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = (
    "/private-media-never-served/"  # no URL pattern serves it; attachments go via a checked view
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 12_000_000)
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# E-mail: EMAIL_URL like smtp://user:pass@host:587?tls=1, or console:// for development.
_email_url = env("EMAIL_URL", "console://")
if _email_url.startswith("console"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    from urllib.parse import parse_qs, unquote, urlparse

    _u = urlparse(_email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _u.hostname or "localhost"
    EMAIL_PORT = _u.port or 25
    EMAIL_HOST_USER = unquote(_u.username or "")
    EMAIL_HOST_PASSWORD = unquote(_u.password or "")
    EMAIL_USE_TLS = parse_qs(_u.query).get("tls", ["0"])[0] == "1"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "avvika@example.se")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Security (DESIGN §5, issue 10). HTTPS settings follow DEBUG so `check --deploy` is clean.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
IDLE_TIMEOUT_SECONDS = env_int("IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = 12 * 3600

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Two-factor for local accounts (cases/twofactor.py): required for the roles that handle case
# content and for every staff/superuser account unless relaxed here. The demo (DEBUG=1) relaxes
# it by default and says so on the login page; a user who enrolled is always asked anyway.
AVVIKA_REQUIRE_2FA = env_bool("AVVIKA_REQUIRE_2FA", not DEBUG)

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# IP-wide, beside axes (cases/views/auth.py): failed logins per address and 15 minutes.
LOGIN_IP_FAIL_LIMIT = env_int("LOGIN_IP_FAIL_LIMIT", 30)
# Additions a sender may make to one complaint per hour through the receipt code.
COMPLAINT_ADDITION_LIMIT = env_int("COMPLAINT_ADDITION_LIMIT", 10)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# --- Single sign-on (issue 15, docs/security.md "Inloggning med SSO") ---------------------------
# Off while unset; local password accounts keep working beside it (small installations and
# break-glass). Who gets which role comes from the group mapping table, edited in the admin.
SSO_SUPPORT_CONTACT = env(
    "SSO_SUPPORT_CONTACT", "kommunens IT-servicedesk eller den som administrerar Avvika"
)
# OpenID Connect (mozilla-django-oidc): the endpoints are the ones the IdP's discovery document
# (/.well-known/openid-configuration) lists.
OIDC_OP_ISSUER = env("OIDC_ISSUER")  # checked against the ID token's iss
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT")
OIDC_OP_END_SESSION_ENDPOINT = env("OIDC_END_SESSION_ENDPOINT")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile")
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "groups")
# acr or amr values that mean "signed in with a second factor" (e.g. mfa, otp, hwk, a LoA URI).
OIDC_MFA_VALUES = [v.strip() for v in env("OIDC_MFA_VALUES", "").split(",") if v.strip()]
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = False  # kept by cases.sso after login (login() may flush the session)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_oidc_callback"
OIDC_REDIRECT_ALLOWED_HOSTS: list[str] = []
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
# SAML 2.0 (djangosaml2/pysaml2): on when the IdP's metadata and the SP's key pair are set.
# The SP's metadata is served at /sso/saml/metadata/ (docs/security.md).
SAML_IDP_METADATA_URL = env("SAML_IDP_METADATA_URL")
SAML_IDP_METADATA_FILE = env("SAML_IDP_METADATA_FILE")
SAML_SP_ENTITY_ID = env("SAML_SP_ENTITY_ID")  # default: the metadata URL
SAML_SP_KEY_FILE = env("SAML_SP_KEY_FILE")
SAML_SP_CERT_FILE = env("SAML_SP_CERT_FILE")
SAML_USERNAME_ATTRIBUTE = env("SAML_USERNAME_ATTRIBUTE")  # empty: the NameID
SAML_GROUPS_ATTRIBUTE = env("SAML_GROUPS_ATTRIBUTE", "groups")
SAML_FIRST_NAME_ATTRIBUTE = env("SAML_FIRST_NAME_ATTRIBUTE", "givenName")
SAML_LAST_NAME_ATTRIBUTE = env("SAML_LAST_NAME_ATTRIBUTE", "sn")
SAML_EMAIL_ATTRIBUTE = env("SAML_EMAIL_ATTRIBUTE", "mail")
# AuthnContextClassRef values that mean a second factor (e.g. ADFS/Entra ID
# http://schemas.microsoft.com/claims/multipleauthn, a federation's LoA URI).
SAML_MFA_VALUES = [v.strip() for v in env("SAML_MFA_VALUES", "").split(",") if v.strip()]
SAML_XMLSEC_BINARY = env("SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1")
SAML_CONFIG_LOADER = "cases.sso.saml_config"
# Redirect binding: the POST binding needs an auto-submitting page (inline script, a form to
# another origin) that the content security policy forbids.
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_SESSION_COOKIE_NAME = "saml_session"
# The IdP posts the response from its own site: the SAML session cookie must travel with that
# POST (SameSite=None, which browsers accept only on HTTPS, i.e. with DEBUG=0).
SAML_SESSION_COOKIE_SAMESITE = "None" if not DEBUG and not TESTING else "Lax"

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous sees nothing

# REST API /api/v1/ (issue 21, docs/integrations.md): integration keys only, no sessions, JSON
# only; errors as RFC 9457 problem details; requests per minute and key, counted in Redis.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["cases.api.auth.BearerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["cases.api.auth.IsIntegration"],
    "DEFAULT_THROTTLE_CLASSES": ["cases.api.auth.PerKeyThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cases.api.problems.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Avvika API",
    "DESCRIPTION": "Ärenden, åtgärder, enheter, kodlistor och statistik för förvaltningens "
    "andra system. Se docs/integrations.md.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation page hold no data: readable without a key.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {},
}

# Celery: the PostgreSQL job row is the truth; Redis only carries the wake-up (DESIGN §10).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "max_retries": 1}
# Report compiles on their own queue (one at a time); the code tally's catch-up after an
# import (a database job of seconds) with the other short tasks.
CELERY_TASK_ROUTES = {
    "reports.tasks.catch_up_code_tally": {"queue": "celery"},
    "reports.tasks.*": {"queue": "pdf"},
}
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
