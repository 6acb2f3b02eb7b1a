"""The shared case page: facts, type-specific part, measures, notes, attachments, links,
history, and beside them the status box with the actions the user may take now. Every GET is
written to the access log.

The page offers exactly `case_actions_offered(case, user)` (cases/actions.py), computed by the
same function the services ask, and every POST on a case is a `CaseActionView`: one action of
the type's table, one service.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from cases.actions import (
    Action,
    actions_offered,
    actor_for_case,
    case_action_require,
    case_actions,
)
from cases.deadlines import deadline_state
from cases.forms import AttachmentForm, MeasureForm, MeasureStatusForm, NoteForm
from cases.history import case_history_entries
from cases.models import AccessAction, Attachment, CaseLink, DeadlineRule, Measure
from cases.registry import case_type, case_type_or_none
from cases.selectors import (
    cases_handleable_by,
    cases_reported_by,
    cases_visible_to,
)
from cases.selectors.links import case_links_visible
from cases.selectors.people import measure_responsibles
from cases.selectors.visibility import handle_rule
from cases.services.access import access_log_record
from cases.services.errors import StepNotAllowed
from cases.services.parts import attachment_add, measure_create, measure_set_status, note_add
from cases.services.transitions import next_statuses

from .actionkit import ActionView, ScopedObjectMixin, bound_forms
from .choices import fill_choices

# The box beside the facts; its id is also the anchor of the actions shown in it.
SIDE = "handlaggning"
# The sections of the page that hold actions (cases/parts/*.html), by their ids.
SECTIONS = ("atgarder", "anteckningar", "bilagor")


class CaseMixin(ScopedObjectMixin):
    """The case from the user's visible queryset (404 otherwise)."""

    lookup_field = lookup_url_kwarg = "reference"
    log_action = AccessAction.READ

    def scoped_queryset(self):
        user = self.request.user
        qs = cases_visible_to(user).select_related("unit", "assignee", "reporter", "event_category")
        if self.request.method != "GET" or getattr(self, "tab", None) != "overview":
            return qs
        # The case page reads these with the case, in the same query or one prefetch, instead
        # of one query each (issue 16: ≤ 15 queries). Actions (POST), the history tab and the
        # downloads look the case up plainly: services count and lock for themselves.
        return qs.annotate(
            user_handles=ExpressionWrapper(handle_rule(user), output_field=BooleanField()),
            deadline_label=Subquery(
                DeadlineRule.objects.filter(kind=OuterRef("kind"), step=OuterRef("due_step"))
                .order_by("pk")
                .values("label")[:1]
            ),
            link_count=Subquery(
                CaseLink.objects.filter(Q(source=OuterRef("pk")) | Q(target=OuterRef("pk")))
                .order_by()
                .annotate(n=Func(F("pk"), function="COUNT"))
                .values("n")
            ),
        ).prefetch_related(
            Prefetch(
                "measures", queryset=Measure.objects.select_related("measure_type", "responsible")
            )
        )

    def get_case(self):
        return self.get_object()

    def can_handle(self, case) -> bool:
        return cases_handleable_by(self.request.user).filter(pk=case.pk).exists()

    def require_handle(self, case) -> None:
        if not self.can_handle(case):
            raise PermissionDenied


@dataclass
class OfferedAction:
    """One action on the page: its form, where it posts, and whether its form is open."""

    action: Action
    form: Any
    url: str
    primary: bool
    # The action's form alone (cases:action_form). A closed action on the case page has no
    # form built: its disclosure loads the form when opened (htmx) and links here without
    # JavaScript. "" (pages that build every form, e.g. a supervision): the form is inline.
    form_url: str = ""
    expanded: bool = False  # open wherever shown (the form's own page)

    @property
    def name(self) -> str:
        return self.action.name

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def open(self) -> bool:
        # The expected next step, or a form that came back with errors.
        return self.expanded or self.primary or bool(self.form is not None and self.form.is_bound)


def _part_forms(request, case, names: set[str]) -> dict:
    bound = bound_forms(request)
    forms = {}
    if "note" in names:
        forms["note"] = bound.get("note") or NoteForm()
    if "attachment" in names:
        forms["attachment"] = bound.get("attachment") or AttachmentForm()
    if "route" in names:
        from cases.forms import route_form

        forms["route"] = bound.get("route") or route_form(request, case)
    if "measure" in names:  # the core measure, for a type without its own
        forms.setdefault(
            "measure", bound.get("measure") or MeasureForm(users=measure_responsibles(case))
        )
    return forms


def offered_action(case, action: Action, form, *, expanded: bool = False) -> OfferedAction:
    url = reverse(action.url_name, args=[case.reference]) if action.url_name else ""
    return OfferedAction(
        action,
        form,
        url,
        primary=case.status in action.primary_in,
        form_url=reverse("cases:action_form", args=[case.reference, action.name]),
        expanded=expanded,
    )


