from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["target", "kind", "status", "progress", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "progress", "file", "error", "finished_at"]
