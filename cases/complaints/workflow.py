"""Complaint statuses and their transition table (DESIGN §3.1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.workflow import Workflow


class ComplaintStatus(models.TextChoices):
    RECEIVED = "inkommen", _("Inkommen")
    INVESTIGATING = "under_utredning", _("Under utredning")
    ANSWERED = "besvarad", _("Besvarad")
    CLOSED = "avslutad", _("Avslutad")


class ComplaintOutcome(models.TextChoices):
    """`Case.outcome` values, set by complaint_close from "avvikelse konstaterad"."""

    DEVIATION = "avvikelse", _("Avvikelse konstaterad")
    NO_DEVIATION = "ingen_avvikelse", _("Ingen avvikelse konstaterad")


COMPLAINT_TRANSITIONS: dict[str, set[str]] = {
    ComplaintStatus.RECEIVED: {ComplaintStatus.INVESTIGATING, ComplaintStatus.CLOSED},
    ComplaintStatus.INVESTIGATING: {ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED},
    ComplaintStatus.ANSWERED: {ComplaintStatus.CLOSED, ComplaintStatus.INVESTIGATING},
    ComplaintStatus.CLOSED: set(),
}

COMPLAINT_WORKFLOW = Workflow(  # registered with the CaseType in apps.py
    kind="complaint",
    statuses=ComplaintStatus,
    allowed=COMPLAINT_TRANSITIONS,
    initial=ComplaintStatus.RECEIVED,
    closed=frozenset({ComplaintStatus.CLOSED}),
    deadline_steps={
        ComplaintStatus.RECEIVED: "acknowledge",
        ComplaintStatus.INVESTIGATING: "answer",
    },
    outcomes=ComplaintOutcome,
)