def _deadline(case) -> dict | None:
    if case.due_at is None or not case.is_open:
        return None
    if hasattr(case, "deadline_label"):  # annotated by the page's query
        label = case.deadline_label or ""
    else:
        rule = DeadlineRule.objects.filter(kind=case.kind, step=case.due_step).first()
        label = rule.label if rule else ""
    return {
        "at": case.due_at,
        "label": label,
        "state": deadline_state(case.due_at),
    }


class CaseDetailView(CaseMixin, TemplateView):
    template_name = "cases/detail.html"
    tab = "overview"

    def get(self, request, *args, **kwargs):
        try:
            case = self.get_case()
        except Http404:
            # The reporter's own case: a status-only page, never the handling.
            own = cases_reported_by(request.user).filter(reference=kwargs["reference"]).first()
            if own is None:
                raise
            access_log_record(
                user=request.user,
                case=own,
                action=AccessAction.READ,
                request=request,
                detail="reporter_status",
            )
            return render(request, "cases/reporter_status.html", {"case": own})
        access_log_record(
            user=request.user, case=case, action=self.log_action, request=request, detail=self.tab
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = self.get_case()
        ct = case_type(case.kind)
        actor = actor_for_case(
            self.request.user,
            case,
            memberships=getattr(self.request, "avvika_memberships", None),
            handles=getattr(case, "user_handles", None),
        )
        offered = actions_offered(case_actions(ct), case.status, actor, case)
        ctx.update(
            case=case,
            tab=self.tab,
            can_handle=actor.handles,
            offered_names={a.name for a in offered},
        )
        if self.tab == "overview":
            # Only the open forms are built; each closed one loads when its disclosure opens
            # (issue 16: the code lists of forms nobody opened were most of the page's time).
            built = [a for a in offered if self.builds_form(case, a)]
            ctx.update(self._type_context(case, built))
            ctx.update(self._parts_context(case))
            ctx.update(self._actions_context(case, offered, built, ctx.get("action_forms", {})))
            fill_choices(self._page_forms(ctx))
        elif self.tab == "history":
            ctx["history"] = case_history_entries(case, reader=self.request.user)
        return ctx

    def builds_form(self, case, action: Action) -> bool:
        """The page renders this action's form now: the expected next step, or a form back
        with errors (nothing typed is lost). The others wait behind their disclosure."""
        return case.status in action.primary_in or action.name in bound_forms(self.request)

    @staticmethod
    def _page_forms(ctx) -> list:
        entries = [*ctx["next_steps"], *ctx["other_steps"]]
        entries += [e for section in ctx["section_actions"].values() for e in section]
        forms = [*ctx.get("action_forms", {}).values(), *(e.form for e in entries)]
        return forms + [row["status_form"] for row in ctx["measure_rows"]]

    def _type_context(self, case, offered) -> dict:
        ui = case_type_or_none(case.kind)
        if not ui:
            return {}
        try:
            get_template(ui.detail_template)
        except TemplateDoesNotExist:
            return {}
        ctx = {"type_template": ui.detail_template}
        if ui.detail_context:
            ctx.update(ui.detail_context(self.request, case, offered))
        return ctx

    def _parts_context(self, case) -> dict:
        return {
            "measures": self.get_context_measures(case),
            "notes": case.notes.select_related("author"),
            "attachments": case.attachments.all(),
            # Only what the reader may open is named; the rest is a count (cases.selectors.links).
            "links": case_links_visible(
                self.request.user, case, total=getattr(case, "link_count", None)
            ),
            "deadline": _deadline(case),
        }

    def _actions_context(self, case, offered, built, type_forms: dict) -> dict:
        names = {a.name for a in offered}
        forms = {**_part_forms(self.request, case, {a.name for a in built}), **type_forms}
        entries = [
            offered_action(case, action, forms.get(action.name))
            for action in offered
            if action.name != "measure_status"  # one small form per measure row, below
        ]
        by_section: dict[str, list[OfferedAction]] = {}
        for entry in entries:
            by_section.setdefault(entry.action.section, []).append(entry)
        side = by_section.pop("", [])
        rows = self._measure_rows(case, names)
        return {
            "next_steps": [e for e in side if e.primary],
            "other_steps": [e for e in side if not e.primary],
            "section_actions": by_section,
            "measure_rows": rows,
            "orphan_form": self._orphan_form(
                case, [e.form for e in entries] + [r["status_form"] for r in rows]
            ),
        }

    def _orphan_form(self, case, shown: list):
        """A form that came back with errors for an action the page no longer offers (the
        case moved on meanwhile): its message is shown in the status box."""
        if not case_type(case.kind).actions:
            return None  # a type without its own table shows its forms itself
        shown_ids = {id(f) for f in shown if f is not None}
        return next(
            (f for f in bound_forms(self.request).values() if f.errors and id(f) not in shown_ids),
            None,
        )

    def _measure_rows(self, case, names: set[str]) -> list[dict]:
        """Each measure with its status form, when the user may change measure statuses."""
        bound = bound_forms(self.request)
        rows = []
        for measure in self.get_context_measures(case):
            form = None
            if "measure_status" in names and next_statuses(measure):
                key = f"measure_status-{measure.pk}"
                form = bound.get(key) or MeasureStatusForm(
                    measure=measure, prefix=f"ms{measure.pk}"
                )
            rows.append(
                {
                    "measure": measure,
                    "status_form": form,
                    "status_url": reverse(
                        "cases:measure_status", args=[case.reference, measure.pk]
                    ),
                }
            )
        return rows

    def get_context_measures(self, case):
        if not hasattr(self, "_measures"):
            if "measures" in getattr(case, "_prefetched_objects_cache", {}):
                self._measures = list(case.measures.all())
            else:
                self._measures = list(case.measures.select_related("measure_type", "responsible"))
        return self._measures


class CaseHistoryView(CaseDetailView):
    tab = "history"


# --- Actions on the case (POST only, one service each) ----------------------------------------


class CaseActionView(ActionView, CaseDetailView):
    """A POST action on the case page. The gate is the type's table (cases/actions.py): the
    action named `name` must be offered to this user in the case's status, on this route.

    A type without a table of its own yet keeps its former rule, `check_permission`."""

    kind = ""  # the case type this route belongs to; "" for the shared parts
    fragment_template = "cases/parts/fragment.html"

    def check(self, case) -> None:
        if self.kind and case.kind != self.kind:
            raise Http404
        ct = case_type(case.kind)
        if self.kind and not ct.actions:
            self.check_permission(case)
            return
        action = next((a for a in case_actions(ct) if a.name == self.name), None)
        route = self.request.resolver_match.view_name if self.request.resolver_match else ""
        if action is None or (action.url_name and action.url_name != route):
            raise Http404  # this route is not how this case type does it
        self.action = action
        self.anchor = self.anchor or action.section or SIDE
        case_action_require(case, self.name, self.request.user)
        if action.when is not None and not action.when(case):
            # The page does not offer the step now (nothing left to report, already decided):
            # refused like a step the status rules out, with the page as it is now (403).
            raise StepNotAllowed(_("”%s” går inte i ärendet just nu.") % action.label)

    def check_permission(self, case) -> None:
        self.require_handle(case)

    def fragments(self, case) -> set[str]:
        parts = {SIDE, "type", self.anchor}
        if getattr(self, "action", None) is not None and self.action.target:
            # A new status changes what every section offers (a closed case offers nothing).
            parts |= set(SECTIONS)
        return parts

    def page_context(self, case):
        # Fresh from the scoped queryset: a service may have moved the case on, or refused
        # because someone else did.
        self._object = self.scoped_queryset().get(pk=case.pk)
        access_log_record(
            user=self.request.user,
            case=self._object,
            action=AccessAction.READ,
            request=self.request,
            detail="overview",
        )
        return super().page_context(case)


class NoteAddView(CaseActionView):
    name = "note"
    form_class = NoteForm
    prefixed = False
    success_message = _("Anteckningen sparades.")

    def perform(self, case, data):
        return note_add(case=case, text=data["text"], actor=self.request.user)


class MeasureAddView(CaseActionView):
    """The core measure, for case types that have no measure service of their own."""

    name = "measure"
    form_class = MeasureForm
    prefixed = False
    success_message = _("Åtgärden sparades.")

    def get_form_kwargs(self, case) -> dict:
        return {"users": measure_responsibles(case)}

    def perform(self, case, data):
        return measure_create(case=case, actor=self.request.user, **data)


class AttachmentAddView(CaseActionView):
    name = "attachment"
    form_class = AttachmentForm
    prefixed = False
    success_message = _("Bilagan sparades.")

    def perform(self, case, data):
        return attachment_add(case=case, upload=data["file"], actor=self.request.user)


class MeasureStatusView(CaseActionView):
    name = "measure_status"
    success_message = _("Åtgärdens status ändrades.")

    def get_measure(self, case) -> Measure:
        return get_object_or_404(case.measures, pk=self.kwargs["pk"])

    def get_form(self, case):
        measure = self.get_measure(case)
        return MeasureStatusForm(data=self.request.POST, measure=measure, prefix=f"ms{measure.pk}")

    def form_key(self, case) -> str:
        return f"measure_status-{self.kwargs['pk']}"

    def perform(self, case, data):
        return measure_set_status(
            measure=self.get_measure(case), status=data["status"], actor=self.request.user
        )


class AttachmentDownloadView(CaseMixin, View):
    def get(self, request, *args, **kwargs):
        case = self.get_case()
        attachment = get_object_or_404(Attachment, case=case, pk=kwargs["pk"])
        access_log_record(
            user=request.user,
            case=case,
            action=AccessAction.DOWNLOAD,
            request=request,
            detail=attachment.original_name,
        )
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "no-store"
        return response
