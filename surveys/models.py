"""The forms (表册): their questions, the links that reach them, and the answers."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bianzhi.jobs import Job
from bianzhi.models import TimeStampedModel
from evaluations.models import Campaign, CampaignTarget


def new_token() -> str:
    """128 random bits, URL-safe: unguessable, so a link is its own credential."""
    return secrets.token_urlsafe(16)


def random_id() -> int:
    """A random positive 63-bit key: unlike a sequence, the id of an answer says nothing about when it came."""
    return secrets.randbelow(2**63 - 1) + 1


# Crockford's base32: no I, L, O, U, so a code read off paper is typed right.
BALLOT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BALLOT_CODE_LENGTH = 12  # 60 random bits


def new_ballot_code() -> str:
    return "".join(secrets.choice(BALLOT_ALPHABET) for _i in range(BALLOT_CODE_LENGTH))


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

    class Combine(models.TextChoices):
        MEAN = "mean", _("取各评估人员平均分")
        LEAD = "lead", _("以评估组长裁定为准")

    # The evaluation sheet (评估表) only: how several evaluators' scores of one unit become one.
    combine = models.CharField(_("多人评分合成方式"), max_length=8, choices=Combine.choices, default=Combine.MEAN)
    spread_limit = models.DecimalField(
        _("分差提示阈值"), max_digits=6, decimal_places=2, default=2,
        help_text=_("同一指标各评估人员打分的最高分与最低分之差超过此值时提示复核"),
    )
    lead_evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估组长"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # How many answers to aim for from each unit (a unit may have its own: SampleTarget); empty: the campaign's
    # minimum sample for the satisfaction rate (the scoring settings), which is what a result needs.
    sample_target = models.PositiveIntegerField(_("每个单位的目标样本量"), null=True, blank=True)

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

    def is_editable(self, at=None) -> bool:
        """Questions may change until the form opens: nobody has answered a different version."""
        return (at or timezone.now()) < self.opens_at

    @property
    def is_anonymous(self) -> bool:
        return self.kind != self.Kind.EVALUATION_SHEET

    # What a kind of form does, so that pages ask the form rather than compare its kind.
    @property
    def is_sheet(self) -> bool:
        """The evaluators' sheet (评估表): scored per unit by its team, no public answers."""
        return self.kind == self.Kind.EVALUATION_SHEET

    @property
    def is_staff_assessment(self) -> bool:
        return self.kind == self.Kind.STAFF_ASSESSMENT

    @property
    def takes_public_links(self) -> bool:
        """Answered through a unit's public link (and its service windows' links, its QR codes)."""
        return self.kind in {self.Kind.SATISFACTION, self.Kind.QUESTIONNAIRE}

    @property
    def takes_ballots(self) -> bool:
        """Answered by people of the public or staff: ballots and one-use invitations can be issued."""
        return not self.is_sheet

    @property
    def answers_reviewable(self) -> bool:
        """Its answer sheets may be checked one by one (never the anonymous staff assessment's)."""
        return self.kind in {self.Kind.SATISFACTION, self.Kind.QUESTIONNAIRE}


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("单选")
        MULTIPLE_CHOICE = "multiple_choice", _("多选")
        SCORE = "score", _("打分")
        SHORT_TEXT = "short_text", _("短文本")
        LONG_TEXT = "long_text", _("长文本")
        FILE = "file", _("附件")
        MATRIX = "matrix", _("矩阵量表")
        NUMBER = "number", _("数字")
        DATE = "date", _("日期")

    CHOICE_TYPES = frozenset({Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE})
    TEXT_TYPES = frozenset({Type.SHORT_TEXT, Type.LONG_TEXT})

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("编码"), max_length=32)
    text = models.CharField(_("题目"), max_length=500)
    type = models.CharField(_("题型"), max_length=32, choices=Type.choices)
    # [[value, label], ...] for choice questions; values are stable ASCII codes, labels Chinese.
    choices = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    # Which dimension of the campaign's tree the answer feeds (its code).
    dimension = models.CharField(_("评估维度"), max_length=32, blank=True)
    # ...and which indicator of that tree (its code).
    indicator = models.CharField(_("评估指标"), max_length=32, blank=True)
    counts_for_satisfaction = models.BooleanField(_("计入满意率"), default=False)
    # How an answer becomes points: for choices {value: share of full marks}, for a score its value / max_score.
    points = models.JSONField(_("计分规则"), default=dict, blank=True)
    min_score = models.DecimalField(_("最低分"), max_digits=6, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(_("允许小数位数"), default=0)
    # Simple show-if: asked only when an earlier question's answer is one of these values.
    show_if_code = models.SlugField(_("显示条件题目"), max_length=32, blank=True)
    show_if_values = models.JSONField(_("显示条件选项"), default=list, blank=True)
    # Show-if on one or more earlier answers (all must hold): [{"question": code, "values": [codes]}, ...].
    show_if = models.JSONField(_("显示条件"), default=list, blank=True)
    # A matrix: its rows, each rated on the question's one scale (`choices`) and tagged to the tree:
    # [{"code": "r1", "label": "职能配置", "dimension": "D1", "indicator": ""}, ...].
    rows = models.JSONField(_("矩阵行"), default=list, blank=True)
    # Options that ask "please specify" (其他，请注明): the text is kept with the answer.
    other_choices = models.JSONField(_("可填写说明的选项"), default=list, blank=True)
    # A multiple choice: how many options at least / at most.
    min_selected = models.PositiveSmallIntegerField(_("最少选择项数"), null=True, blank=True)
    max_selected = models.PositiveSmallIntegerField(_("最多选择项数"), null=True, blank=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["form", "position"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="%(app_label)s_%(class)s_form_code"),
            models.UniqueConstraint(fields=["form", "position"], name="%(app_label)s_%(class)s_form_position"),
            models.CheckConstraint(
                condition=~Q(type="score") | Q(min_score__isnull=False, max_score__gt=models.F("min_score")),
                name="%(app_label)s_%(class)s_score_range",
            ),
        ]

    @property
    def is_score(self) -> bool:
        return self.type == self.Type.SCORE

    @property
    def is_file(self) -> bool:
        return self.type == self.Type.FILE

    @property
    def is_choice(self) -> bool:
        return self.type in self.CHOICE_TYPES

    @property
    def is_single_choice(self) -> bool:
        return self.type == self.Type.SINGLE_CHOICE

    @property
    def is_short_text(self) -> bool:
        return self.type == self.Type.SHORT_TEXT

    @property
    def is_matrix(self) -> bool:
        return self.type == self.Type.MATRIX

    @property
    def is_number(self) -> bool:
        return self.type == self.Type.NUMBER

    @property
    def is_date(self) -> bool:
        return self.type == self.Type.DATE

    @property
    def conditions(self) -> list[dict]:
        """Every show-if condition: the older single one (show_if_code) and the list (show_if)."""
        old = [{"question": self.show_if_code, "values": list(self.show_if_values)}] if self.show_if_code else []
        return old + [c for c in self.show_if if c.get("question")]

    @property
    def row_dimensions(self) -> dict[str, str]:
        return {row["code"]: row.get("dimension", "") for row in self.rows}

    @property
    def row_labels(self) -> dict[str, str]:
        return {row["code"]: row["label"] for row in self.rows}

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def choice_values(self) -> set[str]:
        return {value for value, _label in self.choices}

    @property
    def choice_labels(self) -> dict[str, str]:
        return dict(self.choices)


class SurveyLink(TimeStampedModel):
    """A public link (and QR code) to one form for one unit. The token is the only credential."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="survey_links")
    token = models.CharField(_("令牌"), max_length=43, unique=True, default=new_token, editable=False)
    # Optional: one link per service window (服务窗口) of the unit; "" is the unit's general link.
    window = models.CharField(_("服务窗口"), max_length=50, blank=True, default="")
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("填报链接")
        verbose_name_plural = _("填报链接")
        constraints = [
            models.UniqueConstraint(fields=["form", "target", "window"], name="%(app_label)s_%(class)s_form_target_window"),
        ]

    def __str__(self) -> str:
        return f"{self.form} · {self.target.unit}"


class BallotBox(models.Model):
    """The one-use ballots of one unit for one anonymous form (测评票, or invitations to a public form).

    Which ballots are spent is kept here as a bitmap by serial number (one bit per issued ballot: 50 bytes
    for a unit of 400), not as a flag on each ballot: a ballot row written in the same transaction as the
    answer would share its PostgreSQL transaction id (xmin) and could be joined back to it. The bitmap says
    which ballots were used, never in which order. The row lock on the box is what makes a ballot one-use
    under concurrency (see services.ballot_submit).

    The staff assessment keeps no answer sheets at all (see StaffTally, StaffComment): `pending` ballots are
    counted in the tallies' pending columns and become visible together, `released` in batches of at least
    SURVEY_MIN_RESPONSES_FOR_STATS, so comparing the statistics before and after one ballot shows nothing.
    """

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="ballot_boxes")
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="ballot_boxes")
    issued = models.PositiveIntegerField(_("已发放"), default=0)
    used = models.PositiveIntegerField(_("已使用"), default=0)
    spent_bits = models.BinaryField(_("已使用的票"), default=bytes, blank=True)
    pending = models.PositiveIntegerField(_("待发布的测评票"), default=0)
    released = models.PositiveIntegerField(_("已发布的测评票"), default=0)
    pending_comment_sheets = models.PositiveIntegerField(_("待发布的意见份数"), default=0)
    # No updated_at: it would record the precise time of the latest answer.
    created_at = models.DateTimeField(_("首次发放时间"), default=timezone.now)

    class Meta:
        verbose_name = _("票箱")
        verbose_name_plural = _("票箱")
        constraints = [
            models.UniqueConstraint(fields=["form", "target"], name="%(app_label)s_%(class)s_form_target"),
            models.CheckConstraint(condition=Q(used__lte=models.F("issued")), name="%(app_label)s_%(class)s_used_le_issued"),
        ]

    @property
    def response_rate(self) -> float | None:
        return self.used / self.issued if self.issued else None

    def is_spent(self, serial: int) -> bool:
        byte, bit = divmod(serial - 1, 8)
        bits = bytes(self.spent_bits or b"")
        return byte < len(bits) and bool(bits[byte] >> bit & 1)

    def mark_spent(self, serial: int) -> None:
        byte, bit = divmod(serial - 1, 8)
        bits = bytearray(self.spent_bits or b"")
        bits.extend(b"\0" * (byte + 1 - len(bits)))
        bits[byte] |= 1 << bit
        self.spent_bits = bytes(bits)


class Ballot(models.Model):
    """One printed ballot: its code is the only credential. Never updated, so it carries no trace of its use."""

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="ballots")
    serial = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("票码"), max_length=BALLOT_CODE_LENGTH, unique=True, default=new_ballot_code, editable=False)

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")
        ordering = ["box", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["box", "serial"], name="%(app_label)s_%(class)s_box_serial"),
        ]

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))


class SampleTarget(models.Model):
    """One unit's own target sample size for a form (overrides the form's)."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="sample_targets")
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="+")
    size = models.PositiveIntegerField(_("目标样本量"))

    class Meta:
        verbose_name = _("单位目标样本量")
        verbose_name_plural = _("单位目标样本量")
        constraints = [
            models.UniqueConstraint(fields=["form", "target"], name="%(app_label)s_%(class)s_form_target"),
            models.CheckConstraint(condition=Q(size__gt=0), name="%(app_label)s_%(class)s_size_positive"),
        ]


