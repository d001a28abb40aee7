"""The forms (表册): their questions, the links that reach them, and the answers."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import TimeStampedModel
from evaluations.models import Campaign, CampaignTarget


def new_token() -> str:
    """128 random bits, URL-safe: unguessable, so a link is its own credential."""
    return secrets.token_urlsafe(16)


class Form(TimeStampedModel):
    class Kind(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("调查问卷")
        EVALUATION_SHEET = "evaluation_sheet", _("评估表")
        STAFF_ASSESSMENT = "staff_assessment", _("测评表")
        SATISFACTION = "satisfaction", _("服务对象满意度测评表")

    campaign = models.ForeignKey(Campaign, verbose_name=_("评估活动"), on_delete=models.CASCADE, related_name="forms")
    kind = models.CharField(_("表册类型"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("填表说明"), blank=True)
    opens_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("表册")
        verbose_name_plural = _("表册")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="%(app_label)s_%(class)s_campaign_kind"),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="%(app_label)s_%(class)s_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at and (self.closes_at is None or at < self.closes_at)


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("单选")
        LONG_TEXT = "long_text", _("长文本")

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("编码"), max_length=32)
    text = models.CharField(_("题目"), max_length=500)
    type = models.CharField(_("题型"), max_length=32, choices=Type.choices)
    # [[value, label], ...] for choice questions; values are stable ASCII codes, labels Chinese.
    choices = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    # Which of the 8 dimensions the answer feeds (scoring.indicators.DIMENSIONS codes).
    dimension = models.CharField(_("评估维度"), max_length=32, blank=True)
    counts_for_satisfaction = models.BooleanField(_("计入满意率"), default=False)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["form", "position"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="%(app_label)s_%(class)s_form_code"),
            models.UniqueConstraint(fields=["form", "position"], name="%(app_label)s_%(class)s_form_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def choice_values(self) -> set[str]:
        return {value for value, _label in self.choices}


class SurveyLink(TimeStampedModel):
    """A public link (and QR code) to one form for one unit. The token is the only credential."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="survey_links")
    token = models.CharField(_("令牌"), max_length=43, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("填报链接")
        verbose_name_plural = _("填报链接")
        constraints = [
            models.UniqueConstraint(fields=["form", "target"], name="%(app_label)s_%(class)s_form_target"),
        ]

    def __str__(self) -> str:
        return f"{self.form} · {self.target.unit}"


class SurveyResponse(models.Model):
    """One submitted form. It keeps the day, never the time or who: answers must not lead back to a person."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="responses")
    target = models.ForeignKey(CampaignTarget, on_delete=models.PROTECT, related_name="responses")
    submitted_on = models.DateField(_("提交日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        indexes = [models.Index(fields=["form", "target"], name="surveys_response_form_target")]


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(_("选项"), max_length=32, blank=True)
    text = models.TextField(_("文字"), blank=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="%(app_label)s_%(class)s_response_question"),
        ]
        indexes = [models.Index(fields=["question", "choice"], name="surveys_answer_question_choice")]
