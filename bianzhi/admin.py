from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .accounts.services import liaisons_deactivate_for_abolished_units
from .models import (
    CalendarDay,
    InternalBody,
    LeadershipPost,
    Quota,
    RegistryImport,
    Unit,
    UnitFunction,
    UnitVersion,
    User,
)
from .services import unit_version_record


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services (which check, ask the campaign's guard and record an audit event):
    readable here, never added, changed or deleted here. Every app's admin uses it for what its services own."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def inline(inline_model) -> type[admin.TabularInline]:
    return type(f"{inline_model.__name__}Inline", (admin.TabularInline,), {"model": inline_model, "extra": 0})


class UnitVersionInline(admin.TabularInline):
    """History is append-only: shown, never edited here."""

    model = UnitVersion
    extra = 0
    fields = ["valid_from", "source", "actor", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "region", "status", "parent"]
    list_filter = ["kind", "level", "status", "region"]
    search_fields = ["code", "name", "short_name", "credit_code"]
    raw_id_fields = ["parent", "supervisor"]
    inlines = [inline(Quota), inline(LeadershipPost), inline(UnitFunction), inline(InternalBody), UnitVersionInline]

    def save_related(self, request, form, formsets, change):
        """An edit here is a change like an import: it gets a dated version too."""
        super().save_related(request, form, formsets, change)
        unit_version_record(unit=form.instance, actor=request.user, source=UnitVersion.Source.ADMIN)
        liaisons_deactivate_for_abolished_units(unit_ids=[form.instance.pk], actor=request.user)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("角色"), {"fields": ("role", "unit")}),)

    # Accounts change only on 账号管理 (/accounts/manage/), where every change is a security audit record;
    # an account is deactivated, never deleted. Here they are shown, read-only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JobAdmin(ReadOnlyAdmin):
    """Background jobs are read-only here: they change only through their services and the runner
    (bianzhi.jobs); a user retries from the job's own page."""

    list_display = ["__str__", "status", "progress", "attempts", "requested_by", "created_at", "finished_at"]
    list_filter = ["status"]


@admin.register(RegistryImport)
class RegistryImportAdmin(JobAdmin):
    exclude = ["issues"]
