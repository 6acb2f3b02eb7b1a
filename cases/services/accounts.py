"""Accounts and two-factor devices: every change leaves an AccountEvent naming actor and reason.

The auth user table and django-otp's device tables keep no history of their own, so these
services are the only writers of them outside the command line (createsuperuser,
changepassword). The Django admin calls them; it cannot set passwords or staff flags at all.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import AccountEvent, AccountEventKind
from cases.types import User

from .errors import ServiceError
from .history import reason_clean

RECOVERY_CODE_COUNT = 10


def reason_required(reason: str | None) -> str:
    """An administrator's change to someone's account or roles always says why."""
    cleaned = reason_clean(reason)
    if not cleaned:
        raise ServiceError(_("Skriv en anledning till ändringen."))
    return cleaned


def _event(*, user: User, actor: User | None, kind: str, reason: str) -> AccountEvent:
    return AccountEvent.objects.create(user=user, actor=actor, kind=kind, reason=reason)


@transaction.atomic
def user_create(
    *, username: str, first_name: str, last_name: str, email: str, actor: User, reason: str
) -> User:
    """A local account without a usable password: nobody sets another person's password here;
    the operator runs `manage.py changepassword` or the person logs in through SSO."""
    reason = reason_required(reason)
    user = get_user_model().objects.create_user(
        username=username, email=email, first_name=first_name, last_name=last_name
    )
    _event(user=user, actor=actor, kind=AccountEventKind.CREATED, reason=reason)
    return user


@transaction.atomic
def user_update(
    *, user: User, first_name: str, last_name: str, email: str, actor: User, reason: str
) -> User:
    reason = reason_required(reason)
    changed = [
        name
        for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email))
        if getattr(user, name) != value
    ]
    if not changed:
        return user
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.save(update_fields=changed)
    _event(user=user, actor=actor, kind=AccountEventKind.UPDATED, reason=reason)
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User, reason: str) -> User:
    reason = reason_required(reason)
    if user.is_active == active:
        return user
    if not active and user.pk == actor.pk:
        raise ServiceError(_("Du kan inte inaktivera ditt eget konto."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    kind = AccountEventKind.ACTIVATED if active else AccountEventKind.DEACTIVATED
    _event(user=user, actor=actor, kind=kind, reason=reason)
    return user


@transaction.atomic
def two_factor_reset(*, user: User, actor: User, reason: str) -> None:
    """A lost phone: every device goes; the person enrols again at the next login."""
    reason = reason_required(reason)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _event(user=user, actor=actor, kind=AccountEventKind.TWO_FACTOR_RESET, reason=reason)


# --- The person's own enrolment (POST only: opening the page changes nothing) -----------------


@transaction.atomic
def totp_enrol_start(*, user: User) -> TOTPDevice:
    """A fresh unconfirmed key; an earlier unconfirmed one (an abandoned start) is replaced."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ServiceError(_("Du har redan en autentiseringsapp registrerad."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Autentiseringsapp"), confirmed=False)


@transaction.atomic
def totp_enrol_confirm(*, user: User, token: str) -> list[str]:
    """The first right code confirms the key; the answer is the recovery codes, shown once."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ServiceError(_("Börja om registreringen: nyckeln finns inte längre."))
    if not device.verify_token(_digits(token)):
        raise ServiceError(_("Koden stämmer inte. Försök igen."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _event(
        user=user,
        actor=user,
        kind=AccountEventKind.TWO_FACTOR_ENROLLED,
        reason=_("Registrerade en autentiseringsapp."),
    )
    return _new_recovery_codes(user)


@transaction.atomic
def recovery_codes_regenerate(*, user: User, actor: User, reason: str) -> list[str]:
    """New codes; the old ones stop working at once."""
    reason = reason_required(reason)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ServiceError(_("Reservkoder finns bara för den som har registrerat en app."))
    codes = _new_recovery_codes(user)
    _event(user=user, actor=actor, kind=AccountEventKind.RECOVERY_CODES, reason=reason)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Reservkoder"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_verify(*, user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts the code: the app's six digits, or a recovery code, which
    django-otp deletes as it accepts it (each works once; the use is recorded)."""
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if totp is None:
        return None
    code = "".join(ch for ch in token.lower() if ch.isalnum())
    # Six digits go to the app, anything else to the recovery codes: a recovery code tried
    # against the app would count as a wrong code and slow down the next real one.
    if code.isascii() and code.isdigit() and len(code) == totp.digits:
        return totp if totp.verify_token(code) else None
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is not None and code and static.verify_token(code):
        _event(
            user=user,
            actor=user,
            kind=AccountEventKind.RECOVERY_CODE_USED,
            reason=_("Loggade in med en reservkod."),
        )
        return static
    return None


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch in "0123456789")
