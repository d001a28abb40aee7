from django.contrib import admin

from .models import Campaign, CampaignEvent, CampaignTarget, EvaluationTeam, Notification, SelfAssessment, Upload


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services (which check and record): readable here, never changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CampaignTargetInline(admin.TabularInline):
    model = CampaignTarget
    extra = 0
    fields = ["unit", "status", "liaison", "team", "notice_seen_at"]
    # Progress moves only through evaluations.services, which checks the transition and records it.
    readonly_fields = ["status", "notice_seen_at"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "kind", "status"]
    list_filter = ["status", "year"]
    # The stage moves only through evaluations.services.campaign_advance, which records the event.
    readonly_fields = ["status"]
    inlines = [CampaignTargetInline]


@admin.register(CampaignEvent)
class CampaignEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: readable here, never changed or deleted."""

    list_display = ["created_at", "campaign", "target", "type", "actor"]
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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind"]
