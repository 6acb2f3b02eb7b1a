"""The rows of the inbox's list and of the "Att fördela" queue, written in Python.

Django's template engine spends ~20 µs on each variable it prints (lookups tried in turn,
localisation, escaping, each through several calls). A page of 50 inbox rows has about a
thousand of them, and the router's queue another 300: 6 to 9 ms of a 50 ms page at 150 000
cases (issue 16). The rows are already decorated in Python (cases.selectors.inbox
`decorate_rows`, cases.selectors.routing `routing_queue`); here they are only joined into the
markup the templates wrote, every value escaped. tests/inbox/test_row_markup.py checks the
markup, the labels and the escaping.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _e(value) -> str:
    # What the template's autoescape does to a plain string (Django's `escape`).
    return escape(str(value), quote=True)


def _inbox_labels() -> dict[str, str]:
    labels = {
        "kind": gettext("Typ"),
        "ref": gettext("Diarienummer"),
        "title": gettext("Rubrik"),
        "unit": gettext("Enhet"),
        "age": gettext("Ålder"),
        "due": gettext("Tidsfrist"),
        "assignee": gettext("Handläggare"),
        "status": gettext("Status"),
        "protected": gettext("Skyddad"),
        "unassigned": gettext("Ej tilldelad"),
    }
    return {key: _e(text) for key, text in labels.items()}


def _inbox_row(case, label: dict[str, str]) -> str:
    pk = case.pk
    select = (
        f'<input type="checkbox" name="cases" value="{pk}" id="sel-{pk}">'
        f'<label for="sel-{pk}" class="visually-hidden">{_e(case.select_label)}</label>'
        if getattr(case, "can_handle", False)
        else ""
    )
    protected = (
        f' <span class="badge badge-protected">{label["protected"]}</span>' if case.skyddad else ""
    )
    if case.deadline == "none":
        due = f'<span class="meta">{_e(case.deadline_label)}</span>'
    else:
        due = (
            f'<span class="badge badge-{_e(case.deadline)}">{_e(case.deadline_label)}</span> '
            f'<span class="meta">{_e(case.due_label)}</span>'
        )
    assignee = (
        _e(case.assignee_name)
        if case.assignee_name
        else f'<span class="meta">{label["unassigned"]}</span>'
    )
    return (
        '<tr data-case-row tabindex="-1">'
        f"<td>{select}</td>"
        f'<td data-label="{label["kind"]}">{_e(case.kind_label)}</td>'
        f'<td data-label="{label["ref"]}"><a class="reference" href="{_e(case.url)}" data-open>'
        f"{_e(case.reference)}</a></td>"
        f'<td data-label="{label["title"]}">{_e(case.title)}{protected}</td>'
        f'<td data-label="{label["unit"]}">{_e(case.unit.name)}</td>'
        f'<td data-label="{label["age"]}">{_e(case.age_label)}</td>'
        f'<td data-label="{label["due"]}">{due}</td>'
        f'<td data-label="{label["assignee"]}">{assignee}</td>'
        f'<td data-label="{label["status"]}">{_e(case.status_text)}</td>'
        "</tr>\n"
    )


@register.simple_tag
def inbox_rows(rows) -> SafeString:
    """The <tr>s of a page of the inbox (rows from `inbox_page`, decorated)."""
    label = _inbox_labels()
    return mark_safe("".join(_inbox_row(case, label) for case in rows))  # noqa: S308 - escaped


def _local(moment, pattern: str) -> str:
    # As the template's `date` filter shows an aware datetime: in the current time zone.
    return timezone.localtime(moment).strftime(pattern)


def _queue_row(row, label: dict[str, str], url: str) -> str:
    case = row.case
    if row.overdue:
        badge = f'<span class="badge badge-overdue">{label["overdue"]}</span>'
    elif row.state == "soon":
        badge = f'<span class="badge badge-soon">{label["soon"]}</span>'
    else:
        badge = ""
    overdue = ' class="row-overdue"' if row.overdue else ""
    return (
        f"<tr data-routing-row{overdue}>"
        f'<td data-label="{label["ref"]}"><a class="reference" '
        f'href="{_e(url.replace("REF", case.reference))}">{_e(case.reference)}</a></td>'
        f'<td data-label="{label["title"]}">{_e(case.title)}</td>'
        f'<td data-label="{label["unit"]}">{_e(case.unit.name)}</td>'
        f'<td data-label="{label["received"]}">{_local(case.received_at, "%Y-%m-%d %H:%M")}</td>'
        f'<td data-label="{label["due"]}">{badge} {_local(row.due_at, "%Y-%m-%d")}</td>'
        "</tr>\n"
    )


@register.simple_tag
def routing_rows(rows) -> SafeString:
    """The <tr>s of the "Att fördela" queue (rows from `routing_queue`)."""
    labels = {
        "ref": gettext("Diarienummer"),
        "title": gettext("Rubrik"),
        "unit": gettext("Inkom till"),
        "received": gettext("Inkom"),
        "due": gettext("Fördelas senast"),
        "overdue": gettext("Försenad"),
        "soon": gettext("Snart"),
    }
    label = {key: _e(text) for key, text in labels.items()}
    # One reverse for the page, as decorate_rows does for the inbox's rows.
    url = reverse("cases:detail", args=["REF"])
    return mark_safe("".join(_queue_row(row, label, url) for row in rows))  # noqa: S308 - escaped
