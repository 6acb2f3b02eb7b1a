"""Cross-type patterns (issue 17 point 5): per verksamhetsområde, the leading deficiency
categories of deviations beside the leading topics of complaints and the event categories of
lex Sarah reports, so "sammanställning och analys" sees where several channels point at the
same problem.

The three code lists share their codes for the same problem area ("bemotande" is a complaint
topic, a deficiency category and an event category), so "the same problem" is the same code
in the leading categories of two or more channels. One query: the three channels' GROUP BYs
joined with UNION ALL."""

from django.db.models import CharField, Count, F, QuerySet, Value
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from treebeard.mp_tree import MP_Node

from cases.models import CaseKind

from .base import BlockScope, add_table, fmt, group_depth, new_result, unit_labels
from .cases import DATE_FIELD, in_period

# channel → (case kind, ORM path to the category, column heading, noun in the sentence)
CHANNELS = {
    "deviation": (
        CaseKind.DEVIATION,
        "deviation__deficiencies",
        "Kvalitetsavvikelser: bristområden",
        "kvalitetsavvikelser",
    ),
    "complaint": (
        CaseKind.COMPLAINT,
        "complaint__topics",
        "Klagomål och synpunkter: ämnen",
        "klagomål och synpunkter",
    ),
    "lexsarah": (
        CaseKind.LEXSARAH,
        "event_category",
        "Lex Sarah: händelsekategorier",
        "lex Sarah-rapporter",
    ),
}
TOP = 3


def category_counts(cases: QuerySet, group_len: int) -> list[dict]:
    """(group, channel, code, label, n) for every category used, in one UNION ALL query.
    Cases without a category are left out: "Ej angivet" points at no problem."""
    parts = []
    for channel, (kind, path, _h, _n) in CHANNELS.items():
        parts.append(
            cases.filter(kind=kind, **{f"{path}__isnull": False})
            .annotate(
                group=Substr("unit__path", 1, group_len),
                channel=Value(channel, output_field=CharField()),
                code=F(f"{path}__code"),
                label=F(f"{path}__label"),
            )
            .order_by()
            .values("group", "channel", "code", "label")
            .annotate(n=Count("pk", distinct=True))
        )
    return list(parts[0].union(*parts[1:], all=True))


def leading(rows: list[dict]) -> dict[str, dict[str, list[tuple[str, str, int]]]]:
    """group → channel → the TOP (code, label, n), most frequent first (label breaks ties)."""
    out: dict[str, dict[str, list]] = {}
    for r in rows:
        out.setdefault(r["group"], {}).setdefault(r["channel"], []).append(
            (r["code"], r["label"], r["n"])
        )
    for channels in out.values():
        for channel, items in channels.items():
            channels[channel] = sorted(items, key=lambda i: (-i[2], i[1]))[:TOP]
    return out


def shared(channels: dict[str, list]) -> list[tuple[str, list[str]]]:
    """Codes in the leading categories of two or more channels: (label, channels)."""
    seen: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for channel in CHANNELS:
        for code, label, _n in channels.get(channel, []):
            seen.setdefault(code, []).append(channel)
            labels.setdefault(code, label)
    return [(labels[c], chs) for c, chs in seen.items() if len(chs) > 1]


def _samt(items: list[str]) -> str:
    # "samt" before the last: "klagomål och synpunkter" has its own "och".
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " samt " + items[-1]


def pattern_sentence(where: str, label: str, channels: list[str]) -> str:
    nouns = _samt([CHANNELS[c][3] for c in channels])
    return f"Inom {where} pekar {nouns} på samma område: {label.lower()}."


def patterns(cases: QuerySet, group_len: int, labels: dict[str, str]) -> list[dict]:
    """Rows for the block and the unit analysis: per group, its leading categories per
    channel and the sentences for the shared ones."""
    result = []
    for group, channels in leading(category_counts(cases, group_len)).items():
        where = labels.get(group, _("Okänd enhet"))
        common = shared(channels)
        result.append(
            {
                "group": where,
                "channels": {
                    c: [{"label": lb, "n": n} for _code, lb, n in channels.get(c, [])]
                    for c in CHANNELS
                },
                "shared": [label for label, _chs in common],
                "sentences": [pattern_sentence(where, lb, chs) for lb, chs in common],
            }
        )
    result.sort(key=lambda r: str(r["group"]))
    return result


def block_patterns(scope: BlockScope, params: dict) -> dict:
    rule = params.get("rule", "closed")
    rule = rule if rule in DATE_FIELD else "closed"
    period = scope.period_for(scope.year, params.get("period", "analysis"))
    result = new_result(
        "patterns", _("Samma problem i flera kanaler per verksamhetsområde"), rule, period
    )
    depth = group_depth(scope, params.get("group_kind", "verksamhetsomrade"))
    rows = patterns(
        in_period(scope.subtree_cases, rule, period),
        MP_Node.steplen * depth,
        unit_labels(scope),
    )
    table_rows = []
    for r in rows:
        cells = [
            ", ".join(f"{i['label']} ({fmt(i['n'])})" for i in r["channels"][c]) or "–"
            for c in CHANNELS
        ]
        table_rows.append([r["group"], *cells, ", ".join(r["shared"]) or "–"])
        result["sentences"].extend(r["sentences"])
    if not result["sentences"]:
        result["sentences"].append(
            _(
                "Kvalitetsavvikelser, klagomål och lex Sarah-rapporter pekar inte på samma "
                "område inom något verksamhetsområde %(period)s."
            )
            % {"period": result["period_label"]}
        )
    add_table(
        result,
        key="patterns",
        caption=result["title"],
        headers=[
            _("Verksamhetsområde"),
            *[CHANNELS[c][2] for c in CHANNELS],
            _("Samma område i flera kanaler"),
        ],
        rows=table_rows,
        total=False,
        note=_("De %(n)s vanligaste kategorierna per kanal; antal ärenden inom parentes.")
        % {"n": TOP},
    )
    return result
