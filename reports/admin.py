from django.contrib import admin

from bianzhi.admin import ReadOnlyAdmin

from .models import Report


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Reports are requested and rendered by reports.services (audited, idempotent): read only here."""

    list_display = ["target", "kind", "status", "progress", "rendered_at"]
    list_filter = ["status"]
