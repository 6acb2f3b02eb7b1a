"""Routing (fördelning, issue 18): move a case that came in above the sections to a section.

Type-independent: each type's action table offers the core "route" action
(cases/actions.py `route_action`) where it is relevant, and this one service performs it.
The move recomputes the case's deadline from the deadline rules (the section's clock starts
when the case reaches it), tells the section's chef by e-mail after commit, and leaves a
history row on the case and a CaseRouting row."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import ROUTE, case_action_require
from cases.deadlines import due_for
from cases.models import Case, CaseRouting, Membership, Role, Unit
from cases.queue import task
from cases.selectors.routing import routing_targets
from cases.types import User
from cases.workflow import workflow_for

from .errors import ServiceError
from .history import audited_save, reason_clean

logger = logging.getLogger(__name__)


def unit_chefs(unit: Unit) -> list:
    """The sektionschefer of the unit; if it has none, those of the nearest ancestor that has."""
    paths = [unit.path[: i * unit.steplen] for i in range(unit.depth, 0, -1)]
    memberships = (
        Membership.objects.active()
        .filter(role=Role.SEKTIONSCHEF, unit__path__in=paths, user__is_active=True)
        .select_related("user", "unit")
    )
    by_path: dict[str, list] = {}
    for m in memberships:
        by_path.setdefault(m.unit.path, []).append(m.user)
    for path in paths:
        if by_path.get(path):
            return by_path[path]
    return []


@transaction.atomic
def case_route(*, case: Case, unit: Unit, actor: User, reason: str, notify: bool = True) -> Case:
    """Move `case` to the section `unit`. Refused: not a router over the case (403), a case
    already in a section, a unit outside the router's subtree or with units below it, no
    reason."""
    locked = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
    case_action_require(locked, ROUTE, actor)
    if locked.unit.numchild == 0:
        raise ServiceError(_("Ärendet är redan fördelat till en sektion."))
    reason = reason_clean(reason)
    if not reason:
        raise ServiceError(_("Skriv varför ärendet går till den sektionen."))
    target = routing_targets(actor, locked).filter(pk=unit.pk).first()
    if target is None:
        raise ServiceError(_("Ärendet kan bara fördelas till en sektion inom ditt ansvarsområde."))
    now = timezone.now()
    routing = CaseRouting.objects.create(
        case=locked,
        from_unit=locked.unit,
        to_unit=target,
        routed_at=now,
        routed_by=actor,
        reason=reason,
    )
    locked.unit = target
    wf = workflow_for(locked.kind)
    step = wf.deadline_steps.get(locked.status, "") if locked.closed_at is None else ""
    locked.due_step = step
    locked.due_at = due_for(locked.kind, step, now) if step else None
    locked.version += 1
    audited_save(
        locked,
        actor=actor,
        reason=_("Fördelat från %(from)s till %(to)s: %(reason)s")
        % {"from": routing.from_unit.name, "to": target.name, "reason": reason},
    )
    if notify:  # the demo's past routings e-mail nobody
        routing_notification_enqueue(routing_id=routing.pk)
    return locked


def routing_notification_enqueue(*, routing_id: int) -> None:
    """After commit: hand to Celery; if the broker is down, send here (never lose the alert)."""

    def _dispatch() -> None:
        try:
            task("cases.tasks.send_routing_notification").delay(routing_id)
        except Exception:  # noqa: BLE001 - any broker failure; the chef must still be told
            logger.warning(
                "Broker unreachable; routing e-mail %s inline", routing_id, exc_info=True
            )
            try:
                routing_notification_send(routing_id=routing_id)
            except Exception:  # noqa: BLE001 - never break the router's request
                logger.exception("Routing e-mail %s failed", routing_id)

    transaction.on_commit(_dispatch)


def routing_notification_send(*, routing_id: int) -> bool:
    """Idempotent: stamped on the routing row. The mail names the case and the deadline, never
    its content (OSL 26 kap.): the chef reads it after logging in."""
    with transaction.atomic():
        routing = (
            CaseRouting.objects.select_for_update(of=("self",))
            .select_related("case", "to_unit")
            .filter(pk=routing_id)
            .first()
        )
        if routing is None or routing.notified_at is not None:
            return False
        recipients = [u.email for u in unit_chefs(routing.to_unit) if u.email]
        if not recipients:
            logger.warning("Routing %s: no chef with e-mail for the unit", routing_id)
            return False
        case = routing.case
        url = settings.SITE_URL.rstrip("/") + case.get_absolute_url()
        due = (
            timezone.localtime(case.due_at).strftime("%Y-%m-%d") if case.due_at is not None else "–"
        )
        subject = _("Nytt ärende till %(unit)s: %(ref)s") % {
            "unit": routing.to_unit.name,
            "ref": case.reference,
        }
        body = _(
            "Ärendet %(ref)s har fördelats till %(unit)s.\n\nNästa tidsfrist: %(due)s.\n\n"
            "Logga in i Avvika för att läsa och handlägga ärendet:\n%(url)s\n"
        ) % {"ref": case.reference, "unit": routing.to_unit.name, "due": due, "url": url}
        send_mail(subject, body, None, recipients)
        routing.notified_at = timezone.now()
        routing.save(update_fields=["notified_at"])
    return True
