"""Campaigns (评估活动), the units they evaluate, and the append-only audit trail."""

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import TimeStampedModel, Unit

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Campaign(TimeStampedModel):
    class Status(models.TextChoices):
        # 评估前
        PLAN = "plan", _("制定方案")
        NOTICE = "notice", _("发布通知")
        SELF_ASSESSMENT = "self_assessment", _("部门自评")
        # 评估中
        SURVEY = "survey", _("社会调查")
        FIELD_VISIT = "field_visit", _("实地评估")
        # 评估后
        REPORT = "report", _("撰写报告")
        FEEDBACK = "feedback", _("反馈结果")
        REVIEW = "review", _("评估复核")
        SUMMARY = "summary", _("总结汇报")
        CLOSED = "closed", _("已结束")

    # The workflow in one place: each status and the one that may follow it.
    TRANSITIONS = {
        Status.PLAN: Status.NOTICE,
        Status.NOTICE: Status.SELF_ASSESSMENT,
        Status.SELF_ASSESSMENT: Status.SURVEY,
        Status.SURVEY: Status.FIELD_VISIT,
        Status.FIELD_VISIT: Status.REPORT,
        Status.REPORT: Status.FEEDBACK,
        Status.FEEDBACK: Status.REVIEW,
        Status.REVIEW: Status.SUMMARY,
        Status.SUMMARY: Status.CLOSED,
    }

    name = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("阶段"), max_length=32, choices=Status.choices, default=Status.PLAN, db_index=True)
    units = models.ManyToManyField(Unit, through="CampaignTarget", verbose_name=_("被评估单位"), related_name="campaigns")
    # Grade cut-offs (the paper gives none): 优秀 ≥ excellent_min, 良好 ≥ good_min, 一般 ≥ fair_min, else 较差.
    excellent_min = models.DecimalField(_("优秀分数线"), max_digits=5, decimal_places=2, default=90, validators=PERCENT)
    good_min = models.DecimalField(_("良好分数线"), max_digits=5, decimal_places=2, default=80, validators=PERCENT)
    fair_min = models.DecimalField(_("一般分数线"), max_digits=5, decimal_places=2, default=60, validators=PERCENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("评估活动")
        verbose_name_plural = _("评估活动")
        ordering = ["-year", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="%(app_label)s_%(class)s_year_name"),
            models.CheckConstraint(
                condition=Q(excellent_min__gt=F("good_min"), good_min__gt=F("fair_min")),
                name="%(app_label)s_%(class)s_grade_cutoffs_descending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def next_status(self) -> str | None:
        return self.TRANSITIONS.get(self.status)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def grade_cutoffs(self) -> dict[str, Decimal]:
        return {"excellent": self.excellent_min, "good": self.good_min, "fair": self.fair_min}


class CampaignTarget(TimeStampedModel):
    """One unit evaluated in one campaign: the unit's package of forms, visits, scores and reports."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("评估活动"), on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="campaign_targets")

    class Meta:
        verbose_name = _("被评估单位")
        verbose_name_plural = _("被评估单位")
        ordering = ["campaign", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="%(app_label)s_%(class)s_campaign_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class CampaignEvent(models.Model):
    """Append-only audit trail: who did what, when, before → after."""

    class Type(models.TextChoices):
        CREATED = "created", _("创建")
        STATUS_CHANGED = "status_changed", _("阶段变更")
        FORM_ISSUED = "form_issued", _("发放表册")
        REPORT_REQUESTED = "report_requested", _("申请生成报告")
        INDICATOR_TREE_CHANGED = "indicator_tree_changed", _("调整指标体系")
        AHP_JUDGEMENT = "ahp_judgement", _("专家判断")
        WEIGHTS_FROZEN = "weights_frozen", _("冻结指标权重")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    target = models.ForeignKey(CampaignTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("事件"), max_length=32, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(_("内容"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_type_display()}"
