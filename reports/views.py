from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianzhi.access import require
from bianzhi.exceptions import ApplicationError
from bianzhi.jobs import job_response, job_status_view
from bianzhi.permissions import action_required
from evaluations.selectors import target_get_for_user, target_list_for_user
from scoring.selectors import target_score

from .selectors import report_get_for_user
from .services import report_request


@login_required
@require_POST
@transaction.non_atomic_requests  # the service commits (and dispatches) before we answer: we can say whether it went
def report_request_view(request, target_pk: int):
    target = target_get_for_user(user=request.user, pk=target_pk)
    require(request.user, "report.request", target)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        report = report_request(target=target, actor=request.user)
    except ApplicationError as exc:
        if wants_json:
            return JsonResponse({"message": exc.message}, status=400)
        messages.error(request, exc.message)
    else:
        if wants_json:
            return job_response(report, status=202)
        if report.message:
            messages.warning(request, report.message)
        else:
            messages.success(request, _("已开始生成“%(unit)s”的评估报告") % {"unit": target.unit})
    return redirect(reverse("evaluations:campaign_detail", args=[target.campaign_id]) + f"#target-{target.pk}")


report_status = login_required(job_status_view(report_get_for_user))


@login_required
def report_download(request, pk: int):
    report = report_get_for_user(user=request.user, pk=pk)
    require(request.user, "report.download", report)
    if not report.is_ready or not report.file:
        raise Http404
    filename = _("%(year)s-%(unit)s-评估报告.pdf") % {"year": report.target.campaign.year, "unit": report.target.unit.name}
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


@action_required("results.own_unit")
def my_unit(request):
    """A liaison's home: their own unit in each campaign, and its reports — nothing else."""
    targets = target_list_for_user(user=request.user).prefetch_related("reports")
    rows = [(target, target_score(target=target)) for target in targets]
    return render(request, "reports/my_unit.html", {"unit": request.user.unit, "rows": rows})
