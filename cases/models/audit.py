"""Access log: every read, export and print of case data (DESIGN §5). Append-only.

A row names what was read in three ways, so it still reads after gallring or deletion: the case
foreign key (cases only; the indexes and the case page's queries use it), a generic reference
(content type + object id) for any audited object (lex Sarah investigation, AU meeting,
supervision, risk analysis, egenkontroll run), and `object_label`, the readable reference kept
as text. A list page writes one row per view; `shown` holds what the page showed.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .org import Unit


class AccessAction(models.TextChoices):
    READ = "read", _("Läsning")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Utskrift")
    DOWNLOAD = "download", _("Nedladdning av bilaga")
    LIST = "list", _("Visning i lista")


class AccessLog(models.Model):
    # Append-only evidence, written on every read (an API page writes a hundred rows): its
    # foreign keys have no constraint in the database. A deferred constraint trigger per row
    # and key cost more than the insert itself (8 of 12 ms for an API page); Django still
    # applies on_delete (PROTECT, SET_NULL) when a user, case or unit is deleted, and the
    # only bulk writer (services/access.py) takes its ids from the rows it has just read.
    # The single-column indexes of case, unit and content type are left out: the composite
    # indexes below lead with those columns.
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("användare"),
        db_constraint=False,
    )
    action = models.CharField(_("händelse"), max_length=20, choices=AccessAction.choices)
    # The case may be gallrad later; reference and unit are kept so the log still reads.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    case_reference = models.CharField(_("ärende"), max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
        db_constraint=False,
        db_index=False,
    )
    # Any audited object; for a case also `case` above. Null for a list row without a subject.
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("typ av uppgift"),
        db_constraint=False,
        db_index=False,
    )
    object_id = models.PositiveBigIntegerField(_("uppgiftens id"), null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    object_label = models.CharField(_("uppgift"), max_length=200, blank=True)
    # A list page's objects: {"cases.case": [[id, "reference"], ...], ...}, keyed by model label
    # because one page shows several kinds (an AU list: meetings and the cases on their agendas).
    # Pairs keep the reference readable after gallring; jsonb containment still finds a case
    # by id or by reference ({"cases.case": [[42]]} or [["AV-2025-0042"]]).
    shown = models.JSONField(_("visade poster"), default=dict, blank=True)
    detail = models.CharField(_("detalj"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("åtkomstlogg")
        verbose_name_plural = _("åtkomstlogg")
        indexes = [
            models.Index(fields=["unit", "at"], name="accesslog_unit_at"),
            models.Index(fields=["case", "at"], name="accesslog_case_at"),
            models.Index(fields=["content_type", "object_id", "at"], name="accesslog_object_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.what}"

    @property
    def what(self) -> str:
        """The object read, as the loggkontroll shows it: the case reference, or the object's
        kind and label ("Tillsynsärende: IVO 8.5-1234/2025")."""
        if self.case_reference:
            return self.case_reference
        if not self.object_label:
            return ""
        if self.content_type_id is None:
            return self.object_label
        kind = ContentType.objects.get_for_id(self.content_type_id).model_class()
        name = kind._meta.verbose_name if kind is not None else ""
        return f"{str(name).capitalize()}: {self.object_label}" if name else self.object_label

    @property
    def shown_entries(self) -> list[tuple[str, list[str]]]:
        """(kind, readable references) per model in `shown`, for the loggkontroll."""
        out = []
        for label, pairs in (self.shown or {}).items():
            try:
                model = apps.get_model(label)
                name = str(model._meta.verbose_name_plural).capitalize()
            except (LookupError, ValueError):
                name = label
            out.append((name, [str(p[1]) if len(p) > 1 and p[1] else f"#{p[0]}" for p in pairs]))
        return out

    @property
    def shown_count(self) -> int:
        return sum(len(pairs) for pairs in (self.shown or {}).values())
