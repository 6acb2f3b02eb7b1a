"""manage.py integration_account: the administrator's steps for a system's API access.

    integration_account create NAME --by ADMIN [--reason TEXT]   prints the key once
    integration_account grant NAME --unit CODE --role ROLE --by ADMIN
    integration_account rotate NAME --by ADMIN                    prints the new key once
    integration_account revoke NAME --by ADMIN
    integration_account list

Every step goes through cases/services/integrations.py: a history row names the administrator
and the reason."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.models import IntegrationAccount, Membership, Unit
from cases.services.errors import ServiceError
from cases.services.integrations import (
    integration_account_create,
    integration_account_grant,
    integration_account_revoke,
    integration_account_rotate,
)


class Command(BaseCommand):
    help = "Skapa, ge roller åt, byt nyckel för eller spärra ett integrationskonto."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "grant", "rotate", "revoke", "list"])
        parser.add_argument("name", nargs="?", default="")
        parser.add_argument("--by", default="", help="Administratörens användarnamn.")
        parser.add_argument("--reason", default="")
        parser.add_argument("--unit", default="", help="Enhetens kod (grant).")
        parser.add_argument("--role", default="", help="Rollen (grant).")

    def handle(self, *args, action, name, by, reason, unit, role, **options):
        if action == "list":
            for account in IntegrationAccount.objects.select_related("user"):
                state = "spärrat" if account.revoked_at else "aktivt"
                roles = ", ".join(
                    f"{m.role}@{m.unit.code}"
                    for m in Membership.objects.active()
                    .filter(user=account.user)
                    .select_related("unit")
                )
                self.stdout.write(f"{account.name}\tavk_{account.key_prefix}_…\t{state}\t{roles}")
            return
        if not name:
            raise CommandError("Ange systemets namn.")
        actor = get_user_model().objects.filter(username=by).first() if by else None
        if actor is None:
            raise CommandError("Ange administratörens användarnamn med --by.")
        try:
            if action == "create":
                _account, key = integration_account_create(name=name, actor=actor, reason=reason)
                self.stdout.write(f"Nyckel (visas bara nu): {key}")
                return
            account = IntegrationAccount.objects.filter(name=name).first()
            if account is None:
                raise CommandError(f"Inget integrationskonto heter {name}.")
            if action == "grant":
                target = Unit.objects.filter(code=unit).first()
                if target is None:
                    raise CommandError(f"Ingen enhet har koden {unit}.")
                integration_account_grant(
                    account=account, unit=target, role=role, actor=actor, reason=reason
                )
                self.stdout.write(f"{name}: {role} i {target.name}.")
            elif action == "rotate":
                key = integration_account_rotate(account=account, actor=actor, reason=reason)
                self.stdout.write(f"Ny nyckel (visas bara nu; den gamla slutar gälla): {key}")
            elif action == "revoke":
                integration_account_revoke(account=account, actor=actor, reason=reason)
                self.stdout.write(f"{name} är spärrat.")
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
