"""Pages of the after stage: thin; each fetches through a selector, checks bianzhi.access, calls one service."""

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bianzhi.access import may, require
from bianzhi.exceptions import ApplicationError
from evaluations.models import Upload
from evaluations.results_release import target_released
from evaluations.selectors import campaign_get_for_user, target_get_for_user, upload_list_for_user

from ..selectors import unit_reports_for_user
from ..services import signed_version
from . import selectors, services
from .exporters import rectification_xlsx
from .forms import DecideForm, FollowupSettingsForm, ReportForm, VerifyForm
from .models import AppealItem, RectificationItem


def _files(request) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in request.FILES.getlist("files") if f.size]


def _error(request, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


def _confirmed(request, refusal: str, work: Callable[[], str]) -> None:
    """A step the office ticks to confirm: without the tick, `refusal`; else `work()`'s success message, or the
    service's refusal."""
    if not request.POST.get("confirm"):
        messages.error(request, refusal)
        return
    try:
        messages.success(request, work())
    except ApplicationError as exc:
        _error(request, exc)


@login_required
@require_safe
def campaign_followup(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "followup.view", campaign)
    today = timezone.localdate()
    rows = selectors.unit_progress(campaign=campaign, today=today)
    for row in rows:
        row["finalize_refusal"] = services.finalize_refusal(row["feedback"], row["appeal"], today)
    return render(request, "reports/followup/campaign.html", {
        "campaign": campaign, "rows": rows, "today": today,
        "settings_form": FollowupSettingsForm(instance=selectors.settings_for(campaign)),
        "to_feed_back": [r for r in rows if not r["feedback"]], "fed_back": sum(1 for r in rows if r["feedback"]),
        "to_finalize": [r for r in rows if r["feedback"] and not r["finalize_refusal"]],
        "fact_appeals": selectors.appeals_fact(campaign),
    })


def _campaign_for_manage(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "followup.manage", campaign)
    return campaign


def _chosen_targets(request, campaign):
    return list(campaign.targets.filter(pk__in=[int(v) for v in request.POST.getlist("targets") if v.isdigit()]))


@login_required
@require_POST
def settings_save(request, pk: int):
    campaign = _campaign_for_manage(request, pk)
    form = FollowupSettingsForm(request.POST, instance=selectors.settings_for(campaign))
    if form.is_valid():
        try:
            services.followup_settings_save(campaign=campaign, actor=request.user, **form.cleaned_data)
            messages.success(request, _("复核与整改设置已保存"))
        except ApplicationError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("；").join(e for errors in form.errors.values() for e in errors))
    return redirect("reports:followup_campaign", pk=campaign.pk)


@login_required
@require_POST
def feedback_issue(request, pk: int):
    campaign = _campaign_for_manage(request, pk)
    _confirmed(request, _("请勾选确认后再反馈"), lambda: _("已向 %(n)s 个单位反馈评估结果") % {"n": len(
        services.results_feed_back(campaign=campaign, actor=request.user, targets=_chosen_targets(request, campaign)))})
    return redirect("reports:followup_campaign", pk=campaign.pk)


@login_required
@require_POST
def finalize(request, pk: int):
    campaign = _campaign_for_manage(request, pk)
    _confirmed(request, _("请勾选确认后再定稿"), lambda: _("已将 %(n)s 个单位的评估结果定稿") % {
        "n": services.results_finalize(campaign=campaign, actor=request.user, targets=_chosen_targets(request, campaign))})
    return redirect("reports:followup_campaign", pk=campaign.pk)


@login_required
@require_POST
def remind(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "followup.remind", campaign)
    _confirmed(request, _("请勾选确认后再催办"), lambda: _("已向 %(n)s 个单位的填报员发送催办通知") % {
        "n": services.followup_remind(campaign=campaign, actor=request.user)})
    return redirect("evaluations:campaign_board", pk=campaign.pk)


