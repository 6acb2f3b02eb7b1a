from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Deviation


@admin.register(Deviation)
class DeviationAdmin(SimpleHistoryAdmin):
    """Read-only: deviations change through the services, never through the admin."""

    list_display = ("case", "concerns_child", "at_absence_or_handover", "reclassified_to")
    list_filter = ("concerns_child", "at_absence_or_handover", "reclassified_to")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
