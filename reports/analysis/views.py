"""Pages for the yearly unit analysis. Reads start from `analyses_visible_to` (invisible →
404); writing needs a sektionschef role in scope (visible but not writable → 403); each POST
calls exactly one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from cases.history import HistorySource, history_entries
from cases.services import ConcurrentEditError, ServiceError
from cases.views.mixins import PermissionMixin

from . import services
from .forms import AnalysisForm, RoundForm, RoundOpenForm
from .models import AnalysisRound, UnitAnalysis
from .selectors import (
    QUALITY_ROLES,
    VIEW_ROLES,
    analyses_visible_to,
    analyses_writable_by,
    analysis_cases,
    analysis_figures,
    chef_analysis_list,
    round_analyses,
    round_rollup,
)
from .signals import analysis_signals


class AnalysisListView(PermissionMixin, ListView):
    """A chef's analyses (units they lead); quality staff also get the rounds."""

    required_roles = VIEW_ROLES
    template_name = "reports/analysis/list.html"
    context_object_name = "analyses"

    def get_queryset(self):
        return chef_analysis_list(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        is_quality = bool(self.roles & set(QUALITY_ROLES))
        rounds = AnalysisRound.objects.none()
        if is_quality:
            rounds = AnalysisRound.objects.annotate(
                n=Count("analyses"),
                n_submitted=Count(
                    "analyses", filter=Q(analyses__status=UnitAnalysis.Status.SUBMITTED)
                ),
            )
        ctx.update(is_quality=is_quality, rounds=rounds, open_form=RoundOpenForm())
        return ctx


class AnalysisMixin(PermissionMixin):
    required_roles = VIEW_ROLES
    write = False

    def get_analysis(self) -> UnitAnalysis:
        if not hasattr(self, "_analysis"):
            qs = analyses_visible_to(self.request.user).select_related(
                "round", "unit", "chef", "submitted_by"
            )
            self._analysis = get_object_or_404(qs, pk=self.kwargs["pk"])
            if self.write and not self.can_write(self._analysis):
                raise PermissionDenied
        return self._analysis

    def can_write(self, analysis: UnitAnalysis) -> bool:
        return analyses_writable_by(self.request.user).filter(pk=analysis.pk).exists()

    def detail_context(self, *, form=None, current=None) -> dict:
        analysis = self.get_analysis()
        can_write = self.can_write(analysis) and not analysis.is_submitted
        if form is None and can_write:
            form = AnalysisForm(instance=analysis, initial={"version": analysis.version})
        cases, hidden = analysis_cases(self.request.user, analysis)
        return {
            "analysis": analysis,
            "figures": analysis_figures(analysis),
            "signals": analysis_signals(analysis),
            "form": form if can_write else None,
            "current": current,
            "cases": cases,
            "hidden_count": hidden,
            # The figures frozen at submission are shown above, not as a JSON diff.
            "history": history_entries(
                [
                    HistorySource(
                        UnitAnalysis,
                        analysis.history.all(),
                        _("analysen"),
                        hidden=frozenset({"figures"}),
                    )
                ],
                reader=self.request.user,
            ),
        }


class AnalysisDetailView(AnalysisMixin, TemplateView):
    template_name = "reports/analysis/detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.detail_context()}


class _AnalysisWriteView(AnalysisMixin, View):
    """POST-only; a failed write shows the page again with what the chef typed."""

    http_method_names = ["post"]
    write = True
    success_message = ""

    def perform(self, analysis: UnitAnalysis, form: AnalysisForm) -> None:
        raise NotImplementedError

    def render_again(self, form, current=None, status=200):
        return TemplateResponse(
            self.request,
            "reports/analysis/detail.html",
            self.detail_context(form=form, current=current),
            status=status,
        )

    def post(self, request, *args, **kwargs):
        analysis = self.get_analysis()
        if analysis.is_submitted:
            messages.error(request, _("Analysen är inlämnad och kan inte ändras."))
            return redirect(analysis.get_absolute_url())
        form = AnalysisForm(request.POST, instance=UnitAnalysis.objects.get(pk=analysis.pk))
        if not form.is_valid():
            return self.render_again(form, status=400)
        try:
            self.perform(analysis, form)
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
            form.refresh_version(exc.current.version)
            return self.render_again(form, current=exc.current, status=409)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.render_again(form, status=400)
        messages.success(request, self.success_message)
        return redirect(analysis.get_absolute_url())


class AnalysisSaveView(_AnalysisWriteView):
    success_message = _("Utkastet sparades.")

    def perform(self, analysis, form):
        services.analysis_update(
            analysis=analysis,
            expected_version=form.cleaned_data["version"],
            data=form.text_data(),
            actor=self.request.user,
        )


class AnalysisSubmitView(_AnalysisWriteView):
    success_message = _("Analysen lämnades in.")

    def perform(self, analysis, form):
        services.analysis_submit(
            analysis=analysis,
            expected_version=form.cleaned_data["version"],
            data=form.text_data(),
            actor=self.request.user,
        )


# --- quality staff ----------------------------------------------------------------------------


class RoundMixin(PermissionMixin):
    required_roles = QUALITY_ROLES

    def get_round(self) -> AnalysisRound:
        if not hasattr(self, "_round"):
            self._round = get_object_or_404(AnalysisRound, year=self.kwargs["year"])
        return self._round


class RoundOverviewView(RoundMixin, TemplateView):
    """Who has submitted, and the förvaltning's roll-up of the units' figures and texts."""

    template_name = "reports/analysis/overview.html"

    def get_context_data(self, **kwargs):
        analysis_round = self.get_round()
        analyses = list(round_analyses(self.request.user, analysis_round))
        return {
            **super().get_context_data(**kwargs),
            "round": analysis_round,
            "analyses": analyses,
            "rollup": round_rollup(analyses),
        }


class RoundOpenView(PermissionMixin, View):
    """Open a round by hand (the beat job does it on 1 June); idempotent like the job."""

    http_method_names = ["post"]
    required_roles = QUALITY_ROLES

    def post(self, request, *args, **kwargs):
        form = RoundOpenForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Ange ett giltigt år."))
            return redirect("reports:analysis_list")
        try:
            analysis_round = services.round_open(year=form.cleaned_data["year"], actor=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("reports:analysis_list")
        messages.success(request, _("Analysomgången är öppnad."))
        return redirect(analysis_round.get_absolute_url())


class RoundEditView(RoundMixin, FormView):
    template_name = "reports/analysis/round_form.html"
    form_class = RoundForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_round()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.round_update(
                analysis_round=self.get_round(),
                actor=self.request.user,
                period_start=data["period_start"],
                period_end=data["period_end"],
                due_date=data["due_date"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Omgången sparades."))
        return redirect(self.get_round().get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "round": self.get_round()}