class SurveyResponse(models.Model):
    """One submitted public form (satisfaction, questionnaire). It keeps the day, never the time or who.

    The key is random, so neither the ids nor an ORDER BY id mirror the order in which answers came. The
    staff assessment (测评表) writes no answer sheet at all: see StaffTally and StaffComment.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    # No index of its own: (form, target) below serves every lookup by form, and each index costs every submit.
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="responses", db_index=False)
    target = models.ForeignKey(CampaignTarget, on_delete=models.PROTECT, related_name="responses")
    window = models.CharField(_("服务窗口"), max_length=50, blank=True, default="")
    submitted_on = models.DateField(_("提交日期"), default=timezone.localdate)
    # Quality flags, computed at submission; the inputs (timings, addresses) are not kept.
    too_fast = models.BooleanField(_("作答过快"), default=False)
    straight_lined = models.BooleanField(_("全部同一选项"), default=False)
    busy_network = models.BooleanField(_("同一网络提交过多"), default=False)
    # Taken while the abuse-control cache was unreachable: device, address and start-token checks were skipped.
    unchecked = models.BooleanField(_("提交时未能防刷校验"), default=False)
    is_voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        indexes = [models.Index(fields=["form", "target"], name="surveys_response_form_target")]


    @property
    def flags(self) -> list[str]:
        return [str(f.verbose_name) for f in self._meta.fields if f.name in self.FLAG_FIELDS and getattr(self, f.name)]

    FLAG_FIELDS = ("too_fast", "straight_lined", "busy_network", "unchecked")


class Answer(models.Model):
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    # No index of their own: (response, question) and (question, choice) below begin with them, and every
    # index is written by every submit (six answers a sheet).
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers", db_index=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", db_index=False)
    choice = models.CharField(_("选项"), max_length=32, blank=True)
    # A multiple choice's options; a matrix's {row code: option code}.
    choices = models.JSONField(_("多选选项"), default=list, blank=True)
    number = models.DecimalField(_("分数"), max_digits=8, decimal_places=2, null=True, blank=True)
    # Text, a date (YYYY-MM-DD), or what was written beside an "other, please specify" option.
    text = models.TextField(_("文字"), blank=True)

    @property
    def value(self):
        """The answer as its question type holds it: a code, a list of codes, a Decimal, or text."""
        kind = self.question.type
        if kind == Question.Type.SINGLE_CHOICE:
            return self.choice
        if kind == Question.Type.MULTIPLE_CHOICE:
            return self.choices
        if kind in (Question.Type.SCORE, Question.Type.NUMBER):
            return self.number
        if kind == Question.Type.MATRIX:
            return self.choices or {}
        return self.text

    @property
    def display(self) -> str:
        """The answer as an official reads it: option and row labels, never their codes."""
        from .rules import plain

        q = self.question
        labels = q.choice_labels
        if q.type == Question.Type.SINGLE_CHOICE:
            shown = labels.get(self.choice, self.choice)
        elif q.type == Question.Type.MULTIPLE_CHOICE:
            shown = gettext("、").join(labels.get(v, v) for v in self.choices or [])
        elif q.type == Question.Type.MATRIX:
            rows = q.row_labels
            shown = gettext("；").join(f"{rows.get(r, r)}{gettext('：')}{labels.get(v, v)}" for r, v in (self.choices or {}).items())
        elif q.type in (Question.Type.SCORE, Question.Type.NUMBER):
            return plain(self.number)
        else:
            return self.text
        return gettext("%(shown)s（%(text)s）") % {"shown": shown, "text": self.text} if self.text else shown

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="%(app_label)s_%(class)s_response_question"),
        ]
        indexes = [models.Index(fields=["question", "choice"], name="surveys_answer_question_choice")]


class StaffTally(models.Model):
    """The staff assessment's answers to one option of one question in one unit, as counts: no answer sheet.

    A ballot adds one to `pending` (and its score to `pending_sum`) in place; when the unit's box has
    gathered a batch of at least SURVEY_MIN_RESPONSES_FOR_STATS ballots, pending moves into `count`/`total`,
    which is all that statistics and exports read. Updated in place, the row keeps no order of answers: no
    row per answer, no key, place or transaction id to sort by. `choice` is "" for a score question.
    """

    # Random, and all of a unit's rows are created at once: neither key nor creation tells a first answer.
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="staff_tallies")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="staff_tallies")
    choice = models.CharField(_("选项"), max_length=32, blank=True)
    pending = models.PositiveIntegerField(_("待发布人数"), default=0)
    pending_sum = models.DecimalField(_("待发布分数合计"), max_digits=14, decimal_places=2, default=0)
    count = models.PositiveIntegerField(_("人数"), default=0)
    total = models.DecimalField(_("分数合计"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("测评计数")
        verbose_name_plural = _("测评计数")
        constraints = [
            models.UniqueConstraint(fields=["target", "question", "choice"], name="%(app_label)s_%(class)s_target_question_choice"),
        ]


class StaffComment(models.Model):
    """A free-text answer of the staff assessment, detached from its ballot and from the rest of its sheet.

    Held back (`released` false) until a batch of at least SURVEY_MIN_RESPONSES_FOR_STATS ballots with a
    comment has gathered, then released all together. The pending rows (fewer than a batch) are rewritten in
    a random order, with new random keys, whenever one joins, and a batch is rewritten as released in a
    random order: neither the keys, the place in the table nor the writing transaction follow the order
    in which comments came.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="staff_comments")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="staff_comments")
    text = models.TextField(_("意见建议"))
    released = models.BooleanField(_("已发布"), default=False)

    class Meta:
        verbose_name = _("测评意见")
        verbose_name_plural = _("测评意见")
        indexes = [models.Index(fields=["target", "released"], name="surveys_staffcomment_target")]


