"""PDF reports, built by Celery workers and stored privately: a kind of background job (bianzhi.jobs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bianzhi.jobs import Job
from bianzhi.models import TimeStampedModel
from evaluations.models import CampaignTarget


def report_upload_to(report: "Report", filename: str) -> str:
    return f"reports/{report.target.campaign_id}/{filename}"


class Report(TimeStampedModel, Job):
    """One row per unit and kind: 重新生成 resets it for a fresh attempt (bianzhi.jobs.job_reset)."""

    KIND_LABEL = _("评估报告")
    WORK = "reports.services.report_build"
    QUEUE = "reports"
    TIME_LIMIT = 180
    DOWNLOAD_URL = "reports:download"
    STATUS_URL = "reports:status"

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位评估报告")

    target = models.ForeignKey(CampaignTarget, verbose_name=_("被评估单位"), on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("报告类型"), max_length=16, choices=Kind.choices, default=Kind.UNIT)
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
from .followup.models import Appeal, AppealItem, Feedback, FollowupSettings, RectificationItem, RectificationReport  # noqa: E402,F401  (the after stage: registered in this app)
