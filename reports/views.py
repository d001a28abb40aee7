import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianzhi.access import may, require
from bianzhi.exceptions import ApplicationError
from bianzhi.jobs import job_response, job_status_view
from bianzhi.permissions import action_required
from evaluations.selectors import (
    campaign_get_for_user,
    target_get_for_user,
    target_list_for_user,
)
from scoring.selectors import target_score

from . import word
from .facts import report_facts
from .forms import ReportDraftForm, ReportSignForm, SummaryTextForm, WordTemplateForm
from .selectors import (
    bulk_progress,
    campaign_report_rows,
    ready_files,
    report_get_for_user,
    report_versions,
    summary_get_for_user,
    summary_jobs,
    summary_text,
    unit_reports_for_user,
)
from .services import (
    SECTIONS,
    report_draft_save,
    report_lead_id,
    report_request,
    report_sign,
    reports_generate_all,
)
from .summary import summary_request, summary_text_save
from .word_admin import word_template_upload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
@transaction.non_atomic_requests  # the service commits (and dispatches) before we answer: we can say whether it went
def report_request_view(request, target_pk: int):
    target = target_get_for_user(user=request.user, pk=target_pk)
    require(request.user, "report.request", target)
    try:
        report = report_request(target=target, actor=request.user)
    except ApplicationError as exc:
        if _wants_json(request):
            return JsonResponse({"message": exc.message}, status=400)
        messages.error(request, exc.message)
    else:
        if _wants_json(request):
            return job_response(report, status=202)
        if report.message:
            messages.warning(request, report.message)
        else:
            messages.success(request, _("已开始生成“%(unit)s”的评估报告") % {"unit": target.unit})
    return redirect(request.POST.get("next") or
                    reverse("evaluations:campaign_detail", args=[target.campaign_id]) + f"#target-{target.pk}")


report_status = login_required(job_status_view(report_get_for_user))


@login_required
def report_download(request, pk: int):
    report = report_get_for_user(user=request.user, pk=pk)
    require(request.user, "report.download", report)
    if not report.is_ready or not report.file:
        raise Http404
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.download_name(report.target.campaign.year),
                        content_type=DOCX if report.is_word else "application/pdf")


# ---------------------------------------------------------------------------------------------------------
# 撰写报告: one unit's report
# ---------------------------------------------------------------------------------------------------------
@login_required
def report_write(request, target_pk: int):
    """The unit's report: its figures (pre-filled from the stored result), the three written sections, the
    versions and the files. The team edits; the lead signs; readers read."""
    target = target_get_for_user(user=request.user, pk=target_pk)
    require(request.user, "report.inspect", target)
    versions = report_versions(target=target)
    latest = versions[0] if versions else None
    if request.method == "POST":
        require(request.user, "report.write", target)
        form = ReportDraftForm(request.POST)
        if form.is_valid():
            try:
                report_draft_save(target=target, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("报告已保存"))
                return redirect("reports:write", target.pk)
    else:
        initial = {name: getattr(latest, name) for name in SECTIONS} if latest else {}
        form = ReportDraftForm(initial=initial)
    result = target_score(target=target).result
    facts = None
    if latest and latest.is_signed:
        facts = latest.facts
    elif result is not None and not result.provisional:
        facts = report_facts(target, result)
    lead = report_lead_id(target.campaign)
    context = {
        "target": target, "campaign": target.campaign, "versions": versions, "latest": latest, "form": form,
        "sign_form": ReportSignForm(), "facts": facts, "result": result,
        "may_write": may(request.user, "report.write", target),
        "may_sign": may(request.user, "report.sign", target) and lead in (None, request.user.pk),
        "may_request": may(request.user, "report.request", target),
        "files": unit_reports_for_user(user=request.user, target=target),
    }
    return render(request, "reports/report_write.html", context)


@login_required
@require_POST
@transaction.non_atomic_requests
def report_sign_view(request, target_pk: int):
    target = target_get_for_user(user=request.user, pk=target_pk)
    require(request.user, "report.sign", target)
    form = ReportSignForm(request.POST)
    try:
        report_sign(target=target, actor=request.user, confirmed=form.is_valid())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        raise PermissionDenied(*exc.args) from None
    else:
        messages.success(request, _("报告已签署，正在生成 PDF 和 Word 文件"))
    return redirect("reports:write", target.pk)


