"""Indicator trees (指标体系) and their AHP weights (层次分析法).

A tree with no campaign is a template (the default one ships with the app); a campaign works on its own copy.
Experts judge the copy through one-use links; the evaluators aggregate the judgements and freeze the weights.
After the freeze (a WeightFreeze row) the tree, the judgements and the weights never change.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import TimeStampedModel
from evaluations.models import Campaign

from .judging import RI_TABLE_LABELS
from .rules import GRADE_LABELS, INCOMPLETE_LABEL, RULE_LABELS, round1

RULE_CHOICES = list(RULE_LABELS.items())

# The comparison matrix of the dimensions; a dimension's own matrix is keyed by the dimension's code.
ROOT_NODE = "root"


def default_execution_dimensions() -> list[str]:
    """执行情况: 职能配置, 机构设置, 编制配置, 日常管理; the other dimensions are 使用效益."""
    return ["D1", "D2", "D3", "D8"]


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
    # The campaign's scoring settings live on its tree (one per campaign), so they are copied with it.
    execution_dimensions = models.JSONField(
        _("执行情况维度"), default=default_execution_dimensions, blank=True,
        help_text=_("计入“执行情况”分项的维度编码，其余维度计入“使用效益”"),
    )
    min_coverage = models.DecimalField(
        _("最低覆盖率（%）"), max_digits=5, decimal_places=1, default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("已得分指标的权重占比达到此值才给出等次；100 表示每一项（豁免的除外）都要有分"),
    )
    min_sample = models.PositiveIntegerField(_("满意率最少样本数"), default=30)
    long_vacancy_months = models.PositiveSmallIntegerField(_("长期空编月数"), default=12)
    cr_threshold = models.FloatField(_("一致性比率阈值"), default=0.10)

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
    # How the source becomes points (scoring.rules.RULES) and the rule's parameters.
    rule = models.CharField(_("计分规则"), max_length=32, choices=RULE_CHOICES, default="sheet")
    params = models.JSONField(_("规则参数"), default=dict, blank=True)
    # An indicator exempt from the coverage minimum says why (e.g. 本年度无划入职责).
    exempt_reason = models.CharField(_("不计入覆盖率的理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["tree", "dimension__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "code"], name="%(app_label)s_%(class)s_tree_code"),
            models.CheckConstraint(condition=Q(full_marks__gt=0), name="%(app_label)s_%(class)s_full_marks_positive"),
        ]

    @property
    def is_negative(self) -> bool:
        """A lower value is better (e.g. 超编 counts)."""
        return self.direction == self.Direction.NEGATIVE

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


PRIORITY_METHODS = [
    ("eigenvector", _("特征向量法")), ("geometric_mean", _("方根法")), ("arithmetic_mean", _("和积法")),
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
    priority_method = models.CharField(_("权重计算方法"), max_length=16, choices=PRIORITY_METHODS, default="eigenvector")
    cr_threshold = models.FloatField(_("一致性比率阈值"), default=0.10)
    # Written when the group's CR at some node was not below the threshold and the evaluator froze anyway.
    override_reason = models.TextField(_("一致性未达标仍冻结的理由"), blank=True)

    class Meta:
        verbose_name = _("冻结权重")
        verbose_name_plural = _("冻结权重")

    def __str__(self) -> str:
        return f"{self.tree} · {self.frozen_at:%Y-%m-%d %H:%M}"

    @property
    def ri_table_label(self) -> str:
        return RI_TABLE_LABELS.get(self.ri_table, self.ri_table)


class RowJSONField(models.JSONField):
    """A result's JSON, written and read whole, never queried inside.

    On PostgreSQL a `json` column (the text as written, lz4-compressed: migration 0008) rather than `jsonb`:
    jsonb's conversion to its binary form and pglz compression were most of writing 1,000 results (10 KB of
    indicators each: COPY 0.27 s as jsonb, 0.08 s as json with lz4), and reading jsonb back costs a conversion to
    text. psycopg returns the json as text (scoring.apps) for the field to decode, as it does jsonb. Keys keep
    the order they were written in (the tree's), as the live results have them.
    Bulk-inserted as plain VALUES rows: a placeholder per value keeps PostgreSQL's UNNEST strategy off, whose
    array quoting of large JSON texts took 18 s for 1,000 results instead of 0.3 s."""

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class ResultVersion(models.Model):
    """One unit's result in a campaign, as stored: version 1 when the campaign enters 撰写报告, a new version
    for every later change (a 复核 decision) with its reason. Never updated: reports, exports and the API read
    the latest version, so a report rendered again later shows the same numbers.

    Per-indicator scores are kept in `indicators` (JSON) rather than 41 rows per version: a version is
    written and read whole, never queried by indicator, and 1,000 units are stored in one INSERT.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="result_versions")
    target = models.ForeignKey(
        "evaluations.CampaignTarget", verbose_name=_("被评估单位"), on_delete=models.CASCADE, related_name="result_versions"
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("变更理由"), blank=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True)
    execution = models.DecimalField(_("执行情况得分"), max_digits=6, decimal_places=2, null=True)
    benefit = models.DecimalField(_("使用效益得分"), max_digits=6, decimal_places=2, null=True)
    grade = models.CharField(_("等次"), max_length=16, blank=True)  # "" = 数据不全
    complete = models.BooleanField(_("数据完整"), default=False)
    scored = models.PositiveSmallIntegerField(_("已得分指标数"))
    indicator_count = models.PositiveSmallIntegerField(_("指标总数"))
    weight_covered = models.FloatField(_("已得分权重"))
    missing = RowJSONField(_("缺失指标"), default=list)  # [{"code", "name", "why"}]
    flags = RowJSONField(_("提示"), default=list)  # e.g. satisfaction from too small a sample
    dimensions = RowJSONField(_("维度得分"), default=dict)  # {code: {"name", "score", "weight"}}
    # {code: {"name", "dimension", "rule", "source", "points", "full", "share", "weight", "evidence", "n"}}
    indicators = RowJSONField(_("指标得分"), default=dict)
    rank_overall = models.PositiveIntegerField(_("总排名"), null=True)
    rank_kind = models.PositiveIntegerField(_("同类别排名"), null=True)
    rank_level = models.PositiveIntegerField(_("同层级排名"), null=True)

    class Meta:
        verbose_name = _("评估结果版本")
        verbose_name_plural = _("评估结果版本")
        ordering = ["target", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["target", "version"], name="%(app_label)s_%(class)s_target_version"),
        ]

    provisional = False  # the selector marks a live, unsaved result (before 撰写报告) as 暂定

    def __str__(self) -> str:
        return f"{self.target} v{self.version}"

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, "—") if self.complete else INCOMPLETE_LABEL

    @property
    def total_shown(self) -> Decimal | None:
        """The total as every page prints it (one decimal): the grade is taken from this."""
        return round1(self.total)

    @property
    def coverage(self) -> str:
        return f"{self.scored}/{self.indicator_count}"

    @property
    def indicator_rows(self) -> list[dict]:
        return [{"code": code, **row} for code, row in self.indicators.items()]
# The requests register, the rule settings and reclaim proposals (scoring.register); imported to register them.
from .register_models import ReclaimProposal, RequestEvent, RuleSettings, StaffingRequest  # noqa: E402,F401
