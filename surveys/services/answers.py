"""Taking answers: checking them, the public submit with its abuse control, one-use ballots, voiding."""

import functools
import logging
import random
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, router, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import events
from evaluations.guard import campaign_writable, refusal, stages_allowing
from evaluations.models import Campaign

from .. import rules
from ..models import Answer, Ballot, BallotBox, Form, Question, StaffComment, StaffTally, SurveyLink, SurveyResponse
from ..selectors import forget_form_counts, form_questions
from .abuse import FormUnavailable, admit
from .definitions import ballot_code_normalize

logger = logging.getLogger(__name__)

TEXT_LIMITS = {Question.Type.SHORT_TEXT: 200, Question.Type.LONG_TEXT: 2000}


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
    """Show-if: asked only when each earlier answer it names is one of its listed values (all must hold)."""
    for condition in question.conditions:
        answer = cleaned.get(condition["question"])
        given = set(answer) if isinstance(answer, list) else {answer}
        if not given & set(condition["values"]):
            return False
    return True


def _matrix_values(data: Mapping, question: Question) -> dict[str, str]:
    """A matrix posts one field per row, "<code>__<row code>"."""
    out = {}
    for row in question.rows:
        values = _values(data, f"{question.code}__{row['code']}")
        if values:
            out[row["code"]] = values[0]
    return out


