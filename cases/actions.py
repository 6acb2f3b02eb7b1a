"""What a user may do on a case: one table per type, one function that both the page and the
services ask (DESIGN §8).

Each case type declares its `Action`s in its `CaseType`: the statuses an action starts from,
the status it leads to, who may perform it and whether it is the expected next step there. The
case page offers `actions_offered(...)`; every service starts with `action_require(...)`, so an
action the page does not offer is refused by the service too (bulk actions, imports and the API
cannot skip the rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.lookups import StartsWith
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from cases.models import Case, Membership, Role


@dataclass(frozen=True)
class Actor:
    """Who is acting on one object: the user, the roles whose unit scope covers the object,
    and whether the user may handle it (chef in scope, or an explicit handle grant)."""

    user: Any
    roles: frozenset[str] = frozenset()
    handles: bool = False
    is_assignee: bool = False

    @property
    def is_system(self) -> bool:
        return self.user is None


Rule = Callable[[Actor], bool]


def handler(actor: Actor) -> bool:
    return actor.handles


def role(*roles: str) -> Rule:
    def _rule(actor: Actor) -> bool:
        return bool(actor.roles & set(roles))

    _rule.__name__ = "role(" + ",".join(roles) + ")"
    return _rule


def assignee(actor: Actor) -> bool:
    return actor.is_assignee


def either(*rules: Rule) -> Rule:
    def _rule(actor: Actor) -> bool:
        return any(rule(actor) for rule in rules)

    return _rule


def both(*rules: Rule) -> Rule:
    """Every rule holds (e.g. a chef in scope who may also handle this case)."""

    def _rule(actor: Actor) -> bool:
        return all(rule(actor) for rule in rules)

    return _rule


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise  # gettext_lazy: translated when shown
    sources: frozenset[str]  # statuses the action may start from
    who: Rule = handler
    target: str | None = None  # the status after it; None: the status stays
    primary_in: frozenset[str] = frozenset()  # statuses where it is the expected next step
    url_name: str = ""  # the POST route that performs it (one view, one service)
    # The page shows the form inline instead of behind a button (short forms, e.g. receive).
    inline: bool = False
    # Where the case page shows the form and where the user lands after saving (its anchor):
    # "" is the handling box beside the facts; a section id ("atgarder", "anteckningar",
    # "bilagor") puts it in that section of the case page.
    section: str = ""
    # Extra condition on the object beyond status and role (e.g. "has an assessment"):
    # fn(obj) -> bool. The service still says why when it refuses.
    when: Callable[[Any], bool] | None = None
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def available(self, status: str, actor: Actor, obj: Any = None) -> bool:
        if status not in self.sources:
            return False
        if actor.is_system:
            return True
        if not self.who(actor):
            return False
        return self.when is None or obj is None or bool(self.when(obj))


def actor_for_case(
    user, case: Case, *, memberships: list | None = None, handles: bool | None = None
) -> Actor:
    """The actor on one case. Two small queries: memberships covering the case's unit, and the
    handle rule (same SQL as the inbox and the detail page use). A page that already read the
    user's memberships (`user_memberships`) and the handle rule (an annotation on the case)
    passes them and the actor costs no query."""
    if user is None:
        return Actor(user=None)
    if not getattr(user, "is_authenticated", False):
        return Actor(user=user)
    from cases.selectors.visibility import cases_handleable_by

    unit_path = case.unit.path if case.unit_id else ""
    if memberships is not None:
        from cases.selectors.visibility import roles_covering

        roles = roles_covering(memberships, unit_path)
    else:
        roles = frozenset(
            Membership.objects.active()
            .filter(user=user)
            .filter(StartsWith(_value(unit_path), F("unit__path")))
            .values_list("role", flat=True)
        )
    if handles is None:
        handles = cases_handleable_by(user).filter(pk=case.pk).exists()
    return Actor(
        user=user,
        roles=roles,
        handles=handles,
        is_assignee=case.assignee_id is not None and case.assignee_id == user.pk,
    )


def actor_for_units(user, unit_paths: list[str], handles_roles=(Role.SEKTIONSCHEF,)) -> Actor:
    """The actor on an object that concerns several units (a supervision): a role counts when
    its membership covers any of them."""
    if user is None:
        return Actor(user=None)
    if not getattr(user, "is_authenticated", False):
        return Actor(user=user)
    roles: set[str] = set()
    for membership in Membership.objects.active().filter(user=user).select_related("unit"):
        if any(path.startswith(membership.unit.path) for path in unit_paths):
            roles.add(membership.role)
    return Actor(user=user, roles=frozenset(roles), handles=bool(roles & set(handles_roles)))


def _value(text: str):
    from django.db.models import Value
    from django.db.models.fields import CharField

    return Value(text, output_field=CharField())


def actions_offered(actions, status: str, actor: Actor, obj: Any = None) -> list[Action]:
    """The actions to show, the expected next step first (then in declaration order)."""
    offered = [a for a in actions if a.available(status, actor, obj)]
    return sorted(offered, key=lambda a: 0 if status in a.primary_in else 1)


class ActionRefused(PermissionDenied):
    """The user may not do this here (a 403 in views). Status conflicts are
    TransitionNotAllowed instead, which says which step is missing."""


def action_require(
    actions, name: str, *, status: str, actor: Actor, obj: Any = None, workflow=None
) -> Action:
    """The services' gate: the same test `actions_offered` applies for the page. Not allowed
    for this user: ActionRefused (403). Not possible in this status: TransitionNotAllowed,
    whose Swedish message names the step (labels from `workflow` when given)."""
    for action in actions:
        if action.name == name:
            break
    else:
        raise KeyError(name)
    if actor.is_system:
        return action
    if not action.who(actor):
        raise ActionRefused(_("Du har inte behörighet att göra detta i ärendet."))
    if status not in action.sources:
        raise _not_now(action, status, workflow)
    return action


def _not_now(action: Action, status: str, workflow):
    from cases.services.errors import StepNotAllowed, TransitionNotAllowed

    label = workflow.label if workflow is not None else str
    if action.target and status == action.target:  # done meanwhile, by someone else
        return StepNotAllowed(_("Ärendet har redan status ”%s”.") % label(status))
    if action.target:
        return TransitionNotAllowed(label(status), label(action.target))
    if workflow is not None and status in workflow.closed:
        return StepNotAllowed(_("Ärendet är avslutat."))
    return StepNotAllowed(
        _("”%(step)s” går inte när ärendet har status ”%(status)s”.")
        % {"step": action.label, "status": label(status)}
    )


# --- The shared parts of every case page -------------------------------------------------------


def case_part_actions(statuses) -> tuple[Action, ...]:
    """Notes, attachments and measure status on the shared case page, for the statuses given
    (a type passes its open ones: a closed case shows no handling forms). Each type puts these
    in its own table; a type adds measures with its own "measure" action and service."""
    sources = frozenset(statuses)
    return (
        Action(
            "measure_status",
            _l("Ändra åtgärdens status"),
            sources,
            url_name="cases:measure_status",
            section="atgarder",
            meta={"button": _l("Ändra")},
        ),
        Action(
            "note",
            _l("Ny anteckning"),
            sources,
            url_name="cases:note_add",
            section="anteckningar",
            meta={"button": _l("Spara anteckning")},
        ),
        Action(
            "attachment",
            _l("Bifoga fil"),
            sources,
            url_name="cases:attachment_add",
            section="bilagor",
            meta={"button": _l("Ladda upp")},
        ),
    )


def default_actions(workflow) -> tuple[Action, ...]:
    """The table of a type that has not declared its own yet: the shared parts, a measure
    through the core service, for handlers while the case is open (as before the tables)."""
    open_statuses = [s for s in workflow.statuses.values if s not in workflow.closed]
    return (
        Action(
            "measure",
            _l("Lägg till åtgärd"),
            frozenset(open_statuses),
            url_name="cases:measure_add",
            section="atgarder",
            meta={"button": _l("Spara åtgärd")},
        ),
        *case_part_actions(open_statuses),
    )


def case_actions(ct) -> tuple[Action, ...]:
    """A case type's table (its declared one, or the default one)."""
    return tuple(ct.actions) or default_actions(ct.workflow)