class SheetEntry(TimeStampedModel):
    """One evaluator's score of one indicator of one unit on the evaluation sheet (评估表).

    Saved as the evaluator types (a server-side draft) and locked when the lead signs the sheet off.
    """

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="sheet_entries")
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="sheet_entries")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sheet_entries")
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("评分理由"), blank=True)

    class Meta:
        verbose_name = _("评估表评分")
        verbose_name_plural = _("评估表评分")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "target", "evaluator"], name="%(app_label)s_%(class)s_question_target_evaluator"
            ),
        ]


class SheetSignoff(models.Model):
    """The lead evaluator's sign-off of one unit's sheet: the combined scores, frozen."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="signoffs")
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="sheet_signoffs")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签署时间"), default=timezone.now)
    # {question code: combined score as a string}
    scores = models.JSONField(_("合成得分"), default=dict)

    class Meta:
        verbose_name = _("评估表签署")
        verbose_name_plural = _("评估表签署")
        constraints = [
            models.UniqueConstraint(fields=["form", "target"], name="%(app_label)s_%(class)s_form_target"),
        ]


class FormTemplate(TimeStampedModel):
    """A form's questions saved under a name, to start next year's form from (not tied to a campaign)."""

    name = models.CharField(_("模板名称"), max_length=200)
    kind = models.CharField(_("表册类型"), max_length=32, choices=Form.Kind.choices)
    # The definition as surveys.definition reads it: {"title", "intro", "questions": [...]}.
    definition = models.JSONField(_("题目定义"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("保存人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("表册模板")
        verbose_name_plural = _("表册模板")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="%(app_label)s_%(class)s_kind_name"),
        ]

    def __str__(self) -> str:
        return self.name


def export_upload_to(export: "Export", filename: str) -> str:
    return f"exports/{export.form.campaign_id}/{filename}"


class Export(TimeStampedModel, Job):
    """An export of a form's answers, written by a worker (a kind of job, bianzhi.jobs); the file is private,
    served through a view."""

    KIND_LABEL = _("答卷导出")
    WORK = "surveys.services.exports.export_write"
    QUEUE = "default"
    TIME_LIMIT = 1900
    DOWNLOAD_URL = "surveys:export_download"
    STATUS_URL = "surveys:export_status"

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (xlsx)")
        CSV = "csv", _("CSV")

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    file = models.FileField(_("文件"), upload_to=export_upload_to, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("导出")
        verbose_name_plural = _("导出")
