"""Thin views: parse, fetch through a selector, call one service, render."""

import io
from decimal import Decimal, InvalidOperation
from itertools import groupby

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bianzhi.access import may, require
from bianzhi.exceptions import ApplicationError
from bianzhi.jobs import job_response, job_status_view
from bianzhi.models import User
from bianzhi.widgets import newlines_normalised
from evaluations.forms import SheetImportForm
from evaluations.indicators import campaign_dimension_names, campaign_indicators
from evaluations.models import CampaignTarget
from evaluations.selectors import campaign_get_for_user, target_list_for_user

from . import selectors, services
from .defaults import SATISFACTION_RATE_DEFINITION
from .forms import ScheduleForm
from .models import Ballot, Form, SurveyLink
from .services import FormUnavailable
from .services.editor import tag_names

DEVICE_COOKIE = "bz_device"
UNAVAILABLE_STATUS = {
    FormUnavailable.UNKNOWN: 404, FormUnavailable.NOT_OPEN: 403, FormUnavailable.CLOSED: 410,
    FormUnavailable.USED: 410, FormUnavailable.DEVICE: 409, FormUnavailable.BUSY: 429,
    FormUnavailable.REPLAYED: 409, FormUnavailable.NO_DEVICE: 429,
}
UNAVAILABLE_TITLE = {
    FormUnavailable.UNKNOWN: gettext_lazy("链接无效"), FormUnavailable.NOT_OPEN: gettext_lazy("尚未开始"),
    FormUnavailable.CLOSED: gettext_lazy("已截止"), FormUnavailable.USED: gettext_lazy("测评票已使用"),
    FormUnavailable.DEVICE: gettext_lazy("已经提交过"), FormUnavailable.BUSY: gettext_lazy("请稍后再试"),
    FormUnavailable.REPLAYED: gettext_lazy("请再提交一次"), FormUnavailable.NO_DEVICE: gettext_lazy("请允许保存 Cookie"),
}


# --------------------------------------------------------------------------------------------------------
# Public pages: /f/<token>/ for a unit's link or a one-use ballot
# --------------------------------------------------------------------------------------------------------
def public_url(link: SurveyLink | Ballot) -> str:
    token = link.token if isinstance(link, SurveyLink) else link.code
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("surveys:fill", args=[token])


def _unavailable(request, exc: FormUnavailable):
    context = {"reason": exc.message, "title": _(UNAVAILABLE_TITLE[exc.reason]), "code": exc.reason}
    return render(request, "surveys/unavailable.html", context, status=UNAVAILABLE_STATUS[exc.reason])


def _resolve(token: str) -> tuple[Form, SurveyLink | None, Ballot | None]:
    """A token is either a unit's public link or a ballot's code; raises FormUnavailable(UNKNOWN)."""
    # Only the form is joined (and the campaign's stage, read now: the submit's check needs no query of its own);
    # the unit is read when a page is rendered.
    link = selectors.survey_link_with_stage(token=token)
    if link is not None:
        return link.form, link, None
    ballot = services.ballot_get(code=token)
    return ballot.box.form, None, ballot


def client_ip(request) -> str:
    """The submitter's address, for the soft per-address count only (never stored).

    Behind a proxy, REMOTE_ADDR is the proxy: one address for the whole city. Then the header the proxy sets
    is used, and of X-Forwarded-For only the last entry, the one our own proxy appended (the rest is forgeable).
    """
    header = settings.SURVEY_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


def _numbered_groups(form, questions):
    """One card per dimension: consecutive questions of a dimension share a card."""
    numbered = list(enumerate(questions, start=1))
    names = campaign_dimension_names(form.campaign)
    return [
        (names.get(dimension, ""), list(items))
        for dimension, items in groupby(numbered, key=lambda item: item[1].dimension)
    ]


