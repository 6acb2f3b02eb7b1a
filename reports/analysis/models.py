"""Sammanställning och analys (DESIGN §6 "Unit analysis"; seed 000 §4.2; issue #7 points 3–4).

Every June each sektionschef compiles and analyses the cases their unit closed during the
analysis period (default 1 June the year before – 31 May), writes patterns, causes and
conclusions, and flags needs for overarching measures, which the förvaltning then handles
within intern kontroll. A round (`AnalysisRound`) is one year; it holds one `UnitAnalysis` per
unit led directly by a sektionschef.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Unit


def default_period(year: int) -> tuple[date, date]:
    """1 June (year − 1) – 31 May (year): the period Malmö's new way of working uses."""
    return date(year - 1, 6, 1), date(year, 5, 31)


def default_due_date(year: int) -> date:
    # The analyses are written in June so that needs can enter intern kontroll in time.
    return date(year, 6, 30)


class AnalysisRound(models.Model):
    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    period_start = models.DateField(_("perioden börjar"))
    period_end = models.DateField(_("perioden slutar (sista dag)"))
    due_date = models.DateField(_("lämnas in senast"))
    opened_at = models.DateTimeField(_("öppnad"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("öppnad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("analysomgång")
        verbose_name_plural = _("analysomgångar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="analysisround_period_order",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Sammanställning och analys %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("reports:analysis_overview", args=[self.year])

    @property
    def is_late(self) -> bool:
        return timezone.localdate() > self.due_date


class UnitAnalysis(models.Model):
    class Status(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        SUBMITTED = "inlamnad", _("Inlämnad")

    round = models.ForeignKey(
        AnalysisRound,
        on_delete=models.PROTECT,
        related_name="analyses",
        verbose_name=_("analysomgång"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet")
    )
    chef = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig chef"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    patterns = models.TextField(_("mönster och trender"), blank=True)
    causes = models.TextField(_("bakomliggande orsaker"), blank=True)
    conclusions = models.TextField(_("slutsatser och åtgärder"), blank=True)
    needs_overarching_measures = models.BooleanField(
        _("behov av övergripande åtgärder"),
        default=False,
        help_text=_("Behov som förvaltningen bör hantera inom ramen för intern kontroll."),
    )
    overarching_measures = models.TextField(_("beskrivning av behovet"), blank=True)
    # The figures as the chef saw them when submitting: a submitted analysis must not change
    # when a case is corrected later, and the roll-up sums exactly what was submitted.
    figures = models.JSONField(_("sammanställda uppgifter vid inlämning"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("inlämnad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inlämnad av"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "unit__path"]
        verbose_name = _("enhetens analys")
        verbose_name_plural = _("enheternas analyser")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="unitanalysis_unique_unit"),
        ]
        indexes = [models.Index(fields=["status", "round"], name="unitanalysis_status")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.round.year}"

    def get_absolute_url(self) -> str:
        return reverse("reports:analysis_detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_late(self) -> bool:
        return not self.is_submitted and self.round.is_late


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    UnitAnalysis.Status.DRAFT: {UnitAnalysis.Status.SUBMITTED},
    # Submitted is final: the förvaltning's roll-up and intern kontroll build on it.
    UnitAnalysis.Status.SUBMITTED: set(),
}


class AnalysisReminderSent(models.Model):
    """One row per analysis and day a reminder went out: the unique constraint makes the
    reminder task idempotent. Operational, like `cases.DigestSent`, so no history."""

    analysis = models.ForeignKey(UnitAnalysis, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("dag"))
    recipient = models.EmailField(_("mottagare"))
    sent_at = models.DateTimeField(_("skickad"), default=timezone.now)

    class Meta:
        verbose_name = _("skickad påminnelse om analys")
        verbose_name_plural = _("skickade påminnelser om analys")
        constraints = [
            models.UniqueConstraint(fields=["analysis", "day"], name="analysisreminder_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.analysis_id} {self.day}"
