"""What a user may do on a supervisory case (tillsyn), from which status, and who
(cases.actions). The detail page offers `supervision_actions_offered(...)`; every service starts
with `supervision_action_require(...)`, so what the page does not offer the service refuses.

A supervision concerns several units: a role counts when its scope covers any of them
(`actor_for_units`), the same rule as `supervisions_visible_to(write=True)`. Sektionschef and
kvalitetsstrateg write; the arbetsutskott reads only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from cases.actions import Action, Actor, action_require, actions_offered, actor_for_units, role
from cases.models import Role, Unit
from cases.supervision.models import Supervision, SupervisionMeasure

S = Supervision.Status
# Registering starts from nothing: the pseudo-status of a supervision not yet saved.
NEW = ""
OPEN = frozenset({S.ONGOING, S.RESPONSE_SENT})
writer = role(Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)


def has_decision(supervision: Supervision) -> bool:
    return supervision.decisions.exists()


def has_planned_measure(supervision: Supervision) -> bool:
    return supervision.measures.filter(status=SupervisionMeasure.Status.PLANNED).exists()


SUPERVISION_ACTIONS: tuple[Action, ...] = (
    Action(
        name="register",
        label=_("Nytt tillsynsärende"),
        sources=frozenset({NEW}),
        target=S.ONGOING,
        who=writer,
        url_name="supervision:create",
    ),
    # The response needs the decision it answers; before that, registering it is the next step.
    Action(
        name="response_sent",
        label=_("Registrera att yttrandet har skickats"),
        sources=frozenset({S.ONGOING}),
        target=S.RESPONSE_SENT,
        who=writer,
        primary_in=frozenset({S.ONGOING}),
        url_name="supervision:response_sent",
        when=has_decision,
        meta={"button": _("Registrera yttrande")},
    ),
    Action(
        name="decision_add",
        label=_("Registrera beslut"),
        sources=OPEN,
        who=writer,
        primary_in=frozenset({S.ONGOING}),
        url_name="supervision:decision_add",
        meta={"button": _("Spara beslut")},
    ),
    Action(
        name="close",
        label=_("Avsluta tillsynsärendet"),
        sources=OPEN,
        target=S.CLOSED,
        who=writer,
        primary_in=frozenset({S.RESPONSE_SENT}),
        url_name="supervision:close",
        when=has_decision,
        meta={
            "button": _("Avsluta tillsynsärendet"),
            "help": _(
                "Registrera när myndigheten har avslutat sitt ärende. Därefter kan "
                "ärendet inte ändras."
            ),
        },
    ),
    Action(
        name="supplement",
        label=_("Myndigheten har begärt komplettering"),
        sources=frozenset({S.RESPONSE_SENT}),
        target=S.ONGOING,
        who=writer,
        url_name="supervision:supplement",
        meta={"button": _("Återuppta ärendet")},
    ),
    Action(
        name="measure_add",
        label=_("Lägg till åtgärd"),
        sources=OPEN,
        who=writer,
        url_name="supervision:measure_add",
        section="atgarder",
        meta={"button": _("Spara åtgärd")},
    ),
    Action(
        name="measure_complete",
        label=_("Markera som genomförd"),
        sources=OPEN,
        who=writer,
        url_name="supervision:measure_complete",
        section="atgarder",
        when=has_planned_measure,
        meta={"button": _("Markera som genomförd")},
    ),
    Action(
        name="edit",
        label=_("Ändra uppgifter"),
        sources=OPEN,
        who=writer,
        url_name="supervision:edit",
    ),
)


def supervision_actor(
    user, supervision: Supervision | None = None, units: Iterable[Unit] | None = None
) -> Actor:
    """The actor on a supervision (or, when registering, on the units chosen for it). Paths
    come from the database: a tree change may have moved an in-memory unit's path."""
    if units is not None:
        paths = Unit.objects.filter(pk__in=[u.pk for u in units]).values_list("path", flat=True)
    elif supervision is not None:
        paths = supervision.units.values_list("path", flat=True)
    else:
        paths = []
    return actor_for_units(user, list(paths))


def supervision_action_require(
    supervision: Supervision | None, name: str, user, *, units: Iterable[Unit] | None = None
) -> Action:
    """The services' gate. Not allowed → ActionRefused (403); not from this status →
    TransitionNotAllowed with the status's label."""
    from cases.services.errors import ServiceError, TransitionNotAllowed

    status = supervision.status if supervision is not None else NEW
    actor = supervision_actor(user, supervision, units)
    try:
        return action_require(
            SUPERVISION_ACTIONS, name, status=status, actor=actor, obj=supervision
        )
    except TransitionNotAllowed:
        action = next(a for a in SUPERVISION_ACTIONS if a.name == name)
        if status == S.CLOSED and action.target is None:
            raise ServiceError(_("Tillsynsärendet är avslutat och kan inte ändras.")) from None
        raise TransitionNotAllowed(
            str(S(status).label) if status else status, str(action.label)
        ) from None


def supervision_actions_offered(supervision: Supervision, user) -> list[Action]:
    return actions_offered(
        SUPERVISION_ACTIONS, supervision.status, supervision_actor(user, supervision), supervision
    )
