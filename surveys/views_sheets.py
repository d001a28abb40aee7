"""The evaluation sheet (评估表) in Excel: downloaded pre-filled with the evaluator's draft, uploaded back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bianzhi.access import require
from bianzhi.exceptions import ApplicationError
from bianzhi.views import xlsx_response
from evaluations.forms import SheetImportForm

from . import selectors, services
from .views import _sheet_of, sheet_context


@login_required
@require_safe
def sheet_xlsx(request, pk: int, target_pk: int):
    form, target = _sheet_of(request, pk, target_pk)
    require(request.user, "sheet.fill", target)  # the workbook carries this evaluator's own draft
    data = selectors.sheet_workbook(form=form, target=target, evaluator=request.user)
    return xlsx_response(data, f"evaluation-sheet-{form.pk}-{target.unit.code}.xlsx")


@login_required
@require_POST
def sheet_xlsx_upload(request, pk: int, target_pk: int):
    """All rows or none; the problems listed by row and column on the sheet's page."""
    form, target = _sheet_of(request, pk, target_pk)
    require(request.user, "sheet.fill", target)
    upload = SheetImportForm(request.POST, request.FILES)
    if not upload.is_valid():
        messages.error(request, _("；").join(e for errors in upload.errors.values() for e in errors))
        return redirect("surveys:sheet", pk=form.pk, target_pk=target.pk)
    try:
        read = services.sheet_import(form=form, target=target, evaluator=request.user,
                                     data=upload.cleaned_data["file"].read())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:sheet", pk=form.pk, target_pk=target.pk)
    if read.issue_total:
        context = sheet_context(request, form, target, {})
        context["import_read"] = read
        return render(request, "surveys/sheet.html", context, status=400)
    messages.success(request, _("已从 Excel 填入 %(n)d 项评分（草稿，可继续修改）") % {"n": len(read.values)})
    return redirect("surveys:sheet", pk=form.pk, target_pk=target.pk)
