"""The case core shared by every case type (DESIGN §3 intro)."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .codes import Code, CodeList
from .org import Unit


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Klagomål och synpunkter")
    DEVIATION = "deviation", _("Kvalitetsavvikelse")
    LEXSARAH = "lexsarah", _("Lex Sarah")


class ReferenceCounter(models.Model):
    """Last number used per prefix and year; locked row → gap-free numbers (rolled back with
    the case if its transaction fails)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="refcounter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Case(models.Model):
    kind = models.CharField(_("ärendetyp"), max_length=20, choices=CaseKind.choices)
    # Unique by the constraint in Meta, not `unique=True`: that also gives a varchar_pattern_ops
    # index for LIKE 'prefix%', which no query uses (equality has the unique index, a part of
    # a reference the trigram index), and an index on the history table's reference.
    reference = models.CharField(_("diarienummer"), max_length=20)
    # Not indexed alone: the composite indexes below start with unit and reporter and serve
    # their lookups (and the PROTECT / SET_NULL checks); one index less to write per case.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("enhet"),
        db_index=False,
    )
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    occurred_on = models.DateField(_("händelsedatum"), null=True, blank=True)
    received_at = models.DateTimeField(_("inkom"), default=timezone.now)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name=_("rapportör"),
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("handläggare"),
    )
    status = models.CharField(_("status"), max_length=30)
    outcome = models.CharField(_("utfall"), max_length=40, blank=True)
    skyddad = models.BooleanField(
        _("skyddad"),
        default=False,
        help_text=_("Syns bara för personer som uttryckligen fått behörighet."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    due_at = models.DateTimeField(_("nästa tidsfrist"), null=True, blank=True)
    due_step = models.CharField(_("tidsfristens steg"), max_length=40, blank=True)
    event_category = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.EVENT_CATEGORY},
        verbose_name=_("händelsekategori"),
    )
    imported_from = models.CharField(_("importerad från"), max_length=200, blank=True)
    external_reference = models.CharField(_("extern referens"), max_length=100, blank=True)
    anonymised_at = models.DateTimeField(_("gallrad"), null=True, blank=True)
    legal_hold = models.BooleanField(
        _("bevaras (pågående tillsyn eller domstolsärende)"),
        default=False,
        help_text=_("Ärendet gallras inte så länge det är markerat."),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # Full-text search, Swedish configuration; a generated column so no code path can forget it.
    search = models.GeneratedField(
        expression=SearchVector("reference", "title", "description", config="swedish"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The history is read by case id and date; its copies of the foreign keys are not looked
    # up, so they go unindexed (each index is written once per history row: imports, issue 16).
    history = HistoricalRecords(
        excluded_fields=["search"], no_db_index=["unit", "reporter", "assignee", "event_category"]
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        permissions = [("handle_case", "Får handlägga ärendet")]
        constraints = [
            # The name PostgreSQL gave the column's UNIQUE (migration 0019 keeps it).
            models.UniqueConstraint(fields=["reference"], name="cases_case_reference_key"),
        ]
        indexes = [
            GinIndex(fields=["search"], name="case_search_gin"),
            # The inbox searches open cases only: a word common in ten years of reports
            # matched 430 000 cases in the whole index at 1.5 million cases, and the capped
            # total ANDed that bitmap with the open cases' (107 ms); here it is 29 000 (15 ms).
            GinIndex(
                fields=["search"],
                name="case_open_search_gin",
                condition=models.Q(closed_at__isnull=True),
            ),
            # The inbox search finds a part of a reference ("1107" in AV-2026-1107), LIKE '%…%'.
            GinIndex(OpClass("reference", name="gin_trgm_ops"), name="case_reference_trgm"),
            models.Index(fields=["-received_at", "-id"], name="case_received_desc"),
            models.Index(fields=["unit", "received_at"], name="case_unit_received"),
            models.Index(fields=["kind", "status"], name="case_kind_status"),
            models.Index(fields=["kind", "external_reference"], name="case_kind_extref"),
            # The inbox lists open cases only; partial indexes give its two keyset orders
            # directly (an `IS NULL` leading column gives PostgreSQL no ordering).
            models.Index(
                fields=["-received_at", "-id"],
                name="case_inbox_newest",
                condition=models.Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["due_at", "id"],
                name="case_inbox_due",
                condition=models.Q(closed_at__isnull=True, due_at__isnull=False),
            ),
            # Statistics count a period's cases by received or closed date: these carry every
            # column the counts filter and group on, so a year is an index-only scan instead of
            # a heap visit per case (a year's cases lie scattered over the whole table).
            models.Index(
                fields=["received_at"],
                name="case_stats_received",
                include=["kind", "unit", "skyddad", "closed_at", "event_category", "id"],
            ),
            models.Index(
                fields=["closed_at"],
                name="case_stats_closed",
                include=["kind", "unit", "skyddad", "received_at", "event_category", "id"],
                condition=models.Q(closed_at__isnull=False),
            ),
            # The start page's "my reports" and "assigned to me" (newest 10, soonest 10): with
            # only the single-column keys, PostgreSQL walks the received/due index hoping to
            # meet the person's rows soon, and for someone with none reads every case (5–7 s
            # at 1.5 million cases). These give each list in its order directly.
            models.Index(fields=["reporter", "-received_at"], name="case_reporter_received"),
            models.Index(
                fields=["assignee", "due_at"],
                name="case_assignee_open_due",
                condition=models.Q(closed_at__isnull=True),
            ),
            # The inbox's total ("1 234 ärenden") counts the open cases the user may see: every
            # column of the visibility rule is in this index, so the count reads no table rows.
            models.Index(
                fields=["unit", "kind", "skyddad", "id"],
                # received_at: the inbox's page ids (a deferred join) are read from this
                # index alone, then sorted by it (cases/selectors/inbox.py `_collect`).
                include=["due_at", "received_at"],
                name="case_open_scope",
                condition=models.Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def status_label(self) -> str:
        from cases.workflow import workflow_for

        return workflow_for(self.kind).label(self.status)


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Direct FK permission table: visibility is one EXISTS, not a generic-FK scan (DESIGN §10)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "user"], name="caseperm_obj_user")]


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class MeasureLevel(models.TextChoices):
    CASE = "arende", _("Enskilt ärende")
    EMPLOYEE = "medarbetare", _("Medarbetare")
    TEAM = "arbetsgrupp", _("Arbetsgrupp")
    UNIT = "verksamhet", _("Verksamhet")
    ADMINISTRATION = "forvaltning", _("Förvaltning")


class Measure(models.Model):
    """A measure (åtgärd), shared by every case type and by risks and self-inspections (§3.7)."""

    class Status(models.TextChoices):
        PLANNED = "planerad", _("Planerad")
        ONGOING = "pagar", _("Pågår")
        DONE = "genomford", _("Genomförd")
        PARTLY = "delvis", _("Delvis genomförd")
        NOT_DONE = "ej_genomford", _("Ej genomförd")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.PLANNED: {Status.ONGOING, Status.DONE, Status.PARTLY, Status.NOT_DONE},
        Status.ONGOING: {Status.DONE, Status.PARTLY, Status.NOT_DONE},
        Status.PARTLY: {Status.ONGOING, Status.DONE},
        Status.NOT_DONE: {Status.PLANNED},
        Status.DONE: set(),
    }

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("ärende"),
    )
    measure_type = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.MEASURE_TYPE},
        verbose_name=_("typ av åtgärd"),
    )
    level = models.CharField(
        _("nivå"), max_length=20, choices=MeasureLevel.choices, default=MeasureLevel.UNIT
    )
    description = models.TextField(_("åtgärd"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig"),
    )
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    completed_on = models.DateField(_("genomförd datum"), null=True, blank=True)
    effect_followup = models.TextField(_("uppföljning av effekt"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Read by case; the copied foreign keys are never looked up (see Case.history).
    history = HistoricalRecords(no_db_index=["measure_type", "responsible", "created_by"])

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")

    def __str__(self) -> str:
        return self.description[:80]


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is random: the original name never reaches the file system.
    import uuid

    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ärende")
    )
    file = models.FileField(_("fil"), upload_to=attachment_path)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveIntegerField(_("storlek"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self) -> str:
        return self.original_name


class Note(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("ärende")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("anteckning"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("anteckning")
        verbose_name_plural = _("anteckningar")

    def __str__(self) -> str:
        return self.text[:60]


class LinkKind(models.TextChoices):
    ESCALATED = "escalated", _("Föranledde")
    RECLASSIFIED = "reclassified", _("Omklassificerad till")
    RELATED = "related", _("Relaterat")


class CaseLink(models.Model):
    """Lineage between cases: source → target, shown on both."""

    source = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("typ av koppling"), max_length=20, choices=LinkKind.choices)
    reason = models.CharField(_("motivering"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="caselink_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.kind})"
