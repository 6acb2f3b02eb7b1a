"""Workflow registry: each case type declares its Status and ALLOWED_TRANSITIONS table.

The table lives beside the type's models; the core transition service (services/transitions.py)
is the only code that assigns `Case.status`.
"""

from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Workflow:
    kind: str
    statuses: type[models.TextChoices]
    allowed: dict[str, set[str]]
    initial: str
    closed: frozenset[str]
    # status → deadline step that applies while the case is in that status
    deadline_steps: dict[str, str] = field(default_factory=dict)
    # The codes the closing services store in `Case.outcome`, with their labels.
    outcomes: type[models.TextChoices] | None = None

    def label(self, status: str) -> str:
        try:
            return str(self.statuses(status).label)
        except ValueError:
            return status

    def outcome_label(self, outcome: str) -> str:
        if self.outcomes is not None and outcome in self.outcomes.values:
            return str(self.outcomes(outcome).label)
        return outcome

    def can(self, from_status: str, to_status: str) -> bool:
        return to_status in self.allowed.get(from_status, set())


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _REGISTRY[workflow.kind] = workflow
    return workflow


def workflow_for(kind: str) -> Workflow:
    # Each case-type app registers its table from AppConfig.ready(), before any request.
    return _REGISTRY[kind]


def all_workflows() -> list[Workflow]:
    return list(_REGISTRY.values())
