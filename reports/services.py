"""Requesting and rendering reports. Rendering is idempotent, so a redelivered task does no harm."""

import weasyprint
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from bianzhi.models import User
from evaluations.models import CampaignEvent, CampaignTarget
from evaluations.services import event_record
from scoring.indicators import DIMENSION_NAMES
from scoring.selectors import target_score

from .charts import Bar, bar_chart_svg
from .models import Report


@transaction.atomic
def report_request(*, target: CampaignTarget, actor: User) -> Report:
    """Ask for the unit's report. A report already queued or being built is returned as it is."""
    report, created = Report.objects.select_for_update().get_or_create(
        target=target, kind=Report.Kind.UNIT, defaults={"requested_by": actor}
    )
    if not created and report.status in {Report.Status.QUEUED, Report.Status.RENDERING}:
        return report
    if not created:  # ready or failed: build it again with today's figures
        report.status, report.progress, report.error, report.requested_by = Report.Status.QUEUED, 0, "", actor
        report.save(update_fields=["status", "progress", "error", "requested_by", "updated_at"])
    event_record(
        campaign=target.campaign, target=target, type=CampaignEvent.Type.REPORT_REQUESTED, actor=actor,
        data={"report": report.pk},
    )
    from .tasks import report_render_task  # tasks import services: import here to keep the graph acyclic

    transaction.on_commit(lambda: report_render_task.delay(report.pk))
    return report


def _progress(report: Report, status: str, progress: int) -> None:
    Report.objects.filter(pk=report.pk).update(status=status, progress=progress, updated_at=timezone.now())


def report_context(*, report: Report) -> dict:
    target = report.target
    result = target_score(target=target)
    rows = result.result.indicators if result.result else {}  # the stored version (scoring.selectors)
    indicator_rows = [
        {
            "code": code,
            "dimension": (result.result.dimensions.get(rows[code]["dimension"], {}).get("name")
                          or DIMENSION_NAMES.get(code.split("_")[0], "")),
            "name": rows[code]["name"],
            "score": 100 * value,
        }
        for code, value in sorted(result.indicator_scores.items())
    ]
    chart = bar_chart_svg([Bar(f"{row['dimension']}·{row['name']}", row["score"]) for row in indicator_rows])
    return {
        "report": report,
        "campaign": target.campaign,
        "unit": target.unit,
        "result": result,
        "indicator_rows": indicator_rows,
        "chart_svg": chart,
        "generated_at": timezone.localtime(),
    }


def report_render(*, report_id: int) -> Report:
    report = Report.objects.select_related("target__campaign", "target__unit").get(pk=report_id)
    if report.status == Report.Status.READY:  # redelivery or a double click: nothing to do
        return report
    _progress(report, Report.Status.RENDERING, 10)
    try:
        html = render_to_string("reports/pdf/unit.html", report_context(report=report))
        _progress(report, Report.Status.RENDERING, 40)
        pdf = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    except Exception as exc:
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=repr(exc)[:2000])
        raise
    _progress(report, Report.Status.RENDERING, 90)
    if report.file:
        report.file.delete(save=False)
    report.file.save(f"report-{report.pk}.pdf", ContentFile(pdf), save=False)
    report.status, report.progress, report.error, report.rendered_at = Report.Status.READY, 100, "", timezone.now()
    report.save(update_fields=["file", "status", "progress", "error", "rendered_at", "updated_at"])
    return report
