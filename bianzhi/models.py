"""The staffing registry (编制台账): units, their quotas and actual staff; users and their roles."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .credit_code import credit_code_error
from .figures import StaffingFigures


def validate_credit_code_field(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="credit_code")


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Rows written once and never changed or deleted (audit trails, the pool ledger): bulk updates and deletes
    are refused here, as saves are in the model and everything in a PostgreSQL trigger. Each kind names its
    error and says why in Chinese."""

    error: type[Exception] = Exception
    update_message = delete_message = ""

    def update(self, **kwargs):
        raise self.error(self.update_message)

    def delete(self):
        raise self.error(self.delete_message)


class ApprovedActual(models.Model):
    """An approved number and the number in use: quotas and staff (编制/实有), or leadership posts (职数)."""

    approved = models.PositiveIntegerField(_("核定数"))
    actual = models.PositiveIntegerField(_("实有数"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit} {self.get_line_display()} {self.actual}/{self.approved}"

    @property
    def figures(self) -> StaffingFigures:
        """空编 and 超编 (for leadership posts, 超职数 is `figures.overstaffing`)."""
        return StaffingFigures(self.approved, self.actual)


class Unit(TimeStampedModel):
    """A party/government organ, mass organization or public institution (被评估部门单位).

    The fields are the unit's current state; every change made through bianzhi.services also appends a
    dated UnitVersion, so earlier states stay readable.
    """

    class Kind(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", _("党政机关")
        MASS_ORGANIZATION = "mass_organization", _("群团机关")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")

    class InstitutionClass(models.TextChoices):
        """事业单位分类: only for public institutions."""

        PUBLIC_WELFARE_1 = "public_welfare_1", _("公益一类")
        PUBLIC_WELFARE_2 = "public_welfare_2", _("公益二类")
        BUSINESS = "business", _("生产经营类")

    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("市级")
        COUNTY = "county", _("县区")

    class Rank(models.TextChoices):
        """机构规格, also the rank of a leadership post (领导职数)."""

        BUREAU_FULL = "bureau_full", _("正厅级")
        BUREAU_DEPUTY = "bureau_deputy", _("副厅级")
        DIVISION_FULL = "division_full", _("正处级")
        DIVISION_DEPUTY = "division_deputy", _("副处级")
        SECTION_FULL = "section_full", _("正科级")
        SECTION_DEPUTY = "section_deputy", _("副科级")
        STOCK = "stock", _("股级")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        ABOLISHED = "abolished", _("撤销")

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code_field]
    )
    kind = models.CharField(_("单位类别"), max_length=32, choices=Kind.choices, db_index=True)
    institution_class = models.CharField(
        _("事业单位类别"), max_length=32, choices=InstitutionClass.choices, blank=True
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, db_index=True)
    region = models.CharField(_("所属地区"), max_length=50, help_text=_("市本级，或所在县区的名称"), db_index=True)
    rank = models.CharField(_("机构规格"), max_length=32, choices=Rank.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    supervisor = models.ForeignKey(
        "self", verbose_name=_("主管部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="supervised"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    abolished_on = models.DateField(_("撤销日期"), null=True, blank=True)
    # 三定规定: the approving document
    approval_number = models.CharField(_("三定批准文号"), max_length=100, blank=True)
    approval_date = models.DateField(_("三定批准日期"), null=True, blank=True)
    # 实有人数 and leadership posts in use are counted as of this date
    staff_as_of = models.DateField(_("实有人数统计日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["-level", "code"]  # 市级 ("municipal") before 县区 ("county")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="%(app_label)s_%(class)s_credit_code"
            ),
            models.CheckConstraint(
                condition=Q(institution_class="") | Q(kind="public_institution"),
                name="%(app_label)s_%(class)s_institution_class_only_for_institutions",
            ),
            models.CheckConstraint(
                condition=Q(status="active", abolished_on__isnull=True)
                | Q(status="abolished", abolished_on__isnull=False),
                name="%(app_label)s_%(class)s_abolished_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")) & ~Q(supervisor=F("id")), name="%(app_label)s_%(class)s_not_own_parent"
            ),
        ]

    @property
    def is_abolished(self) -> bool:
        return self.status == self.Status.ABOLISHED

    def __str__(self) -> str:
        return self.name


class UnitFunction(models.Model):
    """定职能: one duty of the unit's 三定规定."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="functions")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("职责"))

    class Meta:
        verbose_name = _("主要职责")
        verbose_name_plural = _("主要职责")
        ordering = ["unit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "position"], name="%(app_label)s_%(class)s_unit_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:40]}"


class InternalBody(models.Model):
    """定机构: an internal body (内设机构) and its duties."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="internal_bodies")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("机构名称"), max_length=100)
    duties = models.TextField(_("主要职责"), blank=True)

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")
        ordering = ["unit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "position"], name="%(app_label)s_%(class)s_unit_position"),
        ]

    def __str__(self) -> str:
        return self.name


class LeadershipPost(ApprovedActual):
    """领导职数: approved leadership posts of one rank, and those in use."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="leadership_posts")
    rank = models.CharField(_("职级"), max_length=32, choices=Unit.Rank.choices)

    class Meta:
        verbose_name = _("领导职数")
        verbose_name_plural = _("领导职数")
        ordering = ["unit", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "rank"], name="%(app_label)s_%(class)s_unit_rank"),
        ]

    def get_line_display(self) -> str:
        return self.get_rank_display()


class UnitVersion(models.Model):
    """A dated, immutable snapshot of a unit's registry record (三定, quotas, staff, posts).

    Written by the services on every change; `valid_from` is the date the figures describe (the staff
    count date), so "the registry as of a date" is the latest version with valid_from <= that date.
    """

    class Source(models.TextChoices):
        IMPORT = "import", _("Excel导入")
        ADMIN = "admin", _("后台修改")
        SEED = "seed", _("演示数据")
        DECISION = "decision", _("编制事项批复")  # an approved request or reclaim (scoring.register)

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(_("生效日期"), db_index=True)
    data = models.JSONField(_("内容"), encoder=DjangoJSONEncoder)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("台账版本")
        verbose_name_plural = _("台账版本")
        ordering = ["unit", "-valid_from", "-id"]
        indexes = [models.Index(fields=["unit", "valid_from"], name="%(app_label)s_%(class)s_unit_date")]

    def __str__(self) -> str:
        return f"{self.unit} @ {self.valid_from}"


class Quota(TimeStampedModel, ApprovedActual):
    """Approved quota (核定编制) and actual staff (实有人数) of one unit for one quota kind."""

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("行政编制")
        INSTITUTIONAL_FULL = "institutional_full", _("事业编制（财政全额拨款）")
        INSTITUTIONAL_PARTIAL = "institutional_partial", _("事业编制（差额拨款）")
        INSTITUTIONAL_SELF = "institutional_self", _("事业编制（自收自支）")
        SERVICE_WORKER = "service_worker", _("工勤编制")
        POLITICAL_LEGAL = "political_legal", _("政法专项编制")

    INSTITUTIONAL_KINDS = frozenset({Kind.INSTITUTIONAL_FULL, Kind.INSTITUTIONAL_PARTIAL, Kind.INSTITUTIONAL_SELF})

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="quotas")
    kind = models.CharField(_("编制类别"), max_length=32, choices=Kind.choices)

    class Meta:
        verbose_name = _("编制")
        verbose_name_plural = _("编制")
        ordering = ["unit", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="%(app_label)s_%(class)s_unit_kind"),
        ]

    def get_line_display(self) -> str:
        return self.get_kind_display()


class CalendarDay(models.Model):
    """A day the State Council's holiday notice moves off the Monday-to-Friday week: a public holiday on a
    weekday (放假), or a weekend day worked in exchange (调休上班). Working-day windows (the appeal window of
    评估复核) count with these; the office enters each year's notice in the admin (系统管理 → 节假日安排)."""

    day = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("上班"), default=False, help_text=_("勾选：周末调休上班；不勾选：放假"))
    name = models.CharField(_("说明"), max_length=40, blank=True, help_text=_("例如：国庆节、春节调休上班"))

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("系统管理员")
        EVALUATOR = "evaluator", _("评估人员")
        LEADER = "leader", _("领导")
        LIAISON = "liaison", _("部门填报员")
        REVIEWER = "reviewer", _("复核人员")

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.EVALUATOR)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="liaisons"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # A liaison is bound to exactly one unit; nobody else is bound to any.
            models.CheckConstraint(
                condition=Q(role="liaison", unit__isnull=False) | (~Q(role="liaison") & Q(unit__isnull=True)),
                name="%(app_label)s_%(class)s_liaison_has_unit",
            ),
            # Sign-in ignores case (liaison_C205 is liaison_c205): no two accounts may differ only by case.
            models.UniqueConstraint(Lower("username"), name="%(app_label)s_%(class)s_username_ci"),
        ]

    @property
    def display_name(self) -> str:
        """The person's name as pages, documents and audit lines show it; the account name only where no name
        was entered."""
        return self.get_full_name() or self.username

    # Kept for code written before bianzhi.access; new code asks access.may(...) (a test greps for these).
    @property
    def is_office_staff(self) -> bool:
        """Administrators and evaluators act for the staffing office."""
        return self.role in {self.Role.ADMIN, self.Role.EVALUATOR}

    @property
    def sees_everything(self) -> bool:
        return self.role in {self.Role.ADMIN, self.Role.EVALUATOR, self.Role.LEADER}


