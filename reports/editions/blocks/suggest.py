"""A suggested Swedish sentence for every data block (issue 17 point 6), computed from the
block's own result — its sentences, tables and figures — so the writer inserts the numbers
("Infoga förslag" in the editor) instead of typing them. Post-processing only: the blocks'
counting stays where it is."""

from django.utils.translation import gettext as _

from .base import EJ_ANGIVET, fmt

TOP = 3


def _listing(pairs: list[tuple[str, int]]) -> str:
    """ "A (4), B (3) och C (2)" — Swedish list with "och" before the last."""
    parts = [f"{label} ({fmt(n)})" for label, n in pairs]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " " + _("och") + " " + parts[-1]


def _distribution(result: dict) -> str:
    if not result["tables"]:
        return ""
    table = result["tables"][0]
    rows = [(str(r[0]), r[1]) for r in table["rows"] if r[0] != EJ_ANGIVET and r[1]]
    if not rows:
        return _("%(what)s %(period)s: inga registrerade.") % {
            "what": table["caption"],
            "period": result["period_label"],
        }
    rows.sort(key=lambda r: -r[1])
    head = rows[:TOP]
    return _("%(what)s %(period)s: vanligast var %(list)s.") % {
        "what": table["caption"],
        "period": result["period_label"],
        "list": _listing(head),
    }


def _trend(result: dict) -> str:
    figures = result["figures"]
    if len(figures) < 2 or not result["tables"]:
        return ""
    first, last = figures[0], figures[-1]
    table = result["tables"][0]
    first_year, last_year = table["headers"][1], table["headers"][-1]
    # "Antal kvalitetsavvikelser 2021" → "Antalet kvalitetsavvikelser"
    what = first["label"].rsplit(" ", 1)[0]
    if what.startswith("Antal "):
        what = "Antalet " + what[len("Antal ") :]
    if last["value"] > first["value"]:
        change = _("ökat")
    elif last["value"] < first["value"]:
        change = _("minskat")
    else:
        change = _("legat kvar på samma nivå")
    text = _("%(What)s har %(change)s från %(a)s år %(y0)s till %(b)s år %(y1)s.") % {
        "What": what,
        "change": change,
        "a": fmt(first["value"]),
        "y0": first_year,
        "b": fmt(last["value"]),
        "y1": last_year,
    }
    rows = [r for r in table["rows"] if r[-1]]
    if rows:
        top = max(rows, key=lambda r: r[-1])
        text += " " + _("Flest år %(y)s hade %(group)s (%(n)s).") % {
            "y": last_year,
            "group": top[0],
            "n": fmt(top[-1]),
        }
    return text


def _months(result: dict) -> str:
    if not result["tables"]:
        return ""
    table = result["tables"][0]
    totals = [(str(r[0]), sum(r[1:])) for r in table["rows"]]
    n = sum(t for _m, t in totals)
    if not n:
        return _("Inga ärenden inkom under %(period)s.") % {"period": result["period_label"]}
    month, most = max(totals, key=lambda t: t[1])
    return _("Under %(period)s inkom %(n)s ärenden, flest i %(month)s (%(most)s).") % {
        "period": result["period_label"],
        "n": fmt(n),
        "month": month,
        "most": fmt(most),
    }


def _items(result: dict) -> str:
    entries = [e for g in result["items"] for e in g["entries"]]
    if result["sentences"]:
        return " ".join(result["sentences"])
    if not entries:
        return _("%(what)s: inga under %(period)s.") % {
            "what": result["title"],
            "period": result["period_label"],
        }
    return _("%(what)s under %(period)s: %(n)s, däribland %(titles)s.") % {
        "what": result["title"],
        "period": result["period_label"],
        "n": fmt(len(entries)),
        "titles": ", ".join(f"”{e['title']}”" for e in entries[:TOP]),
    }


def _register(result: dict) -> str:
    """An appendix list: how many, and in how many verksamhetsområden (the figure counts each
    item once, the table may list it under several areas)."""
    n = result["figures"][0]["value"] if result["figures"] else 0
    if not n:
        return _("%(what)s: inga.") % {"what": result["title"]}
    areas = len({row[0] for row in result["tables"][0]["rows"]}) if result["tables"] else 0
    return _("%(what)s: %(n)s, i %(areas)s verksamhetsområden, förtecknade i bilagan.") % {
        "what": result["title"],
        "n": fmt(n),
        "areas": fmt(areas),
    }


BY_TYPE = {
    "case_distribution": _distribution,
    "case_trend": _trend,
    "case_months": _months,
    "riskanalyses": _items,
    "selfcontrols": _items,
    "development_areas": _items,
    "riskanalysis_register": _register,
    "selfcontrol_register": _register,
    "supervision_register": _register,
}


def suggestion(result: dict) -> str:
    """The block's own sentences when it writes them, otherwise one built from its figures."""
    if result.get("error"):
        return ""
    build = BY_TYPE.get(result.get("block_type", ""))
    if build is not None and (build in (_items, _register) or not result["sentences"]):
        return build(result)
    return " ".join(result["sentences"])
