"""What a user may do on a klagomål eller synpunkt, from which status, and who
(cases/actions.py).

The case page offers exactly these (the expected next step first, its form open) and every
service in cases/complaints/services.py starts by asking the same table, so a bulk action in
the inbox, an import or an API call cannot do what the page would not offer.

Who: a handler of the case, i.e. a sektionschef over its unit or someone with an explicit
handle grant (the assignee gets one) — the people the views checked with `require_handle`.
"""

from django.utils.translation import gettext_lazy as _

from cases.actions import Action, case_part_actions, route_action
from cases.complaints.workflow import ComplaintStatus as S

OPEN = frozenset({S.RECEIVED, S.INVESTIGATING, S.ANSWERED})

ACTIONS: tuple[Action, ...] = (
    # A resident's complaint lands on the verksamhetsområde they chose (or the förvaltning):
    # a registrator or the area's chef routes it to a section first (issue 18).
    route_action(OPEN, primary_in={S.RECEIVED}),
    Action(
        "receive",
        _("Ta emot"),
        frozenset({S.RECEIVED}),
        target=S.INVESTIGATING,
        primary_in=frozenset({S.RECEIVED}),
        url_name="complaints:receive",
        inline=True,
        meta={
            "button": _("Ta emot ärendet"),
            "help": _(
                "Ärendet får status ”Under utredning”. Finns en e-postadress får "
                "avsändaren en mottagningsbekräftelse."
            ),
        },
    ),
    Action(
        "reply",
        _("Återkoppling"),
        frozenset({S.INVESTIGATING}),
        target=S.ANSWERED,
        primary_in=frozenset({S.INVESTIGATING}),
        url_name="complaints:reply",
        meta={"button": _("Spara och svara")},
    ),
    Action(
        "close",
        _("Avsluta ärendet"),
        OPEN,
        target=S.CLOSED,
        primary_in=frozenset({S.ANSWERED}),
        url_name="complaints:close",
        meta={"button": _("Avsluta")},
    ),
    Action(
        "resume",
        _("Återuppta utredningen"),
        frozenset({S.ANSWERED}),
        target=S.INVESTIGATING,
        url_name="complaints:resume",
        meta={"button": _("Återuppta")},
    ),
    Action(
        "assign",
        _("Tilldela handläggare"),
        OPEN,
        url_name="complaints:assign",
        meta={"button": _("Tilldela")},
    ),
    Action(
        "assess",
        _("Bedömning"),
        OPEN,
        url_name="complaints:assess",
        meta={"button": _("Spara bedömning")},
    ),
    Action(
        "measure",
        _("Lägg till åtgärd"),
        OPEN,
        url_name="complaints:measure",
        section="atgarder",
        meta={"button": _("Spara åtgärd")},
    ),
    Action(
        "escalate",
        _("Skapa avvikelse eller lex Sarah-rapport"),
        OPEN,
        url_name="complaints:escalate",
        meta={"button": _("Skapa kopplat ärende")},
    ),
    *case_part_actions(OPEN),
)
