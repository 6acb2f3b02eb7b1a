"""Deadline rules per case type and step (DESIGN §4), data with seeded defaults."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DeadlineRule(models.Model):
    kind = models.CharField(_("ärendetyp"), max_length=20)
    step = models.CharField(_("steg"), max_length=40)
    label = models.CharField(_("benämning"), max_length=120)
    days = models.PositiveSmallIntegerField(_("antal dagar"))
    working_days = models.BooleanField(_("arbetsdagar"), default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "step"], name="deadline_unique_step")
        ]
        verbose_name = _("tidsfrist")
        verbose_name_plural = _("tidsfrister")

    def __str__(self) -> str:
        return self.label
