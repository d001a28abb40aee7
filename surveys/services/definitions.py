"""Form definitions, public links and one-use ballots."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import events
from evaluations.guard import campaign_writable
from evaluations.indicators import campaign_indicators, campaign_tree_dimensions
from evaluations.models import Campaign, CampaignTarget

from ..defaults import FORM_KINDS, form_template
from ..models import BALLOT_ALPHABET, Ballot, BallotBox, Form, Question, SurveyLink

MAX_BALLOTS_PER_ISSUE = 5000
QUESTION_EDITABLE_FIELDS = {"text", "required", "choices"}


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
    campaign_writable(campaign, "forms")
    if kind not in FORM_KINDS:
        raise ApplicationError(_("未知的表册类型"))
    if closes_at is not None and closes_at <= (opens_at or timezone.now()):
        raise ApplicationError(_("截止时间必须晚于开始时间"))
    template = form_template(kind, campaign_tree_dimensions(campaign))
    form, created = Form.objects.get_or_create(
        campaign=campaign, kind=kind,
        defaults={"title": template["title"], "intro": template["intro"], "opens_at": opens_at or timezone.now(),
                  "closes_at": closes_at},
    )
    if created:
        Question.objects.bulk_create(_questions_from_template(form, template))
        events.event_form_created(form=form, actor=actor)
    return form


@transaction.atomic
def form_schedule(*, form: Form, opens_at, closes_at, actor: User) -> Form:
    """Set the opening and closing times. An open form may be closed or extended, not re-opened earlier."""
    form = Form.objects.select_for_update().get(pk=form.pk)
    campaign_writable(form.campaign, "schedule")
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
    events.event_form_scheduled(form=form, actor=actor, before=before, after={"opens_at": opens_at, "closes_at": closes_at})
    return form


@transaction.atomic
def question_update(*, question: Question, actor: User, **changes: Any) -> Question:
    """Edit a question's wording, whether it must be answered, or its options, until the form opens."""
    question = Question.objects.select_for_update().select_related("form__campaign").get(pk=question.pk)
    campaign_writable(question.form.campaign, "forms")
    if not question.form.is_editable():
        raise ApplicationError(_("表册已开始填报，题目不能再修改"))
    unknown = set(changes) - QUESTION_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("这些内容不能修改：%(fields)s") % {"fields": _("、").join(sorted(unknown))})
    if "choices" in changes:
        if question.type not in Question.CHOICE_TYPES:
            raise ApplicationError(_("只有选择题有选项"))
        _choices_check(changes["choices"])
    before = {field: getattr(question, field) for field in changes}
    if before == changes:  # saved unchanged: nothing to record
        return question
    for field, value in changes.items():
        setattr(question, field, value)
    question.full_clean()
    question.save()
    question.form.save(update_fields=["updated_at"])  # a new version: cached questions are re-read
    events.event_question_changed(form=question.form, actor=actor, code=question.code, before=before, after=changes,
                                  text=question.text)
    return question


def _choices_check(choices) -> None:
    values = [value for value, _label in choices]
    if len(values) < 2 or len(set(values)) != len(values):
        raise ApplicationError(_("选择题至少需要两个不重复的选项"))


def _form_editable(form: Form) -> Form:
    form = Form.objects.select_for_update().select_related("campaign").get(pk=form.pk)
    campaign_writable(form.campaign, "forms")
    if not form.is_editable():
        raise ApplicationError(_("表册已开始填报，题目不能再修改"))
    return form


@transaction.atomic
def question_add(
    *, form: Form, actor: User, type: str, text: str, required: bool = True, choices=(), indicator: str = "",
    min_score: Decimal | None = None, max_score: Decimal | None = None, decimals: int = 0,
) -> Question:
    """Add a question of the campaign's own at the end of the form, until the form opens."""
    form = _form_editable(form)
    text = text.strip()
    if type not in Question.Type.values:
        raise ApplicationError(_("不支持的题型"))
    if type == Question.Type.FILE and form.kind != Form.Kind.EVALUATION_SHEET:
        # files come from logged-in evaluators only: the public and anonymous forms take none
        raise ApplicationError(_("附件题只能用于评估表，其他表册不能上传文件"))
    if not text:
        raise ApplicationError(_("题目不能为空"))
    if type in Question.CHOICE_TYPES:
        _choices_check(choices)
    if type == Question.Type.SCORE and (min_score is None or max_score is None or min_score >= max_score):
        raise ApplicationError(_("请填写最低分和满分，满分须高于最低分"))
    indicators = campaign_indicators(form.campaign)
    if indicator and indicator not in indicators:
        raise ApplicationError(_("没有这个评估指标：%(code)s") % {"code": indicator})
    last = form.questions.order_by("-position").first()
    taken = set(form.questions.values_list("code", flat=True))
    code = next(f"q{n}" for n in range(len(taken) + 1, len(taken) + 1000) if f"q{n}" not in taken)
    question = Question(
        form=form, position=(last.position if last else 0) + 1, code=code, text=text, type=type, required=required,
        choices=[list(c) for c in choices] if type in Question.CHOICE_TYPES else [],
        indicator=indicator, dimension=indicators[indicator].dimension_code if indicator else "",
        min_score=min_score if type == Question.Type.SCORE else None,
        max_score=max_score if type == Question.Type.SCORE else None,
        decimals=decimals if type == Question.Type.SCORE else 0,
    )
    question.full_clean()
    question.save()
    form.save(update_fields=["updated_at"])  # a new version: cached questions are re-read
    events.event_question_added(form=form, actor=actor, code=code, type=type, text=text)
    return question


@transaction.atomic
def question_remove(*, question: Question, actor: User) -> None:
    """Remove a question, until the form opens; not one that another question's show-if depends on."""
    form = _form_editable(question.form)
    dependants = list(form.questions.filter(show_if_code=question.code).values_list("position", flat=True))
    if dependants:
        raise ApplicationError(_("第 %(n)s 题的显示条件依赖此题，请先修改或删除该题") % {"n": dependants[0]})
    code, text = question.code, question.text
    question.delete()
    form.save(update_fields=["updated_at"])
    events.event_question_removed(form=form, actor=actor, code=code, text=text)


@transaction.atomic
def survey_links_issue(*, form: Form, actor: User | None, windows: tuple[str, ...] = ()) -> int:
    """One public link per unit (and per service window given); idempotent. Returns how many were added."""
    if form.kind not in {Form.Kind.SATISFACTION, Form.Kind.QUESTIONNAIRE}:
        raise ApplicationError(_("只有满意度测评表和调查问卷通过公开链接填写"))
    campaign_writable(form.campaign, "links")
    existing = set(form.links.values_list("target_id", "window"))
    new_links = [
        SurveyLink(form=form, target=target, window=window)
        for target in form.campaign.targets.all()
        for window in ("", *windows)
        if (target.pk, window) not in existing
    ]
    SurveyLink.objects.bulk_create(new_links)
    if new_links:
        events.event_links_issued(form=form, actor=actor, links=len(new_links))
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
    campaign_writable(form.campaign, "ballots")
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
    events.event_ballots_issued(form=form, target=target, actor=actor, ballots=count, issued=box.issued)
    return box


def ballot_code_normalize(code: str) -> str:
    """What a person types off the paper: any case, dashes or spaces, O for 0, I/L for 1."""
    code = code.upper().replace("-", "").replace(" ", "").translate(str.maketrans("OIL", "011"))
    return code if code and set(code) <= set(BALLOT_ALPHABET) else ""


