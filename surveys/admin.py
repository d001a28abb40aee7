from django.contrib import admin

from .models import BallotBox, Export, Form, Question, SheetEntry, SheetSignoff, SurveyLink


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "kind", "opens_at", "closes_at"]
    list_filter = ["kind"]
    inlines = [QuestionInline]


@admin.register(SurveyLink)
class SurveyLinkAdmin(admin.ModelAdmin):
    list_display = ["form", "target", "window", "is_active"]
    list_filter = ["is_active"]


@admin.register(BallotBox)
class BallotBoxAdmin(admin.ModelAdmin):
    """Counts only: the spent set and the ballots' codes are not shown here."""

    list_display = ["form", "target", "issued", "used"]
    exclude = ["spent_bits"]
    readonly_fields = ["form", "target", "issued", "used", "pending", "released", "pending_comment_sheets", "created_at"]


@admin.register(SheetEntry)
class SheetEntryAdmin(admin.ModelAdmin):
    list_display = ["target", "question", "evaluator", "score", "updated_at"]
    readonly_fields = ["question", "target", "evaluator", "score", "reason"]


admin.site.register(SheetSignoff)
admin.site.register(Export)