@transaction.non_atomic_requests  # the submit service is the one transaction: no savepoint around it
def fill(request, token: str):
    """The public form: no account, phone first, works without JavaScript, keeps every answer on an error."""
    # A submit to a link this process has read takes it as read: its service has the database check it again
    # in its INSERT, and anything but an accepted answer sheet is judged again below from a fresh read.
    remembered = selectors.survey_link_remembered(token=token) if request.method == "POST" else None
    if remembered is not None:
        try:
            return _submitted(request, token, remembered, remembered=True)
        except services.StaleLink:
            selectors.survey_link_forget(token=token)
        except FormUnavailable as exc:  # the abuse controls' refusals: the page again, from a fresh read
            return _fill(request, token, refused=exc)
    return _fill(request, token)


def _submitted(request, token: str, link: SurveyLink, *, remembered: bool = False):
    """Save a link's answer sheet; the redirect to the thanks page. Raises what the submit service raises."""
    start = services.start_token_read(request.POST.get("_started"))
    services.survey_response_submit(
        link=link, data=request.POST, elapsed_seconds=start.elapsed,
        device=services.device_id(request.COOKIES.get(DEVICE_COOKIE)), ip=client_ip(request), nonce=start.nonce,
        remembered=remembered,
    )
    return redirect("surveys:thanks", token=token)


def _fill(request, token: str, refused: FormUnavailable | None = None):
    """The form page, and a submit judged on a fresh read; `refused`: a refusal of the abuse controls already
    given to this submit (the page shows the form again, with everything typed)."""
    try:
        form, link, ballot = _resolve(token)
        if ballot is not None and services.ballot_is_spent(ballot):
            raise FormUnavailable(FormUnavailable.USED, _("这张测评票已经使用过，每张票只能提交一次。"))
        if link is not None and not link.is_active:
            raise FormUnavailable(FormUnavailable.CLOSED, _("该链接已停用，感谢您的关注。"))
        if request.method != "POST":  # a submit is checked by its service (one read of the stage, not two)
            services.form_check_open(form, status_now=getattr(link, "campaign_status_now", None))
    except FormUnavailable as exc:
        return _unavailable(request, exc)
    errors: dict[str, list[str]] = {}
    device = services.device_id(request.COOKIES.get(DEVICE_COOKIE))
    started = request.POST.get("_started")  # the first load counts: a page shown again keeps its token
    if request.method == "POST" and refused is None:
        try:
            if ballot is not None:
                services.ballot_submit(code=ballot.code, data=request.POST)
                return redirect("surveys:thanks", token=token)
            return _submitted(request, token, link)
        except ValidationError as exc:
            errors = exc.message_dict
        except FormUnavailable as exc:
            refused = exc
    if refused is not None:
        if refused.reason not in FormUnavailable.RETRYABLE:
            return _unavailable(request, refused)
        # "try again": the form again, with everything typed
        if refused.reason == FormUnavailable.REPLAYED:
            started = services.start_token_issue()  # that page's token is spent
    questions = selectors.form_questions(form=form)
    response = render(
        request,
        "surveys/fill.html",
        {
            "form": form, "target": link.target if link else ballot.box.target, "token": token,
            "is_ballot": ballot is not None,
            "groups": _numbered_groups(form, questions), "numbers": {q.code: n for n, q in enumerate(questions, 1)},
            "values": request.POST, "errors": errors, "started": started or services.start_token_issue(),
            "refused": refused.message if refused else "",
        },
        status=UNAVAILABLE_STATUS[refused.reason] if refused else 400 if errors else 200,
    )
    if ballot is None and device is None:
        response.set_cookie(DEVICE_COOKIE, services.device_cookie_new(), max_age=365 * 86400, httponly=True,
                            samesite="Lax", path="/f/")
    return response


def thanks(request, token: str):
    try:
        form, link, ballot = _resolve(token)
    except FormUnavailable as exc:
        return _unavailable(request, exc)
    target = link.target if link else ballot.box.target
    return render(request, "surveys/thanks.html", {"form": form, "target": target, "token": token})


