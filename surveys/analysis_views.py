"""Results per question (charts, filters, cross-tab) and their xlsx (thin views)."""

import io
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bianzhi import spreadsheets
from bianzhi.access import require

from . import analysis, selectors
from .analysis import Analysis, Filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filters(request, form) -> Filters:
    get = request.GET
    target = get.get("unit", "")
    filters = Filters(target_id=int(target) if target.isdigit() else None, dimension=get.get("dimension", "")[:32])
    if not form.is_staff_assessment:  # the anonymous staff assessment: aggregates only, no slicing
        filters.date_from, filters.date_to = _day(get.get("from", "")), _day(get.get("to", ""))
        filters.where_question, filters.where_value = get.get("where", "")[:32], get.get("is", "")[:32]
        filters.by = get.get("by", "")[:32]
    return filters


def _analysis(request, pk: int) -> tuple[Analysis, Filters]:
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "results.view_all", form)
    if form.is_sheet:
        raise Http404
    filters = _filters(request, form)
    return analysis.form_analysis(form=form, filters=filters), filters


@login_required
def form_analysis_view(request, pk: int):
    result, filters = _analysis(request, pk)
    form = result.form
    choice_questions = [q for q in form.questions.all() if q.is_choice]
    where = next((q for q in choice_questions if q.code == filters.where_question), None)
    return render(request, "surveys/analysis.html", {
        "form": form, "analysis": result, "filters": filters, "units": analysis.analysis_units(form),
        "dimensions": analysis.analysis_dimensions(form), "choice_questions": choice_questions,
        "where_options": where.choices if where else [],
        "charts": [q.chart_data for q in result.questions], "query": request.GET.urlencode(),
    })


@spreadsheets.exporter
def analysis_xlsx(result: Analysis) -> bytes:
    """统计 (per question: labels, counts, percentages; matrices and cross-tabs as tables) and 编码说明 (the
    codebook: the only place codes appear)."""
    book = spreadsheets.workbook()
    sheet = book.active
    sheet.title = _("统计")
    spreadsheets.append(sheet, [_("题号"), _("题目"), _("选项或分组"), _("人数"), _("比例")])
    for r in result.questions:
        q = r.question
        title = [r.number, q.text]
        if r.matrix:
            spreadsheets.append(sheet, [*title, _("（矩阵）"), r.answered, ""])
            spreadsheets.append(sheet, ["", _("行"), *r.matrix["options"]])
            for row in r.matrix["table"]:
                spreadsheets.append(sheet, ["", row["label"], *(_("%(count)s（%(percent)s）") % c for c in row["cells"])])
        elif r.words:
            for word, n in r.words:
                spreadsheets.append(sheet, [*title, word, n, ""])
        elif r.rows:
            for row in r.rows:
                spreadsheets.append(sheet, [*title, row["label"], row["count"], row["percent"]])
        else:
            spreadsheets.append(sheet, [*title, _("平均") if r.mean is not None else "", r.answered,
                                        round(r.mean, 2) if r.mean is not None else ""])
        if r.cross:
            spreadsheets.append(sheet, ["", _("按“%(by)s”交叉") % {"by": r.cross["by"]}, *r.cross["columns"]])
            for row in r.cross["rows"]:
                spreadsheets.append(sheet, ["", row["label"], *(_("%(count)s（%(percent)s）") % c for c in row["cells"])])
    book_sheet = book.create_sheet(_("编码说明"))
    spreadsheets.append(book_sheet, [_("题号"), _("题目"), _("题目编码"), _("选项或行"), _("编码")])
    for r in result.questions:
        q = r.question
        spreadsheets.append(book_sheet, [r.number, q.text, q.code, "", ""])
        for code, label in q.choices:
            spreadsheets.append(book_sheet, [r.number, q.text, q.code, label, code])
        for row in q.rows:
            spreadsheets.append(book_sheet, [r.number, q.text, q.code, row["label"], row["code"]])
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 24
    spreadsheets.neutralise(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def form_analysis_export(request, pk: int):
    result, _filters = _analysis(request, pk)
    response = HttpResponse(analysis_xlsx(result), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="form-{result.form.pk}-results.xlsx"'
    return response
