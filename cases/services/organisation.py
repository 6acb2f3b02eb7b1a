"""The organisation's details (nämnd, förvaltning, organisationsnummer, sender address).

Only quality staff (a kvalitetsstrateg) may change them; every change leaves a history row with
the person and the reason, like any other audited row."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Membership, OrganisationSettings, Role
from cases.types import User

from .accounts import reason_required
from .errors import ServiceError
from .history import audited_save

EDIT_ROLES = (Role.KVALITETSSTRATEG,)
FIELDS = (
    "board",
    "administration",
    "organisation_number",
    "street_address",
    "postal_code",
    "city",
    "contact_name",
    "contact_phone",
    "contact_email",
)
_ORGNR = re.compile(r"^\d{6}-?\d{4}$")
_POSTAL = re.compile(r"^\d{3} ?\d{2}$")


def may_edit_organisation_settings(user: User) -> bool:
    return Membership.objects.active().filter(user=user, role__in=EDIT_ROLES).exists()


def _normalised(values: dict[str, str]) -> dict[str, str]:
    cleaned = {name: (values.get(name) or "").strip() for name in FIELDS}
    orgnr = cleaned["organisation_number"]
    if orgnr:
        if not _ORGNR.match(orgnr):
            raise ServiceError(
                _("Skriv organisationsnumret med tio siffror, till exempel 212000-0142.")
            )
        digits = orgnr.replace("-", "")
        cleaned["organisation_number"] = f"{digits[:6]}-{digits[6:]}"
    postal = cleaned["postal_code"]
    if postal:
        if not _POSTAL.match(postal):
            raise ServiceError(_("Skriv postnumret med fem siffror, till exempel 123 45."))
        digits = postal.replace(" ", "")
        cleaned["postal_code"] = f"{digits[:3]} {digits[3:]}"
    return cleaned


@transaction.atomic
def organisation_settings_update(
    *, actor: User, reason: str, **values: str
) -> OrganisationSettings:
    """Set every field at once (a form posts them all). The row is locked, so two quality
    strategists saving at once leave two history rows, not a lost update."""
    if not may_edit_organisation_settings(actor):
        raise ServiceError(_("Bara kvalitetsstrateger kan ändra organisationsuppgifterna."))
    reason = reason_required(reason)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ServiceError(_("Okända fält: %(f)s") % {"f": ", ".join(sorted(unknown))})
    cleaned = _normalised(values)
    settings_row = OrganisationSettings.objects.select_for_update().filter(
        pk=OrganisationSettings.SINGLETON_PK
    ).first() or OrganisationSettings(pk=OrganisationSettings.SINGLETON_PK)
    for name, value in cleaned.items():
        setattr(settings_row, name, value)
    return audited_save(settings_row, actor=actor, reason=reason)
