from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianzhi.exceptions import ApplicationError
from bianzhi.permissions import office_required, readers_required
from reports.selectors import reports_by_target
from scoring.selectors import target_scores
from surveys.selectors import links_by_target, satisfaction_form_get

from .forms import CampaignCreateForm
from .selectors import campaign_get_for_user, campaign_list_for_user
from .services import campaign_advance, campaign_create


@readers_required
def campaign_list(request):
    return render(request, "evaluations/campaign_list.html", {"campaigns": campaign_list_for_user(user=request.user)})


@office_required
def campaign_create_view(request):
    form = CampaignCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("评估活动已创建"))
            return redirect("evaluations:campaign_detail", pk=campaign.pk)
    return render(request, "evaluations/campaign_form.html", {"form": form})


@readers_required
def campaign_detail(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    form = satisfaction_form_get(campaign=campaign)
    links = links_by_target(form=form)
    reports = reports_by_target(campaign=campaign)
    rows = [
        {"result": result, "link": links.get(result.target.pk), "report": reports.get(result.target.pk)}
        for result in target_scores(campaign=campaign)
    ]
    return render(
        request,
        "evaluations/campaign_detail.html",
        {"campaign": campaign, "satisfaction_form": form, "rows": rows, "events": campaign.events.select_related("actor")[:20]},
    )


@office_required
@require_POST
def campaign_advance_view(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    try:
        campaign = campaign_advance(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已进入“%(stage)s”阶段") % {"stage": campaign.get_status_display()})
    return redirect("evaluations:campaign_detail", pk=pk)
