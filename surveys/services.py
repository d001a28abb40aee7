"""Issuing forms and taking their answers. Every write is here: validated, in a transaction, audited."""

import bisect
import hashlib
import hmac
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connections, router, transaction
from django.db.models import Count, Sum
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations.models import Campaign, CampaignEvent, CampaignTarget
from evaluations.services import event_record

from . import exporters, rules
from .defaults import FORM_TEMPLATES
from .models import (
    BALLOT_ALPHABET, Answer, Ballot, BallotBox, Export, Form, Question, SheetEntry, SheetSignoff, SurveyLink,
    SurveyResponse,
)
from .selectors import form_questions

TEXT_LIMITS = {Question.Type.SHORT_TEXT: 200, Question.Type.LONG_TEXT: 2000}
MAX_BALLOTS_PER_ISSUE = 5000


class FormUnavailable(ApplicationError):
    """The form cannot be filled through this link; `reason` says why, so the page can say which."""

    UNKNOWN, NOT_OPEN, CLOSED, USED, DEVICE, BUSY = "unknown", "not_open", "closed", "used", "device", "busy"

    def __init__(self, reason: str, message: str):
        super().__init__(message, extra={"reason": reason})
        self.reason = reason


# --------------------------------------------------------------------------------------------------------
# Form definitions
# --------------------------------------------------------------------------------------------------------
def _questions_from_template(form: Form, template: dict) -> list[Question]:
    fields = {f.name for f in Question._meta.fields}
    return [
        Question(form=form, position=position, **{k: v for k, v in q.items() if k in fields})
        for position, q in enumerate(template["questions"], start=1)
    ]