@login_required
@require_safe
def rectifications(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "followup.view", campaign)
    return render(request, "reports/followup/rectifications.html", {
        "campaign": campaign, "rows": selectors.unit_progress(campaign=campaign),
        "fact": selectors.rectification_fact(campaign),
        "candidates": selectors.rectification_candidates(campaign=campaign) if may(request.user, "followup.manage") else [],
        "settings": selectors.settings_for(campaign),
        "items": selectors.rectification_items(targets=campaign.targets.all()).order_by("target__unit__code", "deadline", "pk"),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def rectifications_create(request, pk: int):
    campaign = _campaign_for_manage(request, pk)
    chosen = set(request.POST.getlist("keys"))
    candidates = [c for c in selectors.rectification_candidates(campaign=campaign) if c["key"] in chosen]
    try:
        deadline = date.fromisoformat(request.POST["deadline"]) if request.POST.get("deadline") else None
        if not request.POST.get("confirm"):
            raise ApplicationError(_("请勾选确认后再新建整改事项"))
        made = services.rectifications_create_bulk(campaign=campaign, actor=request.user, candidates=candidates,
                                                   deadline=deadline)
        messages.success(request, _("已新建 %(n)s 项整改事项") % {"n": len(made)})
    except ValueError:
        messages.error(request, _("整改期限不是有效的日期"))
    except ApplicationError as exc:
        _error(request, exc)
    return redirect("reports:followup_rectifications", pk=campaign.pk)


@login_required
@require_safe
def rectifications_export(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "followup.view", campaign)
    items = selectors.rectification_items(targets=campaign.targets.all()).order_by("target__unit__code", "deadline", "pk")
    data = rectification_xlsx(campaign_name=str(campaign), rows=selectors.unit_progress(campaign=campaign), items=items,
                              today=timezone.localdate())
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{campaign.year}-rectification.xlsx"
    return response


@login_required
@require_safe
def unit_page(request, target_pk: int):
    """A unit's fed-back result, its appeal and its 整改 items: the liaison's page after feedback, and the
    office's view of the same unit."""
    target = target_get_for_user(user=request.user, pk=target_pk)
    require(request.user, "feedback.view", target)
    feedback = getattr(target, "feedback", None)
    released = may(request.user, "results.view_provisional", target) or target_released(target)
    result = selectors.latest_result(target) if released else None
    appeal = getattr(target, "appeal", None)
    today = timezone.localdate()
    items = list(selectors.rectification_items(targets=[target]).order_by("deadline", "pk"))
    for item in items:  # one form per item, each with its own ids
        item.report_form, item.verify_form = ReportForm(auto_id=f"r{item.pk}-%s"), VerifyForm(auto_id=f"v{item.pk}-%s")
    signed = signed_version(target) if released else None  # its 整改意见, as the lead signed them
    return render(request, "reports/followup/unit.html", {
        "target": target, "campaign": target.campaign, "feedback": feedback, "result": result, "appeal": appeal,
        "rows": sorted(result.indicators.items()) if result else [], "items": items, "today": today,
        "signed": signed, "files": unit_reports_for_user(user=request.user, target=target),
        "carried": selectors.carried_open_items(target=target),
        "may_appeal": (may(request.user, "appeal.file", target) and feedback is not None and appeal is None
                       and feedback.window_open(today) and not feedback.is_final),
        "may_report": may(request.user, "rectification.report", target),
        "may_manage": may(request.user, "followup.manage", target.campaign),
    })


@login_required
def appeal_create(request, target_pk: int):
    target = target_get_for_user(user=request.user, pk=target_pk)
    require(request.user, "appeal.file", target)
    result = selectors.latest_result(target) if target_released(target) else None
    if result is None:
        raise Http404
    if request.method == "POST":
        items = []
        for code in request.POST.getlist("codes"):
            files = [(f.name, f.read()) for f in request.FILES.getlist(f"files_{code}") if f.size]
            items.append((code, request.POST.get(f"reason_{code}", ""), files))
        try:
            appeal = services.appeal_submit(target=target, actor=request.user, items=items)
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("复核申请已提交"))
            return redirect("reports:followup_appeal", pk=appeal.pk)
    chosen = set(request.POST.getlist("codes"))  # a refused form comes back as it was typed (files aside)
    rows = [(code, row, code in chosen, request.POST.get(f"reason_{code}", "")) for code, row in sorted(result.indicators.items())]
    return render(request, "reports/followup/appeal_form.html", {
        "target": target, "campaign": target.campaign, "result": result, "rows": rows,
        "feedback": getattr(target, "feedback", None),
    })


@login_required
@require_safe
def appeal_detail(request, pk: int):
    appeal = selectors.appeal_get_for_user(user=request.user, pk=pk)
    require(request.user, "appeal.view", appeal)
    may_decide = may(request.user, "appeal.decide", appeal)
    items = list(selectors.appeal_items(appeal))
    for item in items:  # one form per item, each with its own ids (labels find their fields)
        item.form = DecideForm(auto_id=f"item{item.pk}-%s") if may_decide and not item.decision else None
    return render(request, "reports/followup/appeal.html", {
        "appeal": appeal, "target": appeal.target, "campaign": appeal.target.campaign, "items": items,
        "may_assign": may(request.user, "followup.manage", appeal.target.campaign),
        "may_decide": may_decide,
        "reviewers": [(u, services.reviewer_refusal(appeal.target, u)) for u in selectors.reviewers()],
    })


@login_required
@require_POST
def appeal_assign(request, pk: int):
    appeal = selectors.appeal_get_for_user(user=request.user, pk=pk)
    require(request.user, "followup.manage", appeal.target.campaign)
    reviewer = get_object_or_404(selectors.reviewers(), pk=request.POST.get("reviewer") or 0)
    try:
        services.appeal_assign(appeal=appeal, reviewer=reviewer, actor=request.user)
        messages.success(request, _("已指定 %(n)s 为复核人员") % {"n": reviewer.display_name})
    except ApplicationError as exc:
        _error(request, exc)
    return redirect("reports:followup_appeal", pk=appeal.pk)


@login_required
@require_POST
def appeal_item_decide(request, pk: int):
    item = get_object_or_404(AppealItem, pk=pk, appeal__in=selectors.appeal_list_for_user(user=request.user))
    require(request.user, "appeal.decide", item.appeal)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("；").join(e for errors in form.errors.values() for e in errors))
    else:
        d = form.cleaned_data
        try:
            services.appeal_item_decide(item=item, actor=request.user, decision=d["decision"], reason=d["reason"],
                                        points=d["points"])
            messages.success(request, _("已对“%(n)s”作出复核决定") % {"n": item.indicator_name})
        except ApplicationError as exc:
            _error(request, exc)
    return redirect("reports:followup_appeal", pk=item.appeal_id)