# A registry workbook imported in the background (a kind of job, bianzhi.jobs). Imported at the end: the
# job module is independent of this one, and every kind of job is a model of its own app.
from .jobs import Job  # noqa: E402


def registry_import_upload_to(job: "RegistryImport", filename: str) -> str:
    return f"registry-imports/{job.requested_by_id or 0}/{filename}"


class RegistryImport(TimeStampedModel, Job):
    """An uploaded workbook and what became of it: the summary, or the problems (the first MAX_ISSUES of
    them, and their total) and the workbook with its bad cells marked (`file`)."""

    KIND_LABEL = _("编制台账导入")
    WORK = "bianzhi.services.registry_import_run"
    TIME_LIMIT = 900
    STATUS_URL = "registry:import_status"
    DOWNLOAD_URL = ""  # the marked workbook is offered only when the import failed: registry:import_errors
    MAX_ISSUES = 1000

    source = models.FileField(_("上传的工作簿"), upload_to=registry_import_upload_to)
    original_name = models.CharField(_("文件名"), max_length=255, blank=True)
    summary = models.CharField(_("导入结果"), max_length=500, blank=True)
    issues = models.JSONField(_("问题"), default=list, blank=True, encoder=DjangoJSONEncoder)
    issue_count = models.PositiveIntegerField(_("问题总数"), default=0)
    file = models.FileField(_("标出错误的工作簿"), upload_to=registry_import_upload_to, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("编制台账导入")
        verbose_name_plural = _("编制台账导入")

    def __str__(self) -> str:
        return f"{self.original_name} · {self.get_status_display()}"

    @property
    def issues_cut(self) -> bool:
        return self.issue_count > len(self.issues)


# The 编制周转池 ledger lives in bianzhi.pool; importing its models here registers them with this app.
from .pool.models import Pool, PoolAccount, PoolLine, PoolLoan, PoolMovement  # noqa: E402,F401
