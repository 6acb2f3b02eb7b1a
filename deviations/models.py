"""Kvalitetsavvikelse (DESIGN §3.2): the deviation's own data beside the shared Case row."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, Code, CodeList


class ReclassifiedTo(models.TextChoices):
    LEX_SARAH = "lex_sarah", _("Lex Sarah")
    # The two below leave Avvika: handled in the healthcare and the work-environment systems.
    VARDSKADA = "vardskada", _("Vårdskada (patientsäkerhet)")
    ARBETSMILJO = "arbetsmiljo", _("Arbetsmiljö")


class Deviation(models.Model):
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="deviation"
    )
    immediate_consequence = models.TextField(_("omedelbar konsekvens"), blank=True)
    concerns_child = models.BooleanField(_("gäller ett barn"), default=False)
    at_absence_or_handover = models.BooleanField(_("vid frånvaro eller överlämning"), default=False)
    consequence = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.CONSEQUENCE},
        verbose_name=_("konsekvens för den enskilde"),
    )
    deficiencies = models.ManyToManyField(
        Code,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.DEFICIENCY},
        verbose_name=_("bristområden"),
    )
    root_causes = models.ManyToManyField(
        Code,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.ROOT_CAUSE},
        verbose_name=_("orsaker"),
    )
    closing_summary = models.TextField(_("sammanfattning vid avslut"), blank=True)
    reclassified_to = models.CharField(
        _("omklassificerad till"), max_length=20, choices=ReclassifiedTo.choices, blank=True
    )
    reclassification_reason = models.TextField(_("motivering till omklassificering"), blank=True)
    # Read by case; the copied consequence code is never looked up there.
    history = HistoricalRecords(m2m_fields=[deficiencies, root_causes], no_db_index=["consequence"])

    class Meta:
        verbose_name = _("kvalitetsavvikelse")
        verbose_name_plural = _("kvalitetsavvikelser")
        indexes = [
            # Statistics leave these out of the deviations (counted once, as lex Sarah): a
            # small set read on every statistics query, never a scan of every deviation.
            models.Index(
                fields=["case"],
                name="deviation_reclassified_ls",
                condition=models.Q(reclassified_to=ReclassifiedTo.LEX_SARAH),
            )
        ]

    def __str__(self) -> str:
        return str(self.case)