def ballot_enter(request):
    """Type the short code printed on a ballot instead of scanning its QR code."""
    code = services.ballot_code_normalize(request.GET.get("code", ""))
    if code:
        return redirect("surveys:fill", token=code)
    error = _("请输入测评票上的票码") if "code" in request.GET else ""
    return render(request, "surveys/enter.html", {"error": error, "typed": request.GET.get("code", "")},
                  status=400 if error else 200)


# --------------------------------------------------------------------------------------------------------
# The office: issuing forms, links and ballots
# --------------------------------------------------------------------------------------------------------
@login_required
@require_POST
def satisfaction_form_issue_view(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "forms.manage", campaign)
    try:
        services.satisfaction_form_issue(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("服务对象满意度测评表已发放，每个单位一个填报链接"))
    return redirect("evaluations:campaign_detail", pk=campaign.pk)


@login_required
def link_qr(request, token: str):
    """The QR code of a unit's public link: read by the office and the leaders (who read everything)."""
    link = selectors.survey_link_get_by_token(token=token)
    require(request.user, "form.inspect", link)
    # a standalone SVG document: without its xmlns a browser shows the markup as text instead of the code
    buffer = io.BytesIO()
    segno.make(public_url(link), error="m").save(buffer, kind="svg", scale=6, border=4, title=str(link.target.unit))
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{link.target.unit.code}.svg"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def campaign_forms(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "campaign.inspect", campaign)
    forms = selectors.forms_by_kind(campaign=campaign)
    kinds = [(value, label, forms.get(value)) for value, label in Form.Kind.choices]
    return render(request, "surveys/campaign_forms.html", {"campaign": campaign, "kinds": kinds})


