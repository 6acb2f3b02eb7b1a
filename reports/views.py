"""Utvecklingsområden pages. Reads start from `development_areas_visible_to` (invisible → 404);
writes go through one service each."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from cases.history import HistorySource, history_entries
from cases.services import ServiceError
from cases.views.mixins import PermissionMixin

from . import services
from .forms import DevelopmentAreaForm, FollowUpForm
from .models import DevelopmentArea
from .selectors import VIEW_ROLES, WRITE_ROLES, development_area_list, development_areas_visible_to


class AreaMixin(PermissionMixin):
    required_roles = VIEW_ROLES

    def get_area(self) -> DevelopmentArea:
        if not hasattr(self, "_area"):
            area = (
                development_areas_visible_to(self.request.user)
                .select_related("unit", "continues", "created_by")
                .filter(pk=self.kwargs["pk"])
                .first()
            )
            if area is None:
                raise Http404
            self._area = area
        return self._area


class DevelopmentAreaListView(PermissionMixin, ListView):
    required_roles = VIEW_ROLES
    template_name = "reports/development_areas/list.html"
    context_object_name = "areas"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = development_area_list(self.request.user, self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class DevelopmentAreaCreateView(PermissionMixin, FormView):
    required_roles = WRITE_ROLES
    template_name = "reports/development_areas/form.html"
    form_class = DevelopmentAreaForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"year_decided": timezone.localdate().year}

    def form_valid(self, form):
        try:
            area = services.development_area_create(actor=self.request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Utvecklingsområdet sparades."))
        return redirect(area.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Nytt utvecklingsområde"), **kwargs)


class DevelopmentAreaDetailView(AreaMixin, DetailView):
    template_name = "reports/development_areas/detail.html"
    context_object_name = "area"

    def get_object(self, queryset=None):
        return self.get_area()

    def get_context_data(self, **kwargs):
        area = self.object
        return super().get_context_data(
            history=history_entries(
                [HistorySource(DevelopmentArea, area.history.all(), _("utvecklingsområdet"))],
                reader=self.request.user,
            ),
            continuations=development_areas_visible_to(self.request.user).filter(continues=area),
            **kwargs,
        )


class DevelopmentAreaEditView(AreaMixin, FormView):
    required_roles = WRITE_ROLES
    template_name = "reports/development_areas/form.html"
    form_class = DevelopmentAreaForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_area()}

    def form_valid(self, form):
        try:
            services.development_area_update(
                area=self.get_area(), actor=self.request.user, data=dict(form.cleaned_data)
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Utvecklingsområdet sparades."))
        return redirect(self.get_area().get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Ändra utvecklingsområde"), area=self.get_area(), **kwargs
        )


class DevelopmentAreaFollowUpView(AreaMixin, FormView):
    required_roles = WRITE_ROLES
    template_name = "reports/development_areas/form.html"
    form_class = FollowUpForm

    def get_initial(self):
        area = self.get_area()
        return {
            "year": area.follow_up_year or area.year_decided + 1,
            "status": area.status if area.is_followed_up else "",
            "text": area.follow_up_text,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.development_area_follow_up(
                area=self.get_area(),
                actor=self.request.user,
                status=data["status"],
                text=data["text"],
                year=data["year"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Uppföljningen sparades."))
        return redirect(self.get_area().get_absolute_url())

    def get_context_data(self, **kwargs):
        area = self.get_area()
        return super().get_context_data(heading=_("Följ upp: %s") % area.title, area=area, **kwargs)
