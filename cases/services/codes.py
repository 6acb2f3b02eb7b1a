"""Code lists as data (DESIGN §3.8): entries created and changed with history user and reason.
The API's provisioning from the IT department's registers writes through here."""

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Code, CodeList
from cases.types import User

from .errors import ServiceError
from .history import audited_save, reason_clean


@transaction.atomic
def code_create(
    *,
    codelist: str,
    code: str,
    label: str,
    actor: User | None,
    reason: str = "",
    active: bool = True,
    order: int = 0,
) -> Code:
    if codelist not in CodeList.values:
        raise ServiceError(_("Okänd kodlista: %s.") % codelist)
    if Code.objects.filter(codelist=codelist, code=code).exists():
        raise ServiceError(_("Koden %s finns redan i kodlistan.") % code)
    entry = Code(codelist=codelist, code=code, label=label, active=active, order=order)
    return audited_save(entry, actor=actor, reason=reason_clean(reason) or _("Kod skapad"))


@transaction.atomic
def code_update(
    *,
    entry: Code,
    actor: User | None,
    reason: str = "",
    label: str | None = None,
    active: bool | None = None,
    order: int | None = None,
) -> Code:
    """The code itself never changes: cases and reports refer to it."""
    entry = Code.objects.select_for_update().get(pk=entry.pk)
    if label is not None:
        entry.label = label
    if active is not None:
        entry.active = active
    if order is not None:
        entry.order = order
    return audited_save(entry, actor=actor, reason=reason_clean(reason) or _("Kod ändrad"))
