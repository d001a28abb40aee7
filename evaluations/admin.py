from django.contrib import admin

from .models import Campaign, CampaignEvent, CampaignTarget


class CampaignTargetInline(admin.TabularInline):
    model = CampaignTarget
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "status"]
    list_filter = ["status", "year"]
    # The stage moves only through evaluations.services.campaign_advance, which records the event.
    readonly_fields = ["status"]
    inlines = [CampaignTargetInline]


@admin.register(CampaignEvent)
class CampaignEventAdmin(admin.ModelAdmin):
    """The audit trail is append-only: readable here, never changed or deleted."""

    list_display = ["created_at", "campaign", "type", "actor"]
    list_filter = ["type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