@login_required
@require_POST
def item_report(request, pk: int):
    item = selectors.rectification_get_for_user(user=request.user, pk=pk)
    require(request.user, "rectification.report", item.target)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_report(item=item, actor=request.user, text=form.cleaned_data["text"],
                                          files=_files(request), done=form.cleaned_data["done"])
            messages.success(request, _("整改情况已报送"))
        except ApplicationError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("请写明整改情况"))
    return redirect("reports:followup_unit", target_pk=item.target_id)


@login_required
@require_POST
def item_verify(request, pk: int):
    item = selectors.rectification_get_for_user(user=request.user, pk=pk)
    require(request.user, "followup.manage", item.target.campaign)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_verify(item=item, actor=request.user, accept=form.cleaned_data["verdict"] == "accept",
                                          reason=form.cleaned_data["reason"])
            messages.success(request, _("整改事项已核实"))
        except ApplicationError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("请选择核实结果"))
    return redirect("reports:followup_unit", target_pk=item.target_id)


@login_required
@require_safe
def evidence_file(request, pk: int):
    """An appeal's or a 整改 report's file, to whoever may see that appeal (a reviewer: theirs) or item."""
    upload = get_object_or_404(Upload, pk=pk, purpose__in=[Upload.Purpose.APPEAL, Upload.Purpose.RECTIFICATION])
    if upload.purpose == Upload.Purpose.APPEAL:
        visible = AppealItem.objects.filter(evidence=upload, appeal__in=selectors.appeal_list_for_user(user=request.user))
    else:
        visible = RectificationItem.objects.filter(reports__evidence=upload,
                                                   pk__in=selectors.rectification_list_for_user(user=request.user))
    if not visible.exists() and not upload_list_for_user(user=request.user).filter(pk=upload.pk).exists():
        raise Http404
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.original_name,
                        content_type=upload.content_type)


@login_required
@require_safe
def my_reviews(request):
    require(request.user, "appeal.review")
    appeals = selectors.appeal_list_for_user(user=request.user).filter(reviewer=request.user)
    return render(request, "reports/followup/my_reviews.html", {"appeals": appeals})
