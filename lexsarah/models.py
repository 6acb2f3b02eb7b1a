"""Lex Sarah (DESIGN §3.3): the report's own data beside the shared Case row, immediate
measures, investigations (one may cover several reports), AU meetings and IVO notifications.

Statuses live on Case (lexsarah/workflow.py); these rows hold what the law asks us to record.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, Code, CodeList


class ReportKind(models.TextChoices):
    MISSFORHALLANDE = "missforhallande", _("Missförhållande")
    RISK = "risk", _("Påtaglig risk för missförhållande")


class Assessment(models.TextChoices):
    # Codes match the import column `bedomning` (cases/imports/runner.py ASSESSMENTS).
    NONE = "inget", _("Inget missförhållande")
    RISK = "risk", _("Påtaglig risk för missförhållande")
    MISSFORHALLANDE = "missforhallande", _("Missförhållande")
    RISK_SERIOUS = "risk_allvarligt", _("Påtaglig risk för allvarligt missförhållande")
    SERIOUS = "allvarligt", _("Allvarligt missförhållande")


# The two outcomes the law says must be reported to IVO (SoL 27 kap. 6 §, LSS 24 f §).
SERIOUS_ASSESSMENTS = frozenset({Assessment.RISK_SERIOUS, Assessment.SERIOUS})
# Anything but "inget" is a finding and goes to the AU.
FINDING_ASSESSMENTS = frozenset(set(Assessment.values) - {Assessment.NONE})


class IvoOutcome(models.TextChoices):
    CLOSED = "avslutat", _("Avslutat utan åtgärd")
    FULFILLED = "fullgjort", _("Fullgjort utredningsskyldighet")
    CRITICISM = "kritik", _("Kritik")
    PENDING = "vantar", _("Väntar på utredning")
    INVESTIGATING = "egen_tillsyn", _("IVO inleder egen tillsyn")
    OTHER = "annat", _("Annat")


class LegalReference(models.Model):
    """Provisions shown on forms and PDFs. Data, never hard-coded text (DESIGN §3.3)."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    label = models.CharField(_("hänvisning"), max_length=120)
    summary = models.CharField(_("innehåll"), max_length=300, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "label"]
        verbose_name = _("lagrumshänvisning")
        verbose_name_plural = _("lagrumshänvisningar")

    def __str__(self) -> str:
        return self.label


