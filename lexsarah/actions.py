"""What a user may do on a lex Sarah report, from which status, and who (cases.actions).

`REPORT_ACTIONS` are the steps on the case page; they are the CaseType's table (apps.py), so the
page offers `case_actions_offered(case, user)` and every service behind them starts with
`case_action_require(case, name, actor)`. `PROCESS_ACTIONS` are the steps taken on the
investigation page and at the AU meeting: they change the status of every report they cover, so
their services check each report against this second table (`process_require`).

Who, as today:
- chef: a sektionschef whose scope covers the report's unit and who may handle it (receives,
  records immediate measures, names the investigator);
- handler: that chef, or anyone with a handle grant on the case (the named investigator);
- the arbetsutskott decides urgently on IVO (its chair) and at its meetings;
- the AU and the kvalitetsstrateg keep the IVO paperwork (sent, IVO's decision);
- closing and the IMY notification: a handler, the AU or the kvalitetsstrateg;
- notes, attachments and the shared measures: a handler while the report is open.

`when` narrows what the page shows; the services refuse the same cases with a Swedish reason.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.actions import (
    Action,
    action_require,
    actions_offered,
    actor_for_case,
    both,
    case_part_actions,
    either,
    handler,
    role,
)
from cases.models import Case, Role

from .workflow import URGENT_IVO_FROM, WORKFLOW
from .workflow import LexSarahStatus as S

chef = both(handler, role(Role.SEKTIONSCHEF))
ivo_staff = role(Role.ARBETSUTSKOTT, Role.KVALITETSSTRATEG)
au = role(Role.ARBETSUTSKOTT)

OPEN = frozenset(s for s in S.values if s != S.CLOSED)
# Before the assessment: the chef still acts on the report itself (measures, investigator).
# IVO belongs here only after the chair's urgent decision, before any assessment.
BEFORE_ASSESSMENT = frozenset({S.REPORTED, S.RECEIVED, S.INVESTIGATING, S.IVO})
# Where an IVO notification can exist while the case is open (urgent path or AU decision).
IVO_DECIDED = frozenset({S.INVESTIGATING, S.ASSESSED, S.AU, S.IVO})


# --- conditions on the report (the page's view; the services say why they refuse) --------------


def _report(case: Case):
    # Cached on the case instance with what the page shows of it: one query per page.
    from .selectors import report_for_case

    return report_for_case(case)


def _ivo(report):
    try:
        return report.ivo
    except type(report).ivo.RelatedObjectDoesNotExist:
        return None


def not_yet_assessed(case: Case) -> bool:
    """In IVO after the AU's decision, the report is assessed: nothing to investigate or name
    an investigator for any more. In IVO after the chair's urgent decision, it is not."""
    if case.status != S.IVO:
        return True
    report = _report(case)
    return report is not None and not report.assessment


def can_start_investigation(case: Case) -> bool:
    report = _report(case)
    return (
        report is not None
        and not_yet_assessed(case)
        and not report.investigations.filter(completed_at__isnull=True).exists()
    )


def ivo_not_decided(case: Case) -> bool:
    report = _report(case)
    return report is not None and _ivo(report) is None


def ivo_not_sent(case: Case) -> bool:
    report = _report(case)
    ivo = _ivo(report) if report is not None else None
    return ivo is not None and ivo.sent_on is None


def ivo_awaiting_decision(case: Case) -> bool:
    report = _report(case)
    ivo = _ivo(report) if report is not None else None
    return ivo is not None and ivo.sent_on is not None and not ivo.decision_outcome


def imy_due(case: Case) -> bool:
    report = _report(case)
    return report is not None and report.personal_data_breach and report.imy_reported_at is None


def closable(case: Case) -> bool:
    from .rules import close_blockers

    report = _report(case)
    return report is not None and not close_blockers(report)


