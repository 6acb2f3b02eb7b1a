"""Lex Sarah report statuses and their transition table (DESIGN §3.3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.workflow import Workflow, register


class LexSarahStatus(models.TextChoices):
    REPORTED = "rapporterad", _("Rapporterad")
    RECEIVED = "mottagen", _("Mottagen, omedelbara åtgärder")
    INVESTIGATING = "utredning", _("Utredning pågår")
    ASSESSED = "bedomd", _("Bedömd")
    AU = "au", _("Behandlas av arbetsutskottet")
    IVO = "ivo", _("Anmäld till IVO")
    CLOSED = "avslutad", _("Avslutad")


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    LexSarahStatus.REPORTED: {LexSarahStatus.RECEIVED, LexSarahStatus.IVO},
    LexSarahStatus.RECEIVED: {LexSarahStatus.INVESTIGATING, LexSarahStatus.IVO},
    LexSarahStatus.INVESTIGATING: {LexSarahStatus.ASSESSED, LexSarahStatus.IVO},
    LexSarahStatus.ASSESSED: {LexSarahStatus.AU, LexSarahStatus.CLOSED, LexSarahStatus.IVO},
    LexSarahStatus.AU: {LexSarahStatus.IVO, LexSarahStatus.CLOSED},
    LexSarahStatus.IVO: {LexSarahStatus.INVESTIGATING, LexSarahStatus.ASSESSED, LexSarahStatus.AU, LexSarahStatus.CLOSED},
    LexSarahStatus.CLOSED: set(),
}

WORKFLOW = register(
    Workflow(
        kind="lexsarah",
        statuses=LexSarahStatus,
        allowed=ALLOWED_TRANSITIONS,
        initial=LexSarahStatus.REPORTED,
        closed=frozenset({LexSarahStatus.CLOSED}),
        deadline_steps={
            LexSarahStatus.REPORTED: "immediate_measures",
            LexSarahStatus.RECEIVED: "investigation_start",
        },
    )
)
