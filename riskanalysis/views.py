"""Risk analysis pages. Reads start from `analyses_visible_to` (invisible → 404); writes need a
write role in scope (visible but not writable → 403); transitions are POST-only, one service."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from cases.converters import references_only
from cases.forms import ReasonForm
from cases.history import HistorySource, history_entries
from cases.models import Case, CaseKind, Unit
from cases.selectors import cases_visible_to
from cases.services import ConcurrentEditError, ServiceError
from cases.services.access import access_log_record_list, access_log_record_object
from cases.views.actionkit import ActionView, ScopedObjectMixin, ServiceFormMixin, bound_form
from cases.views.mixins import PermissionMixin

from . import services
from .forms import (
    AnalysisCreateForm,
    AnalysisEditForm,
    DeviationForm,
    FollowUpForm,
    FromCasesForm,
    RiskForm,
    RiskMeasureForm,
)
from .matrix import build_matrix
from .models import Risk, RiskAnalysis, RiskTemplate
from .selectors import (
    VIEW_ROLES,
    WRITE_ROLES,
    analyses_visible_to,
    analysis_list,
    analysis_risks,
    overdue_analyses,
    source_cases_visible,
)


class AnalysisMixin(ScopedObjectMixin):
    required_roles = VIEW_ROLES
    write = False

    def scoped_queryset(self):
        return analyses_visible_to(self.request.user).select_related(
            "scale", "trigger", "template", "copied_from", "created_by"
        )

    def check_object(self, obj) -> None:
        if self.write and not self.can_write(obj):
            raise PermissionDenied

    def get_analysis(self) -> RiskAnalysis:
        return self.get_object()

    def get_risk(self) -> Risk:
        """A risk of this analysis (404 for a risk of another one)."""
        analysis = self.get_analysis()
        risk = get_object_or_404(Risk, analysis=analysis, pk=self.kwargs["risk_pk"])
        risk.analysis = analysis
        return risk

    def can_write(self, analysis) -> bool:
        return analyses_visible_to(self.request.user, write=True).filter(pk=analysis.pk).exists()


# --- list, create ------------------------------------------------------------------------------


class AnalysisListView(PermissionMixin, ListView):
    required_roles = VIEW_ROLES
    template_name = "riskanalysis/list.html"
    paginate_by = 50
    context_object_name = "analyses"

    def get_queryset(self):
        self.filterset = analysis_list(self.request.user, self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            overdue=list(overdue_analyses(self.request.user)[:50]),
            filter=self.filterset,
            case_reference=self.filterset.form.cleaned_data.get("arende", "").strip(),
            can_create=bool(self.roles & set(WRITE_ROLES)),
            today=timezone.localdate(),
        )
        shown = list(ctx["analyses"]) + ctx["overdue"]
        access_log_record_list(
            user=self.request.user,
            shown={RiskAnalysis: [(a.pk, a.title) for a in shown]},
            unit_ids=[u.pk for a in shown for u in a.units.all()],
            request=self.request,
            detail=_("Riskanalyser"),
        )
        return ctx


class AnalysisCreateView(ServiceFormMixin, PermissionMixin, FormView):
    required_roles = WRITE_ROLES
    template_name = "riskanalysis/form.html"
    form_class = AnalysisCreateForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = {"analysed_on": timezone.localdate()}
        template_id = self.request.GET.get("mall", "")
        if template_id.isdecimal():  # isdigit() accepts "²", which int() refuses
            initial["template"] = RiskTemplate.objects.filter(pk=template_id, active=True).first()
        copy_id = self.request.GET.get("kopiera", "")
        if copy_id.isdecimal():
            source = analyses_visible_to(self.request.user).filter(pk=copy_id).first()
            if source is not None:
                initial.update(
                    copy_from=source,
                    title=_("Kopia av %s") % source.title,
                    trigger=source.trigger,
                    units=list(source.units.all()),
                )
        return initial

    success_message = _("Riskanalysen skapades.")

    def perform(self, form):
        data = form.cleaned_data
        return services.analysis_create(
            actor=self.request.user,
            title=data["title"],
            units=data["units"],
            analysed_on=data["analysed_on"],
            trigger=data["trigger"],
            participants=data["participants"],
            template=data["template"],
            copy_from=data["copy_from"],
            follow_up_on=data["follow_up_on"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Ny riskanalys")
        return ctx


class FromCasesView(ServiceFormMixin, PermissionMixin, FormView):
    """Starta riskanalys från avvikelser: the selected cases become the analysis's lineage."""

    required_roles = WRITE_ROLES
    template_name = "riskanalysis/from_cases.html"
    form_class = FromCasesForm

    def cases_qs(self):
        return (
            cases_visible_to(self.request.user)
            .filter(kind=CaseKind.DEVIATION)
            .select_related("unit")
            .order_by("-received_at")
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, cases_qs=self.cases_qs())
        return kwargs

    def get_initial(self):
        refs = references_only(self.request.GET.getlist("ref"))
        selected = list(self.cases_qs().filter(reference__in=refs)) if refs else []
        units = Unit.objects.filter(pk__in={c.unit_id for c in selected})
        return {
            "cases": selected,
            "units": list(units),
            "analysed_on": timezone.localdate(),
            "title": _("Riskanalys utifrån mönster i avvikelser"),
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The form validates against every visible deviation, but the page lists only the
        # preselected ones and the 100 latest: a pick list of thousands helps nobody.
        refs = references_only(self.request.GET.getlist("ref") or self.request.POST.getlist("ref"))
        selected = list(self.cases_qs().filter(reference__in=refs)) if refs else []
        chosen = {str(pk) for pk in self.request.POST.getlist("cases")} | {
            str(c.pk) for c in selected
        }
        latest = [c for c in self.cases_qs()[:100] if c.pk not in {s.pk for s in selected}]
        ctx["case_rows"] = [(c, str(c.pk) in chosen) for c in selected + latest]
        return ctx

    success_message = _("Riskanalysen skapades från de valda avvikelserna.")

    def perform(self, form):
        data = form.cleaned_data
        return services.analysis_create_from_cases(
            actor=self.request.user,
            cases=data["cases"],
            title=data["title"],
            units=data["units"],
            analysed_on=data["analysed_on"],
            participants=data["participants"],
        )


# --- detail, edit ------------------------------------------------------------------------------


def _scale_label(labels: list) -> Callable[[int], str]:
    def label(value: int) -> str:
        # The analysis's own scale version, so an old score reads as it was made.
        return f"{value} – {labels[value - 1]}" if 0 < value <= len(labels) else str(value)

    return label


def analysis_history(analysis: RiskAnalysis, *, reader):
    scale = analysis.scale
    return history_entries(
        [
            HistorySource(RiskAnalysis, analysis.history.all(), _("riskanalysen")),
            HistorySource(
                Risk,
                Risk.history.filter(analysis_id=analysis.pk),
                _("risk"),
                formats={
                    "probability": _scale_label(scale.probability_labels),
                    "consequence": _scale_label(scale.consequence_labels),
                },
            ),
        ],
        reader=reader,
    )


class AnalysisDetailView(AnalysisMixin, DetailView):
    template_name = "riskanalysis/detail.html"
    context_object_name = "analysis"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        analysis = self.object
        risks = analysis_risks(self.request.user, analysis)
        can_write = self.can_write(analysis)
        units = list(analysis.units.order_by("path"))
        request = self.request
        for risk in risks:
            risk.analysis = analysis  # the scale is already loaded
            if can_write:
                # Per-risk ids keep every label pointing at its own field.
                risk.measure_form = bound_form(
                    request, f"risk_measure-{risk.pk}", lambda r=risk: _risk_measure_form(r)
                )
                risk.deviation_form = bound_form(
                    request, f"risk_deviation-{risk.pk}", lambda r=risk: _risk_deviation_form(r)
                )
        sources = source_cases_visible(self.request.user, analysis)
        # The analysis and the deviations it lists (its sources, each risk's linked cases).
        linked = sources.cases + [c for risk in risks for c in vars(risk)["visible_cases"]]
        access_log_record_object(
            user=request.user,
            obj=analysis,
            label=analysis.title,
            # The cases' units too: whoever reviews the row may see every reference in it.
            unit_ids=[u.pk for u in units] + [c.unit_id for c in linked],
            request=request,
            shown={Case: [(c.pk, c.reference) for c in linked]},
        )
        ctx.update(
            risks=risks,
            matrix=build_matrix(analysis.scale, risks),
            units=units,
            sources=sources,
            can_write=can_write,
            risk_form=bound_form(
                request, "risk_add", lambda: RiskForm(scale=analysis.scale, prefix="new")
            ),
            follow_up_form=bound_form(request, "follow_up", FollowUpForm),
            history=analysis_history(analysis, reader=self.request.user),
            is_overdue=bool(
                analysis.follow_up_on
                and analysis.follow_up_on < timezone.localdate()
                and analysis.status != RiskAnalysis.Status.FOLLOWED_UP
                and not analysis.follow_up_result
            ),
        )
        return ctx


class AnalysisEditView(AnalysisMixin, FormView):
    required_roles = WRITE_ROLES
    write = True
    template_name = "riskanalysis/form.html"
    form_class = AnalysisEditForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(instance=self.get_analysis(), user=self.request.user)
        return kwargs

    def form_valid(self, form):
        analysis = self.get_analysis()
        data = {name: form.cleaned_data[name] for name in AnalysisEditForm.Meta.fields}
        data["sections"] = form.section_data()
        try:
            services.analysis_update(
                analysis=analysis,
                data=data,
                units=form.cleaned_data["units"],
                actor=self.request.user,
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except ConcurrentEditError as exc:
            return _conflict(self, form, exc, AnalysisEditForm.Meta.fields)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Riskanalysen sparades."))
        return redirect(analysis.get_absolute_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(heading=_("Ändra riskanalys"), analysis=self.get_analysis())
        return ctx


def _conflict(view, form, exc: ConcurrentEditError, fields: list[str]):
    """Someone saved in between: keep what this user typed, show what is stored, and let a
    second save overwrite deliberately (the hidden version moves to the stored one)."""
    current = exc.current
    stored = []
    for name in fields:
        value = getattr(current, name)
        if value != form.cleaned_data.get(name):
            stored.append((form.fields[name].label, "–" if value in (None, "") else value))
    data = form.data.copy()
    data[form.add_prefix("expected_version")] = str(current.version)
    form.data = data
    form.add_error(None, str(exc))
    context = view.get_context_data(form=form, conflict_stored=stored)
    return view.render_to_response(context, status=409)


# --- risks and transitions (POST only, one service each) --------------------------------------


def _risk_measure_form(risk, data=None):
    return RiskMeasureForm(data, auto_id=f"m{risk.pk}-%s")


def _risk_deviation_form(risk, data=None):
    return DeviationForm(data, units=risk.analysis.units.order_by("path"), auto_id=f"d{risk.pk}-%s")


class _AnalysisAction(ActionView, AnalysisDetailView):
    """A write on the analysis page: an error shows the analysis page again."""

    required_roles = WRITE_ROLES
    write = True
    prefixed = False


class _RiskAction(_AnalysisAction):
    """A write on one risk of the analysis, shown on the analysis page."""

    def get_target(self) -> Risk:
        return self.get_risk()

    def form_key(self, risk) -> str:
        return f"{self.name}-{risk.pk}"

    def get_success_url(self, risk, result) -> str:
        return risk.analysis.get_absolute_url() + f"#risk-{risk.pk}"


class RiskMixin(AnalysisMixin):
    required_roles = WRITE_ROLES
    write = True


class RiskAddView(_AnalysisAction):
    name = "risk_add"
    success_message = _("Risken lades till.")

    def get_form(self, analysis):
        return RiskForm(self.request.POST, scale=analysis.scale, prefix="new")

    def perform(self, analysis, data):
        data = {k: v for k, v in data.items() if k != "expected_version"}
        return services.risk_add(analysis=analysis, actor=self.request.user, **data)


class RiskEditView(RiskMixin, FormView):
    template_name = "riskanalysis/risk_form.html"

    def get_form(self, form_class=None):
        risk = self.get_risk()
        if self.request.method == "POST":
            return RiskForm(self.request.POST, scale=risk.analysis.scale)
        return RiskForm(
            scale=risk.analysis.scale,
            initial={
                "description": risk.description,
                "probability": risk.probability,
                "consequence": risk.consequence,
                "expected_version": risk.version,
            },
        )

    def form_valid(self, form):
        risk = self.get_risk()
        try:
            services.risk_update(risk=risk, actor=self.request.user, **form.cleaned_data)
        except ConcurrentEditError as exc:
            return _conflict(self, form, exc, ["description", "probability", "consequence"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Risken sparades."))
        return redirect(risk.analysis.get_absolute_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(risk=self.get_risk(), analysis=self.get_analysis())
        return ctx


class RiskMeasureAddView(_RiskAction):
    name = "risk_measure"
    success_message = _("Åtgärden sparades.")

    def get_form(self, risk):
        return _risk_measure_form(risk, self.request.POST)

    def perform(self, risk, data):
        return services.risk_measure_add(risk=risk, actor=self.request.user, **data)


class RiskDeviationView(_RiskAction):
    name = "risk_deviation"
    success_message = _("En kvalitetsavvikelse registrerades och kopplades till risken.")

    def get_form(self, risk):
        return _risk_deviation_form(risk, self.request.POST)

    def perform(self, risk, data):
        return services.risk_deviation_create(risk=risk, actor=self.request.user, **data)


class AnalysisCompleteView(_AnalysisAction):
    name = "complete"
    form_class = ReasonForm
    success_message = _("Riskanalysen är markerad som genomförd.")

    def perform(self, analysis, data):
        return services.analysis_complete(
            analysis=analysis, actor=self.request.user, reason=data["reason"]
        )


class AnalysisFollowUpView(_AnalysisAction):
    name = "follow_up"
    form_class = FollowUpForm
    success_message = _("Uppföljningen sparades.")

    def perform(self, analysis, data):
        return services.analysis_follow_up(
            analysis=analysis, actor=self.request.user, result=data["result"]
        )


class AnalysisReopenView(_AnalysisAction):
    name = "reopen"
    form_class = ReasonForm
    success_message = _("Riskanalysen är ett utkast igen.")

    def perform(self, analysis, data):
        return services.analysis_reopen(
            analysis=analysis, actor=self.request.user, reason=data["reason"]
        )
