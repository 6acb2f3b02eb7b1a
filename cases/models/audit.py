"""Access log: every read, export and print of a case (DESIGN §5). Append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .org import Unit


class AccessAction(models.TextChoices):
    READ = "read", _("Läsning")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Utskrift")
    DOWNLOAD = "download", _("Nedladdning av bilaga")


class AccessLog(models.Model):
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("användare"),
    )
    action = models.CharField(_("händelse"), max_length=20, choices=AccessAction.choices)
    # The case may be gallrad later; reference and unit are kept so the log still reads.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case_reference = models.CharField(_("ärende"), max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    detail = models.CharField(_("detalj"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("åtkomstlogg")
        verbose_name_plural = _("åtkomstlogg")
        indexes = [
            models.Index(fields=["unit", "at"], name="accesslog_unit_at"),
            models.Index(fields=["case", "at"], name="accesslog_case_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.case_reference}"
