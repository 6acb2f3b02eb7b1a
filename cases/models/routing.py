"""Routing (fördelning): a case that came in above the sections is moved to one (issue 18)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import Case
from .org import Unit


class CaseRouting(models.Model):
    """One move of a case from the unit it came in on to a section. Append-only (the case's own
    history row carries the reason too); `notified_at` makes the chef's e-mail idempotent."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="routings", verbose_name=_("ärende")
    )
    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("från enhet")
    )
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("till enhet")
    )
    routed_at = models.DateTimeField(_("fördelad"), default=timezone.now)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("fördelad av"),
    )
    reason = models.TextField(_("anledning"))
    notified_at = models.DateTimeField(_("chefen underrättad"), null=True, blank=True)

    class Meta:
        ordering = ["-routed_at", "-id"]
        verbose_name = _("fördelning")
        verbose_name_plural = _("fördelningar")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_unit_id} → {self.to_unit_id}"
