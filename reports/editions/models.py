"""Kvalitetsberättelse editions (DESIGN §6): an edition per organisation unit and year, its
structure as data (numbered sections holding narrative and data blocks), the templates that
seed the structure, and every compiled PDF.

Statuses: utkast → granskning → godkänd (granskning may go back to utkast). An approved edition
is frozen: services refuse edits and the approved PDF is the one served.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Job, Unit


class ReportTemplate(models.Model):
    """A structure to start an edition from. `structure` is a list of sections:
    {"title", "blocks": [{"kind": "text"|"data", "text"?, "block_type"?, "params"?}],
     "children": [...]}. Seeded by a data migration (Malmö 2025, Karlshamn)."""

    key = models.SlugField(_("nyckel"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    structure = models.JSONField(_("struktur"), default=list)
    is_default = models.BooleanField(_("standardmall"), default=False)
    active = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("mall för kvalitetsberättelse")
        verbose_name_plural = _("mallar för kvalitetsberättelse")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Period:
    """Half-open [start, end) in local dates; `label` for readers."""

    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    @property
    def label(self) -> str:
        from reports.editions.periods import period_label

        return period_label(self)


def _safe_date(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def year_ending(year: int, month: int, day: int) -> Period:
    """The twelve months that end in `year`: calendar year for 1 Jan, else e.g. 1 Sep
    (year-1) – 31 Aug (year)."""
    if (month, day) == (1, 1):
        return Period(date(year, 1, 1), date(year + 1, 1, 1))
    return Period(_safe_date(year - 1, month, day), _safe_date(year, month, day))


def logo_path(instance: "ReportEdition", filename: str) -> str:
    import os
    import uuid

    return f"reports/logos/{uuid.uuid4().hex}{os.path.splitext(filename)[1].lower()}"


class ReportEdition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        REVIEW = "granskning", _("Granskning")
        APPROVED = "godkand", _("Godkänd")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    title = models.CharField(_("rubrik"), max_length=200)
    report_date = models.DateField(_("datum"), null=True, blank=True)
    diarienummer = models.CharField(_("diarienummer"), max_length=60, blank=True)
    responsible = models.CharField(
        _("ansvarig"),
        max_length=200,
        blank=True,
        help_text=_("Funktion eller namn, t.ex. Förvaltningsdirektör."),
    )
    # The cover's sender block, on the edition so a report can name another nämnd than the
    # organisation's. `report_cover_names` falls back to the organisation's details, then to
    # the unit's name; the approved PDF is kept as a file, so later changes never alter it.
    board = models.CharField(
        _("nämnd"), max_length=200, blank=True, help_text=_("T.ex. Socialnämnden.")
    )
    administration = models.CharField(
        _("förvaltning"),
        max_length=200,
        blank=True,
        help_text=_("Tomt: organisationens namn."),
    )
    # Sanitised on upload (reports/editions/logo.py): PNG as uploaded, SVG rewritten.
    logo = models.FileField(_("logotyp"), upload_to=logo_path, blank=True)
    # The report year ends the day before start month/day of the next year (1 Jan → calendar
    # year; 1 Sep → 1 Sep year-1 to 31 Aug year).
    period_start_month = models.PositiveSmallIntegerField(
        _("verksamhetsåret börjar, månad"), default=1
    )
    period_start_day = models.PositiveSmallIntegerField(_("verksamhetsåret börjar, dag"), default=1)
    analysis_start_month = models.PositiveSmallIntegerField(
        _("analysperioden börjar, månad"), default=6
    )
    analysis_start_day = models.PositiveSmallIntegerField(
        _("analysperioden börjar, dag"), default=1
    )
    template = models.ForeignKey(
        ReportTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mall"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkänd av"),
    )
    approved_pdf = models.ForeignKey(
        "CompiledReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkänd PDF"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "unit__path", "id"]
        verbose_name = _("kvalitetsberättelse")
        verbose_name_plural = _("kvalitetsberättelser")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "title"], name="edition_unit_year_title"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    period_start_month__gte=1,
                    period_start_month__lte=12,
                    analysis_start_month__gte=1,
                    analysis_start_month__lte=12,
                    period_start_day__gte=1,
                    period_start_day__lte=31,
                    analysis_start_day__gte=1,
                    analysis_start_day__lte=31,
                ),
                name="edition_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("reports:edition_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED

    def _year_ending(self, year: int, month: int, day: int) -> Period:
        return year_ending(year, month, day)

    def period_for(self, year: int) -> Period:
        """The report period of `year` (the year the period ends in)."""
        return self._year_ending(year, self.period_start_month, self.period_start_day)

    @property
    def period(self) -> Period:
        return self.period_for(self.year)

    def analysis_period_for(self, year: int) -> Period:
        return self._year_ending(year, self.analysis_start_month, self.analysis_start_day)

    @property
    def analysis_period(self) -> Period:
        return self.analysis_period_for(self.year)


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ReportEdition.Status.DRAFT: {ReportEdition.Status.REVIEW},
    ReportEdition.Status.REVIEW: {ReportEdition.Status.DRAFT, ReportEdition.Status.APPROVED},
    ReportEdition.Status.APPROVED: set(),
}


class ReportSection(models.Model):
    """A heading. Numbers (1, 1.2, 1.2.3) follow parent/order; appendices are unnumbered."""

    edition = models.ForeignKey(
        ReportEdition,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("kvalitetsberättelse"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("överordnat avsnitt"),
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    title = models.CharField(_("rubrik"), max_length=250)
    is_appendix = models.BooleanField(_("bilaga"), default=False)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")

    def __str__(self) -> str:
        return self.title


class ReportBlock(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        DATA = "data", _("Data")

    section = models.ForeignKey(
        ReportSection, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("avsnitt")
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(_("text"), blank=True)
    block_type = models.CharField(_("datablock"), max_length=60, blank=True)
    params = models.JSONField(_("parametrar"), default=dict, blank=True)
    # Optimistic locking for autosave: a stale save gets the conflict answer, nothing is lost.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("block")
        verbose_name_plural = _("block")

    def __str__(self) -> str:
        return self.block_type or self.text[:40]


def compiled_path(instance: "CompiledReport", filename: str) -> str:
    import uuid

    return f"reports/{instance.edition_id}/{uuid.uuid4().hex}.pdf"


class CompiledReport(models.Model):
    """Every compiled PDF is kept: file under MEDIA_ROOT, time, author, sha256, the figures."""

    edition = models.ForeignKey(
        ReportEdition,
        on_delete=models.PROTECT,
        related_name="compiled",
        verbose_name=_("kvalitetsberättelse"),
    )
    job = models.OneToOneField(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("fil"), upload_to=compiled_path)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("storlek"))
    pages = models.PositiveIntegerField(_("sidor"), default=0)
    edition_status = models.CharField(_("status vid kompilering"), max_length=20)
    edition_version = models.PositiveIntegerField(_("version vid kompilering"), default=1)
    figures = models.JSONField(_("siffror"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("kompilerad av"),
    )
    created_at = models.DateTimeField(_("kompilerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kompilerad kvalitetsberättelse")
        verbose_name_plural = _("kompilerade kvalitetsberättelser")

    def __str__(self) -> str:
        return f"{self.edition} ({self.created_at:%Y-%m-%d %H:%M})"
