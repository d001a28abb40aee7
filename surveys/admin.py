"""Forms, links, ballots, sheets and exports are written by surveys.services only (guarded, audited): read only.

Nothing here shows what could undo the anonymity of the staff assessment: no ballot codes, no spent set, no
answer sheets."""

from django.contrib import admin

from bianzhi.admin import JobAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import BallotBox, Export, Form, Question, SheetEntry, SheetSignoff, SurveyLink


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["position", "code", "text", "type", "required", "indicator"]


@admin.register(Form)
class FormAdmin(ReadOnlyAdmin):
    list_display = ["title", "campaign", "kind", "opens_at", "closes_at"]
    list_filter = ["kind"]
    inlines = [QuestionInline]


@admin.register(SurveyLink)
class SurveyLinkAdmin(ReadOnlyAdmin):
    list_display = ["form", "target", "window", "is_active"]
    list_filter = ["is_active"]
    exclude = ["token"]  # the link is the credential


@admin.register(BallotBox)
class BallotBoxAdmin(ReadOnlyAdmin):
    """Counts only: the spent set and the ballots' codes are not shown here."""

    list_display = ["form", "target", "issued", "used"]
    exclude = ["spent_bits"]
    readonly_fields = ["form", "target", "issued", "used", "pending", "released", "pending_comment_sheets", "created_at"]


@admin.register(SheetEntry)
class SheetEntryAdmin(ReadOnlyAdmin):
    list_display = ["target", "question", "evaluator", "score", "updated_at"]


@admin.register(SheetSignoff)
class SheetSignoffAdmin(ReadOnlyAdmin):
    list_display = ["form", "target", "signed_by", "signed_at"]


admin.site.register(Export, JobAdmin)  # read-only, like every kind of job
