"""Deviation statuses and their transition table (DESIGN §3.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.workflow import Workflow


class DeviationStatus(models.TextChoices):
    REPORTED = "rapporterad", _("Rapporterad")
    RECEIVED = "mottagen", _("Mottagen")
    INVESTIGATING = "utredning", _("Utredning pågår")
    CLOSED = "avslutad", _("Avslutad")


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    DeviationStatus.REPORTED: {DeviationStatus.RECEIVED, DeviationStatus.CLOSED},
    DeviationStatus.RECEIVED: {DeviationStatus.INVESTIGATING, DeviationStatus.CLOSED},
    DeviationStatus.INVESTIGATING: {DeviationStatus.CLOSED},
    DeviationStatus.CLOSED: set(),
}


class DeviationOutcome(models.TextChoices):
    """`Case.outcome` values, set by the closing service (DESIGN §3.2)."""

    WITH_MEASURES = "med_atgard", _("Avslutad med åtgärd")
    WITHOUT_MEASURES = "utan_atgard", _("Avslutad utan åtgärd")
    NOT_A_DEVIATION = "ej_forelegat", _("Avvikelse har inte förelegat")
    RECLASSIFIED = "omklassificerad", _("Omklassificerad")


WORKFLOW = Workflow(  # registered with the CaseType in apps.py
    kind="deviation",
    statuses=DeviationStatus,
    allowed=ALLOWED_TRANSITIONS,
    initial=DeviationStatus.REPORTED,
    closed=frozenset({DeviationStatus.CLOSED}),
    deadline_steps={
        DeviationStatus.REPORTED: "receive",
        DeviationStatus.RECEIVED: "close",
        DeviationStatus.INVESTIGATING: "close",
    },
    outcomes=DeviationOutcome,
)


# Outcomes a handler picks when closing; "omklassificerad" only comes from deviation_reclassify.
CLOSING_OUTCOMES = (
    DeviationOutcome.WITH_MEASURES,
    DeviationOutcome.WITHOUT_MEASURES,
    DeviationOutcome.NOT_A_DEVIATION,
)