@transaction.atomic
def form_create(
    *, campaign: Campaign, kind: str, actor: User | None, opens_at=None, closes_at=None
) -> Form:
    """Copy the default template of `kind` into the campaign (idempotent: an existing form is returned)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_closed:
        raise ApplicationError(_("评估活动已结束，不能再发放表册"))
    if kind not in FORM_TEMPLATES:
        raise ApplicationError(_("未知的表册类型"))
    if closes_at is not None and closes_at <= (opens_at or timezone.now()):
        raise ApplicationError(_("截止时间必须晚于开始时间"))
    template = FORM_TEMPLATES[kind]
    form, created = Form.objects.get_or_create(
        campaign=campaign, kind=kind,
        defaults={"title": template["title"], "intro": template["intro"], "opens_at": opens_at or timezone.now(),
                  "closes_at": closes_at},
    )
    if created:
        Question.objects.bulk_create(_questions_from_template(form, template))
        event_record(campaign=campaign, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
                     data={"form": kind, "opens_at": form.opens_at, "closes_at": form.closes_at})
    return form


@transaction.atomic
def form_schedule(*, form: Form, opens_at, closes_at, actor: User) -> Form:
    """Set the opening and closing times. An open form may be closed or extended, not re-opened earlier."""
    form = Form.objects.select_for_update().get(pk=form.pk)
    if closes_at is not None and closes_at <= opens_at:
        raise ApplicationError(_("截止时间必须晚于开始时间"))
    if not form.is_editable():
        # the page sends minutes; an open form keeps its exact opening time
        if abs(opens_at - form.opens_at) >= timedelta(minutes=1):
            raise ApplicationError(_("表册已开始填报，不能再修改开始时间"))
        opens_at = form.opens_at
    before = {"opens_at": form.opens_at, "closes_at": form.closes_at}
    form.opens_at, form.closes_at = opens_at, closes_at
    form.save(update_fields=["opens_at", "closes_at", "updated_at"])
    event_record(campaign=form.campaign, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
                 data={"action": "form_scheduled", "form": form.kind, "before": before, "after": {"opens_at": opens_at, "closes_at": closes_at}})
    return form


QUESTION_EDITABLE_FIELDS = {"text", "required", "choices"}


@transaction.atomic
def question_update(*, question: Question, actor: User, **changes: Any) -> Question:
    """Edit a question's wording, whether it must be answered, or its options, until the form opens."""
    question = Question.objects.select_for_update().select_related("form__campaign").get(pk=question.pk)
    if not question.form.is_editable():
        raise ApplicationError(_("表册已开始填报，题目不能再修改"))
    unknown = set(changes) - QUESTION_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("这些内容不能修改：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    if "choices" in changes:
        values = [value for value, _label in changes["choices"]]
        if question.type not in Question.CHOICE_TYPES or len(values) < 2 or len(set(values)) != len(values):
            raise ApplicationError(_("选择题至少需要两个不重复的选项"))
    before = {field: getattr(question, field) for field in changes}
    for field, value in changes.items():
        setattr(question, field, value)
    question.full_clean()
    question.save()
    question.form.save(update_fields=["updated_at"])  # a new version: cached questions are re-read
    event_record(campaign=question.form.campaign, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
                 data={"action": "question_updated", "form": question.form.kind, "question": question.code, "before": before, "after": changes})
    return question


# --------------------------------------------------------------------------------------------------------
# Links (public forms) and ballots (one-use)
# --------------------------------------------------------------------------------------------------------
@transaction.atomic
def survey_links_issue(*, form: Form, actor: User | None, windows: tuple[str, ...] = ()) -> int:
    """One public link per unit (and per service window given); idempotent. Returns how many were added."""
    if form.kind not in {Form.Kind.SATISFACTION, Form.Kind.QUESTIONNAIRE}:
        raise ApplicationError(_("只有满意度测评表和调查问卷通过公开链接填写"))
    existing = set(form.links.values_list("target_id", "window"))
    new_links = [
        SurveyLink(form=form, target=target, window=window)
        for target in form.campaign.targets.all()
        for window in ("", *windows)
        if (target.pk, window) not in existing
    ]
    SurveyLink.objects.bulk_create(new_links)
    if new_links:
        event_record(campaign=form.campaign, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
                     data={"form": form.kind, "links": len(new_links)})
    return len(new_links)


def satisfaction_form_issue(*, campaign: Campaign, actor: User) -> Form:
    """The satisfaction form, open now, with one public link per unit (idempotent)."""
    with transaction.atomic():
        form = form_create(campaign=campaign, kind=Form.Kind.SATISFACTION, actor=actor)
        survey_links_issue(form=form, actor=actor)
    return form


def unit_actual_staff(target: CampaignTarget) -> int:
    return target.unit.quotas.aggregate(n=Sum("actual"))["n"] or 0


@transaction.atomic
def ballots_issue(*, form: Form, target: CampaignTarget, actor: User, count: int | None = None) -> BallotBox:
    """Issue one-use ballots for a unit: as many as its actual staff, or `count`. More may be added later."""
    if form.kind not in {Form.Kind.STAFF_ASSESSMENT, Form.Kind.SATISFACTION, Form.Kind.QUESTIONNAIRE}:
        raise ApplicationError(_("评估表由评估人员登录填写，不发放测评票"))
    if target.campaign_id != form.campaign_id:
        raise ApplicationError(_("该单位不在本次评估活动中"))
    if form.closes_at is not None and form.closes_at <= timezone.now():
        raise ApplicationError(_("表册已截止，不能再发放测评票"))
    if count is None:
        count = unit_actual_staff(target)
    if not 1 <= count <= MAX_BALLOTS_PER_ISSUE:
        raise ApplicationError(
            _("发放数量须在 1 至 %(max)s 之间（该单位实有人数为 0 时请填写数量）") % {"max": MAX_BALLOTS_PER_ISSUE}
        )
    box, _created = BallotBox.objects.get_or_create(form=form, target=target)
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    Ballot.objects.bulk_create(Ballot(box=box, serial=box.issued + i) for i in range(1, count + 1))
    box.issued += count
    box.save(update_fields=["issued"])
    event_record(campaign=form.campaign, target=target, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
                 data={"action": "ballots_issued", "form": form.kind, "ballots": count, "issued": box.issued})
    return box


def ballot_code_normalize(code: str) -> str:
    """What a person types off the paper: any case, dashes or spaces, O for 0, I/L for 1."""
    code = code.upper().replace("-", "").replace(" ", "").translate(str.maketrans("OIL", "011"))
    return code if code and set(code) <= set(BALLOT_ALPHABET) else ""


# --------------------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------------------
def _values(data: Mapping, code: str) -> list[str]:
    raw = data.getlist(code) if hasattr(data, "getlist") else data.get(code)
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    return [str(v).strip() for v in raw if str(v).strip()]


def _score(question: Question, raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(_("请输入数字")) from None
    if not value.is_finite():
        raise ValidationError(_("请输入数字"))
    if -value.as_tuple().exponent > question.decimals:
        raise ValidationError(
            _("最多保留 %(n)s 位小数") % {"n": question.decimals} if question.decimals else _("请输入整数")
        )
    # Refused, never clamped: a typo must not turn into a plausible score.
    if not question.min_score <= value <= question.max_score:
        raise ValidationError(
            _("分数须在 %(min)s 至 %(max)s 之间") % {"min": rules.plain(question.min_score), "max": rules.plain(question.max_score)}
        )
    return value


def question_shown(question: Question, cleaned: Mapping[str, Any]) -> bool:
    """Show-if: asked only when the earlier answer is one of the listed values."""
    if not question.show_if_code:
        return True
    answer = cleaned.get(question.show_if_code)
    given = set(answer) if isinstance(answer, list) else {answer}
    return bool(given & set(question.show_if_values))


def survey_answers_clean(*, questions: list[Question], data: Mapping) -> dict[str, Any]:
    """Check every answer against its question. Raises ValidationError keyed by question code.

    Values: str for single choice and text, a list for multiple choice, a Decimal for a score.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for question in questions:
        values = _values(data, question.code)
        if not question_shown(question, cleaned):
            continue  # a hidden question's answer is dropped, whatever the browser sent
        if not values:
            if question.required:
                errors[question.code] = _("请回答此题")
            continue
        try:
            cleaned[question.code] = _answer_clean(question, values)
        except ValidationError as exc:
            errors[question.code] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _answer_clean(question: Question, values: list[str]) -> Any:
    if question.type == Question.Type.MULTIPLE_CHOICE:
        if not set(values) <= question.choice_values:
            raise ValidationError(_("所选选项无效，请重新选择"))
        return sorted(set(values), key=[v for v, _label in question.choices].index)
    value = values[0]
    if question.type == Question.Type.SINGLE_CHOICE:
        if len(values) > 1 or value not in question.choice_values:
            raise ValidationError(_("所选选项无效，请重新选择"))
        return value
    if question.type == Question.Type.SCORE:
        return _score(question, value)
    if question.type in TEXT_LIMITS:
        if len(value) > TEXT_LIMITS[question.type]:
            raise ValidationError(_("请将文字控制在 %(n)s 字以内") % {"n": TEXT_LIMITS[question.type]})
        return value
    raise ValidationError(_("此题不能在这里填写"))


def _answer_row(response: SurveyResponse, question: Question, value: Any) -> Answer:
    answer = Answer(response=response, question=question)
    if question.type == Question.Type.SINGLE_CHOICE:
        answer.choice = value
    elif question.type == Question.Type.MULTIPLE_CHOICE:
        answer.choices = value
    elif question.type == Question.Type.SCORE:
        answer.number = value
    else:
        answer.text = value
    return answer


def _response_rows(
    *, form: Form, target_id: int, questions: list[Question], cleaned: dict[str, Any], **fields: Any
) -> tuple[SurveyResponse, list[Answer]]:
    response = SurveyResponse(form=form, target_id=target_id, **fields)  # the key is made here, at random
    return response, [_answer_row(response, q, cleaned[q.code]) for q in questions if q.code in cleaned]


def _response_save(**kwargs: Any) -> SurveyResponse:
    response, answers = _response_rows(**kwargs)
    response.save(force_insert=True)
    Answer.objects.bulk_create(answers)
    return response


def _insert_statements(model, objs: list) -> list[tuple[str, tuple]]:
    """The INSERT of `objs`, compiled by Django's own compiler, before any transaction is open."""
    query = InsertQuery(model)
    query.insert_values(model._meta.concrete_fields, objs)
    return query.get_compiler(using=router.db_for_write(model)).as_sql()


def _response_save_fast(**kwargs: Any) -> SurveyResponse:
    """The public submit's writes: compiled first, then only executed inside the transaction.

    On SQLite the transaction holds the database's write lock, and what limits the throughput of many
    phones submitting at once is how long it is held; compiling the SQL inside it nearly doubled that.
    """
    response, answers = _response_rows(**kwargs)
    statements = _insert_statements(SurveyResponse, [response]) + _insert_statements(Answer, answers)
    using = router.db_for_write(SurveyResponse)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    response._state.adding, response._state.db = False, using
    return response


def form_check_open(form: Form) -> None:
    now = timezone.now()
    if now < form.opens_at:
        raise FormUnavailable(
            FormUnavailable.NOT_OPEN,
            _("该测评尚未开始，开始时间为 %(at)s。") % {"at": timezone.localtime(form.opens_at).strftime("%Y-%m-%d %H:%M")},
        )
    if not form.is_open(now):
        raise FormUnavailable(FormUnavailable.CLOSED, _("该测评已于 %(at)s 截止，感谢您的关注。") % {
            "at": timezone.localtime(form.closes_at).strftime("%Y-%m-%d %H:%M")})


def _keyed(*parts: Any) -> str:
    """A cache key that does not contain the address or device token itself."""
    digest = hmac.new(settings.SECRET_KEY.encode(), "|".join(map(str, parts)).encode(), hashlib.sha256).hexdigest()
    return f"surveys:{digest[:40]}"


def network_count(*, form: Form, ip: str | None) -> int:
    """Submissions to this form from one address in the current hour (a soft count, kept only in the cache)."""
    if not ip:
        return 0
    key = _keyed("ip", form.pk, ip, int(time.time() // 3600))
    if cache.add(key, 1, timeout=3600):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)
        return 1


def survey_response_submit(
    *, link: SurveyLink, data: Mapping, elapsed_seconds: float | None = None, device: str | None = None,
    ip: str | None = None,
) -> SurveyResponse:
    """Save one public answer sheet, all of it or nothing.

    Abuse control that works on an intranet, with nothing external: one answer per device cookie and link;
    a soft per-address count that flags (and only far above an office's NAT, refuses); quality flags for an
    evaluator to look at. `elapsed_seconds` None means not measured (an import, the demo): no speed flag.
    """
    form = link.form
    if not link.is_active:
        raise FormUnavailable(FormUnavailable.CLOSED, _("该链接已停用，感谢您的关注。"))
    form_check_open(form)
    questions = form_questions(form=form)
    cleaned = survey_answers_clean(questions=questions, data=data)
    seen = network_count(form=form, ip=ip)
    if seen > settings.SURVEY_IP_HARD_LIMIT:
        raise FormUnavailable(FormUnavailable.BUSY, _("同一网络提交过于频繁，请稍后再试。"))
    device_key = _keyed("device", link.pk, device) if device else None
    if device_key and not cache.add(device_key, 1, timeout=None):
        raise FormUnavailable(FormUnavailable.DEVICE, _("您已在本设备上提交过对该单位的评价，感谢参与。"))
    choice_answers = [cleaned[q.code] for q in questions if q.type == Question.Type.SINGLE_CHOICE and q.code in cleaned]
    try:
        # Everything above only reads; the writes hold the transaction (on SQLite, the database's write lock).
        response = _response_save_fast(
            form=form, target_id=link.target_id, questions=questions, cleaned=cleaned, window=link.window,
            too_fast=elapsed_seconds is not None and rules.too_fast(
                elapsed_seconds, len(questions), per_question=settings.SURVEY_SECONDS_PER_QUESTION, floor=5),
            straight_lined=rules.straight_lined(choice_answers),
            busy_network=seen > settings.SURVEY_IP_SOFT_LIMIT,
        )
    except Exception:
        if device_key:
            cache.delete(device_key)
        raise
    return response


@transaction.atomic
def ballot_submit(*, code: str, data: Mapping) -> SurveyResponse:
    """Spend a one-use ballot and save its answers, in one transaction.

    The ballot box row is locked first, so simultaneous submissions of one ballot queue there; the first
    records the ballot in the box's spent set, every later one finds it spent. The answer row keeps the
    unit, the form and the day; nothing ties it to the ballot (see BallotBox).
    """
    ballot = ballot_get(code=code)
    box = ballot.box
    form_check_open(box.form)
    questions = form_questions(form=box.form)
    cleaned = survey_answers_clean(questions=questions, data=data)
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    position = bisect.bisect_left(box.spent, ballot.pk)
    if position < len(box.spent) and box.spent[position] == ballot.pk:
        raise FormUnavailable(FormUnavailable.USED, _("这张测评票已经使用过，每张票只能提交一次。"))
    box.spent.insert(position, ballot.pk)
    box.used += 1
    box.save(update_fields=["spent", "used"])
    response = _response_save(form=ballot.box.form, target_id=box.target_id, questions=questions, cleaned=cleaned)
    if box.form.kind == Form.Kind.STAFF_ASSESSMENT:
        _rows_reshuffle(form=box.form, target_id=box.target_id)
    return response


def _rows_reshuffle(*, form: Form, target_id: int) -> None:
    """Write the unit's anonymous answer sheets again, all of them, in the order of their random keys.

    A database remembers the order rows came in even when no column does: PostgreSQL's xmin (the writing
    transaction) and ctid (the place in the table), SQLite's rowid. Rewritten together after every answer,
    the unit's rows share one transaction and sit in a random order. The cost grows with the unit's staff,
    which is fine for a form each person fills once.
    """
    responses = list(SurveyResponse.objects.filter(form=form, target_id=target_id).order_by("id"))
    answers = list(Answer.objects.filter(response__in=[r.pk for r in responses]).order_by("id"))
    Answer.objects.filter(pk__in=[a.pk for a in answers])._raw_delete(Answer.objects.db)
    SurveyResponse.objects.filter(pk__in=[r.pk for r in responses])._raw_delete(SurveyResponse.objects.db)
    SurveyResponse.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers, batch_size=1000)


def ballot_get(*, code: str) -> Ballot:
    ballot = (
        Ballot.objects.select_related("box__form__campaign", "box__target__unit")
        .filter(code=ballot_code_normalize(code)).first()
    )
    if ballot is None:
        raise FormUnavailable(FormUnavailable.UNKNOWN, _("票码无效：请核对票码或二维码是否完整。"))
    return ballot


def ballot_is_spent(ballot: Ballot) -> bool:
    spent = ballot.box.spent
    position = bisect.bisect_left(spent, ballot.pk)
    return position < len(spent) and spent[position] == ballot.pk


@transaction.atomic
def survey_response_void(*, response: SurveyResponse, reason: str, actor: User) -> SurveyResponse:
    """Void a doubtful answer: it is kept and shown as voided, and no longer counted."""
    response = SurveyResponse.objects.select_for_update().select_related("form__campaign").get(pk=response.pk)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("请填写作废原因"))
    if response.form.kind == Form.Kind.STAFF_ASSESSMENT:
        raise ApplicationError(_("测评表为不记名测评，不能逐份作废"))
    if response.is_voided:
        raise ApplicationError(_("该答卷已作废"))
    response.is_voided, response.void_reason = True, reason[:200]
    response.save(update_fields=["is_voided", "void_reason"])
    event_record(campaign=response.form.campaign, target=response.target, type=CampaignEvent.Type.FORM_ISSUED,
                 actor=actor, data={"action": "response_voided", "form": response.form.kind, "response": str(response.pk),
                                    "reason": reason})
    return response


# --------------------------------------------------------------------------------------------------------
# Evaluation sheet (评估表): logged-in evaluators, indicator by indicator
# --------------------------------------------------------------------------------------------------------
def _sheet_check(form: Form, target: CampaignTarget) -> None:
    if form.kind != Form.Kind.EVALUATION_SHEET:
        raise ApplicationError(_("这不是评估表"))
    if target.campaign_id != form.campaign_id:
        raise ApplicationError(_("该单位不在本次评估活动中"))
    if SheetSignoff.objects.filter(form=form, target=target).exists():
        raise ApplicationError(_("该单位的评估表已由评估组长签署，不能再修改"))


@transaction.atomic
def sheet_entries_save(*, form: Form, target: CampaignTarget, evaluator: User, data: Mapping) -> int:
    """Save what the evaluator has entered so far (a draft on the server): every filled score and its reason.

    Scores outside an indicator's range are refused, never clamped; nothing is saved unless all are valid.
    Returns the number of indicators saved.
    """
    if not evaluator.is_office_staff:
        raise ApplicationError(_("只有评估人员可以填写评估表"))
    form = Form.objects.select_for_update().get(pk=form.pk)
    _sheet_check(form, target)
    errors: dict[str, str] = {}
    rows: list[tuple[Question, Decimal, str]] = []
    for question in form.questions.filter(type=Question.Type.SCORE):
        raw = (data.get(question.code) or "").strip()
        reason = (data.get(f"{question.code}_reason") or "").strip()
        if not raw:
            if reason:
                errors[question.code] = _("填写了理由，请同时打分")
            continue
        try:
            rows.append((question, _score(question, raw), reason[:2000]))
        except ValidationError as exc:
            errors[question.code] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    for question, score, reason in rows:
        SheetEntry.objects.update_or_create(
            question=question, target=target, evaluator=evaluator, defaults={"score": score, "reason": reason}
        )
    return len(rows)


def sheet_combined(*, form: Form, target: CampaignTarget) -> tuple[dict[str, Decimal], set[str]]:
    """The unit's combined score per indicator (mean or the lead's decision) and the indicators to review."""
    by_question: dict[str, dict[int, Decimal]] = {}
    for entry in SheetEntry.objects.filter(question__form=form, target=target).select_related("question"):
        by_question.setdefault(entry.question.code, {})[entry.evaluator_id] = entry.score
    return rules.combine_scores(
        by_question, method=form.combine, lead_id=form.lead_evaluator_id, spread_limit=form.spread_limit
    )


@transaction.atomic
def sheet_signoff(*, form: Form, target: CampaignTarget, actor: User) -> SheetSignoff:
    """The lead evaluator signs the unit's sheet off: the combined scores are frozen, entries locked."""
    form = Form.objects.select_for_update().get(pk=form.pk)
    _sheet_check(form, target)
    if form.lead_evaluator_id is None or actor.pk != form.lead_evaluator_id:
        raise ApplicationError(_("只有评估组长可以签署评估表"))
    combined, _flagged = sheet_combined(form=form, target=target)
    missing = [q.text for q in form.questions.filter(type=Question.Type.SCORE) if q.code not in combined]
    if missing:
        raise ApplicationError(
            _("还有 %(n)s 项指标没有%(who)s评分，例如：%(first)s")
            % {"n": len(missing), "who": _("组长") if form.combine == Form.Combine.LEAD else "", "first": missing[0]}
        )
    signoff = SheetSignoff.objects.create(
        form=form, target=target, signed_by=actor, scores={code: str(score) for code, score in combined.items()}
    )
    event_record(campaign=form.campaign, target=target, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
                 data={"action": "sheet_signed", "form": form.kind, "method": form.combine})
    return signoff


@transaction.atomic
def sheet_settings_update(*, form: Form, combine: str, spread_limit: Decimal, lead_evaluator: User | None, actor: User) -> Form:
    form = Form.objects.select_for_update().get(pk=form.pk)
    if form.kind != Form.Kind.EVALUATION_SHEET:
        raise ApplicationError(_("这不是评估表"))
    if form.signoffs.exists():
        raise ApplicationError(_("已有单位的评估表签署，合成方式不能再修改"))
    if combine not in Form.Combine.values:
        raise ApplicationError(_("未知的合成方式"))
    if spread_limit < 0:
        raise ApplicationError(_("分差提示阈值不能为负数"))
    if lead_evaluator is not None and not lead_evaluator.is_office_staff:
        raise ApplicationError(_("评估组长必须是评估人员"))
    before = {"combine": form.combine, "spread_limit": form.spread_limit, "lead": form.lead_evaluator_id}
    form.combine, form.spread_limit, form.lead_evaluator = combine, spread_limit, lead_evaluator
    form.save(update_fields=["combine", "spread_limit", "lead_evaluator", "updated_at"])
    event_record(campaign=form.campaign, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
                 data={"action": "sheet_settings", "before": before,
                       "after": {"combine": combine, "spread_limit": spread_limit, "lead": form.lead_evaluator_id}})
    return form


# --------------------------------------------------------------------------------------------------------
# Exports: written by a worker, with progress; no row limit (rows are streamed from the database)
# --------------------------------------------------------------------------------------------------------
EXPORT_CHUNK = 2000


@transaction.atomic
def export_request(*, form: Form, format: str, actor: User) -> Export:
    if format not in Export.Format.values:
        raise ApplicationError(_("不支持的导出格式"))
    if form.kind == Form.Kind.EVALUATION_SHEET:
        raise ApplicationError(_("评估表请在各单位的评估表页面查看"))
    export = Export.objects.create(form=form, format=format, requested_by=actor)
    event_record(campaign=form.campaign, type=CampaignEvent.Type.FORM_ISSUED, actor=actor,
                 data={"action": "export_requested", "form": form.kind, "format": format})
    from .tasks import export_build_task

    transaction.on_commit(lambda: export_build_task.delay(export.pk))
    return export


def _export_columns(form: Form) -> list[exporters.QuestionColumns]:
    return [
        exporters.QuestionColumns(code=q.code, text=q.text, type=q.type, choices=tuple(map(tuple, q.choices)))
        for q in form.questions.all()
    ]


@dataclass
class _Progress:
    export_id: int
    total: int
    rows: int = 0

    def tick(self) -> None:
        self.rows += 1
        if self.rows % EXPORT_CHUNK == 0:
            Export.objects.filter(pk=self.export_id).update(progress=min(99, 100 * self.rows // max(self.total, 1)), rows=self.rows)


def _export_rows(form: Form, progress: _Progress) -> Iterator[list]:
    """Header, then one row per answer sheet. The staff assessment's rows come in the order of their random
    keys (a shuffle unrelated to when they came), by day at most, and only for units above the threshold."""
    questions = _export_columns(form)
    anonymous = form.kind == Form.Kind.STAFF_ASSESSMENT
    prefix = ["单位代码", "单位名称", "提交日期"] if anonymous else [
        "单位代码", "单位名称", "服务窗口", "提交日期", "作答过快", "全部同一选项", "同一网络提交过多", "已作废", "作废原因"]
    yield exporters.header_rows(prefix, questions)
    responses = SurveyResponse.objects.filter(form=form).select_related("target__unit").prefetch_related("answers__question")
    if anonymous:
        enough = (
            SurveyResponse.objects.filter(form=form).values("target_id").annotate(n=Count("id"))
            .filter(n__gte=settings.SURVEY_MIN_RESPONSES_FOR_STATS).values("target_id")
        )
        responses = responses.filter(target_id__in=enough).order_by("target__unit__code", "id")
    else:
        responses = responses.order_by("target__unit__code", "submitted_on", "id")
    for response in responses.iterator(chunk_size=EXPORT_CHUNK):
        answers = {a.question.code: a.value for a in response.answers.all()}
        unit = response.target.unit
        head = [unit.code, unit.name, response.submitted_on.isoformat()] if anonymous else [
            unit.code, unit.name, response.window, response.submitted_on.isoformat(), int(response.too_fast),
            int(response.straight_lined), int(response.busy_network), int(response.is_voided), response.void_reason]
        yield exporters.data_row(head, questions, answers)
        progress.tick()


def _write_xlsx(out, rows: Iterator[list], form: Form) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # streams rows: memory does not grow with the number of answers
    sheet = workbook.create_sheet("答卷")
    for row in rows:
        sheet.append(row)
    book = workbook.create_sheet("题目说明")
    questions = _export_columns(form)
    for row in exporters.codebook(questions):
        book.append(row)
    workbook.save(out)


def export_build(*, export_id: int) -> Export:
    """Write the export file. Idempotent: a redelivered task finds it ready and does nothing."""
    export = Export.objects.select_related("form__campaign").get(pk=export_id)
    if export.status == Export.Status.READY:
        return export
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, progress=0, updated_at=timezone.now())
    progress = _Progress(export_id=export.pk, total=SurveyResponse.objects.filter(form=export.form).count())
    rows = _export_rows(export.form, progress)
    try:
        with tempfile.TemporaryFile() as out:
            if export.format == Export.Format.CSV:
                for chunk in exporters.csv_bytes(rows):
                    out.write(chunk)
            else:
                _write_xlsx(out, rows, export.form)
            out.seek(0)
            name = f"{export.form.campaign.year}-{export.form.kind}-{export.pk}.{export.format}"
            export.file.save(name, File(out), save=False)
    except Exception as exc:
        Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, error=repr(exc)[:2000])
        raise
    export.status, export.progress, export.rows, export.error = Export.Status.READY, 100, progress.rows, ""
    export.save(update_fields=["file", "status", "progress", "rows", "error", "updated_at"])
    return export
