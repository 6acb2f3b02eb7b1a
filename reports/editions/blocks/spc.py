"""Signals instead of two-point comparisons (issue 17 point 4, NHS England's *Making Data
Count*): per verksamhetsområde and case type, the cases received per month over the last
24 complete months, read with Anhøj's run-chart rules and a c-chart (reports/spc.py).

One grouped query per block (month × unit-path prefix × kind); Python only reads the few
hundred counts. Unit data has no denominator (number of brukare), so there is no u-chart:
the block says so in a note."""

from datetime import date
from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from treebeard.mp_tree import MP_Node

from cases.models import CaseKind
from reports import spc
from reports.editions.models import Period
from reports.editions.periods import MONTHS, datetime_range

from .base import BlockScope, add_table, fmt, group_depth, new_result, unit_labels
from .spc_chart import spc_svg

# The noun of a sentence, per case type; order as on the statistics page.
NOUNS = {
    CaseKind.COMPLAINT: "klagomål och synpunkter",
    CaseKind.DEVIATION: "kvalitetsavvikelser",
    CaseKind.LEXSARAH: "lex Sarah-rapporter",
}
KIND_LABELS = {
    CaseKind.COMPLAINT: "Klagomål och synpunkter",
    CaseKind.DEVIATION: "Kvalitetsavvikelser",
    CaseKind.LEXSARAH: "Lex Sarah",
}


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def window(period_end_day: date, months: int) -> list[date]:
    """The `months` complete months ending with the period's last month — or with last month
    when the period runs on past today (a partial month would read as a fall)."""
    last = period_end_day.replace(day=1)
    this_month = timezone.localdate().replace(day=1)
    if last >= this_month:
        last = add_months(this_month, -1)
    return [add_months(last, -k) for k in range(months - 1, -1, -1)]


def monthly_counts(cases, months: list[date], group_len: int) -> dict[tuple[str, str], list[int]]:
    """(unit-path prefix, kind) → cases received per month: one GROUP BY query, the month in
    local time (received 31 January 23:30 counts in January)."""
    start, end = datetime_range(Period(months[0], add_months(months[-1], 1)))
    rows = (
        cases.filter(received_at__gte=start, received_at__lt=end)
        .annotate(month=TruncMonth("received_at"), group=Substr("unit__path", 1, group_len))
        .order_by()
        .values("month", "group", "kind")
        .annotate(n=Count("pk"))
    )
    index = {m: i for i, m in enumerate(months)}
    series: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        month = r["month"].date() if hasattr(r["month"], "date") else r["month"]
        series.setdefault((r["group"], r["kind"]), [0] * len(months))[index[month]] = r["n"]
    return series


def signal_sentence(noun: str, where: str, sig: spc.Signal, months: list[date], values) -> str:
    """The sentence a reader of the kvalitetsberättelse gets for one signal."""
    subject = f"Antalet {noun} inom {where}"
    first, last = months[sig.start], months[sig.end]
    if sig.kind == "run":
        side = "över" if sig.direction > 0 else "under"
        if sig.ongoing:
            trend = "ökat" if sig.direction > 0 else "minskat"
            return (
                f"{subject} har {trend}: {sig.length} månader i följd {side} medianen "
                f"sedan {month_label(first)}."
            )
        return (
            f"{subject} låg {sig.length} månader i följd {side} medianen, "
            f"{month_label(first)}–{month_label(last)}."
        )
    if sig.kind == "crossings":
        return (
            f"{subject} har korsat medianen ovanligt få gånger under "
            f"{month_label(first)}–{month_label(last)}, vilket tyder på en bestående förändring."
        )
    level = "ovanligt högt" if sig.direction > 0 else "ovanligt lågt"
    limit = "över den övre styrgränsen" if sig.direction > 0 else "under den nedre styrgränsen"
    return f"{subject} var {level} i {month_label(first)}: {fmt(values[sig.start])}, {limit}."


def series_signals(scope: BlockScope, params: dict) -> dict[str, Any]:
    """The analysis without presentation, shared by the block, the statistics page and the
    unit analysis: every (group, kind) series with its signals and sentences."""
    months = window(scope.period_for(scope.year).last_day, int(params.get("months", 24)))
    depth = group_depth(scope, params.get("group_kind", "verksamhetsomrade"))
    cases = scope.subtree_cases
    kinds = [params["kind"]] if params.get("kind") in NOUNS else list(NOUNS)
    cases = cases.filter(kind__in=kinds)
    counts = monthly_counts(cases, months, MP_Node.steplen * depth)
    labels = unit_labels(scope)
    series = []
    for (group, kind), values in counts.items():
        where = labels.get(group, _("Okänd enhet"))
        found = spc.signals([float(v) for v in values])
        series.append(
            {
                "group": where,
                "kind": kind,
                "kind_label": KIND_LABELS[CaseKind(kind)],
                "values": values,
                "signals": found,
                "sentences": [
                    signal_sentence(NOUNS[CaseKind(kind)], where, s, months, values) for s in found
                ],
            }
        )
    order = [str(k) for k in NOUNS]
    series.sort(key=lambda s: (str(s["group"]), order.index(str(s["kind"]))))
    return {"months": months, "series": series}


