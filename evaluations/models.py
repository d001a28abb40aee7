"""Campaigns (评估活动), the units they evaluate, and the append-only audit trail."""

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import AppendOnlyQuerySet as BaseAppendOnlyQuerySet
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

    class Kind(models.TextChoices):
        EXECUTION = "execution", _("执行情况")
        BENEFIT = "benefit", _("使用效益")
        BOTH = "both", _("执行情况和使用效益")

    name = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("评估类型"), max_length=16, choices=Kind.choices, default=Kind.BOTH)
    status = models.CharField(_("阶段"), max_length=32, choices=Status.choices, default=Status.PLAN, db_index=True)
    # The campaign's two documents (实施方案, 通知): plain text, shown to the units once the notice is out.
    plan_text = models.TextField(_("实施方案"), blank=True)
    notice_text = models.TextField(_("评估通知"), blank=True)
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

    @property
    def has_started(self) -> bool:
        """Past the plan (方案) stage: the units have been told."""
        return self.status != self.Status.PLAN

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def next_status(self) -> str | None:
        return self.TRANSITIONS.get(self.status)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def blocks(self) -> tuple[str, ...]:
        """The indicator blocks this campaign evaluates, each with its own sub-score."""
        if self.kind == self.Kind.BOTH:
            return (self.Kind.EXECUTION, self.Kind.BENEFIT)
        return (self.kind,)

    @property
    def grade_cutoffs(self) -> dict[str, Decimal]:
        return {"excellent": self.excellent_min, "good": self.good_min, "fair": self.fair_min}


