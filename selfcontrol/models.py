"""Egenkontroll (DESIGN §3.5): plans, their runs per period, and loggkontroll samples."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import AccessLog, Case, Code, CodeList, Measure, Unit

LOG_METHOD_CODE = "loggkontroll"


class Frequency(models.TextChoices):
    YEARLY = "yearly", _("Årligen")
    HALF_YEARLY = "half_yearly", _("Halvårsvis")
    QUARTERLY = "quarterly", _("Kvartalsvis")
    MONTHLY = "monthly", _("Månadsvis")


# How many periods of equal length a year is split into.
PERIODS_PER_YEAR: dict[str, int] = {
    Frequency.YEARLY: 1,
    Frequency.HALF_YEARLY: 2,
    Frequency.QUARTERLY: 4,
    Frequency.MONTHLY: 12,
}


class SelfControlPlan(models.Model):
    area = models.CharField(_("område"), max_length=200)
    what_checked = models.TextField(_("vad som kontrolleras"))
    method = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"codelist": CodeList.SELFCONTROL_METHOD},
        verbose_name=_("metod"),
    )
    frequency = models.CharField(
        _("frekvens"), max_length=20, choices=Frequency.choices, default=Frequency.YEARLY
    )
    sample_rule = models.CharField(_("urval"), max_length=300, blank=True)
    sample_size = models.PositiveIntegerField(_("urvalsstorlek"), null=True, blank=True)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("ansvarig enhet")
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig person"),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "id"]
        verbose_name = _("egenkontrollplan")
        verbose_name_plural = _("egenkontrollplaner")

    def __str__(self) -> str:
        return self.area

    def get_absolute_url(self) -> str:
        return reverse("selfcontrol:plan_detail", args=[self.pk])

    @property
    def is_log_review(self) -> bool:
        return self.method.code == LOG_METHOD_CODE


class RunResult(models.TextChoices):
    NO_REMARKS = "utan_anmarkning", _("Utan anmärkning")
    DEFICIENCIES = "brister", _("Brister")


class SelfControlRun(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planerad", _("Planerad")
        ONGOING = "pagar", _("Pågår")
        DONE = "klar", _("Klar")

    plan = models.ForeignKey(
        SelfControlPlan, on_delete=models.PROTECT, related_name="runs", verbose_name=_("plan")
    )
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    due_date = models.DateField(_("klar senast"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    sample_size = models.PositiveIntegerField(_("urvalsstorlek"), null=True, blank=True)
    # Loggkontroll: the seed makes the random sample reproducible (DESIGN §5).
    sample_seed = models.BigIntegerField(_("slumpfrö"), null=True, blank=True)
    results = models.TextField(_("resultat"), blank=True)
    findings = models.TextField(_("iakttagelser"), blank=True)
    result = models.CharField(_("bedömning"), max_length=20, choices=RunResult.choices, blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="+", verbose_name=_("åtgärder")
    )
    linked_cases = models.ManyToManyField(
        Case, blank=True, related_name="+", verbose_name=_("avvikelser skapade från egenkontrollen")
    )
    documented = models.BooleanField(_("dokumenterad"), default=False)
    include_in_report = models.BooleanField(_("tas med i kvalitetsberättelsen"), default=False)
    report_summary = models.TextField(_("sammanfattning för kvalitetsberättelsen"), blank=True)
    started_at = models.DateTimeField(_("påbörjad"), null=True, blank=True)
    completed_at = models.DateTimeField(_("klar"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[measures, linked_cases])

    class Meta:
        ordering = ["period_start", "id"]
        verbose_name = _("egenkontroll")
        verbose_name_plural = _("egenkontroller")
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_start"], name="run_plan_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="run_period_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="run_status_due")]

    def __str__(self) -> str:
        return f"{self.plan.area} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("selfcontrol:run_detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    SelfControlRun.Status.PLANNED: {SelfControlRun.Status.ONGOING},
    SelfControlRun.Status.ONGOING: {SelfControlRun.Status.DONE, SelfControlRun.Status.PLANNED},
    SelfControlRun.Status.DONE: {SelfControlRun.Status.ONGOING},
}


class LogReview(models.TextChoices):
    PENDING = "ej_granskad", _("Ej granskad")
    OK = "ok", _("OK")
    FOLLOW_UP = "uppfoljning", _("Behöver följas upp")


class LogSample(models.Model):
    """One access-log row drawn into a loggkontroll run, and its review."""

    run = models.ForeignKey(
        SelfControlRun,
        on_delete=models.CASCADE,
        related_name="log_samples",
        verbose_name=_("egenkontroll"),
    )
    entry = models.ForeignKey(
        AccessLog, on_delete=models.PROTECT, related_name="+", verbose_name=_("loggpost")
    )
    position = models.PositiveIntegerField(_("ordning"))
    review = models.CharField(
        _("granskning"), max_length=20, choices=LogReview.choices, default=LogReview.PENDING
    )
    comment = models.TextField(_("kommentar"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("granskad loggpost")
        verbose_name_plural = _("granskade loggposter")
        constraints = [models.UniqueConstraint(fields=["run", "entry"], name="logsample_run_entry")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.position}"