REPORT_ACTIONS: tuple[Action, ...] = (
    Action(
        name="receive",
        label=_("Ta emot rapporten"),
        sources=frozenset({S.REPORTED}),
        target=S.RECEIVED,
        who=chef,
        primary_in=frozenset({S.REPORTED}),
        url_name="lexsarah:receive",
        inline=True,
        meta={"button": _("Ta emot rapporten")},
    ),
    Action(
        name="investigate",
        label=_("Starta utredning"),
        sources=frozenset({S.RECEIVED, S.IVO}),
        target=S.INVESTIGATING,
        who=handler,
        primary_in=frozenset({S.RECEIVED}),
        url_name="lexsarah:investigate",
        when=can_start_investigation,
        meta={"button": _("Starta utredning")},
    ),
    Action(
        name="ivo_sent",
        label=_("Anmälan skickad till IVO"),
        sources=IVO_DECIDED,
        who=ivo_staff,
        primary_in=frozenset({S.IVO}),
        url_name="lexsarah:ivo_sent",
        when=ivo_not_sent,
        meta={"button": _("Spara datum för anmälan")},
    ),
    Action(
        name="close",
        label=_("Avsluta ärendet"),
        sources=frozenset({S.ASSESSED, S.AU, S.IVO}),
        target=S.CLOSED,
        who=either(handler, ivo_staff),
        primary_in=frozenset({S.ASSESSED, S.AU, S.IVO}),
        url_name="lexsarah:close",
        when=closable,
        meta={"button": _("Avsluta ärendet")},
    ),
    Action(
        name="immediate",
        label=_("Registrera omedelbar åtgärd"),
        sources=BEFORE_ASSESSMENT,
        who=chef,
        url_name="lexsarah:measure",
        when=not_yet_assessed,
        meta={"button": _("Spara omedelbar åtgärd")},
    ),
    Action(
        name="assign",
        label=_("Utse lex Sarah-utredare"),
        sources=BEFORE_ASSESSMENT,
        who=chef,
        url_name="lexsarah:assign",
        when=not_yet_assessed,
        meta={"button": _("Utse utredare")},
    ),
    Action(
        name="urgent",
        label=_("Brådskande anmälan till IVO (ordförandebeslut)"),
        sources=URGENT_IVO_FROM,
        target=S.IVO,
        who=au,
        url_name="lexsarah:urgent",
        when=ivo_not_decided,
        meta={
            "button": _("Besluta om anmälan till IVO"),
            "help": _("Används när anmälan inte kan vänta på att utredningen blir klar."),
        },
    ),
    Action(
        name="imy",
        label=_("Anmälan till IMY"),
        sources=OPEN,
        who=either(handler, ivo_staff),
        url_name="lexsarah:imy",
        when=imy_due,
        meta={"button": _("Registrera anmälan till IMY")},
    ),
    # IVO's answer often comes months after the case was closed; it is recorded all the same,
    # so this is the one step a closed report still offers.
    Action(
        name="ivo_decision",
        label=_("IVO:s beslut"),
        sources=IVO_DECIDED | {S.CLOSED},
        who=ivo_staff,
        url_name="lexsarah:ivo_decision",
        when=ivo_awaiting_decision,
        meta={"button": _("Spara IVO:s beslut")},
    ),
    # The shared parts of the case page, for its handlers while the report is open.
    Action(
        name="measure",
        label=_("Lägg till åtgärd"),
        sources=OPEN,
        url_name="cases:measure_add",
        section="atgarder",
        meta={"button": _("Spara åtgärd")},
    ),
    *case_part_actions(OPEN),
)


# Steps on the investigation page and at the AU meeting, checked for each report they cover.
PROCESS_ACTIONS: tuple[Action, ...] = (
    Action(
        name="assess",
        label=_("Spara bedömning"),
        sources=frozenset({S.INVESTIGATING, S.IVO}),
        target=S.ASSESSED,
        who=handler,
        url_name="lexsarah:inv_assess",
    ),
    # Once the AU has the report, only the AU sends the investigation back (its decision).
    Action(
        name="reopen",
        label=_("Öppna utredningen igen"),
        sources=frozenset({S.ASSESSED}),
        target=S.INVESTIGATING,
        who=handler,
        url_name="lexsarah:inv_reopen",
    ),
    Action(
        name="au_agenda",
        label=_("Lägg till på dagordningen"),
        sources=frozenset({S.ASSESSED}),
        target=S.AU,
        who=au,
        url_name="lexsarah:agenda_add",
    ),
    Action(
        name="au_decide",
        label=_("Arbetsutskottets beslut"),
        sources=frozenset({S.AU}),
        who=au,
        url_name="lexsarah:agenda_decide",
    ),
)


def process_require(case: Case, name: str, user) -> Action:
    """The gate for PROCESS_ACTIONS on one report (ActionRefused → 403, or the status
    refusal, TransitionNotAllowed)."""
    return action_require(
        PROCESS_ACTIONS,
        name,
        status=case.status,
        actor=actor_for_case(user, case),
        obj=case,
        workflow=WORKFLOW,
    )


def process_allowed(cases, name: str, user) -> bool:
    """For the investigation and AU pages: may the user take this step for every report?"""
    cases = list(cases)
    return bool(cases) and all(
        actions_offered(
            [a for a in PROCESS_ACTIONS if a.name == name],
            case.status,
            actor_for_case(user, case),
            case,
        )
        for case in cases
    )
