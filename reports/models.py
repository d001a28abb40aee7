"""The after stage's documents: the unit report as written and signed (ReportVersion), its files rendered by
workers (Report, a kind of job, bianzhi.jobs), the campaign's summary (SummaryReport, SummaryText) and the Word
templates the office may replace (WordTemplate)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bianzhi.jobs import Job
from bianzhi.models import TimeStampedModel
from evaluations.models import Campaign, CampaignTarget


def report_upload_to(report: "Report", filename: str) -> str:
    return f"reports/{report.target.campaign_id}/{filename}"


class ReportVersion(models.Model):
    """One version of a unit's written report (撰写报告).

    The figures come from one stored result version (scoring.ResultVersion) and are copied into `facts` when
    the version is signed: the files are rendered from `facts` and the three written sections, so a file
    rendered later shows what was signed, never newer data. A signed version is never edited again (the
    service refuses, and so does save()); a 复核 decision makes a new version from the new result version, with
    the sections carried over, which needs its own signature (the numbers it signs are new).
    """

    target = models.ForeignKey(CampaignTarget, verbose_name=_("被评估单位"), on_delete=models.CASCADE,
                               related_name="report_versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    result_version = models.ForeignKey("scoring.ResultVersion", verbose_name=_("依据的评估结果版本"),
                                       on_delete=models.PROTECT, related_name="+")
    achievements = models.TextField(_("主要成效"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    suggestions = models.TextField(_("整改意见"), blank=True)
    facts = models.JSONField(_("报告数据"), default=dict, blank=True)  # filled at signing
    reason = models.CharField(_("生成原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签署人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评估报告版本")
        verbose_name_plural = _("评估报告版本")
        ordering = ["target", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["target", "number"], name="%(app_label)s_%(class)s_target_number"),
            models.CheckConstraint(condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False),
                                   name="%(app_label)s_%(class)s_signed_by_someone"),
        ]

    def __str__(self) -> str:
        return gettext("%(unit)s 评估报告 v%(n)s") % {"unit": self.target.unit, "n": self.number}

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def save(self, *args, **kwargs):
        if self.pk is not None and ReportVersion.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise ValueError("a signed report version is never edited")  # services say it in Chinese first
        super().save(*args, **kwargs)


class Report(TimeStampedModel, Job):
    """A file of a unit's report: one row per unit and format, pointing at the signed version it renders.
    A later signed version moves the row on (a fresh attempt, a new file named by the version); the file of
    a version once rendered is never rendered again from anything else."""

    KIND_LABEL = _("评估报告")
    WORK = "reports.services.report_build"
    QUEUE = "reports"
    TIME_LIMIT = 180
    DOWNLOAD_URL = "reports:download"
    STATUS_URL = "reports:status"

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位评估报告（PDF）")
        UNIT_DOCX = "unit_docx", _("单位评估报告（Word）")

    target = models.ForeignKey(CampaignTarget, verbose_name=_("被评估单位"), on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("报告类型"), max_length=16, choices=Kind.choices, default=Kind.UNIT)
    version = models.ForeignKey(ReportVersion, verbose_name=_("报告版本"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="files")
    file = models.FileField(_("文件"), upload_to=report_upload_to, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("评估报告")
        verbose_name_plural = _("评估报告")
        constraints = [
            *Job.Meta.constraints,
            models.UniqueConstraint(fields=["target", "kind"], name="%(app_label)s_%(class)s_target_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.target.unit}"

    @property
    def is_word(self) -> bool:
        return self.kind == self.Kind.UNIT_DOCX

    def download_name(self, prefix) -> str:
        """The file's name as its reader saves it, e.g. `2026-市统计局-评估报告-第2版.pdf` (the prefix: the year for
        one download, the unit's code in the campaign's zip, so the zip's names sort and never collide)."""
        names = {"prefix": prefix, "unit": self.target.unit.name, "ext": "docx" if self.is_word else "pdf"}
        if self.version_id is None:
            return gettext("%(prefix)s-%(unit)s-评估报告.%(ext)s") % names
        return gettext("%(prefix)s-%(unit)s-评估报告-第%(v)s版.%(ext)s") % {**names, "v": self.version.number}


def summary_upload_to(report: "SummaryReport", filename: str) -> str:
    return f"reports/{report.campaign_id}/summary/{filename}"


class SummaryText(models.Model):
    """What the office writes into the campaign's summary report (总结汇报): its suggestions."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="summary_text")
    suggestions = models.TextField(_("工作建议"), blank=True)
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("总结报告建议")
        verbose_name_plural = _("总结报告建议")


class SummaryReport(TimeStampedModel, Job):
    """The campaign's summary report (总结汇报), PDF or Word: one row per campaign and format."""

    KIND_LABEL = _("总结报告")
    WORK = "reports.summary.summary_build"
    QUEUE = "reports"
    TIME_LIMIT = 600
    DOWNLOAD_URL = "reports:summary_download"
    STATUS_URL = "reports:summary_status"

    class Kind(models.TextChoices):
        PDF = "pdf", _("总结报告（PDF）")
        DOCX = "docx", _("总结报告（Word）")

    campaign = models.ForeignKey(Campaign, verbose_name=_("评估活动"), on_delete=models.CASCADE, related_name="summary_reports")
    kind = models.CharField(_("格式"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=summary_upload_to, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("总结报告")
        verbose_name_plural = _("总结报告")
        constraints = [
            *Job.Meta.constraints,
            models.UniqueConstraint(fields=["campaign", "kind"], name="%(app_label)s_%(class)s_campaign_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.campaign}"

    @property
    def is_word(self) -> bool:
        return self.kind == self.Kind.DOCX


def word_template_upload_to(template: "WordTemplate", filename: str) -> str:
    return f"reports/templates/{template.kind}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class WordTemplate(models.Model):
    """A Word template the office uploaded in place of the default (docxtpl: Jinja tags inside a .docx).
    The newest of each kind is used; older ones stay (a report already rendered keeps its file)."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位评估报告")
        SUMMARY = "summary", _("总结报告")

    kind = models.CharField(_("模板类型"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("模板文件"), upload_to=word_template_upload_to)
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Word 模板")
        verbose_name_plural = _("Word 模板")
        ordering = ["kind", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"


from .followup.models import Appeal, AppealItem, Feedback, FollowupSettings, RectificationItem, RectificationReport  # noqa: E402,F401  (the after stage: registered in this app)
