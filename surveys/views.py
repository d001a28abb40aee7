import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianzhi.exceptions import ApplicationError
from bianzhi.permissions import office_required
from evaluations.selectors import campaign_get_for_user

from .models import SurveyLink
from .selectors import form_questions, survey_link_get_by_token
from .services import satisfaction_form_issue, survey_response_submit


@office_required
@require_POST
def satisfaction_form_issue_view(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    try:
        satisfaction_form_issue(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("服务对象满意度测评表已发放，每个单位一个填报链接"))
    return redirect("evaluations:campaign_detail", pk=campaign.pk)


def public_url(link: SurveyLink) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("surveys:fill", args=[link.token])


@office_required
def link_qr(request, token: str):
    link = survey_link_get_by_token(token=token)
    svg = segno.make(public_url(link), error="m").svg_inline(scale=6, title=str(link.target.unit))
    return HttpResponse(svg, content_type="image/svg+xml")


def _unavailable(request, reason: str, status: int):
    return render(request, "surveys/unavailable.html", {"reason": reason}, status=status)


@transaction.non_atomic_requests  # the submit service is the one transaction: no savepoint around it
def fill(request, token: str):
    """The public form: no account, phone first, everything typed is kept on an error."""
    try:
        link = survey_link_get_by_token(token=token)
    except Http404:
        return _unavailable(request, _("链接无效：请核对链接或二维码是否完整。"), 404)
    if not link.is_active or not link.form.is_open():
        return _unavailable(request, _("该测评已关闭或尚未开始，感谢您的关注。"), 410)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            survey_response_submit(link=link, data=request.POST)
        except ValidationError as exc:
            errors = exc.message_dict
        except ApplicationError as exc:
            return _unavailable(request, exc.message, 410)
        else:
            return redirect("surveys:thanks", token=token)
    questions = form_questions(form=link.form)
    return render(
        request,
        "surveys/fill.html",
        {
            "link": link,
            "form": link.form,
            "questions": questions,
            "values": request.POST,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def thanks(request, token: str):
    link = survey_link_get_by_token(token=token)
    return render(request, "surveys/thanks.html", {"link": link})