class LexSarahReport(models.Model):
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="lexsarah"
    )
    report_kind = models.CharField(
        _("rapporten gäller"),
        max_length=20,
        choices=ReportKind.choices,
        default=ReportKind.MISSFORHALLANDE,
    )
    reporter_type = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.REPORTER_TYPE},
        verbose_name=_("rapportörstyp"),
    )
    occurred_at = models.DateTimeField(_("när hände det"), null=True, blank=True)
    persons_affected = models.TextField(_("berörda personer"), blank=True)
    concerns_child = models.BooleanField(_("gäller ett barn"), default=False)
    personal_data_breach = models.BooleanField(_("personuppgiftsincident"), default=False)
    imy_due_at = models.DateTimeField(_("anmälan till IMY senast"), null=True, blank=True)
    imy_reported_at = models.DateTimeField(_("anmäld till IMY"), null=True, blank=True)
    # Stamped when the chef e-mail went out: the Celery task is idempotent.
    chef_notified_at = models.DateTimeField(_("chef underrättad"), null=True, blank=True)
    assessment = models.CharField(
        _("bedömning"), max_length=20, choices=Assessment.choices, blank=True
    )
    assessment_motivation = models.TextField(_("motivering"), blank=True)
    assessed_at = models.DateTimeField(_("bedömd"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bedömd av"),
    )
    # Historic imports carry only the AU date; live cases get it from their agenda item.
    au_date = models.DateField(_("AU-datum"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lex Sarah-rapport")
        verbose_name_plural = _("lex Sarah-rapporter")
        indexes = [models.Index(fields=["assessment"], name="lexsarah_assessment")]

    def __str__(self) -> str:
        return str(self.case)

    @property
    def is_serious(self) -> bool:
        return self.assessment in SERIOUS_ASSESSMENTS


class ImmediateMeasure(models.Model):
    """Omedelbara åtgärder by the chef, with time and author (several per report)."""

    report = models.ForeignKey(
        LexSarahReport,
        on_delete=models.CASCADE,
        related_name="immediate_measures",
        verbose_name=_("rapport"),
    )
    taken_at = models.DateTimeField(_("tidpunkt"))
    text = models.TextField(_("åtgärd"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["taken_at", "id"]
        verbose_name = _("omedelbar åtgärd")
        verbose_name_plural = _("omedelbara åtgärder")

    def __str__(self) -> str:
        return self.text[:60]


# The structured sections of an investigation, in the order of the report (DESIGN §3.3.3).
INVESTIGATION_SECTIONS = (
    "events",
    "person_view",
    "staff_view",
    "cause_analysis",
    "assessment_text",
    "proposed_measures",
)


class Investigation(models.Model):
    reports = models.ManyToManyField(
        LexSarahReport, related_name="investigations", verbose_name=_("rapporter")
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utredare"),
    )
    events = models.TextField(_("händelseförlopp"), blank=True)
    person_view = models.TextField(_("den enskildes syn"), blank=True)
    staff_view = models.TextField(_("personalens syn"), blank=True)
    cause_analysis = models.TextField(_("orsaksanalys"), blank=True)
    assessment_text = models.TextField(_("bedömning"), blank=True)
    proposed_measures = models.TextField(_("förslag till åtgärder"), blank=True)
    # Optimistic locking: every save bumps it; a stale form gets the conflict page.
    version = models.PositiveIntegerField(_("version"), default=1)
    started_at = models.DateTimeField(_("påbörjad"), auto_now_add=True)
    completed_at = models.DateTimeField(_("färdig"), null=True, blank=True)
    updated_at = models.DateTimeField(_("senast sparad"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[reports])

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("utredning")
        verbose_name_plural = _("utredningar")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """What users call it: the reports it covers (never the database id). Prefetch
        `reports__case` where several are listed."""
        if self.pk is None:
            return str(_("Utredning"))
        references = sorted(r.case.reference for r in self.reports.all())
        return _("Utredning av %s") % ", ".join(references)

    def sections(self) -> list[tuple[str, str, str]]:
        """(field, label, text) in report order, for templates and PDFs."""
        return [
            (
                name,
                str(getattr(self._meta.get_field(name), "verbose_name", name)),
                getattr(self, name),
            )
            for name in INVESTIGATION_SECTIONS
        ]


class AUMeeting(models.Model):
    """A meeting of the arbetsutskott that treats investigations with a finding."""

    held_on = models.DateField(_("datum"))
    title = models.CharField(_("rubrik"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ordförande"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("ledamöter")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("AU-sammanträde")
        verbose_name_plural = _("AU-sammanträden")

    def __str__(self) -> str:
        return self.title or _("Arbetsutskottets sammanträde %s") % self.held_on.isoformat()


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        AUMeeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("sammanträde")
    )
    investigation = models.ForeignKey(
        Investigation,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name=_("utredning"),
    )
    paragraph = models.CharField(_("paragraf (§)"), max_length=20, blank=True)
    measures_approved = models.BooleanField(_("åtgärderna godkänns"), null=True, blank=True)
    severity = models.CharField(
        _("AU:s beslut om allvarlighetsgrad"),
        max_length=20,
        choices=Assessment.choices,
        blank=True,
    )
    ivo_decided = models.BooleanField(_("anmäls till IVO"), default=False)
    minutes = models.TextField(_("protokollsanteckning"), blank=True)
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "investigation"], name="agenda_item_unique")
        ]
        verbose_name = _("ärende på dagordningen")
        verbose_name_plural = _("dagordning")

    def __str__(self) -> str:
        return f"§ {self.paragraph} {self.investigation}"


class IvoPath(models.TextChoices):
    AU = "au", _("Beslut av arbetsutskottet")
    URGENT = "ordforande", _("Brådskande beslut av ordföranden")


class IvoNotification(models.Model):
    """Anmälan till IVO for one report: who decided, when, when it was sent, IVO's answer."""

    report = models.OneToOneField(
        LexSarahReport, on_delete=models.CASCADE, related_name="ivo", verbose_name=_("rapport")
    )
    path = models.CharField(_("beslutsväg"), max_length=20, choices=IvoPath.choices)
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("AU-paragraf"),
    )
    decided_at = models.DateTimeField(_("beslut om anmälan"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    motivation = models.TextField(_("motivering"), blank=True)
    due_at = models.DateTimeField(_("skickas senast"), null=True, blank=True)
    sent_on = models.DateField(_("skickad till IVO"), null=True, blank=True)
    ivo_reference = models.CharField(_("IVO:s diarienummer"), max_length=60, blank=True)
    decision_date = models.DateField(_("IVO:s beslutsdatum"), null=True, blank=True)
    decision_outcome = models.CharField(
        _("IVO:s beslut"), max_length=20, choices=IvoOutcome.choices, blank=True
    )
    decision_note = models.TextField(_("kommentar till beslutet"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("anmälan till IVO")
        verbose_name_plural = _("anmälningar till IVO")
        indexes = [models.Index(fields=["sent_on"], name="ivo_sent_on")]

    def __str__(self) -> str:
        return _("Anmälan till IVO för %s") % self.report_id
