"""Trees, experts, judgements and weights are changed by scoring.services only (which ask the campaign's guard,
refuse after the freeze and record an audit event): read only here."""

from django.contrib import admin

from bianzhi.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Expert, IndicatorTree, Judgement, TreeDimension, TreeIndicator, WeightFreeze


class TreeDimensionInline(ReadOnlyInline):
    model = TreeDimension
    fields = ["code", "name", "position"]


class TreeIndicatorInline(ReadOnlyInline):
    model = TreeIndicator
    fields = ["code", "dimension", "name", "kind", "direction", "full_marks", "position"]


@admin.register(IndicatorTree)
class IndicatorTreeAdmin(ReadOnlyAdmin):
    list_display = ["name", "campaign", "created_at"]
    inlines = [TreeDimensionInline, TreeIndicatorInline]


@admin.register(TreeIndicator)
class TreeIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "dimension", "kind", "direction", "tree"]
    list_filter = ["kind", "direction"]


@admin.register(Expert)
class ExpertAdmin(ReadOnlyAdmin):
    list_display = ["name", "tree", "weight", "excluded"]
    exclude = ["token"]  # the expert's link is the credential


@admin.register(Judgement)
class JudgementAdmin(ReadOnlyAdmin):
    list_display = ["expert", "node", "cr", "saved_at"]


@admin.register(WeightFreeze)
class WeightFreezeAdmin(ReadOnlyAdmin):
    list_display = ["tree", "method", "ri_table", "frozen_by", "frozen_at"]