class CampaignDeadline(models.Model):
    """The date by which a step of the campaign must be done (截止日期)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("环节"), max_length=32, choices=Campaign.Status.choices)
    due_on = models.DateField(_("截止日期"))

    class Meta:
        verbose_name = _("截止日期")
        verbose_name_plural = _("截止日期")
        ordering = ["campaign", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "step"], name="%(app_label)s_%(class)s_campaign_step"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.due_on}"


class EvaluationTeam(TimeStampedModel):
    """An evaluation team (评估组): its evaluators act on the units assigned to it, and on no other."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("评估组名称"), max_length=100)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("组员"), related_name="evaluation_teams")

    class Meta:
        verbose_name = _("评估组")
        verbose_name_plural = _("评估组")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="%(app_label)s_%(class)s_campaign_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(TimeStampedModel):
    """One unit evaluated in one campaign: the unit's package (self-assessment, forms, field visit, result)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待通知")
        NOTIFIED = "notified", _("已通知")
        SELF_DRAFT = "self_draft", _("自评填报中")
        SELF_SUBMITTED = "self_submitted", _("自评已提交")
        SELF_RETURNED = "self_returned", _("自评已退回")
        SELF_ACCEPTED = "self_accepted", _("自评已通过")
        FIELD_VISIT = "field_visit", _("实地评估中")
        FIELD_DONE = "field_done", _("实地评估完成")

    # The unit's own workflow in one place: from → the statuses it may move to.
    TRANSITIONS = {
        Status.PENDING: {Status.NOTIFIED},
        Status.NOTIFIED: {Status.SELF_DRAFT},
        Status.SELF_DRAFT: {Status.SELF_SUBMITTED},
        Status.SELF_SUBMITTED: {Status.SELF_RETURNED, Status.SELF_ACCEPTED},
        Status.SELF_RETURNED: {Status.SELF_SUBMITTED},
        Status.SELF_ACCEPTED: {Status.FIELD_VISIT},
        Status.FIELD_VISIT: {Status.FIELD_DONE},
    }

    campaign = models.ForeignKey(Campaign, verbose_name=_("评估活动"), on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="campaign_targets")
    # The registry version the campaign evaluates: later imports change the registry, never the campaign.
    registry_version = models.ForeignKey(
        "bianzhi.UnitVersion", verbose_name=_("依据的台账版本"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("进度"), max_length=32, choices=Status.choices, default=Status.PENDING, db_index=True)
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报员"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="packages",
    )
    team = models.ForeignKey(
        EvaluationTeam, verbose_name=_("评估组"), null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    notice_seen_at = models.DateTimeField(_("通知查阅时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("被评估单位")
        verbose_name_plural = _("被评估单位")
        ordering = ["campaign", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="%(app_label)s_%(class)s_campaign_unit"),
        ]

    @property
    def is_just_notified(self) -> bool:
        """Notified, and the self-assessment not begun yet."""
        return self.status == self.Status.NOTIFIED

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"

    def may_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class AuditTrailImmutable(Exception):
    pass


class AppendOnlyQuerySet(BaseAppendOnlyQuerySet):
    error = AuditTrailImmutable
    update_message, delete_message = _("审计记录不可修改"), _("审计记录不可删除")


class CampaignEvent(models.Model):
    """Append-only audit trail: who did what, when, before → after.

    Written only by the typed functions of evaluations.events (one per event), each of which knows how to
    say itself in Chinese. The type is a plain string: the types live in Python (Type below and the
    describers in evaluations.events), so a new one needs no migration.
    """

    class Type(models.TextChoices):
        CREATED = "created", _("创建评估活动")
        STATUS_CHANGED = "status_changed", _("阶段变更")
        EDITED = "edited", _("修改设置")
        DEADLINES_SET = "deadlines_set", _("修改截止日期")
        TEAM_SAVED = "team_saved", _("调整评估组")
        TARGET_STATUS_CHANGED = "target_status_changed", _("单位进度变更")
        NOTICE_SEEN = "notice_seen", _("查阅通知")
        SELF_SAVED = "self_saved", _("保存自评")
        SELF_SUBMITTED = "self_submitted", _("提交自评")
        SELF_RETURNED = "self_returned", _("退回自评")
        SELF_ACCEPTED = "self_accepted", _("通过自评")
        FILE_UPLOADED = "file_uploaded", _("上传文件")
        VISIT_SAVED = "visit_saved", _("保存实地评估")
        VISIT_COMPLETED = "visit_completed", _("完成实地评估")
        REPORT_REQUESTED = "report_requested", _("申请生成报告")
        # forms
        FORM_CREATED = "form_created", _("新建表册")
        FORM_SCHEDULED = "form_scheduled", _("调整填报时间")
        QUESTION_ADDED = "question_added", _("添加题目")
        QUESTION_CHANGED = "question_changed", _("修改题目")
        QUESTION_REMOVED = "question_removed", _("删除题目")
        FORM_EDITED = "form_edited", _("编辑表册题目")
        FORM_TEMPLATE_SAVED = "form_template_saved", _("保存表册模板")
        SHEET_SETTINGS_CHANGED = "sheet_settings_changed", _("修改评估表设置")
        LINKS_ISSUED = "links_issued", _("发放公开链接")
        SAMPLE_TARGETS_SET = "sample_targets_set", _("设置目标样本量")
        BALLOTS_ISSUED = "ballots_issued", _("发放测评票")
        RESPONSE_VOIDED = "response_voided", _("作废答卷")
        SHEET_SAVED = "sheet_saved", _("保存评估表")
        SHEET_SIGNED = "sheet_signed", _("评估表签字确认")
        EXPORT_REQUESTED = "export_requested", _("申请导出")
        # the indicator tree and its AHP weights
        TREE_COPIED = "tree_copied", _("复制指标体系")
        TREE_SAVED_AS_TEMPLATE = "tree_saved_as_template", _("另存为模板")
        DIMENSION_ADDED = "dimension_added", _("添加维度")
        DIMENSION_RENAMED = "dimension_renamed", _("重命名维度")
        DIMENSION_REMOVED = "dimension_removed", _("删除维度")
        INDICATOR_ADDED = "indicator_added", _("添加指标")
        INDICATOR_CHANGED = "indicator_changed", _("修改指标")
        INDICATOR_REMOVED = "indicator_removed", _("删除指标")
        EXPERT_INVITED = "expert_invited", _("邀请专家")
        EXPERT_CHANGED = "expert_changed", _("调整专家")
        JUDGEMENT_SAVED = "judgement_saved", _("专家判断")
        WEIGHTS_FROZEN = "weights_frozen", _("冻结指标权重")
        SCORING_SETTINGS_CHANGED = "scoring_settings_changed", _("修改评分设置")
        RESULTS_STORED = "results_stored", _("保存评估结果")
        RESULT_REVISED = "result_revised", _("调整评估结果")
        # the after stage: feedback, 复核, 整改 (reports.followup)
        RESULTS_FED_BACK = "results_fed_back", _("反馈评估结果")
        FOLLOWUP_SETTINGS_CHANGED = "followup_settings_changed", _("修改复核与整改设置")
        APPEAL_WINDOWS_OPENED = "appeal_windows_opened", _("开放复核申请")
        APPEAL_SUBMITTED = "appeal_submitted", _("提出复核申请")
        APPEAL_ASSIGNED = "appeal_assigned", _("指定复核人员")
        APPEAL_ITEM_DECIDED = "appeal_item_decided", _("复核决定")
        RESULT_FINALIZED = "result_finalized", _("评估结果定稿")
        RECTIFICATION_CREATED = "rectification_created", _("新建整改事项")
        RECTIFICATION_REPORTED = "rectification_reported", _("报告整改进展")
        RECTIFICATION_VERIFIED = "rectification_verified", _("核实整改事项")
        RECTIFICATION_CARRIED = "rectification_carried", _("结转整改事项")
        FOLLOWUP_REMINDED = "followup_reminded", _("催办")
        # the written reports and the summary (reports app)
        REPORT_SAVED = "report_saved", _("撰写评估报告")
        REPORT_SIGNED = "report_signed", _("签署评估报告")
        REPORT_REDRAFTED = "report_redrafted", _("评估报告随复核生成新版本")
        SUMMARY_SAVED = "summary_saved", _("修改总结报告建议")
        SUMMARY_REQUESTED = "summary_requested", _("申请生成总结报告")
        # written before the typed events (kept readable: old rows still say themselves)
        FORM_ISSUED = "form_issued", _("发放表册")
        FORM_CHANGED = "form_changed", _("修改表册")
        INDICATOR_TREE_CHANGED = "indicator_tree_changed", _("调整指标体系")
        AHP_JUDGEMENT = "ahp_judgement", _("专家判断")

    # PROTECT: deleting a campaign, a package or a user who acted would rewrite the trail (deactivate users instead).
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")
    target = models.ForeignKey(CampaignTarget, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("事件"), max_length=48, db_index=True)  # no choices: see the docstring
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The actor's full name as it was then: the trail says who, even if the account is later renamed.
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    data = models.JSONField(_("内容"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    # type → a function (event) -> Chinese sentence; filled by evaluations.events when the app is ready.
    DESCRIBERS: dict = {}

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.type_label}"

    def save(self, *args, **kwargs):
        # Append-only: a row is written once. PostgreSQL also refuses UPDATE/DELETE/TRUNCATE (migrations 0003, 0009).
        if self.pk is not None:
            raise AuditTrailImmutable(_("审计记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailImmutable(_("审计记录不可删除"))

    @property
    def type_label(self) -> str:
        return str(self.Type(self.type).label) if self.type in self.Type.values else self.type

    def get_type_display(self) -> str:  # the name Django would give it, for the admin and the API
        return self.type_label

    @property
    def who(self) -> str:
        """The actor's full name (as recorded), or who acted without an account."""
        if self.actor_name:
            return self.actor_name
        if self.actor_id is not None:
            return self.actor.display_name
        if self.data.get("expert_name"):
            return _("专家 %(name)s") % {"name": self.data["expert_name"]}
        return str(_("系统"))

    @property
    def sentence(self) -> str:
        """What happened, in one Chinese sentence naming who did it."""
        describe = self.DESCRIBERS.get(self.type)
        return describe(self) if describe else f"{self.who} {self.type_label}"


