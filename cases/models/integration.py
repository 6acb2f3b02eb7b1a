"""Integration accounts (issue 21): a system, not a person, reaching /api/v1/ with a key.

The account is backed by an ordinary Django user flagged by this one-to-one row, holding
ordinary Memberships: every selector (visibility, handle rule, statistics units) answers for
the system exactly as it answers for a person with the same roles, with no second rule set.
Only a SHA-256 of the key is stored; the visible prefix finds the row without scanning.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IntegrationAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="integration",
        verbose_name=_("användare"),
    )
    name = models.CharField(_("system"), max_length=120, unique=True)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    key_prefix = models.CharField(_("nyckelns id"), max_length=16, unique=True)
    key_hash = models.CharField(_("nyckelns kontrollsumma"), max_length=64)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("nyckel bytt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("spärrad"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("integrationskonto")
        verbose_name_plural = _("integrationskonton")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`: a retry with the same key
    gets this answer again instead of a second case. The body's hash tells a retry from a
    different request reusing the key."""

    account = models.ForeignKey(IntegrationAccount, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    path = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "key"], name="idempotency_unique_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.key}"
