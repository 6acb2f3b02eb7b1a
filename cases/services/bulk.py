"""Bulk actions of the inbox: receive or assign many cases at once (issue #4 point 4).

Each case goes through its own type's registered service (`cases.registry.CaseType`), in its
own transaction: one refused case neither blocks nor rolls back the others, and every case
gets the same history row and side effects as when handled one by one. The service refuses
what the single action would refuse (it asks the same action table), so the inbox cannot do
more than the case page.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases.actions import ActionRefused
from cases.models import Case, CaseKind
from cases.registry import case_type_or_none
from cases.selectors import cases_handleable_by, cases_visible_to
from cases.types import User

from .errors import ServiceError

MAX_BULK = 200
NOT_YOURS = gettext_lazy("du får inte handlägga ärendet")


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    # (reference, reason) for cases the user may see but the service refused.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Ids the user may not handle or that do not exist: counted, never named.
    hidden: int = 0

    def summary(self, verb_done: str) -> str:
        parts = [verb_done % {"n": len(self.done)}]
        if self.skipped:
            reasons = "; ".join(f"{ref}: {why}" for ref, why in self.skipped)
            parts.append(
                ngettext(
                    "%(n)d ärende hoppades över (%(reasons)s).",
                    "%(n)d ärenden hoppades över (%(reasons)s).",
                    len(self.skipped),
                )
                % {"n": len(self.skipped), "reasons": reasons}
            )
        if self.hidden:
            parts.append(
                ngettext(
                    "%(n)d markerat ärende finns inte eller får inte handläggas av dig.",
                    "%(n)d markerade ärenden finns inte eller får inte handläggas av dig.",
                    self.hidden,
                )
                % {"n": self.hidden}
            )
        return " ".join(parts)


def _ids(case_ids: Iterable) -> list[int]:
    ids = []
    for raw in case_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            continue
    if len(set(ids)) > MAX_BULK:
        raise ServiceError(_("Högst %d ärenden åt gången.") % MAX_BULK)
    return sorted(set(ids))


def _run(
    *, case_ids: Iterable, actor: User, step: str, call: Callable[[Callable, Case], Case]
) -> BulkResult:
    """The service decides, case by case: it asks the type's action table exactly as the
    single action on the case page does (cases/actions.py), so the bulk path accepts the same
    cases. Only a type without a table of its own yet is held to the handle rule here."""
    ids = _ids(case_ids)
    result = BulkResult()
    visible = list(cases_visible_to(actor).filter(pk__in=ids).order_by("received_at", "id"))
    result.hidden = len(ids) - len(visible)
    handleable = set(
        cases_handleable_by(actor)
        .filter(pk__in=[c.pk for c in visible])
        .values_list("pk", flat=True)
    )
    for case in visible:
        ct = case_type_or_none(case.kind)
        service = getattr(ct, f"bulk_{step}", None) if ct is not None else None
        if service is None:
            result.skipped.append(
                (
                    case.reference,
                    _("%s kan inte hanteras härifrån ännu") % CaseKind(case.kind).label,
                )
            )
            continue
        gated = ct is not None and any(a.name == step for a in ct.actions)
        if not gated and case.pk not in handleable:
            result.skipped.append((case.reference, str(NOT_YOURS)))
            continue
        try:
            with transaction.atomic():
                call(service, case)
        except ActionRefused:
            result.skipped.append((case.reference, str(NOT_YOURS)))
        except ServiceError as exc:
            result.skipped.append((case.reference, str(exc).rstrip(".")))
        else:
            result.done.append(case.reference)
    return result


def cases_bulk_receive(*, case_ids: Iterable, actor: User) -> BulkResult:
    reason = _("Mottagen via inkorgen")
    return _run(
        case_ids=case_ids,
        actor=actor,
        step="receive",
        call=lambda service, case: service(case=case, actor=actor, reason=reason),
    )


def cases_bulk_assign(*, case_ids: Iterable, assignee: User, actor: User) -> BulkResult:
    reason = _("Tilldelad %s via inkorgen") % (assignee.get_full_name() or assignee.username)
    return _run(
        case_ids=case_ids,
        actor=actor,
        step="assign",
        call=lambda service, case: service(
            case=case, assignee=assignee, actor=actor, reason=reason
        ),
    )
