"""The campaign's rows are written by evaluations.services only (checked, guarded, audited): read only here."""

from django.contrib import admin

from bianzhi.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Campaign,
    CampaignDeadline,
    CampaignEvent,
    CampaignTarget,
    EvaluationTeam,
    FieldVisit,
    Notification,
    Problem,
    SelfAssessment,
    Upload,
)


class CampaignTargetInline(ReadOnlyInline):
    model = CampaignTarget
    fields = ["unit", "status", "liaison", "team", "notice_seen_at"]


class CampaignDeadlineInline(ReadOnlyInline):
    model = CampaignDeadline
    fields = ["step", "due_on"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["year", "name", "kind", "status"]
    list_filter = ["status", "year"]
    inlines = [CampaignDeadlineInline, CampaignTargetInline]


@admin.register(CampaignTarget)
class CampaignTargetAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "unit", "status", "liaison", "team"]
    list_filter = ["status"]
    list_select_related = ["campaign", "unit", "liaison", "team"]


@admin.register(CampaignEvent)
class CampaignEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: readable here, never changed or deleted."""

    list_display = ["created_at", "campaign", "target", "type_label", "who", "sentence"]
    list_select_related = ["campaign", "target__unit", "actor"]
    list_filter = ["type"]


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    """Files are never overwritten or removed: a new version is uploaded through the package page."""

    list_display = ["created_at", "target", "purpose", "original_name", "version", "sha256"]
    list_filter = ["purpose"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["target", "version", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]


@admin.register(EvaluationTeam)
class EvaluationTeamAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "name"]


@admin.register(FieldVisit)
class FieldVisitAdmin(ReadOnlyAdmin):
    list_display = ["target", "status", "visit_date", "completed_at"]
    list_filter = ["status"]


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["target", "stage", "indicator_code", "description"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind"]
