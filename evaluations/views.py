from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bianzhi.access import may, require, restrict
from bianzhi.exceptions import ApplicationError
from bianzhi.permissions import action_required
from bianzhi.views import xlsx_response

from . import services
from .exporters import events_csv
from .forms import (
    CampaignCreateForm,
    CampaignSettingsForm,
    FieldVisitForm,
    ReplaceForm,
    ReturnForm,
    SelfAssessmentForm,
    SheetImportForm,
    TeamForm,
    UploadForm,
)
from .hooks import campaign_board_steps, campaign_facts, campaign_rows, target_facts
from .indicators import (
    block_subscores,
    campaign_dimensions,
    campaign_indicator_codes,
    campaign_indicators,
    indicator_scale,
)
from .models import Campaign, CampaignTarget, FieldVisit, Upload
from .selectors import (
    board_rows,
    board_steps,
    campaign_events,
    campaign_get_for_user,
    campaign_list_for_user,
    notification_get_for_user,
    notifications_for_user,
    pending_tasks_for_user,
    self_assessment_get,
    self_assessment_versions,
    self_assessment_workbook,
    target_events,
    target_get_for_user,
    target_list_for_user,
    units_due_for_evaluation,
    upload_get_for_user,
)
from .visits import stages_done


# ---------------------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------------------
@action_required("campaign.inspect")
@require_safe
def campaign_list(request):
    # the evaluator's home: their pending tasks first (a leader has none)
    context = {"campaigns": campaign_list_for_user(user=request.user),
               "tasks": pending_tasks_for_user(user=request.user)}
    return render(request, "evaluations/campaign_list.html", context)


@action_required("campaign.create")
def campaign_create_view(request):
    # one click adds the units not evaluated for N years (全覆盖): the link reloads the form with them ticked
    due = units_due_for_evaluation()
    initial = {"units": due} if request.GET.get("scope") == "due" else None
    form = CampaignCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("评估活动已创建，已为 %(n)d 个单位建立评估任务包") % {"n": campaign.targets.count()})
            return redirect("evaluations:campaign_detail", pk=campaign.pk)
    return render(request, "evaluations/campaign_form.html", {"form": form, "due_count": len(due),
                                                              "coverage_years": settings.COVERAGE_YEARS})


@login_required
@require_safe
def campaign_detail(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "campaign.inspect", campaign)
    rows = campaign_rows(campaign, campaign.targets.select_related("unit"))
    no_liaison = campaign.targets.filter(liaison__isnull=True).select_related("unit")
    return render(
        request,
        "evaluations/campaign_detail.html",
        {"campaign": campaign, "rows": rows, **campaign_facts(campaign, "satisfaction_form"), "no_liaison": no_liaison,
         "teams": campaign.teams.prefetch_related("members", "targets__unit"),
         "deadlines": campaign.deadlines.all(), "events": campaign_events(campaign=campaign)[:50]},
    )


@login_required
@require_POST
def campaign_advance_view(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "campaign.advance", campaign)
    try:
        campaign = services.campaign_advance(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已进入“%(stage)s”阶段") % {"stage": campaign.get_status_display()})
    return redirect("evaluations:campaign_detail", pk=pk)


@login_required
def campaign_edit(request, pk: int):
    """The campaign's settings, its two documents (实施方案, 通知) and the deadline of each step."""
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "campaign.edit", campaign)
    form = CampaignSettingsForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, actor=request.user, **form.settings_data())
            services.campaign_deadlines_set(campaign=campaign, actor=request.user, deadlines=form.deadlines_data())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("evaluations:campaign_detail", pk=pk)
    return render(request, "evaluations/campaign_edit.html", {"campaign": campaign, "form": form})