SIGNAL_NAMES = {
    "run": "Lång serie",
    "crossings": "Få korsningar av medianen",
    "outside": "Utanför styrgränserna",
}


def block_spc(scope: BlockScope, params: dict) -> dict:
    data = series_signals(scope, params)
    months, series = data["months"], data["series"]
    first, last = months[0], months[-1]
    span = f"{month_label(first)}–{month_label(last)}"
    kind = params.get("kind")
    title = _("Signaler per månad: %(what)s") % {
        "what": KIND_LABELS[kind].lower() if kind in KIND_LABELS else _("alla ärendetyper")
    }
    result = new_result("spc", title, "received", scope.period_for(scope.year))
    result["period_label"] = span
    result["rule_text"] = _(
        "Urval: inkomna, räknat på inkomstdatum, per månad %(span)s. Signal enligt Anhøjs "
        "regler för seriediagram och styrdiagram (c-diagram) med 3-sigmagränser."
    ) % {"span": span}
    rows = []
    for s in series:
        for sig, sentence in zip(s["signals"], s["sentences"], strict=True):
            rows.append([s["group"], s["kind_label"], SIGNAL_NAMES[sig.kind], sentence])
        result["sentences"].extend(s["sentences"])
    if not rows:
        result["sentences"].append(
            _(
                "Inga signaler om förändring %(span)s: antalet ärenden per månad varierar "
                "slumpmässigt kring medianen."
            )
            % {"span": span}
        )
    # Said where the table is printed (browser, editor and PDF alike).
    no_denominator = _(
        "Uppgift om antal brukare per verksamhetsområde saknas, så antalet ärenden visas "
        "som antal (c-diagram) och inte per 1 000 brukare (u-diagram)."
    )
    result["notes"].append(no_denominator)
    add_table(
        result,
        key="spc_signals",
        caption=_("Signaler %(span)s") % {"span": span},
        headers=[_("Verksamhetsområde"), _("Ärendetyp"), _("Signal"), _("Beskrivning")],
        rows=rows,
        total=False,
        note=no_denominator,
    )
    charts = params.get("charts", "signals")
    for s in series:
        if s["signals"] or charts == "all":
            result["charts"].append(spc_chart(s, months))
    return result


def spc_chart(s: dict, months: list[date]) -> dict:
    values = s["values"]
    rc = spc.run_chart(values)
    cc = spc.c_chart(values)
    # The points of a long run (not those on the median inside it) and those outside the
    # limits; "few crossings" concerns the whole series, so it marks no single point.
    marked = {
        i
        for sig in s["signals"]
        if sig.kind != "crossings"
        for i in range(sig.start, sig.end + 1)
        if values[i] != rc.median
    }
    title = f"{s['kind_label']} per månad, {s['group']}"
    desc = " ".join(s["sentences"]) or _("Ingen signal: variationen är slumpmässig.")
    labels = [f"{MONTHS[m.month - 1][:3]} {m.year}" for m in months]
    svg = spc_svg(
        title=title,
        desc=f"{desc} "
        + _("Median %(m)s, medelvärde %(c)s, övre styrgräns %(u)s.")
        % {"m": _num(rc.median), "c": _num(cc.centre), "u": _num(cc.upper[0])},
        labels=labels,
        values=values,
        median=rc.median,
        centre=cc.centre,
        upper=cc.upper[0],
        lower=cc.lower[0],
        marked=marked,
        y_label=_("Antal ärenden"),
        legend={
            "data": _("Antal"),
            "median": _("Median"),
            "mean": _("Medelvärde"),
            "limits": _("Styrgränser"),
            "signal": _("Signal"),
        },
    )
    # The text alternative: every point with the lines it is read against.
    rows = [
        [month_label(m), v, _num(rc.median), _num(cc.upper[0]), _("ja") if i in marked else ""]
        for i, (m, v) in enumerate(zip(months, values, strict=True))
    ]
    return {
        "title": title,
        "svg": svg,
        "caption": f"Diagram: {title}. Källa: Avvika.",
        "data_table": {
            "caption": _("Värdena i diagrammet: %(t)s") % {"t": title},
            "headers": [_("Månad"), _("Antal"), _("Median"), _("Övre styrgräns"), _("Signal")],
            "rows": rows,
        },
    }


def _num(value: float) -> str:
    """One decimal, Swedish comma: 4,5."""
    return f"{value:.1f}".replace(".", ",")
