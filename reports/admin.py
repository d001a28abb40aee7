from django.contrib import admin

from bianzhi.admin import JobAdmin

from .models import Report


@admin.register(Report)
class ReportAdmin(JobAdmin):
    list_display = ["target", "kind", *JobAdmin.list_display[1:]]
