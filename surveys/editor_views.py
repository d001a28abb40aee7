"""The form editor's pages (thin): the editor, its phone preview, templates, and the xlsx definition."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from bianzhi.access import require
from bianzhi.exceptions import ApplicationError
from evaluations.indicators import campaign_tree_dimensions

from . import selectors
from .defaults import question_bank
from .definition import KIND_TYPES, TYPE_LABELS, DefinitionError, definition_clean, question_fields
from .importers import definition_xlsx
from .models import Question
from .services import editor
from .views import _numbered_groups

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _editor_context(form, definition: dict, errors: list[str]) -> dict:
    dimensions = campaign_tree_dimensions(form.campaign)
    return {
        "form": form, "editable": form.is_editable(), "errors": errors,
        "definition_json": json.dumps(definition, ensure_ascii=False),
        "editor_data": {
            "definition": definition,
            "types": [[t, _(TYPE_LABELS[t])] for t in KIND_TYPES[form.kind]],
            "tags": [{"code": d.code, "name": d.name,
                      "indicators": [{"code": i.code, "name": i.name} for i in d.indicators]} for d in dimensions],
            "bank": question_bank(dimensions) if not form.is_sheet else [],
            "editable": form.is_editable(),
        },
        "templates": selectors.form_templates(kind=form.kind),
    }


@login_required
def form_editor(request, pk: int):
    """One page: the questions on the left, the phone preview on the right; saved all at once."""
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    errors: list[str] = []
    definition = selectors.form_definition(form=form)
    if request.method == "POST":
        try:
            posted = json.loads(request.POST.get("definition") or "{}")
            if not isinstance(posted, dict):
                raise ValueError
        except ValueError:
            errors = [_("提交的内容无法识别，请刷新页面后重试")]
        else:
            try:
                editor.form_definition_save(form=form, definition=posted, actor=request.user)
            except ApplicationError as exc:
                errors, definition = exc.extra.get("errors") or [exc.message], posted
            else:
                messages.success(request, _("题目已保存"))
                return redirect("surveys:form_editor", pk=form.pk)
    return render(request, "surveys/editor.html", _editor_context(form, definition, errors),
                  status=400 if errors else 200)


@login_required
@xframe_options_sameorigin  # shown in the editor's phone frame
def form_preview(request, pk: int):
    """The real public page, rendered from the saved questions (GET) or the editor's unsaved draft (POST)."""
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "form.inspect", form)
    questions = selectors.form_questions(form=form)
    problems: list[str] = []
    if request.method == "POST":
        require(request.user, "forms.manage", form)
        try:
            draft = json.loads(request.POST.get("definition") or "{}")
            clean = definition_clean(draft, kind=form.kind, tree=editor.form_tree(form))
            questions = [Question(form=form, position=n, **question_fields(q))
                         for n, q in enumerate(clean["questions"], start=1)]
        except (ValueError, AttributeError, TypeError):
            problems = [_("草稿内容无法识别")]
        except DefinitionError as exc:
            problems = exc.errors  # the preview says what is still missing, as the save would
    target = form.campaign.targets.select_related("unit").first()
    return render(request, "surveys/fill.html", {
        "form": form, "target": target, "token": "", "preview": True, "problems": problems,
        "groups": _numbered_groups(form, questions), "numbers": {q.code: n for n, q in enumerate(questions, 1)},
        "values": {}, "errors": {}, "started": "",
    })


@login_required
def form_definition_export(request, pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "form.inspect", form)
    data = definition_xlsx(selectors.form_definition(form=form), tag_names=editor.tag_names(form))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="form-{form.pk}-questions.xlsx"'
    return response


@login_required
@require_POST
def form_definition_import_view(request, pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    upload = request.FILES.get("file")
    try:
        editor.form_definition_import(form=form, data=upload.read() if upload else b"", actor=request.user)
    except ApplicationError as exc:
        return render(request, "surveys/editor.html",
                      _editor_context(form, selectors.form_definition(form=form), exc.extra.get("errors") or [exc.message]),
                      status=400)
    messages.success(request, _("已从 Excel 导入题目"))
    return redirect("surveys:form_editor", pk=form.pk)


@login_required
@require_POST
def form_template_save_view(request, pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    try:
        template = editor.form_template_save(form=form, name=request.POST.get("name", ""), actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存为模板“%(name)s”，明年新建同类表册时可直接套用") % {"name": template.name})
    return redirect("surveys:form_editor", pk=form.pk)


@login_required
@require_POST
def form_template_apply_view(request, pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    chosen = request.POST.get("template", "")
    template = selectors.form_templates(kind=form.kind).filter(pk=int(chosen) if chosen.isdigit() else 0).first()
    try:
        editor.form_template_apply(form=form, template=template, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已套用模板“%(name)s”") % {"name": template.name})
    return redirect("surveys:form_editor", pk=form.pk)