@login_required
def team_edit(request, pk: int, team_pk: int | None = None):
    """Create a team (no team_pk) or change one: its evaluators and the units it covers."""
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "campaign.edit", campaign)
    team = get_object_or_404(campaign.teams, pk=team_pk) if team_pk else None
    initial = {"name": team.name, "members": team.members.all(), "targets": team.targets.all()} if team else None
    form = TeamForm(request.POST or None, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(campaign=campaign, actor=request.user, team=team, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("评估组已保存"))
            return redirect("evaluations:campaign_detail", pk=pk)
    return render(request, "evaluations/team_form.html", {"campaign": campaign, "form": form, "team": team})


@login_required
@require_safe
def campaign_board(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "campaign.inspect", campaign)
    after = campaign_board_steps(campaign)
    return render(request, "evaluations/board.html", {
        "campaign": campaign, "steps": board_steps(campaign=campaign), "after": after,
        "rows": board_rows(campaign=campaign, after=after), "behind": sum(len(s.behind) for s in after),
    })


def _events_csv(events, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    events_csv(events, response)
    return response


@login_required
@require_safe
def campaign_events_export(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    require(request.user, "campaign.inspect", campaign)
    return _events_csv(campaign_events(campaign=campaign), f"campaign-{campaign.pk}-audit.csv")


# ---------------------------------------------------------------------------------------------------------
# A unit's package
# ---------------------------------------------------------------------------------------------------------
@action_required("workbench.view")
@require_safe
def workbench(request):
    """The liaison's home (and an evaluator's task list): notices, deadlines, what to do now, messages."""
    # the packages the user fills (a liaison's own unit; none for the office, whose list is its tasks)
    targets = restrict(target_list_for_user(user=request.user), request.user, "package.fill")
    return render(request, "evaluations/workbench.html", {
        "targets": targets.prefetch_related("campaign__deadlines").exclude(status=CampaignTarget.Status.PENDING),
        "show_units": not may(request.user, "package.fill"),
        "tasks": pending_tasks_for_user(user=request.user),
        "notifications": notifications_for_user(user=request.user).filter(read_at__isnull=True)[:20],
    })


@login_required
@require_safe
def package(request, pk: int):
    target = target_get_for_user(user=request.user, pk=pk)
    services.target_notice_seen(target=target, actor=request.user)
    visit = getattr(target, "field_visit", None)
    return render(request, "evaluations/package.html", {
        "target": target, "campaign": target.campaign, "deadlines": target.campaign.deadlines.all(),
        "assessment": services.current_self_assessment(target), "visit": visit,
        "problems": target.problems.all(), "events": target_events(target=target)[:100],
        "may_act": may(request.user, "package.review", target),
        "may_visit": may(request.user, "package.inspect", target),
        # last campaign's 整改 items still open (reports.followup, through the hook)
        "carried": (target_facts("carried_items", [target]) or {}).get(target.pk, []),
    })


@login_required
@require_safe
def target_events_export(request, pk: int):
    target = target_get_for_user(user=request.user, pk=pk)
    return _events_csv(target_events(target=target), f"package-{target.pk}-audit.csv")


def _assessment_context(request, target, assessment, form=None, import_read=None):
    items = {i.indicator_code: i for i in assessment.items.all()} if assessment else {}
    blocks, missing = [], []
    shares: dict[str, float | None] = {}
    for block, dimensions in campaign_dimensions(target.campaign):
        dims = []
        for d in dimensions:
            rows = []
            for indicator in d.indicators:
                item = items.get(indicator.code)
                scale = indicator_scale(indicator)
                filled = item is not None and item.score is not None
                if not filled:
                    missing.append(indicator.code)
                elif not scale.counts:  # the block's 得分率 reads points, not counts of incidents
                    shares[indicator.code] = float(item.score / scale.high) * 100
                rows.append({
                    "indicator": indicator, "item": item, "scale": scale, "filled": filled,
                    "score": form[f"score_{indicator.code}"] if form else None,
                    "narrative": form[f"narrative_{indicator.code}"] if form else None,
                })
            done = sum(r["filled"] for r in rows)
            dims.append({"dimension": d, "rows": rows, "done": done, "total": len(rows), "missing": len(rows) - done,
                         "first_missing": next((r["indicator"].code for r in rows if not r["filled"]), None),
                         "percent": round(100 * done / len(rows)) if rows else 100})
        blocks.append({"label": Campaign.Kind(block).label, "code": block, "dimensions": dims})
    subscores = block_subscores(target.campaign, shares)
    for block in blocks:
        block["subscore"] = subscores.get(block["code"])
    return {
        "target": target, "campaign": target.campaign, "assessment": assessment, "blocks": blocks, "form": form,
        "missing": missing, "first_missing": missing[0] if missing else None,
        "versions": self_assessment_versions(target=target), "import_read": import_read,
        "editable": bool(assessment and assessment.is_editable and may(request.user, "package.fill", target)
                         and target.campaign.status == Campaign.Status.SELF_ASSESSMENT),
        "may_review": may(request.user, "package.review", target),
        "return_form": ReturnForm(), "upload_form": UploadForm(), "import_form": SheetImportForm(),
    }


def _assessment_form(target, assessment, data=None) -> SelfAssessmentForm:
    """One row per indicator of the campaign's tree as it is now (an indicator added later gets a row too)."""
    return SelfAssessmentForm(data, items=list(assessment.items.all()), indicators=campaign_indicators(target.campaign))


@login_required
@require_safe
def self_assessment(request, pk: int):
    """The current version: an editable form for the unit's liaison, read-only (with evidence) for the others."""
    target = target_get_for_user(user=request.user, pk=pk)
    assessment = self_assessment_get(target=target)
    form = _assessment_form(target, assessment) if assessment else None
    return render(request, "evaluations/self_assessment.html", _assessment_context(request, target, assessment, form))


@login_required
@require_safe
def self_assessment_version(request, pk: int, version: int):
    """An earlier version, read-only: what was submitted (and why it was returned)."""
    target = target_get_for_user(user=request.user, pk=pk)
    assessment = self_assessment_get(target=target, version=version)
    if assessment is None:
        raise Http404
    context = _assessment_context(request, target, assessment)
    context.update(editable=False, may_review=False, historical=True)
    return render(request, "evaluations/self_assessment.html", context)


@login_required
@require_POST
def self_assessment_save(request, pk: int):
    target = target_get_for_user(user=request.user, pk=pk)
    require(request.user, "package.fill", target)
    assessment = services.current_self_assessment(target)
    if assessment is None:
        raise Http404
    form = _assessment_form(target, assessment, request.POST)
    if form.is_valid():
        try:
            services.self_assessment_save(target=target, actor=request.user, items=form.items_data())
            if request.POST.get("action") == "submit":
                services.self_assessment_submit(target=target, actor=request.user)
                messages.success(request, _("自评已提交，等待评估组审核"))
            else:
                messages.success(request, _("已保存"))
            # ?saved=1: the page's local draft (draft.js) is now on the server and may be dropped
            return redirect(reverse("evaluations:self_assessment", args=[pk]) + "?saved=1")
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    else:
        form.add_error(None, _("有内容填写不正确，请检查标红的指标；已填写的内容都已保留"))
    context = _assessment_context(request, target, assessment, form)
    return render(request, "evaluations/self_assessment.html", context, status=400)


@login_required
@require_safe
def self_assessment_xlsx(request, pk: int):
    """The current self-assessment as a pre-filled workbook (whoever may see the package)."""
    target = target_get_for_user(user=request.user, pk=pk)
    assessment = self_assessment_get(target=target)
    if assessment is None:
        raise Http404
    data = self_assessment_workbook(target=target, assessment=assessment)
    return xlsx_response(data, f"self-assessment-{target.pk}-v{assessment.version}.xlsx")


@login_required
@require_POST
def self_assessment_import(request, pk: int):
    """Fill the self-assessment from its workbook: all rows or none; the problems listed by row and column."""
    target = target_get_for_user(user=request.user, pk=pk)
    require(request.user, "package.fill", target)
    assessment = self_assessment_get(target=target)
    if assessment is None:
        raise Http404
    upload = SheetImportForm(request.POST, request.FILES)
    if not upload.is_valid():
        messages.error(request, _("；").join(e for errors in upload.errors.values() for e in errors))
        return redirect("evaluations:self_assessment", pk=pk)
    try:
        read = services.self_assessment_import(target=target, actor=request.user, data=upload.cleaned_data["file"].read())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("evaluations:self_assessment", pk=pk)
    if read.issue_total:
        context = _assessment_context(request, target, assessment, _assessment_form(target, assessment), import_read=read)
        return render(request, "evaluations/self_assessment.html", context, status=400)
    messages.success(request, _("已从 Excel 填入 %(n)d 项指标") % {"n": len(read.values)})
    return redirect(reverse("evaluations:self_assessment", args=[pk]) + "?saved=1")


@login_required
@require_POST
def self_assessment_review(request, pk: int):
    target = target_get_for_user(user=request.user, pk=pk)
    require(request.user, "package.review", target)
    action = request.POST.get("action")
    try:
        if action == "return":
            services.self_assessment_return(target=target, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("已退回，单位可修改后重新提交"))
        elif action == "accept":
            services.self_assessment_accept(target=target, actor=request.user)
            messages.success(request, _("自评已通过"))
        else:
            messages.error(request, _("未知的操作"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("evaluations:self_assessment", pk=pk)


# ---------------------------------------------------------------------------------------------------------
# Uploads: served only here, after the permission check; never from a public path
# ---------------------------------------------------------------------------------------------------------
def _back(request, target, purpose: str):
    name = "evaluations:field_visit" if purpose == Upload.Purpose.PHOTO else "evaluations:self_assessment"
    return redirect(name, pk=target.pk)


@login_required
@require_POST
def upload_create(request, pk: int):
    target = target_get_for_user(user=request.user, pk=pk)
    require(request.user, "package.file", target)
    form = UploadForm(request.POST, request.FILES)
    purpose = request.POST.get("purpose", "")
    if not form.is_valid():
        messages.error(request, _("；").join(e for errors in form.errors.values() for e in errors))
        return _back(request, target, purpose)
    file = form.cleaned_data["file"]
    try:
        services.upload_add(target=target, actor=request.user, purpose=form.cleaned_data["purpose"],
                            indicator_code=form.cleaned_data["indicator_code"], data=file.read(), name=file.name)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已上传：%(name)s") % {"name": file.name})
    return _back(request, target, purpose)


@login_required
@require_POST
def upload_replace(request, pk: int):
    upload = upload_get_for_user(user=request.user, pk=pk)
    require(request.user, "package.file", upload.target)
    form = ReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("；").join(e for errors in form.errors.values() for e in errors))
        return _back(request, upload.target, upload.purpose)
    file = form.cleaned_data["file"]
    try:
        new = services.upload_replace(upload=upload, actor=request.user, data=file.read(), name=file.name)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已上传新版本（第 %(v)d 版），旧版本仍可查阅") % {"v": new.version})
    return _back(request, upload.target, upload.purpose)


@login_required
@require_safe
def upload_download(request, pk: int):
    upload = upload_get_for_user(user=request.user, pk=pk)
    inline = upload.content_type.startswith("image/") or upload.content_type == "application/pdf"
    response = FileResponse(upload.file.open("rb"), as_attachment=not inline, filename=upload.original_name,
                            content_type=upload.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


# ---------------------------------------------------------------------------------------------------------
# Field visit
# ---------------------------------------------------------------------------------------------------------
def _visit_context(request, target, visit, form):
    indicators = campaign_indicators(target.campaign)
    return {
        "target": target, "campaign": target.campaign, "visit": visit, "form": form,
        "check_rows": [(i, form[f"finding_{c}"], form[f"problem_{c}"]) for c, i in indicators.items()],
        "stages": [(FieldVisit.Stage(s).label, done) for s, done in stages_done(visit).items()],
        "photos": target.uploads.filter(purpose=Upload.Purpose.PHOTO, replaced_by__isnull=True),
        "editable": visit.is_draft and may(request.user, "package.visit", target)
        and target.campaign.status == Campaign.Status.FIELD_VISIT,
        "upload_form": UploadForm(),
    }


def _visit_of(request, pk: int):
    target = target_get_for_user(user=request.user, pk=pk)
    visit = getattr(target, "field_visit", None)
    if visit is None:
        raise Http404
    return target, visit


@login_required
def field_visit(request, pk: int):
    """The visit record: one page, five steps; works on a tablet and keeps a local draft if the network drops."""
    target, visit = _visit_of(request, pk)
    require(request.user, "package.inspect", target)
    codes = campaign_indicator_codes(target.campaign)
    form = FieldVisitForm(request.POST or None, codes=codes, visit=visit)
    if request.method == "POST":
        require(request.user, "package.visit", target)
        if form.is_valid():
            try:
                services.field_visit_save(
                    target=target, actor=request.user, fields=form.visit_fields(), checks=form.checks(),
                    interview=(form.cleaned_data["interviewee"], form.cleaned_data["interview_notes"]),
                )
                if request.POST.get("action") == "complete":
                    services.field_visit_complete(target=target, actor=request.user)  # reads the saved 其他问题
                    messages.success(request, _("实地评估已完成，问题已列入问题清单"))
                    return redirect("evaluations:package", pk=pk)
                messages.success(request, _("已保存"))
                return redirect(reverse("evaluations:field_visit", args=[pk]) + "?saved=1")
            except ApplicationError as exc:
                form.add_error(None, exc.message)
        context = _visit_context(request, target, visit, form)
        context["failed"] = True
        return render(request, "evaluations/field_visit.html", context, status=400)
    return render(request, "evaluations/field_visit.html", _visit_context(request, target, visit, form))


# ---------------------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------------------
@login_required
@require_safe
def notification_list(request):
    return render(request, "evaluations/notifications.html",
                  {"notifications": notifications_for_user(user=request.user)[:200]})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = services.notification_mark_read(
        notification=notification_get_for_user(user=request.user, pk=pk)
    )
    return redirect(notification.url or "evaluations:notifications")
