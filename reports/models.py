"""PDF reports, built by Celery workers and stored privately."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianzhi.models import TimeStampedModel
from evaluations.models import CampaignTarget


def report_upload_to(report: "Report", filename: str) -> str:
    return f"reports/{report.target.campaign_id}/{filename}"


class Report(TimeStampedModel):
    class Kind(models.TextChoices):
        UNIT = "unit", _("单位评估报告")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RENDERING = "rendering", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    target = models.ForeignKey(CampaignTarget, verbose_name=_("被评估单位"), on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("报告类型"), max_length=16, choices=Kind.choices, default=Kind.UNIT)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.FileField(_("文件"), upload_to=report_upload_to, blank=True)
    error = models.TextField(_("错误"), blank=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("评估报告")
        verbose_name_plural = _("评估报告")
        constraints = [
            models.UniqueConstraint(fields=["target", "kind"], name="%(app_label)s_%(class)s_target_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.target.unit}"