def case_action_require(case: Case, name: str, actor_user) -> Action:
    """For case services: look the type up, build the actor, check."""
    from cases.registry import case_type

    ct = case_type(case.kind)
    return action_require(
        case_actions(ct),
        name,
        status=case.status,
        actor=actor_for_case(actor_user, case),
        obj=case,
        workflow=ct.workflow,
    )


def case_actions_offered(case: Case, user) -> list[Action]:
    from cases.registry import case_type

    ct = case_type(case.kind)
    return actions_offered(case_actions(ct), case.status, actor_for_case(user, case), case)


# --- Routing (fördelning, issue 18) ------------------------------------------------------------

ROUTE = "route"  # cases/registry.py ROUTE_ACTION
# Who routes: a registrator over the case's unit, or a sektionschef over it (the area's chef)
# who may handle it. A kvalitetsstrateg sees such cases but leaves routing to them.
ROUTER_ROLES = (Role.REGISTRATOR, Role.SEKTIONSCHEF)


def awaits_routing(case: Case) -> bool:
    """A case waits for routing while its unit has units below it: it came in above the
    sections (a resident chose a verksamhetsområde, or "Jag vet inte" put it on the
    förvaltning), where no section's chef sees it."""
    return case.unit.numchild > 0


def route_action(sources, primary_in=frozenset()) -> Action:
    """The "Fördela" step, for a type's own table: one core service and view
    (cases/services/routing.py), offered while the case waits for routing."""
    return Action(
        ROUTE,
        _l("Fördela till sektion"),
        frozenset(sources),
        who=either(role(Role.REGISTRATOR), both(role(Role.SEKTIONSCHEF), handler)),
        primary_in=frozenset(primary_in),
        url_name="cases:route",
        when=awaits_routing,
        meta={
            "button": _l("Fördela"),
            "help": _l(
                "Ärendet flyttas till sektionen, får nya tidsfrister och sektionens chef "
                "får ett e-postmeddelande."
            ),
        },
    )