# ---------------------------------------------------------------------------------------------------------
# A campaign's reports: every unit, 生成全部报告, the zip, the summary, the Word templates
# ---------------------------------------------------------------------------------------------------------
@login_required
def campaign_reports(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "report.inspect", campaign)
    text = summary_text(campaign=campaign)
    context = {
        "campaign": campaign, "rows": campaign_report_rows(campaign=campaign, user=request.user),
        "progress": bulk_progress(campaign=campaign), "summary": summary_jobs(campaign=campaign),
        "summary_form": SummaryTextForm(initial={"suggestions": text.suggestions if text else ""}),
        "template_form": WordTemplateForm(),
    }
    return render(request, "reports/campaign_reports.html", context)


@login_required
@require_POST
@transaction.non_atomic_requests
def generate_all(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "report.request", campaign)
    try:
        n = reports_generate_all(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已开始生成 %(n)s 个单位的评估报告（PDF 和 Word）") % {"n": n})
    return redirect("reports:campaign", campaign.pk)


@login_required
def bulk_status(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "report.inspect", campaign)
    return JsonResponse(bulk_progress(campaign=campaign))


@login_required
def reports_zip(request, campaign_pk: int):
    """Every rendered file of the campaign in one zip (stored, not compressed: PDFs and .docx are compressed
    already), built in a temporary file so a thousand reports never sit in memory."""
    import tempfile

    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "report.inspect", campaign)
    files = ready_files(campaign=campaign)
    if not files:
        raise Http404
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (FileResponse closes it)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_STORED) as archive:
        for report in files:
            with report.file.open("rb") as fh:
                archive.writestr(report.download_name(report.target.unit.code), fh.read())
    spool.seek(0)
    zip_name = _("%(year)s-%(campaign)s-评估报告.zip") % {"year": campaign.year, "campaign": campaign.name}
    return FileResponse(spool, as_attachment=True, filename=zip_name, content_type="application/zip")


@login_required
@require_POST
def summary_save(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "summary.write", campaign)
    form = SummaryTextForm(request.POST)
    if form.is_valid():
        try:
            summary_text_save(campaign=campaign, actor=request.user, suggestions=form.cleaned_data["suggestions"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("工作建议已保存"))
    return redirect(reverse("reports:campaign", args=[campaign.pk]) + "#summary")


@login_required
@require_POST
@transaction.non_atomic_requests
def summary_request_view(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "summary.write", campaign)
    try:
        jobs = summary_request(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if jobs[0].message:
            messages.warning(request, jobs[0].message)
        else:
            messages.success(request, _("已开始生成总结报告（PDF 和 Word）"))
    return redirect(reverse("reports:campaign", args=[campaign.pk]) + "#summary")


summary_status = login_required(job_status_view(summary_get_for_user))


@login_required
def summary_download(request, pk: int):
    job = summary_get_for_user(user=request.user, pk=pk)
    if not job.is_ready or not job.file:
        raise Http404
    extension, content_type = ("docx", DOCX) if job.is_word else ("pdf", "application/pdf")
    filename = _("%(year)s-%(campaign)s-总结报告.%(ext)s") % {"year": job.campaign.year, "campaign": job.campaign.name,
                                                     "ext": extension}
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


@action_required("word_template.manage")
def template_download(request, kind: str):
    """The Word template in use (the office's newest upload, else the default); ?default=1: the shipped one."""
    if kind not in word.DEFAULT_FILES:
        raise Http404
    data = word.default_bytes(kind) if request.GET.get("default") else word.template_bytes(kind)
    name = {"unit": _("单位评估报告模板"), "summary": _("总结报告模板")}[kind]
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{name}.docx", content_type=DOCX)


@action_required("word_template.manage")
@require_POST
def template_upload(request):
    form = WordTemplateForm(request.POST, request.FILES)
    back = request.POST.get("next") or reverse("evaluations:campaign_list")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, _("；").join(errors))
        return redirect(back)
    try:
        template = word_template_upload(kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已启用新的%(kind)s：%(name)s") % {"kind": template.get_kind_display(),
                                                                "name": template.original_name})
    return redirect(back)


@action_required("results.own_unit")
def my_unit(request):
    """A liaison's home: their own unit in each campaign, and its reports — nothing else."""
    targets = target_list_for_user(user=request.user).prefetch_related("reports")
    rows = [(target, target_score(target=target)) for target in targets]
    return render(request, "reports/my_unit.html", {"unit": request.user.unit, "rows": rows})


