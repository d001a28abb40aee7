"""Taking answers: checking them, the public submit with its abuse control, one-use ballots, voiding."""

import bisect
import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import events
from evaluations.guard import campaign_writable, refusal

from .. import rules
from ..models import Answer, Ballot, BallotBox, Form, Question, SurveyLink, SurveyResponse
from ..selectors import form_questions
from .definitions import ballot_code_normalize

TEXT_LIMITS = {Question.Type.SHORT_TEXT: 200, Question.Type.LONG_TEXT: 2000}


class FormUnavailable(ApplicationError):
    """The form cannot be filled through this link; `reason` says why, so the page can say which."""

    UNKNOWN, NOT_OPEN, CLOSED, USED, DEVICE, BUSY = "unknown", "not_open", "closed", "used", "device", "busy"

    def __init__(self, reason: str, message: str):
        super().__init__(message, extra={"reason": reason})
        self.reason = reason


def _values(data: Mapping, code: str) -> list[str]:
    raw = data.getlist(code) if hasattr(data, "getlist") else data.get(code)
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    return [str(v).strip() for v in raw if str(v).strip()]


def score_clean(question: Question, raw: str) -> Decimal:
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
        return score_clean(question, value)
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


def form_check_open(form: Form, what: str = "public_answer") -> None:
    if message := refusal(form.campaign_id, what):  # the campaign left the stages that take answers, or is closed
        raise FormUnavailable(FormUnavailable.CLOSED, message)
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


def _redis_client():
    """The raw client behind Django's RedisCache, or None with any other cache (tests, no Redis)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    return backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None


def _abuse_counts(*, form: Form, ip: str | None, device_key: str | None) -> tuple[int, bool]:
    """(this hour's submissions from the address, whether the device is new), in one Redis round trip.

    The same keys and values as network_count and cache.add (so voiding and the fallback agree); on Redis
    they go in one pipeline instead of three calls: on the production stack the three round trips were a
    quarter of a submit's time (bench-results.json, issue 16).
    """
    client = _redis_client()
    if client is None:
        seen = network_count(form=form, ip=ip)
        return seen, not device_key or cache.add(device_key, 1, timeout=None)
    pipe = client.pipeline(transaction=False)
    ip_key = cache.make_and_validate_key(_keyed("ip", form.pk, ip, int(time.time() // 3600))) if ip else None
    if ip_key:  # the key names the hour: renewing its expiry on each count keeps it at most two hours
        pipe.incr(ip_key)
        pipe.expire(ip_key, 3600)
    if device_key:  # RedisCache stores an int as itself: cache.get(device_key) still reads 1
        pipe.set(cache.make_and_validate_key(device_key), 1, nx=True)
    try:
        replies = pipe.execute()
    except (RedisError, OSError) as exc:  # Redis down: no limits rather than no answers (as bianzhi.cache)
        logging.getLogger("bianzhi.cache").warning("cache pipeline failed, carrying on without it: %s", exc)
        return (1 if ip_key else 0), True
    seen = int(replies[0]) if ip_key else 0
    return seen, not device_key or bool(replies[-1])


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
    form_check_open(form, "public_answer")
    questions = form_questions(form=form)
    cleaned = survey_answers_clean(questions=questions, data=data)
    device_key = _keyed("device", link.pk, device) if device else None
    seen, device_is_new = _abuse_counts(form=form, ip=ip, device_key=device_key)
    if seen > settings.SURVEY_IP_HARD_LIMIT:
        if device_key and device_is_new:  # refused: the device has not answered after all
            cache.delete(device_key)
        raise FormUnavailable(FormUnavailable.BUSY, _("同一网络提交过于频繁，请稍后再试。"))
    if not device_is_new:
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
    form_check_open(box.form, "ballot")
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
    campaign_writable(response.form.campaign, "void")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("请填写作废原因"))
    if response.form.kind == Form.Kind.STAFF_ASSESSMENT:
        raise ApplicationError(_("测评表为不记名测评，不能逐份作废"))
    if response.is_voided:
        raise ApplicationError(_("该答卷已作废"))
    response.is_voided, response.void_reason = True, reason[:200]
    response.save(update_fields=["is_voided", "void_reason"])
    events.event_response_voided(form=response.form, target=response.target, actor=actor, response=str(response.pk),
                                 reason=reason)
    return response


