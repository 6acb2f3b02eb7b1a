"""Tillsyn (DESIGN §3.6): supervisory cases from IVO, JO and JK, their decisions, the
förvaltning's response (yttrande) and the measures it reports back.

A supervision is not a `Case`: it concerns several units, has no reporter or personal case data
of its own, and is counted by decision date. It therefore has its own tables, its own
visibility selector (`cases.supervision.selectors`) and its own status table below.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.codes import Code, CodeList
from cases.models.org import Unit


class Authority(models.TextChoices):
    IVO = "ivo", _("Inspektionen för vård och omsorg (IVO)")
    JO = "jo", _("Justitieombudsmannen (JO)")
    JK = "jk", _("Justitiekanslern (JK)")


class Supervision(models.Model):
    class Status(models.TextChoices):
        ONGOING = "pagaende", _("Pågående")
        RESPONSE_SENT = "yttrande_inskickat", _("Yttrande inskickat")
        CLOSED = "avslutad", _("Avslutad")

    authority = models.CharField(_("tillsynsmyndighet"), max_length=10, choices=Authority.choices)
    supervision_type = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"codelist": CodeList.SUPERVISION_TYPE},
        verbose_name=_("typ av tillsyn"),
    )
    authority_reference = models.CharField(
        _("myndighetens diarienummer"), max_length=60, blank=True
    )
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("berörda enheter"))
    initiated_on = models.DateField(_("tillsynen inleddes"))
    title = models.CharField(_("rubrik"), max_length=250)
    summary = models.TextField(_("sammanfattning"), blank=True)
    # The response (yttrande) and its decision path: beredning → arbetsutskott → nämnd → sent.
    response_due_on = models.DateField(_("yttrande senast"), null=True, blank=True)
    preparation_on = models.DateField(_("beredning"), null=True, blank=True)
    committee_on = models.DateField(_("arbetsutskott"), null=True, blank=True)
    board_on = models.DateField(_("nämnd"), null=True, blank=True)
    response_sent_on = models.DateField(_("yttrande skickat"), null=True, blank=True)
    closed_on = models.DateField(_("avslutat av myndigheten"), null=True, blank=True)
    closing_note = models.TextField(_("myndighetens slutbedömning"), blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.ONGOING
    )
    # Optimistic locking for the edit form (see supervision_update).
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        app_label = "cases"  # the tables stay cases_*: moved code, not moved data
        ordering = ["-initiated_on", "-id"]
        verbose_name = _("tillsynsärende")
        verbose_name_plural = _("tillsynsärenden")
        indexes = [models.Index(fields=["authority", "status"], name="supervision_auth_status")]

    def __str__(self) -> str:
        ref = f" ({self.authority_reference})" if self.authority_reference else ""
        return f"{self.get_authority_display()}: {self.title}{ref}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.pk])

    @property
    def authority_short(self) -> str:
        return self.authority.upper()

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


# One service per arrow (cases.supervision.services). A response can be followed by a request
# for a supplement (komplettering), which puts the case back to pågående.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Supervision.Status.ONGOING: {Supervision.Status.RESPONSE_SENT, Supervision.Status.CLOSED},
    Supervision.Status.RESPONSE_SENT: {Supervision.Status.CLOSED, Supervision.Status.ONGOING},
    Supervision.Status.CLOSED: set(),
}


class SupervisionDecision(models.Model):
    """A beslut from the authority. Reports count decisions (and cases) by `decided_on`."""

    supervision = models.ForeignKey(
        Supervision,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("tillsynsärende"),
    )
    decided_on = models.DateField(_("beslutsdatum"))
    deficiencies_found = models.BooleanField(_("brister konstaterade"), default=False)
    deficiency_categories = models.ManyToManyField(
        Code,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.SUPERVISION_DEFICIENCY},
        verbose_name=_("bristområden"),
    )
    text = models.TextField(_("beslutets innehåll"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[deficiency_categories])

    class Meta:
        app_label = "cases"  # the tables stay cases_*: moved code, not moved data
        ordering = ["decided_on", "id"]
        verbose_name = _("tillsynsbeslut")
        verbose_name_plural = _("tillsynsbeslut")
        indexes = [models.Index(fields=["decided_on"], name="supervision_decided_on")]

    def __str__(self) -> str:
        return f"{self.supervision.authority_short} {self.decided_on:%Y-%m-%d}"


class SupervisionMeasure(models.Model):
    """A measure reported to the authority: done or planned, with expected effect and timing
    (IVO asks for "genomförda eller planerade åtgärder med förväntad effekt och tidplan")."""

    class Status(models.TextChoices):
        PLANNED = "planerad", _("Planerad")
        DONE = "genomford", _("Genomförd")

    supervision = models.ForeignKey(
        Supervision,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("tillsynsärende"),
    )
    description = models.TextField(_("åtgärd"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    expected_effect = models.TextField(_("förväntad effekt"), blank=True)
    # Free text: the responsible party is usually a förvaltning or avdelning, not a person.
    responsible = models.CharField(_("ansvarig"), max_length=200, blank=True)
    due_date = models.DateField(_("genomförs senast"), null=True, blank=True)
    completed_on = models.DateField(_("genomförd datum"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "cases"  # the tables stay cases_*: moved code, not moved data
        ordering = ["created_at", "id"]
        verbose_name = _("åtgärd i tillsynsärende")
        verbose_name_plural = _("åtgärder i tillsynsärenden")

    def __str__(self) -> str:
        return self.description[:80]


MEASURE_TRANSITIONS: dict[str, set[str]] = {
    SupervisionMeasure.Status.PLANNED: {SupervisionMeasure.Status.DONE},
    SupervisionMeasure.Status.DONE: set(),
}