def survey_answers_clean(*, questions: list[Question], data: Mapping) -> dict[str, Any]:
    """Check every answer against its question. Raises ValidationError keyed by question code.

    Values: str for single choice and text, a list for multiple choice, a Decimal for a score.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for question in questions:
        if not question_shown(question, cleaned):
            continue  # a hidden question's answer is dropped, whatever the browser sent
        if question.is_matrix:
            rows = _matrix_values(data, question)
            if rows and (set(rows.values()) - question.choice_values):
                errors[question.code] = _("所选选项无效，请重新选择")
            elif question.required and len(rows) < len(question.rows):
                errors[question.code] = _("请为每一行选择一项") if rows else _("请回答此题")
            elif rows:
                cleaned[question.code] = rows
            continue
        values = _values(data, question.code)
        if not values:
            if question.required:
                errors[question.code] = _("请回答此题")
            continue
        try:
            cleaned[question.code] = _answer_clean(question, values)
            if question.is_choice and question.other_choices:
                _other_clean(question, cleaned, data)
        except ValidationError as exc:
            errors[question.code] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return cleaned


OTHER_LIMIT = 200


def _other_clean(question: Question, cleaned: dict[str, Any], data: Mapping) -> None:
    """"Other, please specify": the text beside a chosen option is required and kept (as `<code>__other`)."""
    answer = cleaned[question.code]
    chosen = set(answer) if isinstance(answer, list) else {answer}
    if not chosen & set(question.other_choices):
        return
    text = (_values(data, f"{question.code}__other") or [""])[0]
    if not text:
        raise ValidationError(_("请填写说明"))
    if len(text) > OTHER_LIMIT:
        raise ValidationError(_("请将文字控制在 %(n)s 字以内") % {"n": OTHER_LIMIT})
    cleaned[f"{question.code}__other"] = text


def number_clean(question: Question, raw: str) -> Decimal:
    """A number question: any number (within min/max when set), with at most its decimals."""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(_("请输入数字")) from None
    if not value.is_finite() or abs(value) >= Decimal("1000000"):
        raise ValidationError(_("请输入数字"))
    if -value.as_tuple().exponent > question.decimals:
        raise ValidationError(
            _("最多保留 %(n)s 位小数") % {"n": question.decimals} if question.decimals else _("请输入整数"))
    if question.min_score is not None and value < question.min_score:
        raise ValidationError(_("不能小于 %(min)s") % {"min": rules.plain(question.min_score)})
    if question.max_score is not None and value > question.max_score:
        raise ValidationError(_("不能大于 %(max)s") % {"max": rules.plain(question.max_score)})
    return value


def date_clean(raw: str) -> str:
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ValidationError(_("请填写日期，如 2026-12-01")) from None


def _answer_clean(question: Question, values: list[str]) -> Any:
    if question.type == Question.Type.MULTIPLE_CHOICE:
        if not set(values) <= question.choice_values:
            raise ValidationError(_("所选选项无效，请重新选择"))
        if question.min_selected and len(set(values)) < question.min_selected:
            raise ValidationError(_("请至少选择 %(n)s 项") % {"n": question.min_selected})
        if question.max_selected and len(set(values)) > question.max_selected:
            raise ValidationError(_("最多选择 %(n)s 项") % {"n": question.max_selected})
        return sorted(set(values), key=[v for v, _label in question.choices].index)
    value = values[0]
    if question.type == Question.Type.SINGLE_CHOICE:
        if len(values) > 1 or value not in question.choice_values:
            raise ValidationError(_("所选选项无效，请重新选择"))
        return value
    if question.type == Question.Type.SCORE:
        return score_clean(question, value)
    if question.type == Question.Type.NUMBER:
        return number_clean(question, value)
    if question.type == Question.Type.DATE:
        return date_clean(value)
    if question.type in TEXT_LIMITS:
        if len(value) > TEXT_LIMITS[question.type]:
            raise ValidationError(_("请将文字控制在 %(n)s 字以内") % {"n": TEXT_LIMITS[question.type]})
        return value
    raise ValidationError(_("此题不能在这里填写"))


def _answer_row(response: SurveyResponse, question: Question, value: Any, other: str = "") -> Answer:
    answer = Answer(response=response, question=question)
    if question.type == Question.Type.SINGLE_CHOICE:
        answer.choice, answer.text = value, other
    elif question.type in (Question.Type.MULTIPLE_CHOICE, Question.Type.MATRIX):
        answer.choices, answer.text = value, other
    elif question.type in (Question.Type.SCORE, Question.Type.NUMBER):
        answer.number = value
    else:
        answer.text = value
    return answer


def _response_rows(
    *, form: Form, target_id: int, questions: list[Question], cleaned: dict[str, Any], **fields: Any
) -> tuple[SurveyResponse, list[Answer]]:
    response = SurveyResponse(form=form, target_id=target_id, **fields)  # the key is made here, at random
    return response, [_answer_row(response, q, cleaned[q.code], cleaned.get(f"{q.code}__other", ""))
                      for q in questions if q.code in cleaned]


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


class StaleLink(Exception):
    """A submit judged on a remembered link (selectors.survey_link_remembered) must be judged again from a fresh
    read: a fact it was judged by has changed, or it was refused, and a refusal is only given on fresh facts."""


# What a submit on a remembered link was judged by, checked again by its INSERT: the link still active, with
# the same form, unit and window; the form of the same version (its questions), open now; the campaign in a
# stage that takes answers.
# Three reads by primary key, each a yes/no (NULL when the row is gone): the primary key is each one's only
# condition, so the planner weighs one index a table. Planning a join of the three, or lookups with every
# column as a condition, took longer than running them.
_LINK_UNCHANGED = (
    f'(SELECT is_active AND form_id = %s AND target_id = %s AND "window" = %s FROM "{SurveyLink._meta.db_table}" '
    "WHERE id = %s) "
    f"AND (SELECT campaign_id = %s AND updated_at = %s AND opens_at <= %s AND (closes_at IS NULL OR %s < closes_at) "
    f'FROM "{Form._meta.db_table}" WHERE id = %s) '
    f'AND (SELECT status = ANY(%s) FROM "{Campaign._meta.db_table}" WHERE id = %s)'
)


@functools.cache  # per database alias: the statement depends only on the models, never on the answers
def _sheet_insert_sql(using: str, guarded: bool) -> str:
    """The answer sheet and its answers in one PostgreSQL statement, compiled once by Django's compiler.

    The answers go in as one array per column (the compiler's UNNEST form, which it uses from two rows up and
    which takes any number of rows, none included), so the text is the same for every sheet. `guarded`: both
    are written only if _LINK_UNCHANGED holds, and the statement answers how many sheets it wrote (1 or 0).
    """
    (sheet_sql, _sheet), (answers_sql, _answers) = (
        _insert_statements(SurveyResponse, [SurveyResponse()]) + _insert_statements(Answer, [Answer(), Answer()]))
    assert "UNNEST" in answers_sql and sheet_sql.count(" VALUES (") == 1 and sheet_sql.endswith(")"), sheet_sql
    if not guarded:
        return f"WITH sheet AS ({sheet_sql}) {answers_sql}"
    sheet_select = sheet_sql.replace(" VALUES (", " SELECT ")[:-1]
    return (f"WITH sheet AS ({sheet_select} WHERE {_LINK_UNCHANGED} RETURNING 1), "
            f"answers AS ({answers_sql} WHERE EXISTS (SELECT FROM sheet)) SELECT count(*) FROM sheet")


def _sheet_insert_params(connection, response: SurveyResponse, answers: list[Answer],
                         guard: SurveyLink | None) -> tuple:
    """The values of _sheet_insert_sql, prepared by each field as the compiler prepares them."""
    sheet = [f.get_db_prep_save(f.pre_save(response, True), connection) for f in SurveyResponse._meta.concrete_fields]
    columns = [[f.get_db_prep_save(f.pre_save(answer, True), connection) for answer in answers]
               for f in Answer._meta.concrete_fields]
    if guard is None:
        return (*sheet, *columns)
    now = timezone.now()
    form = guard.form
    unchanged = (form.pk, guard.target_id, guard.window, guard.pk, form.campaign_id, form.updated_at, now, now, form.pk,
                 stages_allowing("public_answer"), form.campaign_id)
    return (*sheet, *unchanged, *columns)


def _response_save_fast(*, guard: SurveyLink | None = None, **kwargs: Any) -> SurveyResponse | None:
    """The public submit's writes: prepared first, then only executed (inside the transaction, where there is one).

    On SQLite the transaction holds the database's write lock, and what limits the throughput of many
    phones submitting at once is how long it is held; compiling the SQL inside it nearly doubled that.
    `guard` (PostgreSQL only): a remembered link, written for only if _LINK_UNCHANGED holds; None if it does not.
    """
    response, answers = _response_rows(**kwargs)
    using = router.db_for_write(SurveyResponse)
    connection = connections[using]
    if connection.vendor == "postgresql":
        # The answer sheet and its answers in one statement (the sheet's key is made here, so the answers need
        # nothing back from it): atomic on its own, so one round trip instead of BEGIN, two INSERTs and COMMIT.
        with connection.cursor() as cursor:
            cursor.execute(_sheet_insert_sql(using, guard is not None),
                           _sheet_insert_params(connection, response, answers, guard))
            if guard is not None and cursor.fetchone()[0] == 0:
                return None
    else:
        assert guard is None, "a remembered link is used on PostgreSQL only"
        statements = _insert_statements(SurveyResponse, [response]) + _insert_statements(Answer, answers)
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
    response._state.adding, response._state.db = False, using
    return response


def form_check_open(form: Form, what: str = "public_answer", status_now: str | None = None) -> None:
    # the campaign left the stages that take answers, or is closed (status_now: see evaluations.guard.refusal)
    if message := refusal(form.campaign_id, what, status_now=status_now):
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


def survey_response_submit(
    *, link: SurveyLink, data: Mapping, elapsed_seconds: float | None = None, device: str | None = None,
    ip: str | None = None, nonce: str | None = None, remembered: bool = False,
) -> SurveyResponse:
    """Save one public answer sheet, all of it or nothing.

    Abuse control that works on an intranet, with nothing external (see abuse.admit): one answer per device
    and link; one per served page (`nonce`, from the start token); a soft per-address count that flags (and
    only far above an office's NAT, refuses), tighter for answers without a device cookie; quality flags for
    an evaluator to look at. `elapsed_seconds` None means not measured (an import, the demo): no speed flag.
    `device` is a verified device id or None. When the cache is down the answer is taken, flagged unchecked.
    `remembered`: the link is the process's copy (selectors.survey_link_remembered), not read by this request;
    raises StaleLink instead of refusing on it, or when the database finds it changed (nothing is written).
    """
    form = link.form
    try:
        if not link.is_active:
            raise FormUnavailable(FormUnavailable.CLOSED, _("该链接已停用，感谢您的关注。"))
        # a link the public view has just read carries its campaign's stage (surveys.views._resolve)
        form_check_open(form, "public_answer", status_now=getattr(link, "campaign_status_now", None))
        questions = form_questions(form=form)
        cleaned = survey_answers_clean(questions=questions, data=data)
    except (FormUnavailable, ValidationError):
        if remembered:
            raise StaleLink from None
        raise
    admission = admit(form=form, link_id=link.pk, ip=ip, device=device, nonce=nonce)
    choice_answers = [cleaned[q.code] for q in questions if q.type == Question.Type.SINGLE_CHOICE and q.code in cleaned]
    try:
        # Everything above only reads; the writes hold the transaction (on SQLite, the database's write lock).
        response = _response_save_fast(
            form=form, target_id=link.target_id, questions=questions, cleaned=cleaned, window=link.window,
            too_fast=elapsed_seconds is not None and rules.too_fast(
                elapsed_seconds, len(questions), per_question=settings.SURVEY_SECONDS_PER_QUESTION, floor=5),
            straight_lined=rules.straight_lined(choice_answers),
            busy_network=admission.busy, unchecked=admission.unchecked, guard=link if remembered else None,
        )
        if response is None:
            raise StaleLink
    except Exception:
        admission.give_back()
        raise
    return response


@transaction.atomic
def ballot_submit(*, code: str, data: Mapping) -> SurveyResponse | None:
    """Spend a one-use ballot and save its answers, in one transaction.

    Everything that needs no lock is done first (the ballot read, the answers checked, the statements
    prepared); then the ballot box row is locked, so simultaneous submissions of one unit queue there for as
    short a time as can be: the first marks the ballot in the box's bitmap, every later one finds it spent.
    A public form's ballot (an invitation) saves an answer sheet like its link does; the staff assessment
    saves none (StaffBallot).
    """
    ballot = ballot_get(code=code)
    form = ballot.box.form
    form_check_open(form, "ballot")
    questions = form_questions(form=form)
    cleaned = survey_answers_clean(questions=questions, data=data)
    staff = StaffBallot(target_id=ballot.box.target_id, questions=questions, cleaned=cleaned) \
        if form.kind == Form.Kind.STAFF_ASSESSMENT else None
    box = BallotBox.objects.select_for_update().get(pk=ballot.box_id)  # a fresh read, once the lock is ours
    if box.is_spent(ballot.serial):
        raise FormUnavailable(FormUnavailable.USED, _("这张测评票已经使用过，每张票只能提交一次。"))
    box.mark_spent(ballot.serial)
    box.used += 1
    if staff is None:
        box.save(update_fields=["spent_bits", "used"])
        return _response_save(form=form, target_id=box.target_id, questions=questions, cleaned=cleaned)
    staff.count(box=box)
    box.save(update_fields=["spent_bits", "used", "pending", "released", "pending_comment_sheets"])
    return None


def _batch_size() -> int:
    return max(settings.SURVEY_MIN_RESPONSES_FOR_STATS, 1)


class StaffBallot:
    """One staff ballot's answers, ready to be added to its unit's tallies and comment pool.

    A fixed number of queries, whatever the size of the unit: no row per answer. Every tally row of the unit
    is written by every ballot (most with + 0), so the rows a ballot changed do not stand out by their
    transaction id. Once `pending` ballots reach a batch, they are released into the counts in the same
    statement; comments are released by batches of ballots that commented (_staff_comments_add). Prepared
    before the box is locked: under the lock only the statements run.
    """

    def __init__(self, *, target_id: int, questions: list[Question], cleaned: dict[str, Any]):
        chosen: dict[tuple[int, str], Decimal | None] = {}
        keys: list[tuple[int, str]] = []
        for question in questions:
            if question.type in Question.CHOICE_TYPES:
                keys += [(question.pk, value) for value, _label in question.choices]
                answer = cleaned.get(question.code)
                for value in ([answer] if isinstance(answer, str) else answer or []):
                    chosen[(question.pk, value)] = None
            elif question.is_matrix:  # one tally per row and option: "<row>:<option>"
                keys += [(question.pk, f"{row['code']}:{value}") for row in question.rows for value, _l in question.choices]
                for row, value in (cleaned.get(question.code) or {}).items():
                    chosen[(question.pk, f"{row}:{value}")] = None
            elif question.type == Question.Type.SCORE:
                keys.append((question.pk, ""))
                if question.code in cleaned:
                    chosen[(question.pk, "")] = cleaned[question.code]
        self.target_id, self.keys, self.rng = target_id, keys, random.SystemRandom()
        self.statements = {release: _tally_update_sql(target_id=target_id, keys=keys, chosen=chosen, release=release)
                           for release in (False, True)} if keys else {}
        self.texts = [(q.pk, cleaned[q.code]) for q in questions if q.type in Question.TEXT_TYPES and cleaned.get(q.code)]

    def count(self, *, box: BallotBox) -> None:
        """Add the ballot; the caller holds the box's lock and saves it."""
        box.pending += 1
        release = box.pending >= _batch_size()
        if self.keys:
            with connection.cursor() as cursor:
                cursor.execute(*self.statements[release])
                updated = cursor.rowcount
            if updated < len(self.keys):  # the unit's first ballot: no rows yet (questions freeze on opening)
                # All created at once (random keys, present ones ignored): no creation order tells a first answer.
                StaffTally.objects.bulk_create(
                    [StaffTally(target_id=self.target_id, question_id=q, choice=c)
                     for q, c in self.rng.sample(self.keys, len(self.keys))],
                    ignore_conflicts=True,
                )
                if updated:  # cannot happen while questions are frozen; say so rather than count twice
                    logger.error("surveys: unit %s had %s of %s tally rows", self.target_id, updated, len(self.keys))
                else:
                    with connection.cursor() as cursor:
                        cursor.execute(*self.statements[release])
        if release:
            box.released, box.pending = box.released + box.pending, 0
        if self.texts:
            _staff_comments_add(box=box, texts=self.texts, rng=self.rng)


def staff_ballot_count(*, box: BallotBox, questions: list[Question], cleaned: dict[str, Any]) -> None:
    """Add one staff ballot to its unit's tallies and comment pool; the caller holds the box's lock."""
    StaffBallot(target_id=box.target_id, questions=questions, cleaned=cleaned).count(box=box)


def _tally_update_sql(*, target_id: int, keys: list[tuple[int, str]], chosen: dict[tuple[int, str], Decimal | None],
                      release: bool) -> tuple[str, list]:
    """One UPDATE of all the unit's tally rows: + 1 where this ballot chose, + 0 elsewhere; with `release`, the
    pending batch moves into the released counts too. Written as SQL: the ORM's compiling of the same
    CASE expression took longer than the database's executing it."""
    hit_sql = " OR ".join(["(question_id = %s AND choice = %s)"] * len(chosen)) or "FALSE"
    hit_params = [p for key in chosen for p in key]
    scores = [(q, v) for (q, _c), v in chosen.items() if v is not None]
    score_sql = "CASE " + " ".join(["WHEN question_id = %s THEN %s"] * len(scores)) + " ELSE 0 END" if scores else "0"
    score_params = [p for pair in scores for p in pair]
    hit = f"(CASE WHEN {hit_sql} THEN 1 ELSE 0 END)"
    if release:
        sets = (f"count = count + pending + {hit}, total = total + pending_sum + {score_sql}, "
                "pending = 0, pending_sum = 0")
    else:
        sets = f"pending = pending + {hit}, pending_sum = pending_sum + {score_sql}"
    questions = sorted({q for q, _c in keys})
    sql = (f"UPDATE {StaffTally._meta.db_table} SET {sets} WHERE target_id = %s "
           f"AND question_id IN ({', '.join(['%s'] * len(questions))})")
    return sql, [*hit_params, *score_params, target_id, *questions]


def _staff_comments_add(*, box: BallotBox, texts: list[tuple[int, str]], rng: random.Random) -> None:
    """Put one ballot's comments in the unit's pool: rewrite the pool (never more than a batch) in a random
    order, with new random keys, or release it when this ballot completes a batch."""
    with connection.cursor() as cursor:  # read and empty the pool in one statement (PostgreSQL, SQLite ≥ 3.35)
        cursor.execute(f"DELETE FROM {StaffComment._meta.db_table} WHERE target_id = %s AND NOT released "
                       "RETURNING question_id, text", [box.target_id])
        comments = [*cursor.fetchall(), *texts]
    box.pending_comment_sheets += 1
    release = box.pending_comment_sheets >= _batch_size()
    if release:
        box.pending_comment_sheets = 0
    rng.shuffle(comments)
    StaffComment.objects.bulk_create(
        StaffComment(target_id=box.target_id, question_id=q, text=text, released=release) for q, text in comments
    )


def ballot_get(*, code: str) -> Ballot:
    ballot = (
        Ballot.objects.select_related("box__form__campaign", "box__target__unit")
        .filter(code=ballot_code_normalize(code)).first()
    )
    if ballot is None:
        raise FormUnavailable(FormUnavailable.UNKNOWN, _("票码无效：请核对票码或二维码是否完整。"))
    return ballot


def ballot_is_spent(ballot: Ballot) -> bool:
    return ballot.box.is_spent(ballot.serial)


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
    campaign = response.form.campaign
    transaction.on_commit(lambda: forget_form_counts(campaign))  # the dashboard's counts, kept once settled
    return response


