"""Reports (DESIGN §6). Utvecklingsområden: decided with year N's kvalitetsberättelse, followed
up in year N+1's (Malmö 2025: "Uppföljning av utvecklingsområde 2025" follows up what the
nämnd decided with Kvalitetsberättelse 2024)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Unit


class DevelopmentArea(models.Model):
    class Status(models.TextChoices):
        DECIDED = "beslutat", _("Beslutat, ej uppföljt")
        DONE = "genomfort", _("Genomfört")
        ONGOING = "pagar", _("Pågår")
        NOT_STARTED = "ej_paborjat", _("Ej påbörjat")
        CLOSED_WITHOUT_ACTION = "avslutat_utan_atgard", _("Avslutat utan åtgärd")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year_decided = models.PositiveSmallIntegerField(
        _("beslutat år"), help_text=_("Året för den kvalitetsberättelse där området beslutades.")
    )
    title = models.CharField(_("rubrik"), max_length=250)
    background = models.TextField(_("bakgrund"), blank=True)
    actions = models.TextField(_("insatser"), blank=True)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        verbose_name=_("fortsättning på"),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.DECIDED
    )
    follow_up_year = models.PositiveSmallIntegerField(_("uppföljt år"), null=True, blank=True)
    follow_up_text = models.TextField(_("uppföljning"), blank=True)
    followed_up_at = models.DateTimeField(_("uppföljning registrerad"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year_decided", "title", "id"]
        verbose_name = _("utvecklingsområde")
        verbose_name_plural = _("utvecklingsområden")
        indexes = [
            models.Index(fields=["unit", "year_decided"], name="devarea_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year_decided})"

    def get_absolute_url(self) -> str:
        return reverse("reports:development_area_detail", args=[self.pk])

    @property
    def is_followed_up(self) -> bool:
        return self.status != self.Status.DECIDED


_OUTCOMES = {
    DevelopmentArea.Status.DONE,
    DevelopmentArea.Status.ONGOING,
    DevelopmentArea.Status.NOT_STARTED,
    DevelopmentArea.Status.CLOSED_WITHOUT_ACTION,
}
# The follow-up records an outcome; a recorded follow-up may be corrected (same or another
# outcome), but an area never goes back to "not followed up": the report that followed it up
# exists.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    DevelopmentArea.Status.DECIDED: set(_OUTCOMES),
    **{outcome: set(_OUTCOMES) for outcome in _OUTCOMES},
}

from reports.analysis.models import AnalysisReminderSent, AnalysisRound, UnitAnalysis  # noqa: E402,F401  sammanställning och analys (issue #7)
from reports.editions.models import (  # noqa: E402,F401  kvalitetsberättelse (issue #8)
    CompiledReport,
    ReportBlock,
    ReportEdition,
    ReportSection,
    ReportTemplate,
)
