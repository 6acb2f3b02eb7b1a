"""Reports (DESIGN §6). Utvecklingsområden: decided with year N's kvalitetsberättelse, followed
up in year N+1's (Malmö 2025: "Uppföljning av utvecklingsområde 2025" follows up what the
nämnd decided with Kvalitetsberättelse 2024)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
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


class CaseTally(models.Model):
    """How many cases were received (rule "r") or closed ("c") in a local calendar month, per
    type, variant (a complaint's source, else ""), unit and skyddad. PostgreSQL keeps it in
    the same transaction as every write to cases_case and cases_complaint (statement triggers
    with transition tables, migration 0007), so services, the COPY of an import and data
    migrations can never leave it behind. The statistics and the kvalitetsberättelse read
    whole months here and count only the edges of a period and the cases visible beyond a
    role's units live (reports/tally.py): a five-year trend is a few thousand tally rows, not
    every case of five years."""

    rule = models.CharField(max_length=1)
    month = models.DateField()
    kind = models.CharField(max_length=20)
    variant = models.CharField(max_length=30, blank=True)
    # No constraint: a unit whose cases have all moved may go, its rows then count 0. No index
    # of its own: with the hundred-odd unit ids of a förvaltning PostgreSQL chose it and read
    # every month of the tally (case_tally_months reads the period's months alone).
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    skyddad = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "month", "kind", "variant", "unit", "skyddad"],
                name="case_tally_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["rule", "month"],
                include=["kind", "variant", "unit", "skyddad", "n"],
                name="case_tally_months",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.month:%Y-%m} {self.kind} {self.variant} {self.unit_id}: {self.n}"


class CaseFacts(models.Model):
    """One row per case with what the distributions count: its date, unit, type and
    visibility columns, and every code its type's code lists mark it with (deficiencies, root
    causes, consequence, complaint topics, type and sender category) in one array, its
    measures' types in another. PostgreSQL keeps it from the case, complaint, deviation,
    code-list and measure tables (migration 0008), like the tally. A year's distributions
    are then one index-only pass over the year's rows, where joining the many-to-many tables
    hashed every row of them, all years (1.9 s at 1.5 million cases). The column names are
    the case's, so the visibility rule (cases.selectors.CountableParts) filters both alike."""

    case = models.OneToOneField(
        "cases.Case",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    kind = models.CharField(max_length=20)
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    skyddad = models.BooleanField()
    received_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True)
    variant = models.CharField(max_length=30, blank=True)
    # Every code the case is marked with, its event category included, and which code
    # sources marked it at all (a bit each, migration 0008 MARKS): "Ej angivet" is a bit test.
    codes = ArrayField(models.BigIntegerField(), default=list)
    marked = models.PositiveSmallIntegerField(default=0)
    measure_types = ArrayField(models.BigIntegerField(null=True), default=list)

    class Meta:
        indexes = [
            models.Index(
                fields=["closed_at"],
                include=[
                    "kind",
                    "unit",
                    "skyddad",
                    "variant",
                    "marked",
                    "codes",
                    "measure_types",
                ],
                name="case_facts_closed",
            ),
            models.Index(
                fields=["received_at"],
                include=[
                    "kind",
                    "unit",
                    "skyddad",
                    "variant",
                    "marked",
                    "codes",
                    "measure_types",
                    "closed_at",
                ],
                name="case_facts_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} {self.unit_id}"


class CodeTally(models.Model):
    """The case facts summed per month: how many cases received (rule "r") or closed ("c") in
    a local month, per type, variant, unit subtree and skyddad, carry each code (`what` "c"), how
    many measures of each type they have (`what` "m", code 0: none given), and how many
    cases have each set of marks (`what` "s", code = CaseFacts.marked, plus 128 when the case
    has a measure: the totals, the "Ej angivet" counts and "with a measure"). PostgreSQL
    keeps it from the case facts' own changes (statement triggers, migration 0009), so it is
    exact whenever the facts are. A year's distributions read whole months of the few
    subtrees that make up what the user sees here, and count only the edges and the cases
    visible one by one live (reports/tally.py): at 1.5 million cases a year's deviations
    carried ~650 000 code marks to unnest on every page."""

    # The key is the primary key, in the order a year of one type in one subtree is one range
    # of it, with the count in the index (INCLUDE n, migration 0014): read without the table,
    # and no surrogate id and second index to write when an import adds a million keys.
    pk = models.CompositePrimaryKey(
        "rule", "kind", "subtree", "month", "variant", "skyddad", "what", "code"
    )
    rule = models.CharField(max_length=1)
    kind = models.CharField(max_length=20)
    month = models.DateField()
    variant = models.CharField(max_length=30, blank=True)
    # The unit whose whole subtree the row counts (the case's unit and every unit above it).
    subtree = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    skyddad = models.BooleanField()
    what = models.CharField(max_length=1)
    code = models.BigIntegerField()
    n = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.rule} {self.month:%Y-%m} {self.kind} {self.what}{self.code}: {self.n}"


class CodeTallyPending(models.Model):
    """Cases whose marks are not yet in the code tally: an import's new cases, added after its
    commit by a Celery task (reports.catch_up.codetally_catch_up) instead of inside the
    import's transaction (~1.2 million keys for 100 000 historic cases, 15 s of a 36 s
    import). Until then the code tally's triggers leave these cases out, and the statistics
    count them live from their facts (reports/tally.py `mark_counts`), so every figure stays
    exact meanwhile (migration 0015)."""

    case_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.case_id)
