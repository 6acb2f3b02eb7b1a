"""Two-factor policy per role and retention (gallring) per case type (issue 10)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import CaseKind
from .org import Role


class TwoFactorPolicy(models.Model):
    """An administrator can require TOTP two-factor login for everyone holding a role."""

    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, unique=True)
    required = models.BooleanField(_("kräv tvåfaktorinloggning"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("krav på tvåfaktorinloggning")
        verbose_name_plural = _("krav på tvåfaktorinloggning")

    def __str__(self) -> str:
        return str(self.get_role_display())


class AccountEventKind(models.TextChoices):
    CREATED = "created", _("Konto skapat")
    UPDATED = "updated", _("Kontouppgifter ändrade")
    ACTIVATED = "activated", _("Konto aktiverat")
    DEACTIVATED = "deactivated", _("Konto inaktiverat")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Tvåfaktorinloggning registrerad")
    RECOVERY_CODES = "recovery_codes", _("Nya reservkoder")
    RECOVERY_CODE_USED = "recovery_used", _("Reservkod använd")
    TWO_FACTOR_RESET = "2fa_reset", _("Tvåfaktorinloggning återställd")


class AccountEvent(models.Model):
    """The history of an account: who changed what about whom, and why. Append-only, like the
    access log: the auth user table and django-otp's device tables keep no history of their own,
    and an administrator's change to an account must never leave no trace (issue 15)."""

    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_events",
        verbose_name=_("konto"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utförd av"),
    )
    kind = models.CharField(_("händelse"), max_length=20, choices=AccountEventKind.choices)
    reason = models.TextField(_("anledning"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("kontohändelse")
        verbose_name_plural = _("kontohändelser")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class RetentionPolicy(models.Model):
    kind = models.CharField(_("ärendetyp"), max_length=20, choices=CaseKind.choices, unique=True)
    months_after_close = models.PositiveSmallIntegerField(
        _("gallras månader efter avslut"), default=60
    )
    active = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.months_after_close} mån"


class RetentionRun(models.Model):
    """One run of the retention job, with its counts (kept forever, no personal data)."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringskörningar")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
