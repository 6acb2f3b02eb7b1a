"""Code lists (DESIGN §3.8): every category is data with code, label, active and order."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CodeList(models.TextChoices):
    COMPLAINT_TYPE = "complaint_type", _("Typ av klagomål/synpunkt")
    COMPLAINT_TOPIC = "complaint_topic", _("Ämne för klagomål")
    SENDER_CATEGORY = "sender_category", _("Avsändarkategori")
    CHANNEL = "channel", _("Kanal")
    EVENT_CATEGORY = "event_category", _("Händelsekategori")
    DEFICIENCY = "deficiency", _("Bristområde")
    ROOT_CAUSE = "root_cause", _("Orsak")
    CONSEQUENCE = "consequence", _("Konsekvens för den enskilde")
    MEASURE_TYPE = "measure_type", _("Åtgärdstyp")
    REPORTER_TYPE = "reporter_type", _("Rapportörstyp")
    SELFCONTROL_METHOD = "selfcontrol_method", _("Metod för egenkontroll")
    SUPERVISION_TYPE = "supervision_type", _("Typ av tillsyn")
    SUPERVISION_DEFICIENCY = "supervision_deficiency", _("Brist i tillsynsbeslut")
    RISK_TRIGGER = "risk_trigger", _("Anledning till riskanalys")


class Code(models.Model):
    codelist = models.CharField(_("kodlista"), max_length=40, choices=CodeList.choices)
    code = models.SlugField(_("kod"), max_length=60)
    label = models.CharField(_("benämning"), max_length=200)
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["codelist", "order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["codelist", "code"], name="code_unique_per_list")
        ]
        verbose_name = _("kod")
        verbose_name_plural = _("kodlistor")

    def __str__(self) -> str:
        return self.label

    @classmethod
    def choices_for(cls, codelist: str):
        return cls.objects.filter(codelist=codelist, active=True)
