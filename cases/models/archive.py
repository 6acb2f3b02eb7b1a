"""Retention classes from the dokumenthanteringsplan and deliveries to the e-archive (issue 21).

A retention class is data: one row per case type or document kind, edited by the
arkivansvarig (the kvalitetsstrateg, see docs/integrations.md) through an audited service.
Without a row, the default the case type declares in its `ArchiveMapping` applies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import Case, CaseKind
from .org import Unit


class Disposition(models.TextChoices):
    KEEP = "bevaras", _("Bevaras")
    AFTER_YEARS = "gallras_efter", _("Gallras efter angivet antal år")
    OBSOLETE = "gallras_vid_inaktualitet", _("Gallras vid inaktualitet")


class RetentionClass(models.Model):
    # A case kind ("lexsarah") or a document kind ("lexsarah.ivo_notification").
    subject = models.CharField(_("ärendetyp eller handlingstyp"), max_length=60, unique=True)
    disposition = models.CharField(
        _("gallring eller bevarande"), max_length=30, choices=Disposition.choices
    )
    years = models.PositiveSmallIntegerField(_("gallringsfrist i år"), null=True, blank=True)
    decision_reference = models.CharField(
        _("beslut i dokumenthanteringsplanen"),
        max_length=200,
        help_text=_("Till exempel nämndens beslut och paragraf eller planens punkt."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["subject"]
        verbose_name = _("gallrings- eller bevarandeklass")
        verbose_name_plural = _("gallrings- och bevarandeklasser")

    def __str__(self) -> str:
        return f"{self.subject}: {self.disposition}"


class ArchiveDelivery(models.Model):
    """One submission package (E-ARK SIP) to the e-archive and the archive's receipt."""

    class Status(models.TextChoices):
        PENDING = "bestalld", _("Byggs")
        BUILT = "klar", _("Klar att levereras")
        FAILED = "misslyckad", _("Misslyckades")
        RECEIPTED = "kvitterad", _("Kvitterad av arkivet")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.BUILT, Status.FAILED},
        Status.FAILED: {Status.PENDING},
        Status.BUILT: {Status.RECEIPTED},
        Status.RECEIPTED: set(),
    }

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("arkivbildande enhet")
    )
    # Either closed cases of one type in a period, or one item of a registered source (the
    # approved kvalitetsberättelse of a year): `source` names it, `source_id` is its key.
    case_kind = models.CharField(_("ärendetyp"), max_length=20, blank=True)
    closed_from = models.DateField(_("avslutade från och med"), null=True, blank=True)
    closed_to = models.DateField(_("avslutade till och med"), null=True, blank=True)
    source = models.CharField(_("annat än ärenden"), max_length=40, blank=True)
    source_id = models.PositiveIntegerField(null=True, blank=True)
    source_label = models.CharField(_("levererar"), max_length=200, blank=True)
    cases = models.ManyToManyField(
        Case, related_name="archive_deliveries", verbose_name=_("ärenden")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    package_name = models.CharField(_("paketnamn"), max_length=100, blank=True)
    package_file = models.FileField(_("leveranspaket"), upload_to="archive/", blank=True)
    package_sha256 = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64, blank=True)
    package_size = models.PositiveBigIntegerField(_("storlek"), null=True, blank=True)
    manifest = models.JSONField(_("innehållsförteckning"), default=dict, blank=True)
    error = models.TextField(blank=True)
    receipt_reference = models.CharField(_("arkivets kvittens"), max_length=200, blank=True)
    receipted_at = models.DateTimeField(_("kvitterad"), null=True, blank=True)
    receipted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kvitterad av"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("beställd av"),
    )
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    built_at = models.DateTimeField(_("byggd"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["manifest"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("arkivleverans")
        verbose_name_plural = _("arkivleveranser")

    def __str__(self) -> str:
        return self.package_name or _("Arkivleverans %s") % self.pk

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("archive:delivery", args=[self.pk])

    @property
    def case_kind_label(self) -> str:
        if self.source:
            return self.source_label
        return str(CaseKind(self.case_kind).label) if self.case_kind in CaseKind.values else ""
