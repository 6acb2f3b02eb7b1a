"""The unit inbox at /inkorg/ (issue #4 points 4–5, issue #6 point 5).

Who gets in: sektionschef, kvalitetsstrateg, arbetsutskott and lex Sarah-utredare — the roles
whose navigation shows "Inkorg". Everyone else (medarbetare, administratör) gets 403: a
medarbetare follows their own reports on the start page, as status only. Inside, the rows are
exactly `cases_visible_to(user)` ∩ open; bulk actions act only on `cases_handleable_by(user)`.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from cases.filters import InboxFilter
from cases.forms_inbox import BulkActionForm
from cases.models import AccessAction, Role
from cases.registry import followup_sources
from cases.selectors.inbox import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_SORT,
    PAGE_SIZES,
    assignee_candidates,
    bulk_assignee_candidates,
    inbox_export_rows,
    inbox_list,
    inbox_page,
    inbox_rows,
    inbox_total,
)
from cases.selectors.routing import QUEUE_SHOWN, routing_queue
from cases.selectors.visibility import resolved_scopes
from cases.services.access import access_log_record_case_list, access_log_record_many
from cases.services.bulk import cases_bulk_assign, cases_bulk_receive
from cases.services.errors import ServiceError
from cases.xlsx import xlsx_response

from .mixins import PermissionMixin

INBOX_ROLES = (
    Role.SEKTIONSCHEF,
    Role.KVALITETSSTRATEG,
    Role.ARBETSUTSKOTT,
    Role.UTREDARE,
    Role.REGISTRATOR,
)
EXPORT_LIMIT = 10_000
PAGING_PARAMS = ("efter", "fore")


class InboxMixin(PermissionMixin):
    required_roles = INBOX_ROLES

    def get_filterset(self) -> InboxFilter:
        user = self.request.user
        self.candidates = list(assignee_candidates())
        return inbox_list(user, self.request.GET, candidates=self.candidates)

    def sort_of(self, filterset: InboxFilter) -> str:
        filterset.is_valid()
        return filterset.form.cleaned_data.get("sort") or DEFAULT_SORT


class InboxView(InboxMixin, TemplateView):
    template_name = "cases/inbox.html"
    partial_template = "cases/_inbox_results.html"

    def is_partial(self) -> bool:
        # htmx swaps only the results; a history restore needs the whole page.
        headers = self.request.headers
        return headers.get("HX-Request") == "true" and not headers.get("HX-History-Restore-Request")

    def get_template_names(self):
        return [self.partial_template if self.is_partial() else self.template_name]

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("antal", DEFAULT_PAGE_SIZE))
        except ValueError:
            return DEFAULT_PAGE_SIZE
        return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        get = self.request.GET
        page = inbox_page(
            filterset.qs,
            sort=self.sort_of(filterset),
            after=get.get("efter", ""),
            before=get.get("fore", ""),
            size=self.page_size(),
            rows_of=inbox_rows(self.request.user),
        )
        # The router's "Att fördela" queue sits above the list on the whole page (issue 18).
        routing = {} if self.is_partial() else _routing_queue(self.request, self.roles)
        queue = [r.case for r in routing.get("routing_rows", [])]
        # The rows show case titles: one access-log row per page view (a search too), with
        # the queue's cases beside the list's.
        detail = _("Sökning i inkorgen") if get.get("q") else _("Inkorgen")
        access_log_record_case_list(
            user=self.request.user,
            cases=[*page.rows, *queue],
            request=self.request,
            detail=f"{detail}, {_('Att fördela')}" if queue else detail,
        )
        base = _query_without(get, PAGING_PARAMS)
        # The bulk form (and its candidate query) only when a row on the page can be handled.
        any_handleable = any(getattr(c, "can_handle", False) for c in page.rows)
        ctx.update(
            filter=filterset,
            page=page,
            query=base,
            next_query=_with(base, efter=page.next_cursor) if page.next_cursor else "",
            prev_query=_with(base, fore=page.prev_cursor) if page.prev_cursor else "",
            current_query=get.urlencode(),
            page_sizes=PAGE_SIZES,
            total=inbox_total(filterset.qs, page=page),
            active_filters=_active_filters(filterset),
            bulk_form=_bulk_form(self.request.user) if any_handleable else None,
            any_handleable=any_handleable,
            now=timezone.now(),
        )
        if not self.is_partial():
            ctx["followups"] = _followups(self.request.user)
            ctx.update(routing)
        return ctx


def _bulk_form(user) -> BulkActionForm:
    return BulkActionForm(candidates=list(bulk_assignee_candidates(user)))


def _routing_queue(request, roles: set[str]) -> dict:
    """The "Att fördela" queue above the list (issue 18), for those who route (its rows are
    logged with the page's). Only a registrator or a sektionschef can route: for them one
    scope read answers both "do they route" and "which cases"."""
    if not roles & {Role.REGISTRATOR, Role.SEKTIONSCHEF}:
        return {}
    scopes = resolved_scopes(request.user)
    if not scopes.routes_cases:
        return {}
    rows, total = routing_queue(request.user, limit=QUEUE_SHOWN, scopes=scopes)
    return {"routing_rows": rows, "routing_total": total, "routes_cases": True}


def _active_filters(filterset: InboxFilter) -> int:
    """How many filters besides the search narrow the list (shown on the phone's filter button)."""
    data = filterset.form.cleaned_data if hasattr(filterset.form, "cleaned_data") else {}
    return sum(1 for name, value in data.items() if name not in ("q", "sort") and value)


def _followups(user) -> dict:
    """The user's overdue risk follow-ups and self-inspection runs, by source key."""
    return {source.key: source.items(user) for source in followup_sources()}


def _query_without(get, names) -> str:
    params = get.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _with(base: str, **extra) -> str:
    tail = urlencode(extra)
    return f"{base}&{tail}" if base else tail


class InboxExportView(InboxMixin, View):
    """XLSX of the current filtered inbox: same rows, same order, every case logged."""

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset()
        rows = inbox_export_rows(filterset.qs, sort=self.sort_of(filterset), limit=EXPORT_LIMIT)
        access_log_record_many(
            user=request.user,
            cases=rows,
            action=AccessAction.EXPORT,
            request=request,
            detail=_("Export av inkorgen"),
        )
        headers = [
            _("Typ"),
            _("Diarienummer"),
            _("Rubrik"),
            _("Enhet"),
            _("Inkom"),
            _("Ålder (dagar)"),
            _("Tidsfrist"),
            _("Tidsfriststatus"),
            _("Handläggare"),
            _("Status"),
        ]
        return xlsx_response(
            f"inkorg-{timezone.localdate():%Y-%m-%d}.xlsx",
            _("Inkorg"),
            headers,
            (_export_row(c) for c in rows),
        )


def _export_row(case) -> list:
    due = timezone.localtime(case.due_at).strftime("%Y-%m-%d") if case.due_at else ""
    return [
        case.kind_label,
        case.reference,
        case.title,
        case.unit.name,
        timezone.localtime(case.received_at).strftime("%Y-%m-%d"),
        case.age_days,
        due,
        case.deadline_label,
        case.assignee_name,
        case.status_text,
    ]


class InboxBulkView(InboxMixin, View):
    """POST only: receive or assign the checked cases, then back to the same inbox page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = BulkActionForm(request.POST, candidates=list(bulk_assignee_candidates(request.user)))
        target = reverse("inbox:list")
        if not form.is_valid():
            messages.error(request, _("Massåtgärden kunde inte utföras: %s") % _form_errors(form))
            return redirect(target + _back(request.POST.get("back", "")))
        data = form.cleaned_data
        try:
            if data["action"] == "receive":
                result = cases_bulk_receive(case_ids=data["cases"], actor=request.user)
                done = ngettext(
                    "%(n)d ärende togs emot.", "%(n)d ärenden togs emot.", len(result.done)
                )
            else:
                result = cases_bulk_assign(
                    case_ids=data["cases"], assignee=data["assignee"], actor=request.user
                )
                done = ngettext(
                    "%(n)d ärende tilldelades.", "%(n)d ärenden tilldelades.", len(result.done)
                )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            level = messages.SUCCESS if not (result.skipped or result.hidden) else messages.WARNING
            messages.add_message(request, level, result.summary(done))
        return redirect(target + _back(data.get("back", "")))


def _back(query: str) -> str:
    return f"?{query}" if query else ""


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
