from django.contrib import admin

from .models import Form, Question


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "kind", "opens_at", "closes_at"]
    list_filter = ["kind"]
    inlines = [QuestionInline]
