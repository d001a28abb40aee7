"""Admin: trees and experts may be corrected here until the weights are frozen; after that, read only."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from .models import Expert, IndicatorTree, Judgement, TreeDimension, TreeIndicator, WeightFreeze


def _frozen(tree_id) -> bool:
    return tree_id is not None and WeightFreeze.objects.filter(tree_id=tree_id).exists()


class FrozenReadOnly:
    """Refuses change and delete once the object's tree has frozen weights. `tree_of(obj)` gives the tree id."""

    @staticmethod
    def tree_of(obj):
        return obj.tree_id

    def _open(self, obj) -> bool:
        return obj is None or not _frozen(self.tree_of(obj))

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if _frozen(self.tree_of(obj)):  # a new row under a frozen tree, added from its own admin page
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request, obj=None):
        if obj is not None and not self._open(obj):  # inlines: no new rows under a frozen tree
            return False
        return super().has_add_permission(request, obj) if obj is not None else super().has_add_permission(request)


class TreeIndicatorInline(FrozenReadOnly, admin.TabularInline):
    model = TreeIndicator
    extra = 0
    fields = ["code", "dimension", "name", "kind", "direction", "full_marks", "position"]

    @staticmethod
    def tree_of(obj):
        return obj.pk  # the inline is asked about the parent tree


class TreeDimensionInline(TreeIndicatorInline):
    model = TreeDimension
    fields = ["code", "name", "position"]


@admin.register(IndicatorTree)
class IndicatorTreeAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = ["name", "campaign", "created_at"]
    inlines = [TreeDimensionInline, TreeIndicatorInline]

    @staticmethod
    def tree_of(obj):
        return obj.pk


@admin.register(TreeIndicator)
class TreeIndicatorAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = ["code", "name", "dimension", "kind", "direction", "tree"]
    list_filter = ["kind", "direction"]


@admin.register(Expert)
class ExpertAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = ["name", "tree", "weight", "excluded"]


@admin.register(Judgement)
class JudgementAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = ["expert", "node", "cr", "saved_at"]

    @staticmethod
    def tree_of(obj):
        return obj.expert.tree_id


@admin.register(WeightFreeze)
class WeightFreezeAdmin(admin.ModelAdmin):
    """The freeze record is written once by scoring.services.weights_freeze: readable, never changed."""

    list_display = ["tree", "method", "ri_table", "frozen_by", "frozen_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
