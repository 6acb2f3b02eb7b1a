"""Admin for organisation, roles, code lists and deadlines. Case content is deliberately not in
the admin: it would bypass the visibility selector and the access log."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from cases.models import (
    Code,
    DeadlineRule,
    IdpGroupMapping,
    Membership,
    RetentionPolicy,
    RetentionRun,
    TwoFactorPolicy,
    Unit,
    UnitKind,
)
from cases.services.history import REASON_MAX
from cases.services.sso import group_mapping_create, group_mapping_delete, group_mapping_update


@admin.register(UnitKind)
class UnitKindAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "order"]


@admin.register(Unit)
class UnitAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Unit)
    list_display = ["name", "code", "kind", "valid_from", "valid_to"]
    search_fields = ["name", "code"]
    list_filter = ["kind"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(Code)
class CodeAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "codelist", "active", "order"]
    list_filter = ["codelist", "active"]
    list_editable = ["active", "order"]
    search_fields = ["label", "code"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    list_display = ["label", "kind", "step", "days", "working_days"]
    list_editable = ["days", "working_days"]


@admin.register(TwoFactorPolicy)
class TwoFactorPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["role", "required"]
    list_editable = ["required"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "months_after_close", "active"]
    list_editable = ["months_after_close", "active"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "dry_run", "counts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IdpGroupMappingForm(forms.ModelForm):
    reason = forms.CharField(
        label=gettext_lazy("Anledning"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Sparas i historiken tillsammans med ditt namn."),
    )

    class Meta:
        model = IdpGroupMapping
        fields = ["group", "role", "unit"]


@admin.register(IdpGroupMapping)
class IdpGroupMappingAdmin(SimpleHistoryAdmin):
    """Every change goes through cases.services.sso, so it leaves a history row with the
    administrator and the reason; the next SSO login of each member applies it."""

    form = IdpGroupMappingForm
    list_display = ["group", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["group", "unit__name"]
    autocomplete_fields = ["unit"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {"group": data["group"], "role": data["role"], "unit": data["unit"]}
        if change:
            group_mapping_update(mapping=obj, actor=request.user, reason=data["reason"], **fields)
        else:
            obj.pk = group_mapping_create(actor=request.user, reason=data["reason"], **fields).pk

    def delete_model(self, request, obj):
        group_mapping_delete(
            mapping=obj, actor=request.user, reason=_("Borttagen i administrationen.")
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
