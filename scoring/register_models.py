"""The requests register (机构编制事项), the result-application rule settings and reclaim proposals.

Imported by scoring.models, so the tables belong to the scoring app. A request's life:
登记 → 审核 → 批准 / 不予受理 / 退回, every step a RequestEvent (append-only, in PostgreSQL too). The rules'
verdicts at filing and at approval are kept on the request (`findings`), with the override if any.
"""

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import Pool, PoolMovement, Quota, TimeStampedModel, Unit, UnitVersion
from evaluations.models import AppendOnlyQuerySet, AuditTrailImmutable, Campaign

SHARE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class RuleSettings(TimeStampedModel):
    """The parameters of the result-application rules for one year, and the campaign that set them."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    campaign = models.ForeignKey(Campaign, verbose_name=_("依据的评估活动"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    poor_grade_enabled = models.BooleanField(_("启用：一般、较差不受理调整事项"), default=True)
    poor_freeze_months = models.PositiveSmallIntegerField(_("不受理期限（月）"), default=12)
    vacancy_enabled = models.BooleanField(_("启用：编制较充裕"), default=True)
    vacancy_rate_min = models.DecimalField(_("空编率下限"), max_digits=4, decimal_places=3, default=Decimal("0.100"),
                                           validators=SHARE)
    vacancy_count_min = models.PositiveSmallIntegerField(_("空编数下限（名）"), default=3)
    vacancy_months = models.PositiveSmallIntegerField(_("持续空编（月）"), default=12)
    vacancy_freeze_months = models.PositiveSmallIntegerField(_("不受理调整事项期限（月）"), default=24)
    reclaim_share = models.DecimalField(_("建议收回空编的比例"), max_digits=4, decimal_places=3, default=Decimal("0.500"),
                                        validators=SHARE)
    workload_enabled = models.BooleanField(_("启用：工作量较轻暂停用编进人计划"), default=True)
    workload_indicator = models.CharField(_("工作量指标代码"), max_length=16, default="D7_02",
                                          help_text=_("默认 D7_02 职责饱和程度"))
    workload_threshold = models.DecimalField(_("工作量较轻：得分低于"), max_digits=4, decimal_places=3,
                                             default=Decimal("0.600"), validators=SHARE)
    workload_pause_months = models.PositiveSmallIntegerField(_("暂停期限（月）"), default=12)
    priority_enabled = models.BooleanField(_("启用：优秀或确实缺编予以倾斜"), default=True)
    workload_high = models.DecimalField(_("确实缺编：工作量得分不低于"), max_digits=4, decimal_places=3,
                                        default=Decimal("0.800"), validators=SHARE)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("结果运用规则")
        verbose_name_plural = _("结果运用规则")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("%(year)s年结果运用规则") % {"year": self.year}


class StaffingRequest(TimeStampedModel):
    class Kind(models.TextChoices):
        RANK = "rank", _("调整机构规格")
        BODY = "body", _("增设内设机构")
        QUOTA = "quota", _("增加编制")
        POSTS = "posts", _("增加领导职数")
        HIRING = "hiring", _("用编进人计划")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("登记")
        REVIEWING = "reviewing", _("审核")
        APPROVED = "approved", _("批准")
        REJECTED = "rejected", _("不予受理")
        RETURNED = "returned", _("退回")

    TRANSITIONS = {
        Status.REGISTERED: {Status.REVIEWING, Status.REJECTED, Status.RETURNED},
        Status.REVIEWING: {Status.APPROVED, Status.REJECTED, Status.RETURNED},
        Status.RETURNED: {Status.REGISTERED},
        Status.REJECTED: {Status.REGISTERED},  # only through an override of a rule's block
    }

    class HiringBasis(models.TextChoices):
        RETIREMENT = "retirement", _("根据退休人数")
        NEW = "new", _("新增")

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="staffing_requests")
    kind = models.CharField(_("事项类别"), max_length=16, choices=Kind.choices, db_index=True)
    quota_kind = models.CharField(_("编制类别"), max_length=32, choices=Quota.Kind.choices, blank=True)
    rank = models.CharField(_("职级/机构规格"), max_length=32, choices=Unit.Rank.choices, blank=True)
    amount = models.PositiveIntegerField(_("数量"), default=0)
    body_name = models.CharField(_("内设机构名称"), max_length=100, blank=True)
    hiring_basis = models.CharField(_("用编依据"), max_length=16, choices=HiringBasis.choices, blank=True)
    retiring = models.PositiveIntegerField(_("退休人数"), default=0)
    reason = models.TextField(_("申请理由"))
    document = models.CharField(_("来文文号"), max_length=100, blank=True)
    filed_on = models.DateField(_("登记日期"), default=timezone.localdate, db_index=True)
    attachment = models.FileField(_("附件"), upload_to="requests/%Y/%m/", max_length=300, blank=True)
    attachment_name = models.CharField(_("附件名"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    priority = models.BooleanField(_("优先/倾斜"), default=False)
    findings = models.JSONField(_("规则核查"), default=list, blank=True, encoder=DjangoJSONEncoder)
    blocked_until = models.DateField(_("限制截止"), null=True, blank=True)
    override_reason = models.TextField(_("解除限制理由"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("解除限制人"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    overridden_at = models.DateTimeField(_("解除限制时间"), null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                 on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    decision_document = models.CharField(_("批复文号"), max_length=100, blank=True)
    decision_note = models.TextField(_("办理意见"), blank=True)
    registry_version = models.ForeignKey(UnitVersion, verbose_name=_("批准后的台账版本"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("机构编制事项")
        verbose_name_plural = _("机构编制事项")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["quota", "hiring"]) | ~Q(quota_kind=""),
                name="%(app_label)s_%(class)s_quota_kind_for_quotas",
            ),
            models.CheckConstraint(condition=~Q(kind__in=["quota", "posts", "hiring"]) | Q(amount__gt=0),
                                   name="%(app_label)s_%(class)s_amount_for_counts"),
            models.CheckConstraint(condition=Q(override_reason="") | Q(overridden_by__isnull=False),
                                   name="%(app_label)s_%(class)s_override_has_author"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"

    @property
    def summary(self) -> str:
        """The request in a few words: 增加编制 事业编制（全额）5名, 增加领导职数 副处级 1名 ..."""
        parts = [self.get_kind_display()]
        if self.quota_kind:
            parts.append(self.get_quota_kind_display())
        if self.rank:
            parts.append(self.get_rank_display())
        if self.body_name:
            parts.append(self.body_name)
        if self.amount:
            parts.append(_("%(n)s名") % {"n": self.amount})
        if self.hiring_basis:
            parts.append(str(self.get_hiring_basis_display()) + (_("（退休%(n)s名）") % {"n": self.retiring} if self.retiring else ""))
        return " ".join(parts)


class RequestEvent(models.Model):
    class Type(models.TextChoices):
        FILED = "filed", _("登记")
        REFUSED_BY_RULE = "refused_by_rule", _("依规则不予受理")
        REVIEWING = "reviewing", _("转入审核")
        APPROVED = "approved", _("批准")
        REJECTED = "rejected", _("不予受理")
        RETURNED = "returned", _("退回")
        RESUBMITTED = "resubmitted", _("重新登记")
        OVERRIDDEN = "overridden", _("解除规则限制")

    request = models.ForeignKey(StaffingRequest, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("事件"), max_length=16, choices=Type.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT,
                              related_name="+")
    data = models.JSONField(_("内容"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("事项办理记录")
        verbose_name_plural = _("事项办理记录")
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditTrailImmutable(_("审计记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailImmutable(_("审计记录不可删除"))


class ReclaimProposal(TimeStampedModel):
    """收回编制: proposed from the ample-vacancy rule, reviewed, approved into a reduction or a pool deposit."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("不予收回")

    class Disposition(models.TextChoices):
        RECLAIM = "reclaim", _("核减收回")
        DEPOSIT = "deposit", _("存入周转池")

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="reclaim_proposals")
    quota_kind = models.CharField(_("编制类别"), max_length=32, choices=Quota.Kind.choices)
    amount = models.PositiveIntegerField(_("建议收回数"))
    campaign = models.ForeignKey(Campaign, verbose_name=_("依据的评估活动"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("依据"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    disposition = models.CharField(_("处理方式"), max_length=16, choices=Disposition.choices, blank=True)
    pool = models.CharField(_("周转池"), max_length=16, choices=Pool.choices, blank=True)
    document = models.CharField(_("批复文号"), max_length=100, blank=True)
    note = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    movement = models.ForeignKey(PoolMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    registry_version = models.ForeignKey(UnitVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("收回编制建议")
        verbose_name_plural = _("收回编制建议")
        ordering = ["status", "unit__code", "quota_kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "quota_kind", "campaign"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="%(app_label)s_%(class)s_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_quota_kind_display()} {self.amount}"
