from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LegalReference


@admin.register(LegalReference)
class LegalReferenceAdmin(SimpleHistoryAdmin):
    """Legal references are data (DESIGN §3.3); case content stays out of the admin."""

    list_display = ("label", "code", "active", "order")
    list_editable = ("active", "order")
