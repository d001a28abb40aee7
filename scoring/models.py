"""Indicator trees (指标体系) and their AHP weights (层次分析法).

A tree with no campaign is a template (the default one ships with the app); a campaign works on its own copy.
Experts judge the copy through one-use links; the evaluators aggregate the judgements and freeze the weights.
After the freeze (a WeightFreeze row) the tree, the judgements and the weights never change.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import TimeStampedModel
from evaluations.models import Campaign

from .judging import RI_TABLE_LABELS

# The comparison matrix of the dimensions; a dimension's own matrix is keyed by the dimension's code.
ROOT_NODE = "root"


def new_token() -> str:
    """128 random bits, URL-safe: the link is the expert's only credential."""
    return secrets.token_urlsafe(16)


class IndicatorTree(TimeStampedModel):
    name = models.CharField(_("名称"), max_length=210)  # a campaign's copy is named "<year> <campaign name>"
    campaign = models.OneToOneField(
        Campaign, verbose_name=_("评估活动"), null=True, blank=True, on_delete=models.CASCADE, related_name="indicator_tree"
    )
    source = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        ordering = ["campaign_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(campaign__isnull=True), name="%(app_label)s_%(class)s_template_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_template(self) -> bool:
        return self.campaign_id is None


class TreeDimension(models.Model):
    """A dimension (维度): the first level of the tree."""

    tree = models.ForeignKey(IndicatorTree, on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(_("编码"), max_length=16)
    name = models.CharField(_("维度名称"), max_length=100)
    position = models.PositiveSmallIntegerField(_("序号"))

    class Meta:
        verbose_name = _("评估维度")
        verbose_name_plural = _("评估维度")
        ordering = ["tree", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "code"], name="%(app_label)s_%(class)s_tree_code"),
        ]

    def __str__(self) -> str:
        return self.name


class TreeIndicator(models.Model):
    """An indicator (评估内容): the second level; its weight is local to its dimension."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("客观指标（由编制台账计算）")
        SUBJECTIVE = "subjective", _("主观指标（由表册得出）")
        EVALUATOR = "evaluator", _("评估组评分（评估表）")

    class Direction(models.TextChoices):
        POSITIVE = "positive", _("正向")
        NEGATIVE = "negative", _("负向")

    tree = models.ForeignKey(IndicatorTree, on_delete=models.CASCADE, related_name="indicators")
    dimension = models.ForeignKey(TreeDimension, verbose_name=_("所属维度"), on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("编码"), max_length=16)
    name = models.CharField(_("指标名称"), max_length=100)
    guideline = models.TextField(_("评分标准"), blank=True)
    kind = models.CharField(_("指标类型"), max_length=16, choices=Kind.choices, default=Kind.EVALUATOR)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    direction = models.CharField(_("方向"), max_length=16, choices=Direction.choices, default=Direction.POSITIVE)
    full_marks = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=1, default=Decimal("10"), validators=[MinValueValidator(Decimal("0.1"))]
    )
    position = models.PositiveSmallIntegerField(_("序号"))

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["tree", "dimension__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "code"], name="%(app_label)s_%(class)s_tree_code"),
            models.CheckConstraint(condition=Q(full_marks__gt=0), name="%(app_label)s_%(class)s_full_marks_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Expert(TimeStampedModel):
    """An expert invited to judge a campaign's tree. No account: the unguessable link is the credential."""

    tree = models.ForeignKey(IndicatorTree, on_delete=models.CASCADE, related_name="experts")
    name = models.CharField(_("专家姓名"), max_length=50)
    affiliation = models.CharField(_("单位及职务"), max_length=100, blank=True)
    token = models.CharField(_("令牌"), max_length=43, unique=True, default=new_token, editable=False)
    weight = models.DecimalField(
        _("专家权重"), max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    excluded = models.BooleanField(_("不参与集结"), default=False)
    exclude_reason = models.CharField(_("排除理由"), max_length=200, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("邀请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("判断专家")
        verbose_name_plural = _("判断专家")
        ordering = ["tree", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="%(app_label)s_%(class)s_weight_positive"),
            # Excluding an expert always says why.
            models.CheckConstraint(
                condition=Q(excluded=False) | ~Q(exclude_reason=""), name="%(app_label)s_%(class)s_excluded_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Judgement(models.Model):
    """One expert's comparison matrix for one node (the dimensions, or the indicators of one dimension).

    `items` are the compared codes in matrix order; when the tree is edited afterwards and they no longer match
    the node's children, the judgement is stale and is not used.
    """

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="judgements")
    node = models.SlugField(_("判断矩阵"), max_length=16)
    items = models.JSONField(_("比较对象"))
    matrix = models.JSONField(_("判断矩阵"))  # n x n, reciprocal; null for a pair the expert left out
    cr = models.FloatField(_("一致性比率 CR"))
    saved_at = models.DateTimeField(_("保存时间"), default=timezone.now)

    class Meta:
        verbose_name = _("两两比较判断")
        verbose_name_plural = _("两两比较判断")
        ordering = ["expert", "node"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "node"], name="%(app_label)s_%(class)s_expert_node"),
        ]


class WeightFreeze(models.Model):
    """The frozen weights of a campaign's tree, and how they were reached. Written once, never changed."""

    class Method(models.TextChoices):
        AIJ = "aij", _("判断矩阵集结（AIJ，加权几何平均）")
        AIP = "aip", _("权重向量集结（AIP，加权几何平均）")

    tree = models.OneToOneField(IndicatorTree, on_delete=models.CASCADE, related_name="freeze")
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("冻结人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    frozen_at = models.DateTimeField(_("冻结时间"), default=timezone.now)
    method = models.CharField(_("集结方法"), max_length=8, choices=Method.choices)
    ri_table = models.CharField(_("RI 表"), max_length=32)
    experts = models.JSONField(_("参与专家"))  # [{"id", "name", "weight"}]
    excluded_experts = models.JSONField(_("排除的专家"), default=list)  # [{"id", "name", "reason"}]
    local_weights = models.JSONField(_("局部权重"))  # {node: {code: weight}}
    consistency = models.JSONField(_("一致性"))  # {node: {"cr", "ci", "lambda_max"}} of the group matrix (AIJ)
    global_weights = models.JSONField(_("全局权重"))  # {indicator code: weight}, sums to 1
    hierarchy_cr = models.FloatField(_("总体一致性比率"), null=True)

    class Meta:
        verbose_name = _("冻结权重")
        verbose_name_plural = _("冻结权重")

    def __str__(self) -> str:
        return f"{self.tree} · {self.frozen_at:%Y-%m-%d %H:%M}"

    @property
    def ri_table_label(self) -> str:
        return RI_TABLE_LABELS.get(self.ri_table, self.ri_table)


# The requests register, the rule settings and reclaim proposals (scoring.register); imported to register them.
from .register_models import ReclaimProposal, RequestEvent, RuleSettings, StaffingRequest  # noqa: E402,F401