class Upload(models.Model):
    """A file of a unit's package. Never overwritten: a replacement is a new row pointing at the one it replaces."""

    class Purpose(models.TextChoices):
        SELF_REPORT = "self_report", _("自评报告")
        EVIDENCE = "evidence", _("佐证材料")
        PHOTO = "photo", _("现场照片")
        SHEET_EVIDENCE = "sheet_evidence", _("评估表附件")  # an evaluator's own file on the evaluation sheet
        APPEAL = "appeal", _("复核申请材料")
        RECTIFICATION = "rectification", _("整改佐证材料")

    target = models.ForeignKey(CampaignTarget, on_delete=models.PROTECT, related_name="uploads")
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    indicator_code = models.CharField(_("指标"), max_length=16, blank=True)
    # SHEET_EVIDENCE only: the evaluation sheet's question (an indicator's score, or a file question) it belongs to.
    question_code = models.CharField(_("评估表题目"), max_length=32, blank=True)
    file = models.FileField(_("文件"), upload_to="uploads/%Y/%m/", max_length=300)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    replaces = models.OneToOneField(
        "self", verbose_name=_("替换的版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")
        ordering = ["target", "purpose", "indicator_code", "-version"]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.version})"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "replaced_by")


class SelfAssessment(TimeStampedModel):
    """One version of a unit's self-assessment (自查自评). A return keeps it and opens the next version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填报中")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="self_assessments")
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    report = models.ForeignKey(
        Upload, verbose_name=_("自评报告"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        verbose_name = _("自评")
        verbose_name_plural = _("自评")
        ordering = ["target", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["target", "version"], name="%(app_label)s_%(class)s_target_version"),
        ]

    def __str__(self) -> str:
        return _("%(target)s 自评 v%(version)s") % {"target": self.target, "version": self.version}

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        """Waiting for the office's review."""
        return self.status == self.Status.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED


