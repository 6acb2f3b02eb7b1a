"""What a user may do on a kvalitetsavvikelse, from which status, and who (cases/actions.py).

The case page offers exactly these (the expected next step first, its form open) and every
service in deviations/services.py starts by asking the same table, so a bulk action in the
inbox, an import or an API call cannot do what the page would not offer.

Who: a handler of the case, i.e. a sektionschef over its unit or someone with an explicit
handle grant (the assignee gets one) — the people the views checked with `require_handle`.
"""

from django.utils.translation import gettext_lazy as _

from cases.actions import Action, case_part_actions

from .workflow import DeviationStatus as S

OPEN = frozenset({S.REPORTED, S.RECEIVED, S.INVESTIGATING})

ACTIONS: tuple[Action, ...] = (
    Action(
        "receive",
        _("Ta emot"),
        frozenset({S.REPORTED}),
        target=S.RECEIVED,
        primary_in=frozenset({S.REPORTED}),
        url_name="deviations:receive",
        inline=True,
        meta={"button": _("Ta emot avvikelsen")},
    ),
    Action(
        "investigate",
        _("Påbörja utredning"),
        frozenset({S.RECEIVED}),
        target=S.INVESTIGATING,
        primary_in=frozenset({S.RECEIVED}),
        url_name="deviations:investigate",
        inline=True,
    ),
    Action(
        "close",
        _("Avsluta avvikelsen"),
        OPEN,
        target=S.CLOSED,
        primary_in=frozenset({S.INVESTIGATING}),
        url_name="deviations:close",
        meta={"button": _("Avsluta")},
    ),
    Action(
        "assign",
        _("Tilldela handläggare"),
        OPEN,
        url_name="deviations:assign",
        meta={"button": _("Tilldela")},
    ),
    Action(
        "classify",
        _("Klassificering"),
        OPEN,
        url_name="deviations:classify",
        meta={"button": _("Spara klassificering"), "template": "deviations/classify_form.html"},
    ),
    Action(
        "measure",
        _("Lägg till åtgärd"),
        OPEN,
        url_name="deviations:measure",
        section="atgarder",
        meta={"button": _("Spara åtgärd")},
    ),
    Action(
        "reclassify",
        _("Omklassificera"),
        OPEN,
        target=S.CLOSED,
        url_name="deviations:reclassify",
        meta={
            "help": _(
                "Om händelsen inte är en kvalitetsavvikelse: lex Sarah, vårdskada "
                "eller arbetsmiljö. Avvikelsen avslutas och historiken finns kvar."
            )
        },
    ),
    *case_part_actions(OPEN),
)
