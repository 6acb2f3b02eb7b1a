"""Daily e-mail digests already handled, one row per person and day (DESIGN §4).

The row is what makes the digest idempotent: it is inserted in the same transaction as the
e-mail is sent, under a unique (user, day) constraint, so a second run the same day — or two
workers at once — finds the row and sends nothing. An operational record like `Job`, not a
domain row, so it carries no history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestSent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("mottagare"),
    )
    day = models.DateField(_("dag"))
    # End of the period this digest covered; the next digest lists what is new after it.
    covered_until = models.DateTimeField(_("omfattar till och med"))
    item_count = models.PositiveIntegerField(_("antal poster"), default=0)
    # Null when there was nothing to tell: the day is done, but no e-mail went out.
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        verbose_name = _("skickad sammanställning")
        verbose_name_plural = _("skickade sammanställningar")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_unique_user_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
