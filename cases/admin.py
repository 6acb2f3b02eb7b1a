"""Admin for organisation, roles, code lists and deadlines. Case content is deliberately not in
the admin: it would bypass the visibility selector and the access log."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from cases.models import (
    Code,
    DeadlineRule,
    Membership,
    RetentionPolicy,
    RetentionRun,
    TwoFactorPolicy,
    Unit,
    UnitKind,
)


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
