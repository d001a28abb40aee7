"""The staffing registry (编制台账): units, their quotas and actual staff; users and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Unit(TimeStampedModel):
    """A party/government organ, mass organization or public institution (被评估部门单位)."""

    class Kind(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", _("党政机关")
        MASS_ORGANIZATION = "mass_organization", _("群团机关")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")

    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("市级")
        COUNTY = "county", _("县区")

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("单位类别"), max_length=32, choices=Kind.choices, db_index=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, db_index=True)
    region = models.CharField(_("所属地区"), max_length=50, help_text=_("市本级，或所在县区的名称"), db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


class Quota(TimeStampedModel):
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
    approved = models.PositiveIntegerField(_("核定编制数"))
    actual = models.PositiveIntegerField(_("实有人数"))

    class Meta:
        verbose_name = _("编制")
        verbose_name_plural = _("编制")
        ordering = ["unit", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="%(app_label)s_%(class)s_unit_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.actual}/{self.approved}"


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("系统管理员")
        EVALUATOR = "evaluator", _("评估人员")
        LEADER = "leader", _("领导")
        LIAISON = "liaison", _("部门填报员")

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
        ]

    @property
    def is_office_staff(self) -> bool:
        """Administrators and evaluators act for the staffing office."""
        return self.role in {self.Role.ADMIN, self.Role.EVALUATOR}

    @property
    def sees_everything(self) -> bool:
        return self.role in {self.Role.ADMIN, self.Role.EVALUATOR, self.Role.LEADER}
