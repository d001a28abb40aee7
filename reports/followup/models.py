"""Feedback, appeals (复核) and rectification (整改): the rows of the after stage, per unit of a campaign."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import TimeStampedModel
from evaluations.models import Campaign, CampaignTarget, Problem, Upload


class FollowupSettings(models.Model):
    """A campaign's settings of the after stage (defaults apply while it has no row)."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="followup_settings")
    appeal_days = models.PositiveSmallIntegerField(
        _("复核申请期限（工作日）"), default=10, validators=[MinValueValidator(1), MaxValueValidator(60)])
    rectify_below = models.DecimalField(
        _("整改阈值（得分率 %）"), max_digits=5, decimal_places=2, default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("得分率低于此值的指标可列为整改事项"))
    rectify_days = models.PositiveSmallIntegerField(
        _("整改期限（自然日）"), default=90, validators=[MinValueValidator(1), MaxValueValidator(730)])

    class Meta:
        app_label = "reports"
        verbose_name = _("复核与整改设置")
        verbose_name_plural = _("复核与整改设置")

    def __str__(self) -> str:
        return str(self.campaign)


class Feedback(models.Model):
    """A unit's result fed back to it (反馈结果): the day starts its appeal window and the result rules' clock.
    Then, after the window or the appeal's decisions, the office locks the result as final."""

    target = models.OneToOneField(CampaignTarget, verbose_name=_("被评估单位"), on_delete=models.PROTECT,
                                  related_name="feedback")
    fed_back_on = models.DateField(_("反馈日期"))
    fed_back_at = models.DateTimeField(_("反馈时间"), default=timezone.now)
    fed_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("反馈人"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    result_version = models.PositiveIntegerField(_("反馈时的结果版本"), null=True, blank=True)
    appeal_until = models.DateField(_("复核申请截止"), null=True, blank=True)  # set when 评估复核 opens
    final_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    final_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("定稿人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    final_version = models.PositiveIntegerField(_("最终结果版本"), null=True, blank=True)

    class Meta:
        app_label = "reports"
        verbose_name = _("结果反馈")
        verbose_name_plural = _("结果反馈")
        ordering = ["target"]

    def __str__(self) -> str:
        return f"{self.target.unit} {self.fed_back_on}"

    @property
    def is_final(self) -> bool:
        return self.final_at is not None

    def window_open(self, today) -> bool:
        return self.appeal_until is not None and today <= self.appeal_until


class Appeal(TimeStampedModel):
    """A unit's one appeal (复核申请) in a campaign: the indicators it contests, decided by an assigned reviewer."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待指定复核人员")
        ASSIGNED = "assigned", _("复核中")
        DECIDED = "decided", _("已决定")

    target = models.OneToOneField(CampaignTarget, verbose_name=_("被评估单位"), on_delete=models.PROTECT,
                                  related_name="appeal")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复核人员"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="appeals_to_review")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("指定人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        app_label = "reports"
        verbose_name = _("复核申请")
        verbose_name_plural = _("复核申请")
        ordering = ["target"]

    def __str__(self) -> str:
        return f"{self.target.unit} {self.get_status_display()}"


class AppealItem(models.Model):
    """One contested indicator: the unit's reason and files, the reviewer's decision."""

    class Decision(models.TextChoices):
        UPHELD = "upheld", _("维持")
        ADJUSTED = "adjusted", _("调整")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="items")
    indicator_code = models.CharField(_("指标"), max_length=16)
    indicator_name = models.CharField(_("指标名称"), max_length=200)
    points_before = models.FloatField(_("原得分"), null=True, blank=True)
    full_marks = models.FloatField(_("满分"))
    reason = models.TextField(_("申请理由"), max_length=2000)
    evidence = models.ManyToManyField(Upload, verbose_name=_("佐证材料"), blank=True, related_name="appeal_items")
    decision = models.CharField(_("复核决定"), max_length=16, choices=Decision.choices, blank=True)
    points_after = models.FloatField(_("调整后得分"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True, max_length=2000)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        app_label = "reports"
        verbose_name = _("复核事项")
        verbose_name_plural = _("复核事项")
        ordering = ["appeal", "indicator_code"]
        constraints = [models.UniqueConstraint(fields=["appeal", "indicator_code"],
                                               name="%(app_label)s_%(class)s_appeal_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.indicator_name}"


class RectificationItem(TimeStampedModel):
    """An item to rectify (整改事项): what, who, by when, the measures required; followed until verified."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        REPORTED = "reported", _("待核实")
        RETURNED = "returned", _("已退回")
        CLOSED = "closed", _("已办结")

    class Source(models.TextChoices):
        PROBLEM = "problem", _("问题清单")
        INDICATOR = "indicator", _("低分指标")
        CARRIED = "carried", _("上一轮结转")
        OTHER = "other", _("其他")

    target = models.ForeignKey(CampaignTarget, verbose_name=_("被评估单位"), on_delete=models.PROTECT,
                               related_name="rectifications")
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    problem = models.ForeignKey(Problem, verbose_name=_("问题"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="rectifications")
    indicator_code = models.CharField(_("指标"), max_length=16, blank=True)
    carried_from = models.OneToOneField("self", verbose_name=_("结转自"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="carried_to")
    title = models.TextField(_("整改事项"), max_length=1000)
    responsible = models.CharField(_("责任单位"), max_length=200)
    measures = models.TextField(_("整改措施要求"), max_length=2000)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    reminded_on = models.DateField(_("最近催办日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        app_label = "reports"
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["target", "deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["target", "problem"], condition=models.Q(problem__isnull=False),
                                    name="%(app_label)s_%(class)s_target_problem"),
            models.UniqueConstraint(fields=["target", "indicator_code"],
                                    condition=models.Q(source="indicator"),
                                    name="%(app_label)s_%(class)s_target_indicator"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def is_overdue(self, today) -> bool:
        return not self.is_closed and today > self.deadline

    @property
    def closed_on_time(self) -> bool:
        return self.closed_on is not None and self.closed_on <= self.deadline


class RectificationReport(models.Model):
    """The liaison's report on an item (progress, with files) and the office's verdict on it."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("核实通过")
        RETURNED = "returned", _("退回")

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("整改情况"), max_length=4000)
    done = models.BooleanField(_("申请办结"), default=True)
    evidence = models.ManyToManyField(Upload, verbose_name=_("佐证材料"), blank=True, related_name="rectification_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    verdict = models.CharField(_("核实结果"), max_length=16, choices=Verdict.choices, blank=True)
    verdict_reason = models.TextField(_("退回理由"), blank=True, max_length=2000)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核实人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)

    class Meta:
        app_label = "reports"
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["item", "reported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} {self.reported_at:%Y-%m-%d}"
