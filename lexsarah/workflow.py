"""Lex Sarah report statuses and their transition table (DESIGN §3.3).

Rules beyond the table live in the services: closing needs an assessment, a finding needs AU
treatment, and the two "allvarligt" outcomes need a sent IVO notification.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.workflow import Workflow

from .models import Assessment


class LexSarahStatus(models.TextChoices):
    REPORTED = "rapporterad", _("Rapporterad")
    RECEIVED = "mottagen", _("Mottagen, omedelbara åtgärder")
    INVESTIGATING = "utredning", _("Utredning pågår")
    ASSESSED = "bedomd", _("Bedömd")
    AU = "au", _("Behandlas av arbetsutskottet")
    IVO = "ivo", _("Anmäld till IVO")
    CLOSED = "avslutad", _("Avslutad")


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    # → IVO before the investigation is finished is the chair's urgent path.
    LexSarahStatus.REPORTED: {LexSarahStatus.RECEIVED, LexSarahStatus.IVO},
    LexSarahStatus.RECEIVED: {LexSarahStatus.INVESTIGATING, LexSarahStatus.IVO},
    LexSarahStatus.INVESTIGATING: {LexSarahStatus.ASSESSED, LexSarahStatus.IVO},
    # After the assessment, only the AU decides on IVO; "inget missförhållande" may close.
    LexSarahStatus.ASSESSED: {LexSarahStatus.AU, LexSarahStatus.CLOSED},
    # The AU may send the investigation back when the measures are not enough.
    LexSarahStatus.AU: {LexSarahStatus.IVO, LexSarahStatus.CLOSED, LexSarahStatus.INVESTIGATING},
    LexSarahStatus.IVO: {
        LexSarahStatus.INVESTIGATING,
        LexSarahStatus.ASSESSED,
        LexSarahStatus.AU,
        LexSarahStatus.CLOSED,
    },
    LexSarahStatus.CLOSED: set(),
}

# Before the investigation is finished: the statuses the urgent IVO path starts from.
URGENT_IVO_FROM = frozenset(
    {LexSarahStatus.REPORTED, LexSarahStatus.RECEIVED, LexSarahStatus.INVESTIGATING}
)

WORKFLOW = Workflow(  # registered with the CaseType in apps.py
    kind="lexsarah",
    statuses=LexSarahStatus,
    allowed=ALLOWED_TRANSITIONS,
    initial=LexSarahStatus.REPORTED,
    closed=frozenset({LexSarahStatus.CLOSED}),
    # The IVO step (7 days) counts from the decision, not from receipt: services/ivo.py.
    deadline_steps={
        LexSarahStatus.REPORTED: "immediate_measures",
        LexSarahStatus.RECEIVED: "investigation_start",
    },
    # Closing stores the report's assessment as the case outcome.
    outcomes=Assessment,
)

# Where a report may go next outside the transition table's own steps; read by the services
# and by the selectors that list candidates (kept here so selectors never import services).
# A report goes on the AU agenda once assessed (also after an urgent IVO notification).
AGENDA_FROM = (LexSarahStatus.ASSESSED,)
# A report joins an investigation from these statuses (IVO: after the chair's urgent path).
INVESTIGATION_START_FROM = (LexSarahStatus.RECEIVED, LexSarahStatus.IVO)
