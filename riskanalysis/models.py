"""Riskanalys (DESIGN §3.4): scales, templates, analyses and their risks.

A RiskScale row is immutable: changing the scale means a new version, and every analysis keeps
a foreign key to the version it was made with, so old analyses still read as they were made.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, Code, CodeList, Measure, Unit


class RiskScale(models.Model):
    """A probability × consequence scale with level thresholds, all as data.

    probability_labels / consequence_labels: labels for value 1..n (index = value - 1).
    levels: ordered list of {"code", "label", "max"}; a score p × c gets the first level whose
    max is ≥ the score.
    """

    key = models.SlugField(_("nyckel"), max_length=40, default="standard")
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("namn"), max_length=120)
    probability_labels = models.JSONField(_("sannolikhet"))
    consequence_labels = models.JSONField(_("konsekvens"))
    levels = models.JSONField(_("risknivåer"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("riskskala")
        verbose_name_plural = _("riskskalor")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="riskscale_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def probability_max(self) -> int:
        return len(self.probability_labels)

    @property
    def consequence_max(self) -> int:
        return len(self.consequence_labels)

    def probability_label(self, value: int) -> str:
        return self.probability_labels[value - 1]

    def consequence_label(self, value: int) -> str:
        return self.consequence_labels[value - 1]

    def level_for(self, probability: int, consequence: int) -> dict:
        score = probability * consequence
        for level in self.levels:
            if score <= level["max"]:
                return level
        return self.levels[-1]


class RiskTemplate(models.Model):
    """A mall: the standard structure (sections) and suggested risks for a kind of analysis."""

    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    # [{"title": "...", "help": "..."}]
    sections = models.JSONField(_("avsnitt"), default=list, blank=True)
    # ["Risk att ...", ...]
    suggested_risks = models.JSONField(_("föreslagna risker"), default=list, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("mall för riskanalys")
        verbose_name_plural = _("mallar för riskanalys")

    def __str__(self) -> str:
        return self.name


class RiskAnalysis(models.Model):
    class Status(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        DONE = "genomford", _("Genomförd")
        FOLLOWED_UP = "uppfoljd", _("Uppföljd")

    title = models.CharField(_("rubrik"), max_length=200)
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("enheter som omfattas"))
    trigger = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.RISK_TRIGGER},
        verbose_name=_("anledning"),
    )
    participants = models.TextField(_("deltagare"), blank=True)
    analysed_on = models.DateField(_("datum"))
    scale = models.ForeignKey(RiskScale, on_delete=models.PROTECT, verbose_name=_("riskskala"))
    template = models.ForeignKey(
        RiskTemplate, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("mall")
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("kopia av"),
    )
    source_cases = models.ManyToManyField(
        Case, blank=True, related_name="+", verbose_name=_("avvikelser som föranledde analysen")
    )
    # [{"title": "...", "help": "...", "text": "..."}], pre-filled from the template.
    sections = models.JSONField(_("avsnitt"), default=list, blank=True)
    follow_up_on = models.DateField(_("uppföljningsdatum"), null=True, blank=True)
    follow_up_result = models.TextField(_("resultat av uppföljning"), blank=True)
    documented = models.BooleanField(_("dokumenterad"), default=False)
    include_in_report = models.BooleanField(_("tas med i kvalitetsberättelsen"), default=False)
    report_summary = models.TextField(_("sammanfattning för kvalitetsberättelsen"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    completed_at = models.DateTimeField(_("genomförd"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("uppföljd"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking for the edit form: a save from a stale page is refused, not applied.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(m2m_fields=[units, source_cases])

    class Meta:
        ordering = ["-analysed_on", "-id"]
        verbose_name = _("riskanalys")
        verbose_name_plural = _("riskanalyser")
        indexes = [
            models.Index(fields=["status", "follow_up_on"], name="riskanalysis_followup"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("riskanalysis:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    RiskAnalysis.Status.DRAFT: {RiskAnalysis.Status.DONE},
    RiskAnalysis.Status.DONE: {RiskAnalysis.Status.FOLLOWED_UP, RiskAnalysis.Status.DRAFT},
    RiskAnalysis.Status.FOLLOWED_UP: set(),
}


class Risk(models.Model):
    analysis = models.ForeignKey(
        RiskAnalysis, on_delete=models.CASCADE, related_name="risks", verbose_name=_("riskanalys")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    description = models.TextField(_("risk"))
    probability = models.PositiveSmallIntegerField(_("sannolikhet"), null=True, blank=True)
    consequence = models.PositiveSmallIntegerField(_("konsekvens"), null=True, blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="+", verbose_name=_("åtgärder")
    )
    linked_cases = models.ManyToManyField(
        Case, blank=True, related_name="+", verbose_name=_("avvikelser skapade från risken")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(m2m_fields=[measures, linked_cases])

    class Meta:
        ordering = ["analysis", "number"]
        verbose_name = _("risk")
        verbose_name_plural = _("risker")
        constraints = [
            models.UniqueConstraint(fields=["analysis", "number"], name="risk_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.description[:60]}"

    @property
    def is_scored(self) -> bool:
        return bool(self.probability and self.consequence)

    @property
    def score(self) -> int | None:
        if self.probability is None or self.consequence is None:
            return None
        return self.probability * self.consequence

    @property
    def probability_label(self) -> str:
        return self.analysis.scale.probability_label(self.probability) if self.probability else ""

    @property
    def consequence_label(self) -> str:
        return self.analysis.scale.consequence_label(self.consequence) if self.consequence else ""

    @property
    def level(self) -> dict | None:
        """The level on the scale the analysis was made with (never the current scale)."""
        if self.probability is None or self.consequence is None:
            return None
        return self.analysis.scale.level_for(self.probability, self.consequence)