class SelfAssessmentItem(models.Model):
    """The unit's self-score for one indicator, with a short narrative and its evidence files."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="items")
    indicator_code = models.CharField(_("指标"), max_length=16)
    score = models.DecimalField(_("自评分"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT)
    narrative = models.TextField(_("情况说明"), blank=True, max_length=2000)
    evidence = models.ManyToManyField(Upload, verbose_name=_("佐证材料"), blank=True, related_name="items")

    class Meta:
        verbose_name = _("自评指标")
        verbose_name_plural = _("自评指标")
        ordering = ["assessment", "indicator_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator_code"], name="%(app_label)s_%(class)s_assessment_indicator"
            ),
        ]


class FieldVisit(TimeStampedModel):
    """The field visit (实地评估) of one unit, in five steps: 听 查 看 访 评."""

    class Stage(models.TextChoices):
        LISTEN = "listen", _("面上听")
        CHECK = "check", _("逐项查")
        LOOK = "look", _("现场看")
        VISIT = "visit", _("深入访")
        JUDGE = "judge", _("综合评")

    class Status(models.TextChoices):
        DRAFT = "draft", _("记录中")
        COMPLETED = "completed", _("已完成")

    target = models.OneToOneField(CampaignTarget, on_delete=models.CASCADE, related_name="field_visit")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    visit_date = models.DateField(_("评估日期"), null=True, blank=True)
    team = models.ForeignKey(EvaluationTeam, verbose_name=_("评估组"), null=True, blank=True, on_delete=models.SET_NULL)
    people_met = models.TextField(_("座谈对象"), blank=True)
    # 听
    listen_notes = models.TextField(_("汇报要点"), blank=True)
    # 看: the on-site checklist; None = not yet looked at
    signs_match = models.BooleanField(_("门牌与内设机构一致"), null=True, blank=True)
    posts_match = models.BooleanField(_("在用领导职数与核定一致"), null=True, blank=True)
    people_in_place = models.BooleanField(_("人员在岗"), null=True, blank=True)
    look_notes = models.TextField(_("现场情况"), blank=True)
    # 访
    ballots_handed_out = models.PositiveIntegerField(_("发放测评票数"), null=True, blank=True)
    ballots_returned = models.PositiveIntegerField(_("收回测评票数"), null=True, blank=True)
    # 评
    judgement = models.TextField(_("综合评价"), blank=True)
    extra_problems = models.TextField(_("其他问题"), blank=True, help_text=_("每行一条，完成时列入问题清单"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("实地评估")
        verbose_name_plural = _("实地评估")
        constraints = [
            models.CheckConstraint(
                condition=Q(ballots_returned__isnull=True) | Q(ballots_handed_out__isnull=True)
                | Q(ballots_returned__lte=F("ballots_handed_out")),
                name="%(app_label)s_%(class)s_ballots_returned_not_above_handed_out",
            ),
        ]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def __str__(self) -> str:
        return _("%(target)s 实地评估") % {"target": self.target}


class FieldVisitCheck(models.Model):
    """逐项查: one indicator checked against the 三定 and the evaluation sheet, with its finding."""

    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="checks")
    indicator_code = models.CharField(_("指标"), max_length=16)
    finding = models.TextField(_("核查发现"), blank=True)
    is_problem = models.BooleanField(_("列为问题"), default=False)

    class Meta:
        ordering = ["visit", "indicator_code"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "indicator_code"], name="%(app_label)s_%(class)s_visit_indicator"),
        ]


class FieldVisitInterview(models.Model):
    """深入访: notes of an interview with a named service recipient or staff member.

    Kept apart from the anonymous forms on purpose: nothing links an interview to a survey response.
    """

    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="interviews")
    interviewee = models.CharField(_("访谈对象"), max_length=100)
    notes = models.TextField(_("访谈记录"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["visit", "created_at", "id"]


class Problem(TimeStampedModel):
    """An item of the problem list (问题清单): a finding that later becomes a rectification (整改) item."""

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="problems")
    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="problems")
    stage = models.CharField(_("环节"), max_length=16, choices=FieldVisit.Stage.choices)
    indicator_code = models.CharField(_("指标"), max_length=16, blank=True)
    description = models.TextField(_("问题描述"))

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["target", "id"]

    def __str__(self) -> str:
        return self.description[:50]


class Notification(models.Model):
    """An in-app message to one user (and an email when mail is configured)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("新通知")
        DEADLINE = "deadline", _("截止提醒")
        RETURNED = "returned", _("自评退回")
        SUBMITTED = "submitted", _("自评待审核")
        RESULTS = "results", _("结果发布")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # Makes a reminder idempotent: the deadline job runs daily and must not repeat itself.
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知消息")
        verbose_name_plural = _("通知消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="%(app_label)s_%(class)s_user_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title
