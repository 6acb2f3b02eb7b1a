from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RiskScale, RiskTemplate


@admin.register(RiskTemplate)
class RiskTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "active"]


@admin.register(RiskScale)
class RiskScaleAdmin(SimpleHistoryAdmin):
    """Read-only: a scale changes by a new version (riskanalysis.services.scale_new_version)."""

    list_display = ["name", "key", "version", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
