"""Swedish headings in the admin for the third-party apps (issue 18).

The admin reads app names from each AppConfig and model and column names from the models'
Meta, which axes and django-otp ship in English ("AXES", "Access attempts", "TOTP devices").
- App names are not part of any migration, so they are set here when the admin loads.
- axes marks its model and field names for translation but ships no Swedish; the English
  msgids are listed below with gettext_noop so our catalogue (locale/sv) carries their Swedish
  text. Changing the models' Meta instead would make `makemigrations` want to alter
  third-party tables' options.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

APP_NAMES = {
    "axes": _("Inloggningsförsök"),
    "otp_totp": _("Tvåfaktorinloggning med app"),
    "otp_static": _("Tvåfaktorinloggning med reservkoder"),
    "guardian": _("Behörighet per objekt"),
    "simple_history": _("Historik"),
}

# axes' own msgids (axes/models.py, axes/admin.py), translated in locale/sv/LC_MESSAGES.
AXES_MSGIDS = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
]


def use_swedish_app_names() -> None:
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