@login_required
@require_POST
def form_create_view(request, campaign_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, "forms.manage", campaign)
    schedule = ScheduleForm(request.POST)
    if not schedule.is_valid():
        messages.error(request, " ".join(schedule.errors.get("__all__", [])) or _("请检查开始和截止时间"))
        return redirect("surveys:campaign_forms", campaign_pk=campaign.pk)
    try:
        form = services.form_create(
            campaign=campaign, kind=request.POST.get("kind", ""), actor=request.user, **schedule.cleaned_data
        )
        if form.takes_public_links:
            services.survey_links_issue(form=form, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:campaign_forms", campaign_pk=campaign.pk)
    messages.success(request, _("“%(title)s”已创建") % {"title": form.title})
    return redirect("surveys:form_detail", pk=form.pk)


@login_required
def form_detail(request, pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "form.inspect", form)
    current = {"opens_at": form.opens_at, "closes_at": form.closes_at}
    schedule = ScheduleForm(initial=current)
    may_manage = may(request.user, "forms.manage", form)
    if request.method == "POST":
        require(request.user, "forms.manage", form)
        schedule = ScheduleForm(request.POST, initial=current)
        if schedule.is_valid():
            try:
                if schedule.cleaned_data != current:  # saving what the page showed changes nothing
                    services.form_schedule(form=form, actor=request.user, **schedule.cleaned_data)
            except ApplicationError as exc:
                schedule.add_error(None, exc.message)
            else:
                messages.success(request, _("填报时间已保存"))
                return redirect("surveys:form_detail", pk=form.pk)
    targets = form.campaign.targets.select_related("unit")
    boxes = selectors.ballot_boxes_by_target(form=form)
    links = selectors.links_by_target(form=form)
    stats = selectors.form_statistics(form=form)
    exports = list(selectors.exports_for_form(form=form))
    rows = [{"target": t, "box": boxes.get(t.pk), "link": links.get(t.pk), "stats": stats.units[t.pk]} for t in targets]
    if not form.is_sheet:  # reaching people: each unit's answers against its target sample, its link to copy
        own, default = selectors.sample_targets(form), selectors.form_default_sample(form)
        for row in rows:
            row["progress"] = selectors.sample_progress(responses=row["stats"].responses,
                                                        target=own.get(row["target"].pk, default))
            row["url"] = public_url(row["link"]) if row["link"] else ""
    return render(request, "surveys/form_detail.html", {
        "form": form, "schedule": schedule, "rows": rows, "questions": stats.questions,
        "editable": form.is_editable(), "stats": stats, "evaluators": selectors.office_staff(),
        "may_manage": may_manage, "may_answers": may(request.user, "form.answers", form),
        "exports": exports, "exports_running": any(e.is_active for e in exports),
        "tag_names": tag_names(form),
    }, status=400 if schedule.errors else 200)


def _choices_parse(text: str, existing=()) -> list[list[str]]:
    """One option a line, by its name: a name the question already has keeps its (hidden) code, a new one
    gets the next free code. ("code=名称", the older way, is still read.)"""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    by_label = {label: value for value, label in existing}
    taken = {value for value, _label in existing} | {line.split("=", 1)[0].strip() for line in lines if "=" in line}
    out = []
    for line in lines:
        if "=" in line:
            out.append([part.strip() for part in line.split("=", 1)])
            continue
        code = by_label.get(line)
        if code is None:
            code = next(f"o{n}" for n in range(1, len(taken) + 2) if f"o{n}" not in taken)
            taken.add(code)
        out.append([code, line])
    return out


def _decimal_or_none(raw: str) -> Decimal | None:
    try:
        return Decimal(raw) if raw.strip() else None
    except InvalidOperation:
        raise ApplicationError(_("分数须为数字")) from None


@login_required
@require_POST
def question_add_view(request, pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    post = request.POST
    try:
        services.question_add(
            form=form, actor=request.user, type=post.get("type", ""), text=post.get("text", ""),
            required=post.get("required") == "on", choices=_choices_parse(post.get("choices", "")),
            indicator=post.get("indicator", "").strip().upper(), min_score=_decimal_or_none(post.get("min_score", "")),
            max_score=_decimal_or_none(post.get("max_score", "")), decimals=int(post.get("decimals") or 0),
        )
    except (ApplicationError, ValidationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", None) or _("；").join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("题目已添加"))
    return redirect(reverse("surveys:form_detail", args=[form.pk]) + "#questions")


@login_required
@require_POST
def question_remove_view(request, pk: int, question_pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    question = get_object_or_404(form.questions, pk=question_pk)
    try:
        services.question_remove(question=question, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("题目已删除"))
    return redirect(reverse("surveys:form_detail", args=[form.pk]) + "#questions")


@login_required
def question_edit(request, pk: int, question_pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    question = form.questions.filter(pk=question_pk).first()
    if question is None:
        raise Http404
    error = ""
    if request.method == "POST":
        changes = {"text": request.POST.get("text", "").strip(), "required": request.POST.get("required") == "on"}
        if question.choices:
            changes["choices"] = _choices_parse(request.POST.get("choices", ""), question.choices)
        try:
            if not changes["text"]:
                raise ApplicationError(_("题目不能为空"))
            services.question_update(question=question, actor=request.user, **changes)
        except (ApplicationError, ValidationError) as exc:
            error = getattr(exc, "message", None) or " ".join(exc.messages)
        else:
            messages.success(request, _("题目已保存"))
            return redirect("surveys:form_detail", pk=form.pk)
    return render(request, "surveys/question_edit.html", {
        "form": form, "question": question, "error": error, "values": request.POST or None,
        "choices_text": "\n".join(label for _v, label in question.choices),
    }, status=400 if error else 200)


@login_required
@require_POST
def ballots_issue_view(request, pk: int, target_pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    target = selectors.form_target_get(form=form, pk=target_pk)
    require(request.user, "forms.manage", target)  # another unit's: 404
    raw = request.POST.get("count", "").strip()
    try:
        count = int(raw) if raw else None
    except ValueError:
        messages.error(request, _("发放数量须为整数"))
        return redirect("surveys:form_detail", pk=form.pk)
    try:
        box = services.ballots_issue(form=form, target=target, actor=request.user, count=count)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已为“%(unit)s”发放测评票，累计 %(n)s 张") % {"unit": target.unit.name, "n": box.issued})
    return redirect("surveys:form_detail", pk=form.pk)


BALLOTS_PER_PDF = 400  # about 4 s to render here: fine for a request; a larger unit prints in several files


@login_required
def ballots_sheet(request, pk: int, target_pk: int):
    """The ballots of a unit, as A4 PDFs of QR codes with short codes (?format=pdf&part=n) or as a list."""
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    target = selectors.form_target_get(form=form, pk=target_pk)
    require(request.user, "form.answers", target)  # another unit's: 404
    ballots = selectors.ballots_for_print(form=form, target=target)
    parts = [
        (n, chunk[0].serial, chunk[-1].serial)
        for n, chunk in enumerate((ballots[i:i + BALLOTS_PER_PDF] for i in range(0, len(ballots), BALLOTS_PER_PDF)), 1)
    ]
    context = {"form": form, "target": target, "parts": parts,
               "enter_url": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("surveys:enter")}
    if request.GET.get("format") != "pdf":
        context["slips"] = [{"ballot": b, "url": public_url(b)} for b in ballots]
        return render(request, "surveys/ballots_list.html", context)
    try:
        part = int(request.GET.get("part") or 1)
    except ValueError:
        raise Http404 from None
    chunk = ballots[(part - 1) * BALLOTS_PER_PDF:part * BALLOTS_PER_PDF] if part >= 1 else []
    if not chunk:
        raise Http404
    context["slips"] = [
        {"ballot": b, "qr": segno.make(public_url(b), error="m").svg_data_uri(scale=3)} for b in chunk
    ]
    import weasyprint  # heavy: loaded when a sheet is printed, not by every worker at start

    pdf = weasyprint.HTML(string=render_to_string("surveys/pdf/ballots.html", context)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-{part}" if len(parts) > 1 else ""
    response["Content-Disposition"] = f'attachment; filename="ballots-{form.pk}-{target.unit.code}{suffix}.pdf"'
    return response


# --------------------------------------------------------------------------------------------------------
# Reviewing a public form's answers: quality flags, voiding with a reason
# --------------------------------------------------------------------------------------------------------
@login_required
def responses_review(request, pk: int, target_pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    if form.is_staff_assessment:
        raise Http404  # anonymous staff answers are never shown one by one
    target = selectors.form_target_get(form=form, pk=target_pk)
    require(request.user, "form.answers", target)  # another unit's: 404
    return render(request, "surveys/responses.html", {
        "form": form, "target": target, "responses": selectors.responses_for_review(form=form, target=target),
    })


@login_required
@require_POST
def response_void(request, pk: int, target_pk: int, response_pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    target = selectors.form_target_get(form=form, pk=target_pk)
    require(request.user, "forms.manage", target)  # another unit's: 404
    response = selectors.responses_for_review(form=form, target=target).filter(pk=response_pk).first()
    if response is None:
        raise Http404
    try:
        services.survey_response_void(response=response, reason=request.POST.get("reason", ""), actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("答卷已作废（保留原始记录，不计入统计）"))
    return redirect("surveys:responses", pk=form.pk, target_pk=target.pk)


# --------------------------------------------------------------------------------------------------------
# Evaluation sheet (评估表): evaluators score a unit indicator by indicator; drafts are kept on the server
# --------------------------------------------------------------------------------------------------------
def _sheet_of(request, pk: int, target_pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    if not form.is_sheet:
        raise Http404
    return form, selectors.sheet_target_get_for_user(user=request.user, form=form, pk=target_pk)


@login_required
def sheet(request, pk: int, target_pk: int):
    form, target = _sheet_of(request, pk, target_pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        require(request.user, "sheet.sign" if request.POST.get("action") == "signoff" else "sheet.fill", target)
        try:
            if request.POST.get("action") == "signoff":
                services.sheet_signoff(form=form, target=target, actor=request.user)
                messages.success(request, _("评估表已签署，评分已锁定"))
            else:
                data = {k: newlines_normalised(v) for k, v in request.POST.items()}  # a browser sends CRLF
                n = services.sheet_entries_save(form=form, target=target, evaluator=request.user, data=data)
                messages.success(request, _("已保存 %(n)s 项评分（草稿，可继续修改）") % {"n": n})
        except ValidationError as exc:
            errors = exc.message_dict
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("surveys:sheet", pk=form.pk, target_pk=target.pk)
    return render(request, "surveys/sheet.html", sheet_context(request, form, target, errors),
                  status=400 if errors else 200)


def sheet_context(request, form, target, errors: dict) -> dict:
    """The sheet's page: every row with its guideline and scale, what this evaluator typed (kept from a refused
    POST, else their saved draft), the rows they have still to score, by dimension."""
    rows = selectors.sheet_rows(form=form, target=target)
    scales = {q.code: scale for q, scale in selectors.sheet_scales(form).values()}
    indicators = campaign_indicators(form.campaign)
    dimensions, missing = {}, []
    for row in rows:
        q = row["question"]
        code = q.code
        mine = next((e for e in row["all"] if e.evaluator_id == request.user.pk), None)
        row["error"] = errors.get(code)
        row["value"] = request.POST.get(code) if errors else (mine.score if mine else "")
        row["reason"] = request.POST.get(f"{code}_reason") if errors else (mine.reason if mine else "")
        row["scale"] = scales.get(code)
        row["guideline"] = indicators[q.indicator].guideline if q.indicator in indicators else ""
        row["filled"] = mine is not None or q.is_file
        if not row["filled"]:
            missing.append(code)
        group = dimensions.setdefault(q.dimension, {"name": campaign_dimension_names(form.campaign).get(q.dimension, q.dimension or _("其他")),
                                                    "rows": [], "done": 0})
        group["rows"].append(row)
        group["done"] += row["filled"]
    for group in dimensions.values():
        group["total"] = len(group["rows"])
        group["missing"] = group["total"] - group["done"]
        group["percent"] = round(100 * group["done"] / group["total"]) if group["total"] else 100
        group["first_missing"] = next((r["question"].code for r in group["rows"] if not r["filled"]), None)
    signoff = selectors.sheet_signoff_get(form=form, target=target)
    return {
        "form": form, "target": target, "rows": rows, "errors": errors, "flagged": sum(r["flagged"] for r in rows),
        "signoff": signoff, "dimensions": list(dimensions.values()), "missing": missing,
        "first_missing": missing[0] if missing else None,
        "is_lead": form.lead_evaluator_id == request.user.pk,
        "may_edit": may(request.user, "sheet.fill", target) and not signoff,
        "import_form": SheetImportForm(),
    }


@login_required
@require_POST
def sheet_file_upload(request, pk: int, target_pk: int):
    """An evaluator's own file for one indicator (or file question) of the sheet; `replaces`: a new version."""
    form, target = _sheet_of(request, pk, target_pk)
    require(request.user, "sheet.fill", target)
    question = get_object_or_404(form.questions, code=request.POST.get("question", ""))
    replaces_pk = request.POST.get("replaces", "")
    if replaces_pk and not replaces_pk.isdigit():
        raise Http404
    replaces = get_object_or_404(target.uploads, pk=replaces_pk) if replaces_pk else None
    file = request.FILES.get("file")
    back = reverse("surveys:sheet", args=[form.pk, target.pk]) + f"#row-{question.code}"
    if file is None:
        messages.error(request, _("请选择要上传的文件"))
        return redirect(back)
    try:
        upload = services.sheet_file_add(form=form, target=target, question=question, actor=request.user,
                                         data=file.read(), name=file.name, replaces=replaces)
    except ApplicationError as exc:
        messages.error(request, _("“%(name)s”未上传：%(why)s") % {"name": file.name, "why": exc.message})
    else:
        messages.success(request, _("已上传：%(name)s（第 %(v)d 版）") % {"name": upload.original_name, "v": upload.version})
    return redirect(back)


@login_required
@require_POST
def sheet_settings(request, pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    lead = User.objects.filter(pk=request.POST.get("lead_evaluator") or None).first()
    try:
        spread = Decimal(request.POST.get("spread_limit", ""))
        services.sheet_settings_update(form=form, combine=request.POST.get("combine", ""), spread_limit=spread,
                                       lead_evaluator=lead, actor=request.user)
    except InvalidOperation:
        messages.error(request, _("分差提示阈值须为数字"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("评估表合成方式已保存"))
    return redirect("surveys:form_detail", pk=form.pk)


# --------------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------------
@login_required
def results(request, pk: int):
    """Every unit of the campaign, per dimension, and the campaign total."""
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "results.view_all", form)
    stats = selectors.form_statistics(form=form)
    dimensions = sorted({q.dimension for q in stats.questions if q.counts_for_satisfaction})
    return render(request, "surveys/results.html", {
        "form": form, "stats": stats, "definition": _(SATISFACTION_RATE_DEFINITION),
        "dimensions": [(code, campaign_dimension_names(form.campaign).get(code, code)) for code in dimensions],
        "units": [stats.units[t] for t in stats.units],
    })


@login_required
def unit_results(request, pk: int, target_pk: int):
    """One unit: distribution per question, rates per dimension as the paper words them, comments.

    A liaison may read their own unit's results; another unit is a 404.
    """
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    if form.is_sheet:
        raise Http404
    target = get_object_or_404(target_list_for_user(user=request.user), campaign_id=form.campaign_id, pk=target_pk)
    stats = selectors.form_statistics(form=form, targets=CampaignTarget.objects.filter(pk=target.pk))
    unit = stats.units[target.pk]
    questions = [
        {"question": q, "tally": unit.questions.get(q.pk), "mean": unit.means.get(q.pk),
         "distribution": [(label, (unit.questions.get(q.pk) or selectors.Tally()).counts.get(value, 0))
                          for value, label in q.choices]}
        for q in stats.questions if q.is_single_choice or q.is_score
    ]
    return render(request, "surveys/unit_results.html", {
        "form": form, "target": target, "unit": unit, "questions": questions, "min": stats.min_responses,
        "definition": _(SATISFACTION_RATE_DEFINITION),
        "comments": [] if unit.hidden else selectors.comments_for_target(form=form, target=target, user=request.user),
        "comments_hidden": form.is_staff_assessment and not may(request.user, "staff_comments.view", target),
    })


# --------------------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------------------
@login_required
@require_POST
@transaction.non_atomic_requests  # the service commits (and dispatches) before we answer: we can say whether it went
def export_request_view(request, pk: int):
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "export.request", form)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        export = services.export_request(form=form, format=request.POST.get("format", ""), actor=request.user)
    except ApplicationError as exc:
        if wants_json:
            return JsonResponse({"message": exc.message}, status=400)
        messages.error(request, exc.message)
        return redirect("surveys:form_detail", pk=form.pk)
    if wants_json:
        return job_response(export, status=202)
    if export.message:  # e.g. the broker is down: recorded, not started
        messages.warning(request, export.message)
    else:
        messages.success(request, _("导出已开始，完成后可在下方下载"))
    return redirect(reverse("surveys:form_detail", args=[form.pk]) + "#exports")


export_status = login_required(job_status_view(selectors.export_get_for_user))


@login_required
def export_download(request, pk: int):
    export = selectors.export_get_for_user(user=request.user, pk=pk)
    if not export.is_ready or not export.file:
        raise Http404
    content_type = "text/csv; charset=utf-8" if export.format == "csv" else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"{export.form.campaign.year}-{export.form.get_kind_display()}-{export.pk}.{export.format}"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


@login_required
@require_POST
def window_link_add(request, pk: int):
    """A public link for one service window (服务窗口) of every unit, e.g. 一号窗口."""
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "forms.manage", form)
    window = request.POST.get("window", "").strip()[:50]
    try:
        if not window:
            raise ApplicationError(_("请填写服务窗口名称"))
        added = services.survey_links_issue(form=form, actor=request.user, windows=(window,))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已为“%(window)s”新增 %(n)s 个链接") % {"window": window, "n": added})
    return redirect("surveys:form_detail", pk=form.pk)
