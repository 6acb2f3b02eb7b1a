"""Workflow registry: each case type declares its Status and ALLOWED_TRANSITIONS table.

The table lives beside the type's models; the core transition service (services/transitions.py)
is the only code that assigns `Case.status`.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Workflow:
    kind: str
    statuses: type[models.TextChoices]
    allowed: dict[str, set[str]]
    initial: str
    closed: frozenset[str]
    # status → deadline step that applies while the case is in that status
    deadline_steps: dict[str, str] = field(default_factory=dict)

    def label(self, status: str) -> str:
        try:
            return str(self.statuses(status).label)
        except ValueError:
            return status

    def can(self, from_status: str, to_status: str) -> bool:
        return to_status in self.allowed.get(from_status, set())


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _REGISTRY[workflow.kind] = workflow
    return workflow


def workflow_for(kind: str) -> Workflow:
    if kind not in _REGISTRY:
        # Import the case-type apps lazily so their tables register themselves.
        import deviations.workflow  # noqa: F401
        import lexsarah.workflow  # noqa: F401
    return _REGISTRY[kind]


def all_workflows() -> list[Workflow]:
    workflow_for("complaint")
    return list(_REGISTRY.values())


# --- Klagomål och synpunkter (DESIGN §3.1) -------------------------------------------------


class ComplaintStatus(models.TextChoices):
    RECEIVED = "inkommen", _("Inkommen")
    INVESTIGATING = "under_utredning", _("Under utredning")
    ANSWERED = "besvarad", _("Besvarad")
    CLOSED = "avslutad", _("Avslutad")


COMPLAINT_TRANSITIONS: dict[str, set[str]] = {
    ComplaintStatus.RECEIVED: {ComplaintStatus.INVESTIGATING, ComplaintStatus.CLOSED},
    ComplaintStatus.INVESTIGATING: {ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED},
    ComplaintStatus.ANSWERED: {ComplaintStatus.CLOSED, ComplaintStatus.INVESTIGATING},
    ComplaintStatus.CLOSED: set(),
}

COMPLAINT_WORKFLOW = register(
    Workflow(
        kind="complaint",
        statuses=ComplaintStatus,
        allowed=COMPLAINT_TRANSITIONS,
        initial=ComplaintStatus.RECEIVED,
        closed=frozenset({ComplaintStatus.CLOSED}),
        deadline_steps={
            ComplaintStatus.RECEIVED: "acknowledge",
            ComplaintStatus.INVESTIGATING: "answer",
        },
    )
)
