"""Lex Sarah in figures: reports received, investigations with a finding handled by the AU,
decisions to notify IVO and IVO's decisions — each with its own date rule."""

from django.db.models import Count, DateField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cases.models import CaseKind
from lexsarah.models import FINDING_ASSESSMENTS, AgendaItem, Assessment, IvoOutcome
from reports.editions.models import Period
from reports.editions.periods import datetime_range

from .base import (
    EJ_ANGIVET,
    BlockScope,
    add_figure,
    add_table,
    au_in,
    fmt,
    new_result,
    year_label,
)
from .cases import DEFAULT_GROUP_KIND, comparison_sentence, trend_years, type_counts


def au_date():
    """The AU date as a row annotation (per-row subquery: for a few rows, not for counting).
    Historic imports carry the AU date on the report; live cases take the first meeting
    whose agenda held an investigation covering the report."""
    first_meeting = (
        AgendaItem.objects.filter(investigation__reports=OuterRef("pk"))
        .order_by("meeting__held_on")
        .values("meeting__held_on")[:1]
    )
    return Coalesce("lexsarah__au_date", Subquery(first_meeting, output_field=DateField()))


def _date_in(field: str, period, datetime_field: bool = False) -> Q:
    if datetime_field:
        start, end = datetime_range(period)
    else:
        start, end = period.start, period.end
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def block_lexsarah(scope: BlockScope, params: dict) -> dict:
    period, prev = scope.period_for(scope.year), scope.period_for(scope.year - 1)
    y, py = year_label(period), year_label(prev)
    result = new_result("lexsarah", _("Lex Sarah i siffror"), "received", period)
    # Each figure is selected by its own date: the block says so for every one of them.
    result["rule_text"] = _(
        "Urval: inkomna rapporter räknat på inkomstdatum; AU-behandlade räknat på datum för "
        "arbetsutskottets behandling; beslut om anmälan till IVO räknat på beslutsdatum; "
        "beslut från IVO räknat på IVO:s beslutsdatum; %(period)s."
    ) % {"period": result["period_label"]}
    reports = scope.counted_cases.filter(kind=CaseKind.LEXSARAH)
    # The received counts come from the query the count and trend blocks share.
    by_group = type_counts(
        scope, {"kind": "lexsarah"}, "received", trend_years(scope, 5), DEFAULT_GROUP_KIND
    )
    received = {
        y: sum(by_year.get(y, 0) for by_year in by_group.values())
        for y in (scope.year - 1, scope.year)
    }
    result["sentences"].append(
        comparison_sentence(
            {"kind": "lexsarah"},
            "received",
            received.get(scope.year, 0),
            received.get(scope.year - 1, 0),
            y,
            py,
        )
    )

    au_years = [scope.year - i for i in range(3)]
    au_span = Period(scope.period_for(au_years[-1]).start, scope.period_for(scope.year).end)
    au_counts = reports.filter(au_in(au_span)).aggregate(
        **{f"y{yr}": Count("pk", filter=au_in(scope.period_for(yr))) for yr in au_years}
    )
    au_now = au_counts[f"y{scope.year}"]
    earlier = ", ".join(
        f"{year_label(scope.period_for(yr))}: {fmt(au_counts[f'y{yr}'])}" for yr in au_years[1:]
    )
    result["sentences"].append(
        f"Arbetsutskottet har behandlat {fmt(au_now)} lex Sarah-rapporter {y} ({earlier}) där "
        "utredningen har bedömt att ett missförhållande eller en påtaglig risk för "
        "missförhållande har förelegat."
    )

    notified = reports.filter(_date_in("lexsarah__ivo__decided_at", period, True)).count()
    result["sentences"].append(
        f"Beslut om anmälan till IVO har fattats för {fmt(notified)} rapporter {y}."
    )
    _assessment_table(result, reports.filter(au_in(period)))
    decided = _ivo_table(result, reports, period)
    for label, value in (
        (f"Inkomna lex Sarah-rapporter {y}", received.get(scope.year, 0)),
        (f"Inkomna lex Sarah-rapporter {py}", received.get(scope.year - 1, 0)),
        *(
            (
                f"AU-behandlade med konstaterat missförhållande eller risk "
                f"{year_label(scope.period_for(yr))}",
                au_counts[f"y{yr}"],
            )
            for yr in au_years
        ),
        (f"Beslut om anmälan till IVO {y}", notified),
        (f"IVO-beslut {y}", decided),
    ):
        add_figure(result, label, value)
    add_table(
        result,
        key="lexsarah_overview",
        caption=_("Lex Sarah %(y)s, nyckeltal") % {"y": y},
        headers=[_("Nyckeltal"), _("Räknat på"), _("Antal")],
        total=False,
        rows=[
            [_("Inkomna rapporter"), _("inkomstdatum"), received.get(scope.year, 0)],
            [
                _("AU-behandlade med konstaterat missförhållande eller risk"),
                _("datum för AU"),
                au_now,
            ],
            [_("Beslut om anmälan till IVO"), _("beslutsdatum"), notified],
            [_("Beslut från IVO"), _("IVO:s beslutsdatum"), decided],
        ],
    )
    return result


def _assessment_table(result: dict, handled) -> None:
    counts = {
        r["lexsarah__assessment"]: r["n"]
        for r in handled.order_by().values("lexsarah__assessment").annotate(n=Count("pk"))
    }
    rows = [
        [str(label), counts.get(value, 0)]
        for value, label in Assessment.choices
        if value in FINDING_ASSESSMENTS
    ]
    add_table(
        result,
        key="lexsarah_assessment",
        caption=_("AU-behandlade lex Sarah-rapporter per bedömning"),
        headers=[_("Bedömning"), _("Antal")],
        rows=rows,
    )


def _ivo_table(result: dict, reports, period) -> int:
    decisions = reports.filter(_date_in("lexsarah__ivo__decision_date", period))
    counts = {
        r["lexsarah__ivo__decision_outcome"]: r["n"]
        for r in decisions.order_by()
        .values("lexsarah__ivo__decision_outcome")
        .annotate(n=Count("pk"))
    }
    rows = [[str(label), counts.get(value, 0)] for value, label in IvoOutcome.choices]
    if counts.get(""):
        rows.append([EJ_ANGIVET, counts[""]])
    add_table(
        result,
        key="ivo_decisions",
        caption=_("Beslut från IVO om lex Sarah-anmälningar"),
        headers=[_("IVO:s beslut"), _("Antal")],
        rows=rows,
    )
    return sum(r[1] for r in rows)
