"""The organisation's own details (issue 18): one row, used wherever a document must say who
sends it (the IVO anmälan's sender block, the kvalitetsberättelse cover)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrganisationSettings(models.Model):
    """A singleton (pk 1). Read it with `OrganisationSettings.load()`; write it only through
    `cases.services.organisation.organisation_settings_update`, which leaves a history row."""

    SINGLETON_PK = 1

    board = models.CharField(_("nämnd"), max_length=200, blank=True)
    administration = models.CharField(_("förvaltning"), max_length=200, blank=True)
    organisation_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        help_text=_("Tio siffror, till exempel 212000-0142."),
    )
    street_address = models.CharField(_("utdelningsadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("postort"), max_length=100, blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-post"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisationsuppgifter")
        verbose_name_plural = _("organisationsuppgifter")

    def __str__(self) -> str:
        return self.administration or self.board or str(_("Organisationsuppgifter"))

    @classmethod
    def load(cls) -> "OrganisationSettings":
        """The one row; an unsaved empty one when nobody has filled it in yet, so a reader never
        writes (a PDF built in a worker must not create rows)."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)

    @property
    def postal_address(self) -> str:
        return " ".join(part for part in (self.postal_code, self.city) if part)

    @property
    def is_filled(self) -> bool:
        return bool(self.board or self.administration or self.organisation_number)
