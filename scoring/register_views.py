"""Pages of the requests register (/requests/): the register, a request, the rules in force, reclaim
proposals and the 绩效考评 export. Thin: selectors read, services (scoring.register) write."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bianzhi import uploads
from bianzhi.access import may, require
from bianzhi.exceptions import ApplicationError
from bianzhi.permissions import action_required
from bianzhi.pool.xlsx import table_workbook
from bianzhi.views import xlsx_response
from evaluations.selectors import campaign_get_for_user

from . import application_rules as rules
from . import register as reg
from .register_forms import ActionForm, ReclaimDecideForm, RequestFilterForm, RequestForm, RuleSettingsForm
from .register_models import ReclaimProposal, RuleSettings, StaffingRequest


def _requests(request):
    form = RequestFilterForm(request.GET or None)
    return form, reg.request_filter(reg.request_list_for_user(user=request.user), **form.filters())


@login_required
def request_list(request):
    form, requests = _requests(request)
    query = request.GET.urlencode()
    return render(request, "register/request_list.html", {"form": form, "requests": requests[:500], "query": query})


REQUEST_HEADERS = [gettext_lazy("登记日期"), gettext_lazy("单位"), gettext_lazy("事项"), gettext_lazy("理由"), gettext_lazy("来文文号"), gettext_lazy("状态"), gettext_lazy("优先/倾斜"), gettext_lazy("适用规则"), gettext_lazy("限制截止"), gettext_lazy("解除限制理由"),
                   gettext_lazy("办结日期"), gettext_lazy("批复文号"), gettext_lazy("办理意见")]


def request_row(r: StaffingRequest) -> list:
    return [r.filed_on, r.unit.name, r.summary, r.reason, r.document, r.get_status_display(), _("是") if r.priority else "",
            _("；").join(_("%(rule)s：%(reason)s") % {"rule": f["name"], "reason": f["reason"]} for f in r.findings), r.blocked_until, r.override_reason,
            r.decided_on, r.decision_document, r.decision_note]


@login_required
def request_export(request):
    _form, requests = _requests(request)
    return xlsx_response(table_workbook([(_("机构编制事项"), REQUEST_HEADERS, [request_row(r) for r in requests])]),
                 _("机构编制事项-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"})


def _may_file_hints(user, unit_id) -> list[tuple[str, rules.Decision]]:
    if not unit_id:
        return []
    unit = reg.Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        return []
    return [(label, reg.unit_may_file(unit=unit, kind=kind)[0]) for kind, label in StaffingRequest.Kind.choices]


@login_required
def request_create(request):
    user = request.user
    if not may(user, "request.file"):
        raise PermissionDenied
    form = RequestForm(request.POST or None, request.FILES or None, user=user,
                       initial={"filed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        attachment = None
        upload = form.cleaned_data.get("attachment")
        try:
            if upload is not None:
                data = upload.read()
                _kind, name, _sha = uploads.check(data, upload.name, max_bytes=settings.UPLOAD_MAX_BYTES)
                attachment = ContentFile(data, name=name)
            created = reg.request_file(unit=unit, actor=user, attachment=attachment, **form.service_fields())
        except uploads.UploadRejected as exc:
            form.add_error("attachment", str(exc))
        except ApplicationError as exc:
            for field, message in (exc.extra or {}).items():
                if field in form.fields:
                    form.add_error(field, message)
            if not exc.extra:
                form.add_error(None, exc.message)
        else:
            if created.status == StaffingRequest.Status.REJECTED:
                messages.error(request, _("依据评估结果运用规则，该事项不予受理"))
            else:
                messages.success(request, _("已登记"))
            return redirect("register:request_detail", created.pk)
    unit_id = (form["unit"].value() or None) if may(user, "request.handle") else user.unit_id
    return render(request, "register/request_form.html", {"form": form, "hints": _may_file_hints(user, unit_id)})


@login_required
def request_detail(request, pk: int):
    item = reg.request_get_for_user(user=request.user, pk=pk)
    return render(request, "register/request_detail.html", {"item": item, "action_form": ActionForm()})


ACTIONS = {"review", "approve", "reject", "return", "override", "resubmit"}


@login_required
@require_POST
def request_action(request, pk: int):
    item = reg.request_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action")
    needed = "request.override" if action == "override" else "request.handle"
    if action != "resubmit" and not may(request.user, needed, item):
        raise PermissionDenied  # (a liaison only resubmits what was returned)
    if action not in ACTIONS:
        raise Http404
    form = ActionForm(request.POST)
    form.is_valid()
    note, document = form.cleaned_data.get("note", ""), form.cleaned_data.get("document", "")
    try:
        if action == "review":
            reg.request_review(request=item, actor=request.user)
        elif action == "approve":
            reg.request_approve(request=item, actor=request.user, document=document, note=note)
        elif action in {"reject", "return"}:
            reg.request_reject(request=item, actor=request.user, note=note, returned=action == "return")
        elif action == "override":
            reg.request_override(request=item, actor=request.user, reason=note)
        else:
            reg.request_resubmit(request=item, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return render(request, "register/request_detail.html", {"item": item, "action_form": form}, status=400)
    messages.success(request, _("已办理"))
    return redirect("register:request_detail", item.pk)


@login_required
def request_attachment(request, pk: int):
    item = reg.request_get_for_user(user=request.user, pk=pk)
    if not item.attachment:
        raise Http404
    return FileResponse(item.attachment.open("rb"), as_attachment=True, filename=item.attachment_name or _("附件"))


@action_required("rules.view")
def rules_page(request):
    year = request.GET.get("year") or request.POST.get("year")
    instance = RuleSettings.objects.filter(year=year).first() if year and str(year).isdigit() else None
    form = RuleSettingsForm(request.POST or None, instance=instance,
                            initial={"year": timezone.localdate().year} if instance is None else None)
    if request.method == "POST":
        if not may(request.user, "rules.edit"):
            raise PermissionDenied
        if form.is_valid():
            reg.rule_settings_save(form=form, actor=request.user)
            messages.success(request, _("规则已保存"))
            return redirect("register:rules")
    return render(request, "register/rules.html", {
        "form": form, "settings_rows": RuleSettings.objects.select_related("campaign", "updated_by"),
        "bound": reg.units_bound(), "rule_names": rules.RULE_NAMES, "status": 400 if request.method == "POST" else 200,
    }, status=400 if request.method == "POST" else 200)


@action_required("rules.view")
def rules_export(request):
    rows = [[b["unit"].name, b["finding"].name, b["finding"].reason, b["finding"].until, b["result"].campaign_name,
             b["result"].grade_label, b["result"].feedback_on] for b in reg.units_bound()]
    settings_rows = [[s.year, str(s.campaign or ""), s.poor_freeze_months, float(s.vacancy_rate_min), s.vacancy_count_min,
                      s.vacancy_months, s.vacancy_freeze_months, float(s.workload_threshold)]
                     for s in RuleSettings.objects.select_related("campaign")]
    return xlsx_response(table_workbook([
        (_("受规则约束的单位"), [_("单位"), _("规则"), _("依据"), _("截止日期"), _("评估活动"), _("等次"), _("反馈日期")], rows),
        (_("规则参数"), [_("年度"), _("依据的评估活动"), _("不受理期限（月）"), _("空编率下限"), _("空编数下限"), _("持续空编（月）"),
                   _("不受理调整事项期限（月）"), _("工作量较轻阈值")], settings_rows),
    ]), _("结果运用规则-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"})


@action_required("rules.view")
def reclaim_list(request):
    return render(request, "register/reclaims.html", {"proposals": reg.reclaim_list(), "form": ReclaimDecideForm()})


@action_required("request.handle")
@require_POST
def reclaim_generate(request):
    made = reg.reclaim_proposals_generate(actor=request.user)
    messages.success(request, _("新生成 %(n)d 条收回编制建议") % {"n": made})
    return redirect("register:reclaim_list")


@action_required("request.handle")
@require_POST
def reclaim_decide(request, pk: int):
    proposal = get_object_or_404(ReclaimProposal, pk=pk)
    form = ReclaimDecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reg.reclaim_decide(proposal=proposal, actor=request.user, approve=data["decision"] == "approve",
                               disposition=data["disposition"], pool=data["pool"] or "city", amount=data["amount"],
                               document=data["document"], note=data["note"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已办理"))
    else:
        messages.error(request, _("请检查填写的内容"))
    return redirect("register:reclaim_list")


@action_required("rules.view")
def reclaim_export(request):
    rows = [[p.unit.name, p.get_quota_kind_display(), p.amount, str(p.campaign or ""), p.reason, p.get_status_display(),
             p.get_disposition_display() if p.disposition else "", p.document, p.decided_on] for p in reg.reclaim_list()]
    return xlsx_response(table_workbook([(_("收回编制建议"), [_("单位"), _("编制类别"), _("数量"), _("评估活动"), _("依据"), _("状态"), _("处理方式"), _("批复文号"),
                                              _("办结日期")], rows)]), _("收回编制建议.xlsx"))


@action_required("rules.view")
def appraisal_list(request):
    return render(request, "register/appraisal.html", {"campaigns": reg.campaigns_with_results()})


APPRAISAL_HEADERS = [gettext_lazy("名次"), gettext_lazy("单位代码"), gettext_lazy("单位名称"), gettext_lazy("统一社会信用代码"), gettext_lazy("评估得分"), gettext_lazy("评估等次")]


@login_required
def appraisal_export(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)  # 404 first, then 403
    require(request.user, "rules.view", campaign)
    appraisal = reg.appraisal_rows(campaign=campaign)
    rows = [[r["rank"], r["unit"].code, r["unit"].name, r["unit"].credit_code, r["score"], r["grade_label"]]
            for r in appraisal]
    # 领导班子考核参考: the same result, with the campaign named on each row for the organisation department
    reference = [[r["unit"].name, r["grade_label"], r["score"], r["rank"], _("%(year)s年 %(name)s") % {"year": campaign.year, "name": campaign.name}]
                 for r in appraisal]
    return xlsx_response(table_workbook([(_("绩效考评"), APPRAISAL_HEADERS, rows),
                                 (_("领导班子考核参考"), [_("单位名称"), _("评估等次"), _("评估得分"), _("名次"), _("评估活动")], reference)]),
                 _("绩效考评-%(year)s-%(name)s.xlsx") % {"year": campaign.year, "name": campaign.name})
