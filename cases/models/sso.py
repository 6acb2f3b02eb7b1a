"""Single sign-on: which identity-provider group gives which role in which unit (issue 15)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .org import Role, Unit


class IdpGroupMapping(models.Model):
    """One IdP group (Entra ID group id, Keycloak group path, ADFS group name …) → one role in
    one unit. A group may map to several (role, unit) pairs; each SSO login syncs the user's
    SSO memberships to exactly the pairs of the groups the IdP sent."""

    group = models.CharField(
        _("grupp hos identitetsleverantören"),
        max_length=255,
        help_text=_("Gruppens namn eller id exakt som det skickas i inloggningen."),
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="idp_group_mappings", verbose_name=_("enhet")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "role"]
        verbose_name = _("gruppkoppling för inloggning")
        verbose_name_plural = _("gruppkopplingar för inloggning")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "role", "unit"], name="idp_group_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()} – {self.unit}"
