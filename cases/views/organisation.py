"""Organisation details (nämnd, förvaltning, sender address), edited by quality staff."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cases.models import OrganisationSettings
from cases.services.errors import ServiceError
from cases.services.history import REASON_MAX
from cases.services.organisation import EDIT_ROLES, FIELDS, organisation_settings_update

from .mixins import PermissionMixin


class OrganisationSettingsForm(forms.ModelForm):
    reason = forms.CharField(
        label=gettext_lazy("Anledning till ändringen"),
        max_length=REASON_MAX,
        widget=forms.TextInput,
        help_text=gettext_lazy("Sparas i historiken."),
    )

    class Meta:
        model = OrganisationSettings
        fields = FIELDS


class OrganisationSettingsView(PermissionMixin, View):
    required_roles = tuple(EDIT_ROLES)
    template_name = "cases/organisation_settings.html"

    def get(self, request):
        form = OrganisationSettingsForm(instance=OrganisationSettings.load())
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = OrganisationSettingsForm(request.POST, instance=OrganisationSettings.load())
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in FIELDS}
            try:
                organisation_settings_update(
                    actor=request.user, reason=form.cleaned_data["reason"], **values
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Organisationsuppgifterna är sparade."))
                return redirect("organisation_settings")
        return render(request, self.template_name, {"form": form}, status=422)
